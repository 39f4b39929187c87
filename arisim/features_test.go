package arisim

import (
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func newManualServer(t *testing.T) (*Server, string, *ManualClock) {
	t.Helper()
	clock := NewManualClock(time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC))
	s, hs := newTestServer(t, Options{Clock: clock})
	return s, hs.URL, clock
}

func TestSecondConnectionReplacesApplication(t *testing.T) {
	s, url, _ := newManualServer(t)
	first := dialEvents(t, url, "app=switchboard")
	first.sync()
	second := dialEvents(t, url, "app=switchboard")
	second.sync()
	first.sync()

	if got := first.typesFor(""); !slices.Equal(got, []string{"ApplicationReplaced"}) {
		t.Fatalf("old connection got %v, want only ApplicationReplaced", got)
	}
	if _, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard"}); err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	second.sync()
	first.sync()
	if got := first.typesFor(""); len(got) != 1 {
		t.Fatalf("old connection got events after being replaced: %v", got)
	}
	if got := second.typesFor(""); !slices.Contains(got, "StasisStart") {
		t.Fatalf("new connection got %v, want a StasisStart", got)
	}
}

func TestWithoutSubscribeAllOnlyOwnChannels(t *testing.T) {
	s, url, _ := newManualServer(t)
	own := dialEvents(t, url, "app=switchboard")
	all := dialEvents(t, url, "app=monitor&subscribeAll=true")
	id, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard", Args: []string{"inbound", "support"}})
	if err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	own.sync()
	all.sync()
	for _, e := range own.snapshot() {
		if ch := eventChannelID(e.body); ch != "" && ch != id {
			t.Errorf("application without subscribeAll got %s of channel %s, not its own %s", e.typ(), ch, id)
		}
		if app := str(e.body, "application"); app != "switchboard" {
			t.Errorf("event application = %q, want switchboard", app)
		}
	}
	if len(all.snapshot()) <= len(own.snapshot()) {
		t.Fatalf("subscribeAll client got %d events, want more than the %d of the channel's own", len(all.snapshot()), len(own.snapshot()))
	}
}

func TestDroppedWebSocketLosesGapEvents(t *testing.T) {
	s, url, _ := newManualServer(t)
	ev := dialEvents(t, url, "app=switchboard&subscribeAll=true")
	id, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard"})
	if err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	ev.sync()
	if n := s.DropWebSockets(); n != 1 {
		t.Fatalf("DropWebSockets closed %d connections, want 1", n)
	}
	select {
	case <-ev.done:
	case <-time.After(5 * time.Second):
		t.Fatal("client still connected after DropWebSockets")
	}

	if err := s.Hangup(id, 16); err != nil {
		t.Fatalf("Hangup during the gap: %v", err)
	}
	again := dialEvents(t, url, "app=switchboard&subscribeAll=true")
	again.sync()
	if got := again.typesFor(""); len(got) != 0 {
		t.Fatalf("reconnected client got %v, want nothing replayed", got)
	}
	if st, body := restCall(t, url, "GET", "/ari/channels/"+id, nil); st != 404 {
		t.Fatalf("GET of the channel that hung up in the gap: %d %s, want 404", st, body)
	}
}

func TestDelayedResponseComesAfterEvents(t *testing.T) {
	s, url, _ := newManualServer(t)
	ev := dialEvents(t, url, "app=switchboard")
	if err := s.DelayREST("POST /ari/channels/create", 300*time.Millisecond); err != nil {
		t.Fatalf("DelayREST: %v", err)
	}
	started := time.Now()
	st, body := restCall(t, url, "POST", "/ari/channels/create", map[string]any{"endpoint": "Local/1001@sim-answer", "app": "switchboard", "channelId": "c1"})
	if st != 200 {
		t.Fatalf("create: %d %s", st, body)
	}
	if elapsed := time.Since(started); elapsed < 300*time.Millisecond {
		t.Fatalf("response after %s, want at least the injected 300ms", elapsed)
	}
	// The events were flushed before the delay began, so they are already readable.
	ev.sync()
	if got := ev.typesFor("c1"); !slices.Contains(got, "StasisStart") {
		t.Fatalf("events of c1 = %v, want StasisStart before the delayed response", got)
	}
}

