package event

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func countOf[T Event](events []Event) int {
	n := 0
	for _, e := range events {
		if _, ok := e.(T); ok {
			n++
		}
	}

	return n
}

func TestTracesOnlyOwnedChannels(t *testing.T) {
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "k", "l"} {
		events := replayTrace(t, "testdata/ari-traces/"+name+".jsonl")
		for _, e := range events {
			id := e.EventMeta().ChannelID
			if strings.HasSuffix(id, ";2") {
				t.Errorf("%s: event for the other Local half leaked: %s", name, render(e))
			}
			if e.EventMeta().Server != "pbx1" {
				t.Errorf("%s: event without server name: %s", name, render(e))
			}
		}
	}
}

func TestTraceDTMFNotFromOtherHalf(t *testing.T) {
	events := replayTrace(t, "testdata/ari-traces/e.jsonl")

	var digits []string
	for _, e := range events {
		if d, ok := e.(DTMF); ok {
			if d.ChannelID != "1796414214.60" {
				t.Errorf("DTMF on channel %s, want only the customer channel", d.ChannelID)
			}
			digits = append(digits, d.Digit)
		}
	}

	if got := strings.Join(digits, ""); got != "12#" {
		t.Errorf("digits = %q, want %q (the agent's dtmf request shows only on its other Local half)", got, "12#")
	}
}

func TestTraceAgentLegFailures(t *testing.T) {
	events := replayTrace(t, "testdata/ari-traces/d.jsonl")

	want := []OriginateStatus{OriginateBusy, OriginateNoAnswer, OriginateCongestion, OriginateBusy, OriginateNoAnswer, OriginateCongestion}
	var got []OriginateStatus
	for _, e := range events {
		if r, ok := e.(OriginateResult); ok {
			got = append(got, r.Status)
		}
	}

	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("originate results = %v, want %v", got, want)
	}

	if n := countOf[Answered](events); n != 0 {
		t.Errorf("%d Answered events for legs that never answered", n)
	}
}

func TestTraceHungUpCauseFromDestroyed(t *testing.T) {
	events := replayTrace(t, "testdata/ari-traces/a.jsonl")

	for _, e := range events {
		if h, ok := e.(HungUp); ok && h.Cause != 16 {
			t.Errorf("HungUp %s cause = %d, want 16 from ChannelDestroyed, not 32 from the soft hang-up request", h.ChannelID, h.Cause)
		}
	}
}

func TestOriginatedLegAnswersAtStasisStart(t *testing.T) {
	events := replayTrace(t, "testdata/ari-traces/a.jsonl")

	const agent = "01m919v3khjvce7gwqkpenm9pk-ch"
	var order []string
	for _, e := range events {
		if e.EventMeta().ChannelID == agent {
			order = append(order, strings.Fields(render(e))[0])
		}
	}

	got := strings.Join(order[:4], " ")
	if want := "Ringing CallArrived Answered OriginateResult"; got != want {
		t.Errorf("first agent events = %q, want %q", got, want)
	}
}

const (
	stamp     = `"timestamp":"2026-12-04T19:52:28.197+0000"`
	inbound   = `{"id":"c1","name":"PJSIP/trunk-1","state":"Ring","caller":{"name":"Ivan","number":"79161234567"},"dialplan":{"exten":"100"}}`
	bridgeRaw = `{"id":"b1","name":"call-c1","bridge_type":"mixing","bridge_class":"stasis","channels":["c1"]}`
)

func mustTranslate(t *testing.T, tr *Translator, raw string) []Event {
	t.Helper()

	events, err := tr.Translate([]byte(raw), nil)
	if err != nil {
		t.Fatalf("translate %s: %v", raw, err)
	}

	return events
}

func TestBridgeEventsRepeatedAfterReconnect(t *testing.T) {
	tr := NewTranslator("pbx1")
	mustTranslate(t, tr, `{"type":"StasisStart",`+stamp+`,"args":["inbound","support"],"channel":`+inbound+`}`)

	entered := `{"type":"ChannelEnteredBridge",` + stamp + `,"bridge":` + bridgeRaw + `,"channel":` + inbound + `}`
	first := mustTranslate(t, tr, entered)
	second := mustTranslate(t, tr, entered)

	if countOf[ChannelEnteredBridge](first) != 1 {
		t.Errorf("first ChannelEnteredBridge gave %v", first)
	}
	if len(second) != 0 {
		t.Errorf("repeated ChannelEnteredBridge gave %d events, want none", len(second))
	}

	left := `{"type":"ChannelLeftBridge",` + stamp + `,"bridge":` + bridgeRaw + `,"channel":` + inbound + `}`
	if n := len(mustTranslate(t, tr, left)); n != 1 {
		t.Errorf("ChannelLeftBridge gave %d events, want 1", n)
	}
	if n := len(mustTranslate(t, tr, left)); n != 0 {
		t.Errorf("repeated ChannelLeftBridge gave %d events, want none", n)
	}
}

