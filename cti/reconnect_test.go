package cti

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/cti/event"
)

// TestCallSurvivesWebSocketDrop drops the events connection in the middle of a bridged call
// and changes the call while no client is connected. After the reconnect the reconcile must
// report exactly what changed, and later events must follow without repeats.
func TestCallSurvivesWebSocketDrop(t *testing.T) {
	sim := startSim(t)
	cfg := sim.config("pbx1")
	// The first reconnect attempt waits at least 500 ms, long enough to change the call
	// deterministically while no client is connected.
	cfg.ReconnectMin = time.Second
	cfg.ReconnectMax = 2 * time.Second
	h := startManager(t, cfg)
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	customer := arriveCall(t, sim, h, "79169990011", "inbound", "support")
	if err := s.Answer(ctx, customer); err != nil {
		t.Fatalf("answer: %v", err)
	}

	agent, err := s.Originate(ctx, OriginateRequest{Endpoint: "Local/1001@test-answer", Args: []string{"agent", "1001", customer}})
	if err != nil {
		t.Fatalf("originate agent: %v", err)
	}
	supervisor, err := s.Originate(ctx, OriginateRequest{Endpoint: "Local/1003@test-answer", Args: []string{"supervisor", "1003"}})
	if err != nil {
		t.Fatalf("originate supervisor: %v", err)
	}
	ringing, err := s.Originate(ctx, OriginateRequest{Endpoint: "Local/1004@sim-noanswer", Timeout: time.Minute, Args: []string{"agent", "1004"}})
	if err != nil {
		t.Fatalf("originate ringing agent: %v", err)
	}
	h.rec.waitFor(t, 0, "agent answered", isEvent[event.OriginateResult](agent))
	h.rec.waitFor(t, 0, "supervisor answered", isEvent[event.OriginateResult](supervisor))
	h.rec.waitFor(t, 0, "third agent ringing", isEvent[event.Ringing](ringing))

	bridge, err := s.CreateBridge(ctx, "call-"+customer)
	if err != nil {
		t.Fatalf("create bridge: %v", err)
	}
	for _, id := range []string{customer, agent} {
		if err := s.AddToBridge(ctx, bridge, id); err != nil {
			t.Fatalf("add %s: %v", id, err)
		}
		h.rec.waitFor(t, 0, "entered "+id, isEvent[event.ChannelEnteredBridge](id))
	}

	before := h.rec.len()
	if n := sim.sim.DropWebSockets(); n != 1 {
		t.Fatalf("dropped %d connections, want 1", n)
	}

	// While disconnected: the agent hangs up (leaving the bridge), the ringing leg gives up,
	// the supervisor is answered long ago and stays, and a new call fails Stasis as in
	// Asterisk because no client is connected.
	if err := sim.sim.Hangup(agent, 16); err != nil {
		t.Fatalf("agent hangs up: %v", err)
	}
	if err := sim.sim.Hangup(ringing, 17); err != nil {
		t.Fatalf("ringing agent declines: %v", err)
	}
	if _, err := sim.sim.ArriveCall(arisim.Call{CallerNumber: "79160000000", Dialed: "100", App: "crm", Args: []string{"inbound", "support"}}); !errors.Is(err, arisim.ErrStasisFailed) {
		t.Fatalf("call during the gap: error %v, want ErrStasisFailed", err)
	}

	h.rec.waitFor(t, before, "disconnected", func(e event.Event) bool {
		c, ok := e.(event.ConnectionState)
		return ok && !c.Connected
	})
	_, reconnected := h.rec.waitFor(t, before, "reconnected", func(e event.Event) bool {
		c, ok := e.(event.ConnectionState)
		return ok && c.Connected
	})
	h.rec.waitFor(t, reconnected, "agent HungUp", isEvent[event.HungUp](agent))

	gap := h.rec.snapshot()[reconnected+1:]
	var got []string
	for _, e := range gap {
		got = append(got, render(e))
	}

	want := []string{
		"ChannelLeftBridge " + agent + " " + bridge,
		"OriginateResult " + ringing + " failed",
		"HungUp " + ringing + " missed",
		"LeftApplication " + agent,
		"HungUp " + agent + " missed",
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("reconcile did not report %q; got:\n%s", w, strings.Join(got, "\n"))
		}
	}

	for _, e := range gap {
		if id := e.EventMeta().ChannelID; id == customer || id == supervisor {
			t.Errorf("reconcile repeated an event of a call that did not change: %s", render(e))
		}
	}

	// The call goes on after the reconnect.
	mark := h.rec.len()
	if err := sim.sim.SendDTMF(customer, "7"); err != nil {
		t.Fatalf("simulate DTMF: %v", err)
	}
	h.rec.waitFor(t, mark, "DTMF after reconnect", isEvent[event.DTMF](customer))

	if err := s.AddToBridge(ctx, bridge, supervisor); err != nil {
		t.Fatalf("add supervisor after reconnect: %v", err)
	}
	h.rec.waitFor(t, mark, "supervisor entered", isEvent[event.ChannelEnteredBridge](supervisor))

	if err := sim.sim.Hangup(customer, 16); err != nil {
		t.Fatalf("customer hangs up: %v", err)
	}
	e, _ := h.rec.waitFor(t, mark, "customer HungUp", isEvent[event.HungUp](customer))
	if hu := e.(event.HungUp); hu.Cause != 16 || hu.Missed {
		t.Errorf("customer HungUp = %+v, want cause 16 from ChannelDestroyed", hu)
	}

	assertNoRepeats(t, h.rec.snapshot())
}