func TestFailRESTCountsDown(t *testing.T) {
	s, url, _ := newManualServer(t)
	if err := s.FailREST("GET /ari/asterisk/*", 503, 2); err != nil {
		t.Fatalf("FailREST: %v", err)
	}
	for i, want := range []int{503, 503, 200} {
		if st, body := restCall(t, url, "GET", "/ari/asterisk/info", nil); st != want {
			t.Fatalf("call %d: status %d (%s), want %d", i+1, st, body, want)
		}
	}
	if err := s.FailREST("channels", 503, 1); err == nil {
		t.Fatal("FailREST accepted a pattern without a leading slash")
	}
	if err := s.FailREST("/ari/channels", 200, 1); err == nil {
		t.Fatal("FailREST accepted a success status")
	}
}

func TestPhoneAnsweredThroughControlAPI(t *testing.T) {
	s, url, _ := newManualServer(t)
	ev := dialEvents(t, url, "app=switchboard")
	st, body := restCall(t, url, "POST", "/ari/channels", map[string]any{
		"endpoint": "PJSIP/1001", "app": "switchboard", "appArgs": "agent,1001", "channelId": "agent-1", "timeout": 20,
	})
	if st != 200 {
		t.Fatalf("originate to PJSIP/1001: %d %s", st, body)
	}
	ev.sync()
	if got := ev.typesFor("agent-1"); slices.Contains(got, "StasisStart") {
		t.Fatalf("phone in Stasis before it was answered: %v", got)
	}

	st, body = restCall(t, url, "POST", "/control/endpoints/PJSIP/1001/answer", nil)
	if st != 200 || !strings.Contains(string(body), `"agent-1"`) {
		t.Fatalf("control answer: %d %s, want 200 naming agent-1", st, body)
	}
	ev.sync()
	want := []string{"ChannelCreated", "Dial", "Dial", "ChannelStateChange", "ChannelStateChange", "Dial", "StasisStart"}
	if got := ev.keyTypesFor("agent-1"); !slices.Equal(got, want) {
		t.Fatalf("phone events:\n got  %v\n want %v", got, want)
	}
	if _, err := s.AnswerEndpoint("PJSIP/1001"); err == nil {
		t.Fatal("AnswerEndpoint answered a phone that no longer rings")
	}
	if st, body := restCall(t, url, "POST", "/ari/channels", map[string]any{"endpoint": "PJSIP/9999", "app": "switchboard"}); st != 500 || !strings.Contains(string(body), `"error":"Allocation failed"`) {
		t.Fatalf("originate to an unknown PJSIP endpoint: %d %s, want 500 Allocation failed", st, body)
	}
}

func TestRecordingStartsAndStops(t *testing.T) {
	s, url, clock := newManualServer(t)
	ev := dialEvents(t, url, "app=switchboard")
	id, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard"})
	if err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	st, body := restCall(t, url, "POST", "/ari/channels/"+id+"/record", map[string]any{"name": "call-1", "format": "wav"})
	if st != 201 || !strings.Contains(string(body), `"state":"queued"`) {
		t.Fatalf("record: %d %s", st, body)
	}
	if st, _ := restCall(t, url, "POST", "/ari/channels/"+id+"/record", map[string]any{"name": "call-1", "format": "wav"}); st != 409 {
		t.Fatalf("second recording with the same name: %d, want 409", st)
	}
	clock.Advance(5 * time.Second)
	if st, body := restCall(t, url, "POST", "/ari/recordings/live/call-1/stop", nil); st != 204 {
		t.Fatalf("stop: %d %s", st, body)
	}
	ev.sync()
	var finished map[string]any
	for _, e := range ev.snapshot() {
		if e.typ() == "RecordingFinished" {
			finished = e.body
		}
	}
	if finished == nil {
		t.Fatalf("no RecordingFinished in %v", ev.typesFor(""))
	}
	rec := finished["recording"].(map[string]any)
	if rec["state"] != "done" || rec["duration"] != float64(5) {
		data, _ := json.Marshal(rec)
		t.Fatalf("finished recording = %s, want state done and duration 5", data)
	}
}

func TestCloseStopsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	clock := NewManualClock(time.Now())
	s := New(Options{Users: []Credential{{Username: testUser, Password: testPassword}}, Clock: clock})
	for i := 0; i < 3; i++ {
		if _, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "x", AbandonAfter: time.Minute}); err == nil {
			t.Fatal("ArriveCall without a client succeeded")
		}
	}
	s.Close()
	s.Close()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after Close, %d before New", n, before)
	}
}