func TestEventsForDestroyedChannelDropped(t *testing.T) {
	tr := NewTranslator("pbx1")
	mustTranslate(t, tr, `{"type":"StasisStart",`+stamp+`,"args":[],"channel":`+inbound+`}`)
	mustTranslate(t, tr, `{"type":"ChannelDestroyed",`+stamp+`,"cause":16,"cause_txt":"Normal Clearing","channel":`+inbound+`}`)

	late := []string{
		`{"type":"StasisStart",` + stamp + `,"args":[],"channel":` + inbound + `}`,
		`{"type":"ChannelDtmfReceived",` + stamp + `,"digit":"1","duration_ms":100,"channel":` + inbound + `}`,
		`{"type":"ChannelEnteredBridge",` + stamp + `,"bridge":` + bridgeRaw + `,"channel":` + inbound + `}`,
		`{"type":"ChannelDestroyed",` + stamp + `,"cause":16,"channel":` + inbound + `}`,
	}
	for _, raw := range late {
		if events := mustTranslate(t, tr, raw); len(events) != 0 {
			t.Errorf("late event %s gave %v, want nothing", raw, events)
		}
	}

	if tr.Owns("c1") {
		t.Error("destroyed channel is still tracked")
	}
}

func TestMalformedMessages(t *testing.T) {
	cases := map[string]string{
		"not json":             `{"type":"StasisStart"`,
		"no type":              `{"timestamp":"2026-12-04T19:52:28.197+0000"}`,
		"bad timestamp":        `{"type":"StasisStart","timestamp":"yesterday","channel":{"id":"c1"}}`,
		"no channel":           `{"type":"StasisStart",` + stamp + `}`,
		"no channel id":        `{"type":"ChannelDestroyed",` + stamp + `,"channel":{"name":"x"}}`,
		"no bridge":            `{"type":"BridgeDestroyed",` + stamp + `}`,
		"dial without peer":    `{"type":"Dial",` + stamp + `,"dialstatus":"BUSY"}`,
		"dtmf without digit":   `{"type":"ChannelDtmfReceived",` + stamp + `,"channel":{"id":"c1"}}`,
		"playback without id":  `{"type":"PlaybackFinished",` + stamp + `,"playback":{}}`,
		"ignored type cut off": `{"type":"ChannelVarset","timestamp":"2026`,
		"wrong field type":     `{"type":"StasisStart",` + stamp + `,"args":"inbound","channel":{"id":"c1"}}`,
	}

	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			tr := NewTranslator("pbx1")
			events, err := tr.Translate([]byte(raw), nil)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error = %v, want ErrMalformed", err)
			}
			if len(events) != 0 || len(tr.channels) != 0 {
				t.Errorf("malformed message changed state: events %v, channels %d", events, len(tr.channels))
			}
		})
	}
}

func TestReconcileAdoptsUnknownCall(t *testing.T) {
	tr := NewTranslator("pbx1")
	at := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)

	events, cleanup := tr.Reconcile(Snapshot{
		Channels: []ChannelInfo{
			{ID: "c1", Name: "PJSIP/trunk-1", State: "Up", CallerNumber: "79161234567", Dialed: "100", Args: []string{"inbound", "support"}},
			{ID: "a1", Name: "PJSIP/1001-1", State: "Up", Args: []string{"agent", "1001"}},
		},
		Bridges: []BridgeInfo{
			{ID: "b1", Name: "call-c1", Type: "mixing", Channels: []string{"c1", "a1"}},
			{ID: "b-left-over", Type: "mixing"},
		},
	}, at)

	got := renderAll(events)
	want := strings.Join([]string{
		`CallArrived c1 name=PJSIP/trunk-1 state=Up caller=""<79161234567> dialed=100 args=inbound,support originated=false adopted=true`,
		`Answered c1`,
		`CallArrived a1 name=PJSIP/1001-1 state=Up caller=""<> dialed= args=agent,1001 originated=false adopted=true`,
		`Answered a1`,
		`BridgeCreated b1 name=call-c1 type=mixing`,
		`ChannelEnteredBridge a1 b1`,
		`ChannelEnteredBridge c1 b1`,
	}, "\n") + "\n"
	if got != want {
		t.Errorf("reconcile events:\n%s\nwant:\n%s", got, want)
	}

	if fmt.Sprint(cleanup.Bridges) != "[b-left-over]" {
		t.Errorf("cleanup bridges = %v, want the empty unknown bridge", cleanup.Bridges)
	}

	for _, e := range events {
		if !e.EventMeta().Time.Equal(at) {
			t.Errorf("reconciled event time = %v, want %v", e.EventMeta().Time, at)
		}
	}
}