// render prints the parts of an event the reconnect test compares.
func render(e event.Event) string {
	m := e.EventMeta()
	switch e := e.(type) {
	case event.ChannelLeftBridge:
		return "ChannelLeftBridge " + m.ChannelID + " " + e.BridgeID
	case event.ChannelEnteredBridge:
		return "ChannelEnteredBridge " + m.ChannelID + " " + e.BridgeID
	case event.OriginateResult:
		return "OriginateResult " + m.ChannelID + " " + string(e.Status)
	case event.HungUp:
		if e.Missed {
			return "HungUp " + m.ChannelID + " missed"
		}
		return "HungUp " + m.ChannelID
	case event.LeftApplication:
		return "LeftApplication " + m.ChannelID
	case event.CallArrived:
		return "CallArrived " + m.ChannelID
	case event.Answered:
		return "Answered " + m.ChannelID
	}

	return strings.TrimPrefix(strings.Split(describe([]event.Event{e}), " ")[1], "event.") + " " + m.ChannelID
}

// TestRESTResponseAfterEvents delays the responses of originate and snoop requests so that
// the channels' events, up to the leg answering, arrive before the response. The events must
// still be attributed to the request's channel.
func TestRESTResponseAfterEvents(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	customer := arriveCall(t, sim, h, "79160001122", "inbound", "support")
	if err := s.Answer(ctx, customer); err != nil {
		t.Fatalf("answer: %v", err)
	}

	if err := sim.sim.DelayREST("POST /ari/channels", time.Second); err != nil {
		t.Fatal(err)
	}
	if err := sim.sim.DelayREST("POST /ari/channels/*/snoop/*", 500*time.Millisecond); err != nil {
		t.Fatal(err)
	}

	agent, err := s.Originate(ctx, OriginateRequest{Endpoint: "Local/1001@test-answer", Args: []string{"agent", "1001", customer}})
	if err != nil {
		t.Fatalf("originate: %v", err)
	}
	returned := h.rec.len()

	e, at := h.rec.waitFor(t, 0, "agent OriginateResult", isEvent[event.OriginateResult](agent))
	if at >= returned {
		t.Fatalf("the leg's answer (event %d) came after the REST response (%d events); the delay did not take effect", at, returned)
	}
	if r := e.(event.OriginateResult); r.Status != event.OriginateAnswered {
		t.Errorf("OriginateResult = %+v", r)
	}
	e, _ = h.rec.waitFor(t, 0, "agent CallArrived", isEvent[event.CallArrived](agent))
	if !e.(event.CallArrived).Originated {
		t.Error("a leg whose events preceded the originate response is not marked as originated")
	}

	snoop, err := s.Listen(ctx, customer, "snoop", "listen", customer)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	returned = h.rec.len()
	e, at = h.rec.waitFor(t, 0, "snoop CallArrived", isEvent[event.CallArrived](snoop))
	if at >= returned {
		t.Errorf("snoop StasisStart (event %d) came after the response (%d events)", at, returned)
	}
	if !e.(event.CallArrived).Originated {
		t.Error("snoop is not marked as created through cti")
	}

	assertNoRepeats(t, h.rec.snapshot())
}