func TestControlAPIRejectsBadInput(t *testing.T) {
	_, url, _ := newManualServer(t)
	cases := []struct {
		name, path, body string
		want             int
	}{
		{"unknown field", "/control/calls", `{"dialed":"100","app":"switchboard","colour":"red"}`, 400},
		{"truncated body", "/control/calls", `{"dialed":"100"`, 400},
		{"dialled number with slash", "/control/calls", `{"dialed":"1/0","app":"switchboard"}`, 400},
		{"no client for the app", "/control/calls", `{"dialed":"100","app":"switchboard"}`, 409},
		{"unknown channel", "/control/channels/nope/hangup", `{"cause":16}`, 404},
		{"bad digits", "/control/channels/nope/dtmf", `{"digits":"12x"}`, 400},
		{"fault without status or delay", "/control/faults", `{"pattern":"/ari/channels"}`, 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := restCall(t, url, "POST", tc.path, tc.body)
			if st != tc.want {
				t.Fatalf("status %d (%s), want %d", st, body, tc.want)
			}
			if !json.Valid(body) || !strings.Contains(string(body), `"message"`) {
				t.Fatalf("error body %q is not {\"message\": ...}", body)
			}
		})
	}
}

func TestCustomerTalkTimeStartsWhenBridged(t *testing.T) {
	s, url, clock := newManualServer(t)
	ev := dialEvents(t, url, "app=switchboard")
	customer, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard", HangupAfter: 10 * time.Second, AbandonAfter: time.Minute})
	if err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	if st, body := restCall(t, url, "POST", "/ari/channels/"+customer+"/answer", nil); st != 204 {
		t.Fatalf("answer: %d %s", st, body)
	}
	clock.Advance(30 * time.Second)
	if st, body := restCall(t, url, "POST", "/ari/channels/create", map[string]any{"endpoint": "Local/1001@sim-answer", "app": "switchboard", "channelId": "agent"}); st != 200 {
		t.Fatalf("create agent: %d %s", st, body)
	}
	if st, body := restCall(t, url, "POST", "/ari/bridges/b", map[string]any{"type": "mixing"}); st != 200 {
		t.Fatalf("create bridge: %d %s", st, body)
	}
	if st, body := restCall(t, url, "POST", "/ari/bridges/b/addChannel", map[string]any{"channel": customer + ",agent"}); st != 204 {
		t.Fatalf("addChannel: %d %s", st, body)
	}

	// Patience (60 s) must not end the call once it is bridged; talk time (10 s) must.
	clock.Advance(9 * time.Second)
	if len(s.Bridges()[0].Channels) != 2 {
		t.Fatalf("customer left before its talk time: %+v", s.Bridges())
	}
	clock.Advance(2 * time.Second)
	ev.sync()
	if got := ev.typesFor(customer); !slices.Contains(got, "StasisEnd") {
		t.Fatalf("customer events after the talk time = %v, want StasisEnd", got)
	}
}

func TestCustomerAbandonsWhileWaiting(t *testing.T) {
	s, url, clock := newManualServer(t)
	ev := dialEvents(t, url, "app=switchboard")
	customer, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard", AbandonAfter: 20 * time.Second})
	if err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	if st, body := restCall(t, url, "POST", "/ari/channels/"+customer+"/answer", nil); st != 204 {
		t.Fatalf("answer: %d %s", st, body)
	}
	clock.Advance(19 * time.Second)
	if len(s.Channels()) != 2 {
		t.Fatalf("channels before the patience ran out = %d, want 2", len(s.Channels()))
	}
	clock.Advance(2 * time.Second)
	ev.sync()
	var destroyed map[string]any
	for _, e := range ev.snapshot() {
		if e.typ() == "ChannelDestroyed" && eventChannelID(e.body) == customer {
			destroyed = e.body
		}
	}
	if destroyed == nil || destroyed["cause"] != float64(16) {
		t.Fatalf("customer's ChannelDestroyed = %v, want cause 16 after giving up in the queue", destroyed)
	}
}