func TestReconcileReportsGapWithoutRepeats(t *testing.T) {
	tr := NewTranslator("pbx1")
	mustTranslate(t, tr, `{"type":"StasisStart",`+stamp+`,"args":["inbound","support"],"channel":`+inbound+`}`)
	mustTranslate(t, tr, `{"type":"ChannelEnteredBridge",`+stamp+`,"bridge":`+bridgeRaw+`,"channel":`+inbound+`}`)
	tr.Expect("agent-ch", true)
	tr.Expect("ringing-ch", true)

	// While disconnected: the customer was answered and left the bridge, the agent leg
	// failed, another leg still rings, and a new call arrived.
	events, cleanup := tr.Reconcile(Snapshot{
		Channels: []ChannelInfo{
			{ID: "c1", State: "Up", Args: []string{"inbound", "support"}},
			{ID: "c2", State: "Ring", Args: []string{"inbound", "sales"}},
		},
		Outside: map[string]string{"ringing-ch": "Ringing"},
		Bridges: []BridgeInfo{{ID: "b1", Type: "mixing"}},
	}, time.Now())
	if fmt.Sprint(cleanup.Missing) != "[agent-ch]" {
		t.Errorf("missing channels = %v, want [agent-ch]", cleanup.Missing)
	}
	events = append(events, tr.ReportMissing(cleanup.Missing, time.Now())...)

	got := renderAll(events)
	want := strings.Join([]string{
		`Answered c1`,
		`CallArrived c2 name= state=Ring caller=""<> dialed= args=inbound,sales originated=false adopted=true`,
		`Ringing ringing-ch`,
		`ChannelLeftBridge c1 b1`,
		`OriginateResult agent-ch failed dialstatus= cause=0`,
		`HungUp agent-ch cause=0 "" dialstatus= missed=true`,
	}, "\n") + "\n"
	if got != want {
		t.Errorf("reconcile events:\n%s\nwant:\n%s", got, want)
	}

	// The new connection then delivers events the snapshot already reflects.
	replayed := mustTranslate(t, tr, `{"type":"ChannelStateChange",`+stamp+`,"channel":{"id":"c1","state":"Up"}}`)
	replayed = append(replayed, mustTranslate(t, tr, `{"type":"ChannelLeftBridge",`+stamp+`,"bridge":`+bridgeRaw+`,"channel":`+inbound+`}`)...)
	replayed = append(replayed, mustTranslate(t, tr, `{"type":"StasisStart",`+stamp+`,"args":[],"channel":{"id":"c2","state":"Ring"}}`)...)
	if len(replayed) != 0 {
		t.Errorf("events already reported by the reconcile came again: %s", renderAll(replayed))
	}

	again, cleanup := tr.Reconcile(Snapshot{
		Channels: []ChannelInfo{{ID: "c1", State: "Up"}, {ID: "c2", State: "Ring"}},
		Outside:  map[string]string{"ringing-ch": "Ringing"},
		Bridges:  []BridgeInfo{{ID: "b1", Type: "mixing"}},
	}, time.Now())
	if len(again) != 0 || len(cleanup.Missing) != 0 {
		t.Errorf("a second reconcile of the same state gave %s, missing %v", renderAll(again), cleanup.Missing)
	}
}

func TestQueuedDestroyBeatsMissingReport(t *testing.T) {
	tr := NewTranslator("pbx1")
	mustTranslate(t, tr, `{"type":"StasisStart",`+stamp+`,"args":["inbound"],"channel":`+inbound+`}`)

	_, cleanup := tr.Reconcile(Snapshot{}, time.Now())
	if fmt.Sprint(cleanup.Missing) != "[c1]" {
		t.Fatalf("missing = %v, want [c1]", cleanup.Missing)
	}

	// The ChannelDestroyed was queued on the new connection while the snapshot was read.
	queued := mustTranslate(t, tr, `{"type":"ChannelDestroyed",`+stamp+`,"cause":17,"cause_txt":"User busy","channel":`+inbound+`}`)
	late := tr.ReportMissing(cleanup.Missing, time.Now())

	if got := renderAll(queued); !strings.Contains(got, `HungUp c1 cause=17 "User busy"`) {
		t.Errorf("queued destroy gave:\n%s", got)
	}
	if len(late) != 0 {
		t.Errorf("ReportMissing repeated the hang-up: %s", renderAll(late))
	}
}

func TestApplicationReplaced(t *testing.T) {
	tr := NewTranslator("pbx1")
	events := mustTranslate(t, tr, `{"type":"ApplicationReplaced",`+stamp+`,"application":"crm"}`)

	if len(events) != 1 {
		t.Fatalf("events = %v, want one ConnectionState", events)
	}

	state, ok := events[0].(ConnectionState)
	if !ok || !state.Replaced || state.Connected {
		t.Errorf("event = %#v, want a replaced, disconnected ConnectionState", events[0])
	}
}

// BenchmarkTranslateTraces measures the translator alone on the recorded Asterisk traffic:
// ns/op is the cost of one ARI message.
func BenchmarkTranslateTraces(b *testing.B) {
	var messages [][]byte
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "k", "l"} {
		messages = append(messages, traceMessages(b, "testdata/ari-traces/"+name+".jsonl")...)
	}

	b.ReportAllocs()
	b.ResetTimer()

	var tr *Translator
	var dst []Event
	for i := range b.N {
		if i%len(messages) == 0 {
			tr = NewTranslator("pbx1")
		}

		var err error
		dst, err = tr.Translate(messages[i%len(messages)], dst[:0])
		if err != nil {
			b.Fatal(err)
		}
	}
}
