package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/apitest"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/api/ws"
)

func TestWebSocketRejectsUnauthenticated(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())

	tests := []struct {
		name   string
		cookie *http.Cookie
	}{
		{name: "no cookie"},
		{name: "unknown session", cookie: &http.Cookie{Name: "switchboard_session", Value: strings.Repeat("A", 43)}},
		{name: "oversized cookie", cookie: &http.Cookie{Name: "switchboard_session", Value: strings.Repeat("A", 500)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, resp, err := h.dialRaw(t, nil, tt.cookie, testOrigin)
			if !errors.Is(err, websocket.ErrBadHandshake) {
				t.Fatalf("dial error = %v, want ErrBadHandshake", err)
			}
			if conn != nil {
				t.Fatal("dial returned a connection")
			}
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", resp.StatusCode)
			}
		})
	}
	if n := h.srv.Hub().Clients(); n != 0 {
		t.Errorf("hub has %d clients, want 0", n)
	}
}

func TestWebSocketRejectsForeignOrigin(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")

	for _, origin := range []string{"http://evil.test", "", "null", "https://desk.test"} {
		t.Run("origin "+origin, func(t *testing.T) {
			_, resp, err := h.dialRaw(t, nil, cookie, origin)
			if !errors.Is(err, websocket.ErrBadHandshake) {
				t.Fatalf("dial error = %v, want ErrBadHandshake", err)
			}
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status = %d, want 403", resp.StatusCode)
			}
		})
	}
}

func TestWebSocketRejectsRoleWithoutDesk(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())

	_, resp, err := h.dialRaw(t, nil, h.login(t, "market1"), testOrigin)
	if !errors.Is(err, websocket.ErrBadHandshake) {
		t.Fatalf("dial error = %v, want ErrBadHandshake", err)
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status = %d, want 403", resp.StatusCode)
	}
}

func TestMalformedFramesGetErrors(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	conn, _ := h.dial(t, h.login(t, "agent1"))

	tests := []struct {
		name     string
		frame    string
		wantCode string
		wantID   string
	}{
		{name: "not JSON", frame: `hello?`, wantCode: protocol.CodeBadJSON},
		{name: "truncated JSON", frame: `{"v":1,"type":"ping"`, wantCode: protocol.CodeBadJSON},
		{name: "JSON array", frame: `[{"v":1}]`, wantCode: protocol.CodeBadJSON},
		{name: "unknown type", frame: `{"v":1,"type":"call.teleport","id":"u1"}`, wantCode: protocol.CodeUnknownType, wantID: "u1"},
		{name: "old version", frame: `{"v":0,"type":"ping","id":"v0"}`, wantCode: protocol.CodeUnsupportedVersion, wantID: "v0"},
		{name: "missing field", frame: `{"v":1,"type":"call.answer","id":"m1","data":{}}`, wantCode: protocol.CodeInvalidRequest, wantID: "m1"},
		{name: "wrong field type", frame: `{"v":1,"type":"call.answer","id":"w1","data":{"call_id":7}}`, wantCode: protocol.CodeInvalidRequest, wantID: "w1"},
		{name: "invalid UTF-8", frame: "{\"v\":1,\"type\":\"ping\",\"id\":\"\xff\xfe\"", wantCode: protocol.CodeBadJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			send(t, conn, tt.frame)
			readError(t, conn, tt.wantCode, tt.wantID)
		})
	}

	t.Run("binary frame", func(t *testing.T) {
		if err := conn.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3}); err != nil {
			t.Fatalf("send binary: %v", err)
		}
		readError(t, conn, protocol.CodeBadJSON, "")
	})

	// The connection survived all of it.
	send(t, conn, `{"v":1,"type":"ping","id":"after"}`)
	if env := readFrame(t, conn); env.Type != protocol.TypePong || env.ID != "after" {
		t.Fatalf("after bad frames got %q id %q, want pong id after", env.Type, env.ID)
	}
	if len(h.desk.Commands()) != 0 {
		t.Errorf("bad frames reached the desk: %+v", h.desk.Commands())
	}
}