// TestApplicationReplaced connects a second client for the same application: the first one
// gets ApplicationReplaced, reports it and does not take the application back.
func TestApplicationReplaced(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")

	url := "ws" + strings.TrimPrefix(sim.http.URL, "http") + "/ari/events?app=crm&subscribeAll=true"
	header := http.Header{}
	req, _ := http.NewRequest(http.MethodGet, sim.http.URL, nil)
	req.SetBasicAuth("switchboard", testPassword)
	header.Set("Authorization", req.Header.Get("Authorization"))

	other, _, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		t.Fatalf("second client: %v", err)
	}
	defer other.Close()

	e, _ := h.rec.waitFor(t, 0, "replaced", func(e event.Event) bool {
		c, ok := e.(event.ConnectionState)
		return ok && c.Replaced
	})
	if c := e.(event.ConnectionState); c.Connected || c.Server != "pbx1" {
		t.Errorf("ConnectionState = %+v", c)
	}

	time.Sleep(300 * time.Millisecond)
	if s.Connected() || !s.Replaced() {
		t.Errorf("after the replacement Connected() = %t and Replaced() = %t, want false and true", s.Connected(), s.Replaced())
	}

	// The second client keeps the application: calls reach it, not the replaced server.
	if _, err := sim.sim.ArriveCall(arisim.Call{CallerNumber: "79161234567", Dialed: "100", App: "crm", Args: []string{"inbound"}}); err != nil {
		t.Fatalf("call after replacement: %v", err)
	}
	if err := other.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	for {
		_, raw, err := other.ReadMessage()
		if err != nil {
			t.Fatalf("second client read: %v", err)
		}
		if strings.Contains(string(raw), `"StasisStart"`) {
			break
		}
	}

	for _, e := range h.rec.snapshot() {
		if _, ok := e.(event.CallArrived); ok {
			t.Errorf("replaced server still translated a call: %+v", e)
		}
	}
}