func TestBridgeEventsTwiceAfterReconnect(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC))
	s, hs := newTestServer(t, Options{Clock: clock, DuplicateBridgeEventsAfterReconnect: true})
	first := dialEvents(t, hs.URL, "app=switchboard")
	id, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard"})
	if err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	if st, body := restCall(t, hs.URL, "POST", "/ari/bridges/b", map[string]any{"type": "mixing"}); st != 200 {
		t.Fatalf("create bridge: %d %s", st, body)
	}
	if st, body := restCall(t, hs.URL, "POST", "/ari/bridges/b/addChannel", map[string]any{"channel": id}); st != 204 {
		t.Fatalf("addChannel: %d %s", st, body)
	}
	first.sync()
	if n := countType(first.typesFor(id), "ChannelEnteredBridge"); n != 1 {
		t.Fatalf("first connection got %d ChannelEnteredBridge, want 1", n)
	}

	s.DropWebSockets()
	again := dialEvents(t, hs.URL, "app=switchboard")
	if st, body := restCall(t, hs.URL, "POST", "/ari/bridges/b/removeChannel", map[string]any{"channel": id}); st != 204 {
		t.Fatalf("removeChannel: %d %s", st, body)
	}
	again.sync()
	if n := countType(again.typesFor(id), "ChannelLeftBridge"); n != 2 {
		t.Fatalf("reconnected client got %d ChannelLeftBridge, want 2", n)
	}
}

func countType(types []string, typ string) int {
	n := 0
	for _, t := range types {
		if t == typ {
			n++
		}
	}
	return n
}

func TestControlAPIDrivesACall(t *testing.T) {
	_, url, clock := newManualServer(t)
	ev := dialEvents(t, url, "app=switchboard&subscribeAll=true")

	st, body := restCall(t, url, "POST", "/control/calls", `{"callerNumber":"79161234567","callerName":"Ivan Petrov","dialed":"100","app":"switchboard","args":["inbound","support"]}`)
	if st != 201 {
		t.Fatalf("POST /control/calls: %d %s", st, body)
	}
	var created struct{ ChannelID string }
	if err := json.Unmarshal(body, &created); err != nil || created.ChannelID == "" {
		t.Fatalf("POST /control/calls body %s: %v", body, err)
	}
	id := created.ChannelID

	st, body = restCall(t, url, "GET", "/control/channels", nil)
	var channels []ChannelInfo
	if err := json.Unmarshal(body, &channels); st != 200 || err != nil || len(channels) != 2 {
		t.Fatalf("GET /control/channels: %d %s (%v), want the two halves", st, body, err)
	}
	if st, body := restCall(t, url, "POST", "/control/channels/"+id+"/dtmf", `{"digits":"1#"}`); st != 204 {
		t.Fatalf("dtmf: %d %s", st, body)
	}
	clock.Advance(time.Second)
	if st, body := restCall(t, url, "POST", "/control/faults", `{"pattern":"POST /ari/channels/*/answer","status":503,"count":1}`); st != 204 {
		t.Fatalf("fault: %d %s", st, body)
	}
	if st, _ := restCall(t, url, "POST", "/ari/channels/"+id+"/answer", nil); st != 503 {
		t.Fatalf("answer with an injected fault: %d, want 503", st)
	}
	if st, _ := restCall(t, url, "POST", "/ari/channels/"+id+"/answer", nil); st != 204 {
		t.Fatalf("answer after the fault was used up: %d, want 204", st)
	}
	if st, body := restCall(t, url, "POST", "/control/channels/"+id+"/hangup", `{"cause":16}`); st != 204 {
		t.Fatalf("hangup: %d %s", st, body)
	}
	ev.sync()
	if got := countType(ev.typesFor(id), "ChannelDtmfReceived"); got != 2 {
		t.Fatalf("%d ChannelDtmfReceived on the customer channel, want 2", got)
	}
	if got := ev.typesFor(id); got[len(got)-1] != "ChannelDestroyed" {
		t.Fatalf("customer events end with %s, want ChannelDestroyed", got[len(got)-1])
	}

	st, body = restCall(t, url, "POST", "/control/websockets/drop", nil)
	if st != 200 || !strings.Contains(string(body), `"dropped":1`) {
		t.Fatalf("drop websockets: %d %s", st, body)
	}
}

func TestRedirectChecksEndpointType(t *testing.T) {
	s, url, _ := newManualServer(t)
	_ = dialEvents(t, url, "app=switchboard")
	id, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard"})
	if err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	cases := []struct {
		body any
		want int
	}{
		{map[string]any{}, 400},
		{map[string]any{"endpoint": "PJSIP/1002"}, 422},
		{map[string]any{"endpoint": "Local/200@from-customer"}, 204},
	}
	for _, tc := range cases {
		if st, body := restCall(t, url, "POST", "/ari/channels/"+id+"/redirect", tc.body); st != tc.want {
			t.Fatalf("redirect %v: %d %s, want %d", tc.body, st, body, tc.want)
		}
	}
	if n := len(s.Channels()); n != 0 {
		t.Fatalf("%d channels after the redirect, want 0", n)
	}
}