func TestErrorFrameInUserLocale(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())

	ru, _ := h.dial(t, h.login(t, "agent1"))
	en, _ := h.dial(t, h.login(t, "agent2"))

	send(t, ru, `{"v":1,"type":"nope","id":"1"}`)
	send(t, en, `{"v":1,"type":"nope","id":"1"}`)

	if e := readError(t, ru, protocol.CodeUnknownType, "1"); e.Message != "Неизвестная команда. Обновите страницу." {
		t.Errorf("Russian user got %q", e.Message)
	}
	if e := readError(t, en, protocol.CodeUnknownType, "1"); e.Message != "Unknown command. Reload the page." {
		t.Errorf("English user got %q", e.Message)
	}
}

func TestOversizedFrameClosesWith1009(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")
	bystander, _ := h.dial(t, cookie)

	t.Run("frame at the limit is accepted", func(t *testing.T) {
		conn, _ := h.dial(t, cookie)
		frame := `{"v":1,"type":"ping","id":"edge"}`
		frame += strings.Repeat(" ", ws.DefaultMaxFrameBytes-len(frame))
		send(t, conn, frame)
		if env := readFrame(t, conn); env.Type != protocol.TypePong || env.ID != "edge" {
			t.Fatalf("got %q id %q, want pong id edge", env.Type, env.ID)
		}
	})

	for _, size := range []int{ws.DefaultMaxFrameBytes + 1, 4 * ws.DefaultMaxFrameBytes} {
		t.Run("frame of "+itoa(size)+" bytes", func(t *testing.T) {
			conn, _ := h.dial(t, cookie)
			frame := `{"v":1,"type":"ping","id":"big","data":{"pad":"` + strings.Repeat("x", size) + `"}}`
			send(t, conn, frame[:size])

			readError(t, conn, protocol.CodeTooLarge, "")
			_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
			_, data, err := conn.ReadMessage()
			if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
				t.Fatalf("after the error frame got %s, %v; want close 1009", shorten(string(data)), err)
			}
		})
	}

	// A client that goes on sending megabytes after the 1009 is cut off; its writes may
	// fail with a reset. The server must only stay healthy.
	t.Run("frame of 64 times the limit", func(t *testing.T) {
		conn, _ := h.dial(t, cookie)
		_ = conn.SetWriteDeadline(time.Now().Add(3 * time.Second))
		_ = conn.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x", 64*ws.DefaultMaxFrameBytes)))

		_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				var ne interface{ Timeout() bool }
				if errors.As(err, &ne) && ne.Timeout() {
					t.Fatalf("connection still open 3 s after a 4 MiB frame")
				}
				break
			}
		}
	})

	// The server and the other connection are unaffected.
	send(t, bystander, `{"v":1,"type":"ping","id":"still"}`)
	if env := readFrame(t, bystander); env.Type != protocol.TypePong {
		t.Fatalf("bystander got %q, want pong", env.Type)
	}
	if got := metricValue(t, h.reg, "switchboard_ws_frames_rejected_total", map[string]string{"reason": "too_large"}); got < 2 {
		t.Errorf("frames rejected as too large = %v, want at least 2", got)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestHeartbeatDropsSilentClient(t *testing.T) {
	checkNoGoroutineLeak(t)
	opts := testOptions()
	opts.PongWait = time.Second
	h := newHarness(t, opts)
	cookie := h.login(t, "agent1")

	silent, _ := h.dial(t, cookie) // never reads again, so it sends no pong
	live, _ := h.dial(t, cookie)

	pings := make(chan struct{}, 100)
	live.SetPingHandler(func(data string) error {
		pings <- struct{}{}
		return live.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	liveErr := make(chan error, 1)
	liveFrames := make(chan protocol.Envelope, 10)
	go func() {
		for {
			_, data, err := live.ReadMessage()
			if err != nil {
				liveErr <- err
				return
			}
			var env protocol.Envelope
			_ = json.Unmarshal(data, &env)
			liveFrames <- env
		}
	}()

	deadline := time.Now().Add(4 * time.Second)
	for h.srv.Hub().Clients() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("silent client not dropped: %d clients after 4 s, want 1", h.srv.Hub().Clients())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(pings) < 3 {
		t.Errorf("live client got %d pings in over a second, want at least 3 at a 200 ms interval", len(pings))
	}

	// The live client is still served.
	if _, err := h.srv.Hub().PublishCallEnded("agent1", protocol.CallEnded{CallID: "c9", Reason: protocol.EndCallerHangup}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	select {
	case env := <-liveFrames:
		if env.Type != protocol.TypeCallEnded {
			t.Errorf("live client got %q, want call.ended", env.Type)
		}
	case err := <-liveErr:
		t.Fatalf("live client connection ended: %v", err)
	case <-time.After(2 * time.Second):
		t.Fatal("live client got nothing within 2 s")
	}

	_ = silent.SetReadDeadline(time.Now().Add(2 * time.Second))
	for {
		if _, _, err := silent.ReadMessage(); err != nil {
			break // the server has closed it; any buffered frames came first
		}
	}
	live.Close()
	<-liveErr
}

func TestServerCloseEndsWebSockets(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")
	conn, _ := h.dial(t, cookie)

	closed := make(chan error, 1)
	go func() {
		_, _, err := conn.ReadMessage()
		closed <- err
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := h.srv.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}

	select {
	case err := <-closed:
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Errorf("client read error = %v, want close 1001", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("client not closed within 2 s of Close")
	}

	if _, resp, err := h.dialRaw(t, nil, cookie, testOrigin); err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Errorf("dial after Close: error %v status %d, want 503", err, status)
	}
}

func TestCommandsOverWebSocket(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	h.contacts.Put(protocol.Card{ContactID: "k1", Name: "ООО Ромашка", Phones: []protocol.Phone{{Number: "+74950000001"}}}, nil)
	conn, _ := h.dial(t, h.login(t, "agent1"))

	tests := []struct {
		frame      string
		wantMethod string
		wantCall   string
	}{
		{`{"v":1,"type":"agent.set_status","id":"1","data":{"status":"paused","reason":"lunch"}}`, "SetStatus", ""},
		{`{"v":1,"type":"call.answer","id":"2","data":{"call_id":"c1"}}`, "Answer", "c1"},
		{`{"v":1,"type":"call.hold","id":"3","data":{"call_id":"c1"}}`, "Hold", "c1"},
		{`{"v":1,"type":"call.unhold","id":"4","data":{"call_id":"c1"}}`, "Unhold", "c1"},
		{`{"v":1,"type":"call.transfer","id":"5","data":{"call_id":"c1","queue":"sales"}}`, "Transfer", "c1"},
		{`{"v":1,"type":"call.hangup","id":"6","data":{"call_id":"c1"}}`, "Hangup", "c1"},
		{`{"v":1,"type":"call.disposition","id":"7","data":{"call_id":"c1","code":"sale","note":"доволен"}}`, "SaveDisposition", "c1"},
	}
	for _, tt := range tests {
		send(t, conn, tt.frame)
		env := readFrame(t, conn)
		if env.Type != protocol.TypeAck {
			t.Fatalf("reply to %s = %q %s, want ack", tt.frame, env.Type, env.Data)
		}
		select {
		case c := <-h.desk.Called():
			if c.Method != tt.wantMethod || c.AgentID != "agent1" || c.CallID != tt.wantCall {
				t.Errorf("desk got %s(%s, %s), want %s(agent1, %s)", c.Method, c.AgentID, c.CallID, tt.wantMethod, tt.wantCall)
			}
		default:
			t.Errorf("ack for %s without a desk call", tt.frame)
		}
	}

	t.Run("contact card in ack", func(t *testing.T) {
		send(t, conn, `{"v":1,"type":"contact.get","id":"g","data":{"contact_id":"k1"}}`)
		env := readFrame(t, conn)
		var card protocol.Card
		if err := json.Unmarshal(env.Data, &card); err != nil || env.Type != protocol.TypeAck || env.ID != "g" {
			t.Fatalf("reply = %q id %q %s, want ack id g with a card", env.Type, env.ID, env.Data)
		}
		if card.Name != "ООО Ромашка" {
			t.Errorf("card name = %q", card.Name)
		}
	})

	t.Run("missing contact", func(t *testing.T) {
		send(t, conn, `{"v":1,"type":"contact.get","id":"g2","data":{"contact_id":"nobody"}}`)
		readError(t, conn, protocol.CodeNotFound, "g2")
	})

	t.Run("create contact from unknown caller", func(t *testing.T) {
		send(t, conn, `{"v":1,"type":"contact.create","id":"n","data":{"call_id":"c1","name":"Пётр","phones":[{"number":"+79990001122"}]}}`)
		env := readFrame(t, conn)
		var card protocol.Card
		if err := json.Unmarshal(env.Data, &card); err != nil || env.Type != protocol.TypeAck {
			t.Fatalf("reply = %q %s, want ack with a card", env.Type, env.Data)
		}
		if card.ContactID == "" || card.Name != "Пётр" {
			t.Errorf("created card = %+v", card)
		}
	})

	t.Run("desk conflict", func(t *testing.T) {
		h.desk.SetError(errors.Join(errors.New("call c1 already answered"), api.ErrConflict))
		defer h.desk.SetError(nil)
		send(t, conn, `{"v":1,"type":"call.answer","id":"late","data":{"call_id":"c1"}}`)
		e := readError(t, conn, protocol.CodeConflict, "late")
		if strings.Contains(e.Message, "already answered") || strings.Contains(e.Detail, "already answered") {
			t.Errorf("error frame leaks the backend error text: %+v", e)
		}
	})

	t.Run("desk failure", func(t *testing.T) {
		h.desk.SetError(errors.New("routing engine stopped"))
		defer h.desk.SetError(nil)
		send(t, conn, `{"v":1,"type":"call.hangup","id":"f","data":{"call_id":"c1"}}`)
		readError(t, conn, protocol.CodeInternal, "f")
	})
}

func TestSupervisorCannotSendAgentCommands(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	conn, hello := h.dial(t, h.login(t, "super1"))

	if hello.Agent != nil {
		t.Errorf("supervisor hello has agent state %+v, want none", hello.Agent)
	}
	send(t, conn, `{"v":1,"type":"call.answer","id":"s1","data":{"call_id":"c1"}}`)
	readError(t, conn, protocol.CodeForbidden, "s1")
	if n := len(h.desk.Commands()); n != 0 {
		t.Errorf("desk got %d commands, want 0", n)
	}
}

func TestAgentStateReachesSupervisors(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	agent, _ := h.dial(t, h.login(t, "agent1"))
	other, _ := h.dial(t, h.login(t, "agent2"))
	super, _ := h.dial(t, h.login(t, "super1"))

	n, err := h.srv.Hub().PublishAgentState(protocol.AgentState{AgentID: "agent1", State: protocol.StatePaused, Reason: "lunch"})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if n != 2 {
		t.Errorf("queued on %d connections, want 2 (the agent and the supervisor)", n)
	}

	for name, conn := range map[string]*websocket.Conn{"agent": agent, "supervisor": super} {
		env := readFrame(t, conn)
		var st protocol.AgentState
		if err := json.Unmarshal(env.Data, &st); err != nil || env.Type != protocol.TypeAgentState || st.Reason != "lunch" {
			t.Errorf("%s got %q %s, want agent.state paused lunch", name, env.Type, env.Data)
		}
	}

	// The other agent got nothing: its next frame is the answer to its own ping.
	send(t, other, `{"v":1,"type":"ping","id":"p"}`)
	if env := readFrame(t, other); env.Type != protocol.TypePong {
		t.Errorf("other agent got %q, want only its pong", env.Type)
	}
}

// ringingOffer returns a screen-pop for a known VIP caller with history and a ticket.
func ringingOffer() protocol.CallOffered {
	return protocol.CallOffered{
		CallID:             "call-42",
		Queue:              "support",
		Caller:             protocol.Caller{Number: "+74951234567", Name: "IVANOVA"},
		WaitSeconds:        37,
		RingTimeoutSeconds: 20,
		OfferedAt:          time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC),
		Contact: &protocol.Card{
			ContactID: "k-7",
			Name:      "Мария Иванова",
			Company:   "ООО Ромашка",
			Phones:    []protocol.Phone{{Number: "+74951234567", Label: "work"}},
			Tags:      []string{"wholesale"},
			VIP:       true,
			Interactions: []protocol.Interaction{{
				ID: "i-1", At: time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC), Channel: "call", Direction: "inbound",
				AgentName: "Анна", Queue: "support", Disposition: "resolved", Note: "Заменили картридж", TalkSeconds: 310,
			}},
			OpenTickets: []protocol.Ticket{{ID: "T-12", Subject: "Счёт за январь", Status: "open", Opened: time.Date(2026, 1, 21, 0, 0, 0, 0, time.UTC)}},
		},
	}
}

func TestTwoTabsAnswerStopsRinging(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	hub := h.srv.Hub()

	// The fake desk plays the routing engine: it announces an accepted answer to every tab of
	// the agent.
	h.desk.OnCommand(func(c apitest.Command) {
		if c.Method == "Answer" {
			if _, err := hub.PublishCallAnswered(c.AgentID, protocol.CallAnswered{CallID: c.CallID, AgentID: c.AgentID, AnsweredAt: time.Now().UTC()}); err != nil {
				t.Errorf("publish answered: %v", err)
			}
		}
	})

	cookie := h.login(t, "agent1")
	tabA, _ := h.dial(t, cookie)
	tabB, _ := h.dial(t, cookie)
	otherAgent, _ := h.dial(t, h.login(t, "agent2"))

	offer := ringingOffer()
	n, err := hub.PublishCallOffered("agent1", offer)
	if err != nil {
		t.Fatalf("publish offer: %v", err)
	}
	if n != 2 {
		t.Fatalf("offer queued on %d connections, want 2", n)
	}

	for name, tab := range map[string]*websocket.Conn{"tab A": tabA, "tab B": tabB} {
		env := readFrame(t, tab)
		if env.Type != protocol.TypeCallOffered {
			t.Fatalf("%s got %q, want call.offered", name, env.Type)
		}
		var got protocol.CallOffered
		if err := json.Unmarshal(env.Data, &got); err != nil {
			t.Fatalf("%s: decode offer: %v", name, err)
		}
		if !jsonEqual(t, got, offer) {
			t.Errorf("%s got offer %+v, want %+v", name, got, offer)
		}
	}

	send(t, tabA, `{"v":1,"type":"call.answer","id":"ans","data":{"call_id":"call-42"}}`)

	// Tab A gets the notification and the ack of its own command; tab B only the
	// notification, which is what stops its ringing.
	gotA := map[string]string{}
	for range 2 {
		env := readFrame(t, tabA)
		gotA[env.Type] = env.ID
	}
	if id, ok := gotA[protocol.TypeAck]; !ok || id != "ans" {
		t.Errorf("tab A frames %v, want an ack with id ans", gotA)
	}
	if _, ok := gotA[protocol.TypeCallAnswered]; !ok {
		t.Errorf("tab A frames %v, want call.answered", gotA)
	}

	env := readFrame(t, tabB)
	if env.Type != protocol.TypeCallAnswered {
		t.Fatalf("tab B got %q, want call.answered", env.Type)
	}
	var answered protocol.CallAnswered
	if err := json.Unmarshal(env.Data, &answered); err != nil || answered.CallID != "call-42" || answered.AgentID != "agent1" {
		t.Errorf("tab B call.answered = %s, want call-42 by agent1", env.Data)
	}

	cmds := h.desk.Commands()
	if len(cmds) != 1 || cmds[0].Method != "Answer" || cmds[0].CallID != "call-42" {
		t.Errorf("desk commands = %+v, want one Answer of call-42", cmds)
	}

	send(t, otherAgent, `{"v":1,"type":"ping","id":"p"}`)
	if env := readFrame(t, otherAgent); env.Type != protocol.TypePong {
		t.Errorf("another agent got %q, want only its pong: the pop leaked", env.Type)
	}
}

func TestReconnectRestoresDesk(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")
	offer := ringingOffer()

	h.state.Set(protocol.AgentState{AgentID: "agent1", State: protocol.StateReserved, Endpoint: "PJSIP/1001"},
		&protocol.CallState{Phase: protocol.PhaseRinging, Offer: offer})

	conn, hello := h.dial(t, cookie)
	if hello.Protocol != protocol.Version || hello.User.ID != "agent1" || hello.User.Name != "Анна" {
		t.Errorf("hello = protocol %d user %+v, want protocol %d agent1 Анна", hello.Protocol, hello.User, protocol.Version)
	}
	if hello.PingIntervalSeconds != 0.2 {
		t.Errorf("hello ping interval = %v s, want 0.2", hello.PingIntervalSeconds)
	}
	if hello.Agent == nil || hello.Agent.State != protocol.StateReserved {
		t.Fatalf("hello agent = %+v, want reserved", hello.Agent)
	}
	if hello.Call == nil || hello.Call.Phase != protocol.PhaseRinging || !jsonEqual(t, hello.Call.Offer, offer) {
		t.Fatalf("hello call = %+v, want the ringing offer", hello.Call)
	}
	conn.Close()

	answeredAt := time.Date(2026, 2, 3, 10, 0, 5, 0, time.UTC)
	h.state.Set(protocol.AgentState{AgentID: "agent1", State: protocol.StateOnCall},
		&protocol.CallState{Phase: protocol.PhaseTalking, Offer: offer, AnsweredAt: &answeredAt})

	_, hello = h.dial(t, cookie)
	if hello.Agent == nil || hello.Agent.State != protocol.StateOnCall {
		t.Fatalf("hello after reconnect agent = %+v, want on_call", hello.Agent)
	}
	if hello.Call == nil || hello.Call.Phase != protocol.PhaseTalking || hello.Call.AnsweredAt == nil || !hello.Call.AnsweredAt.Equal(answeredAt) {
		t.Fatalf("hello after reconnect call = %+v, want talking since %v", hello.Call, answeredAt)
	}

	t.Run("agent unknown to routing is logged out", func(t *testing.T) {
		_, hello := h.dial(t, h.login(t, "agent2"))
		if hello.Agent == nil || hello.Agent.State != protocol.StateLoggedOut || hello.Call != nil {
			t.Errorf("hello = agent %+v call %+v, want logged_out and no call", hello.Agent, hello.Call)
		}
	})
}

func TestNotificationsAfterHello(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	conn, _ := h.dial(t, h.login(t, "agent1"))

	if _, err := h.srv.Hub().PublishWrapupStarted("agent1", protocol.WrapupStarted{CallID: "c1", Until: time.Now().Add(30 * time.Second)}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if _, err := h.srv.Hub().PublishCallHeld("agent1", protocol.CallHeld{CallID: "c1", OnHold: true}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	for _, want := range []string{protocol.TypeWrapupStarted, protocol.TypeCallHeld} {
		if env := readFrame(t, conn); env.Type != want {
			t.Errorf("got %q, want %q (in publish order)", env.Type, want)
		}
	}
}

func jsonEqual(t *testing.T, a, b any) bool {
	t.Helper()

	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(ja) == string(jb)
}