// TestSeveralServers runs two simulators at once: each call is reported with its server's
// name and controlled through that server. Both simulators number channels the same way, as
// two Asterisk servers started in the same second do, so the ids collide and only the server
// name tells the calls apart.
func TestSeveralServers(t *testing.T) {
	first, second := startSim(t), startSim(t)
	h := startManager(t, first.config("pbx1"), second.config("pbx2"))
	ctx := testContext(t)

	arrivedOn := func(server, id string) func(event.Event) bool {
		return func(e event.Event) bool {
			_, ok := e.(event.CallArrived)
			return ok && e.EventMeta().Server == server && e.EventMeta().ChannelID == id
		}
	}

	a, err := first.sim.ArriveCall(arisim.Call{CallerNumber: "79160000001", Dialed: "100", App: "crm", Args: []string{"inbound", "support"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := second.sim.ArriveCall(arisim.Call{CallerNumber: "79160000002", Dialed: "200", App: "crm", Args: []string{"inbound", "sales"}})
	if err != nil {
		t.Fatal(err)
	}

	e, _ := h.rec.waitFor(t, 0, "CallArrived on pbx1", arrivedOn("pbx1", a))
	if got := e.(event.CallArrived).CallerNumber; got != "79160000001" {
		t.Errorf("pbx1 call caller = %q", got)
	}
	e, _ = h.rec.waitFor(t, 0, "CallArrived on pbx2", arrivedOn("pbx2", b))
	if got := e.(event.CallArrived).CallerNumber; got != "79160000002" {
		t.Errorf("pbx2 call caller = %q", got)
	}

	if err := first.sim.Hangup(a, 16); err != nil {
		t.Fatal(err)
	}
	h.rec.waitFor(t, 0, "HungUp on pbx1", func(e event.Event) bool {
		_, ok := e.(event.HungUp)
		return ok && e.EventMeta().Server == "pbx1"
	})

	if err := h.server(t, "pbx2").Answer(ctx, b); err != nil {
		t.Fatalf("answer on pbx2: %v", err)
	}
	if b == a {
		if err := h.server(t, "pbx1").Answer(ctx, b); !errors.Is(err, ErrNotFound) {
			t.Errorf("answer of the pbx2 call through pbx1: error %v, want ErrNotFound", err)
		}
	}

	for _, e := range h.rec.snapshot() {
		if _, ok := e.(event.HungUp); ok && e.EventMeta().Server == "pbx2" {
			t.Errorf("hang-up on pbx1 reported for pbx2: %+v", e)
		}
	}

	if got := len(h.manager.Servers()); got != 2 {
		t.Errorf("Servers() has %d entries, want 2", got)
	}
	if _, err := h.manager.Add(first.config("pbx3")); err == nil {
		t.Error("Add after Run succeeded")
	}
}

func TestWrongPasswordRetries(t *testing.T) {
	sim := startSim(t)
	cfg := sim.config("pbx1")
	cfg.Password = "wrong"

	m, err := NewManager(ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Add(cfg)
	if err != nil {
		t.Fatal(err)
	}

	ctx := testContext(t)
	if err := s.Answer(ctx, "1796413948.1"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("request with a wrong password: error %v, want ErrUnavailable (401)", err)
	}

	established, err := s.session(ctx)
	if established || err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("session = %t, %v; want a failed connect naming status 401", established, err)
	}
}

func TestManagerAddValidates(t *testing.T) {
	m, err := NewManager(ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := m.Add(ServerConfig{Name: "pbx1"}); err == nil {
		t.Error("Add accepted a server without URL and credentials")
	}

	cfg := validConfig()
	if _, err := m.Add(cfg); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if _, err := m.Add(cfg); err == nil {
		t.Error("Add accepted a duplicate server name")
	}
}

// TestRunLeavesNoGoroutines checks that every goroutine a Manager starts, including the
// WebSocket reader and pinger and a blind transfer's worker, ends when Run returns.
func TestRunLeavesNoGoroutines(t *testing.T) {
	sim := startSim(t)
	baseline := runtime.NumGoroutine()

	m, err := NewManager(ManagerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Add(sim.config("pbx1"))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		_ = m.Run(ctx)
	}()

	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		for {
			select {
			case <-m.Events():
			case <-runDone:
				return
			}
		}
	}()

	deadline := time.Now().Add(5 * time.Second)
	for !s.Connected() {
		if time.Now().After(deadline) {
			t.Fatal("not connected within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}

	customer, err := sim.sim.ArriveCall(arisim.Call{CallerNumber: "79160000000", Dialed: "100", App: "crm", Args: []string{"inbound"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Answer(ctx, customer); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransferToEndpoint(ctx, customer, OriginateRequest{Endpoint: "Local/1001@test-answer"}); err != nil {
		t.Fatal(err)
	}
	sim.sim.DropWebSockets()
	time.Sleep(300 * time.Millisecond)

	cancel()
	<-runDone
	<-consumed
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()

	for deadline := time.Now().Add(3 * time.Second); runtime.NumGoroutine() > baseline; {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after Run returned, %d before it started:\n%s",
				runtime.NumGoroutine(), baseline, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBridgeEventsTwiceAfterReconnect makes the simulator send every bridge event twice after a
// reconnect, as Asterisk 22 can: each membership change must reach routing once.
func TestBridgeEventsTwiceAfterReconnect(t *testing.T) {
	sim := startSimWith(t, func(o *arisim.Options) { o.DuplicateBridgeEventsAfterReconnect = true })
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	customer := arriveCall(t, sim, h, "79154443322", "inbound", "support")
	if err := s.Answer(ctx, customer); err != nil {
		t.Fatalf("answer: %v", err)
	}
	bridge, err := s.CreateBridge(ctx, "call-"+customer)
	if err != nil {
		t.Fatalf("create bridge: %v", err)
	}

	before := h.rec.len()
	sim.sim.DropWebSockets()
	_, reconnected := h.rec.waitFor(t, before, "reconnected", func(e event.Event) bool {
		c, ok := e.(event.ConnectionState)
		return ok && c.Connected
	})

	for range 2 {
		if err := s.AddToBridge(ctx, bridge, customer); err != nil {
			t.Fatalf("add: %v", err)
		}
		h.rec.waitFor(t, reconnected, "entered", isEvent[event.ChannelEnteredBridge](customer))
		if err := s.RemoveFromBridge(ctx, bridge, customer); err != nil {
			t.Fatalf("remove: %v", err)
		}
		h.rec.waitFor(t, reconnected, "left", isEvent[event.ChannelLeftBridge](customer))
	}
	if err := s.Hangup(ctx, customer, ReasonNormal); err != nil {
		t.Fatalf("hangup: %v", err)
	}
	h.rec.waitFor(t, reconnected, "HungUp", isEvent[event.HungUp](customer))

	var changes []string
	for _, e := range h.rec.snapshot()[reconnected:] {
		switch e.(type) {
		case event.ChannelEnteredBridge:
			changes = append(changes, "entered")
		case event.ChannelLeftBridge:
			changes = append(changes, "left")
		}
	}

	if got := strings.Join(changes, " "); got != "entered left entered left" {
		t.Errorf("bridge changes after the reconnect = %q, want each once: entered left entered left", got)
	}

	server, _ := h.manager.Server("pbx1")
	if raw := counterValue(t, server.metrics.ariEvents.WithLabelValues("pbx1", "ChannelEnteredBridge")); raw < 4 {
		t.Errorf("the simulator sent %v ChannelEnteredBridge messages, want each of the 2 twice", raw)
	}
}

// TestRestartAdoptsCalls stops one Manager in the middle of a bridged call and starts another,
// as a standby taking over would: the new one must learn the call, its legs and their bridge
// from ARI, with their Stasis arguments, and destroy the empty bridge left behind.
func TestRestartAdoptsCalls(t *testing.T) {
	sim := startSim(t)
	ctx := testContext(t)

	var customer, agent, bridge, leftover string
	t.Run("first manager", func(t *testing.T) {
		h := startManager(t, sim.config("pbx1"))
		s := h.server(t, "pbx1")

		customer = arriveCall(t, sim, h, "79161234567", "inbound", "support")
		if err := s.Answer(ctx, customer); err != nil {
			t.Fatalf("answer: %v", err)
		}
		var err error
		agent, err = s.Originate(ctx, OriginateRequest{Endpoint: "Local/1001@test-answer", Args: []string{"agent", "1001", customer}})
		if err != nil {
			t.Fatalf("originate: %v", err)
		}
		h.rec.waitFor(t, 0, "agent answered", isEvent[event.OriginateResult](agent))

		bridge, err = s.CreateBridge(ctx, "call-"+customer)
		if err != nil {
			t.Fatalf("create bridge: %v", err)
		}
		for _, id := range []string{customer, agent} {
			if err := s.AddToBridge(ctx, bridge, id); err != nil {
				t.Fatalf("add: %v", err)
			}
		}
		leftover, err = s.CreateBridge(ctx, "left-over")
		if err != nil {
			t.Fatalf("create bridge: %v", err)
		}
	})

	h := startManager(t, sim.config("pbx1"))
	for id, args := range map[string][]string{customer: {"inbound", "support"}, agent: {"agent", "1001", customer}} {
		e, _ := h.rec.waitFor(t, 0, "adopted "+id, isEvent[event.CallArrived](id))
		if a := e.(event.CallArrived); !a.Adopted || a.State != "Up" || !slices.Equal(a.Args, args) {
			t.Errorf("adopted CallArrived = %+v, want state Up and args %v", a, args)
		}
		h.rec.waitFor(t, 0, "Answered "+id, isEvent[event.Answered](id))
		e, _ = h.rec.waitFor(t, 0, "entered "+id, isEvent[event.ChannelEnteredBridge](id))
		if e.(event.ChannelEnteredBridge).BridgeID != bridge {
			t.Errorf("%s adopted in bridge %s, want %s", id, e.(event.ChannelEnteredBridge).BridgeID, bridge)
		}
	}

	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, exists := simBridge(sim, leftover); !exists {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the empty left-over bridge was not destroyed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, exists := simBridge(sim, bridge); !exists {
		t.Error("the bridge of the live call was destroyed")
	}

	// The adopted call is controlled as any other.
	s := h.server(t, "pbx1")
	if err := s.Hangup(ctx, agent, ReasonNormal); err != nil {
		t.Fatalf("hang up adopted agent: %v", err)
	}
	e, _ := h.rec.waitFor(t, 0, "agent HungUp", isEvent[event.HungUp](agent))
	if e.(event.HungUp).Missed {
		t.Error("a hang-up seen live is marked as missed")
	}

	assertNoRepeats(t, h.rec.snapshot())
}
