package cti

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/cti/event"
)

func TestInboundCallControl(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	customer := arriveCall(t, sim, h, "79161234567", "inbound", "support")
	e, _ := h.rec.waitFor(t, 0, "CallArrived", isEvent[event.CallArrived](customer))
	arrived := e.(event.CallArrived)
	if arrived.CallerNumber != "79161234567" || arrived.CallerName != "Ivan Petrov" || arrived.Dialed != "100" ||
		!slices.Equal(arrived.Args, []string{"inbound", "support"}) || arrived.State != "Ring" || arrived.Originated || arrived.Server != "pbx1" {
		t.Errorf("CallArrived = %+v", arrived)
	}

	if err := s.Ring(ctx, customer); err != nil {
		t.Fatalf("ring: %v", err)
	}
	if err := s.StopRing(ctx, customer); err != nil {
		t.Fatalf("stop ring: %v", err)
	}

	if err := s.Answer(ctx, customer); err != nil {
		t.Fatalf("answer: %v", err)
	}
	h.rec.waitFor(t, 0, "Answered", isEvent[event.Answered](customer))

	if err := s.StartMOH(ctx, customer, ""); err != nil {
		t.Fatalf("start moh: %v", err)
	}
	if !simChannel(t, sim, customer).MOH {
		t.Error("music on hold not playing after StartMOH")
	}
	if err := s.StopMOH(ctx, customer); err != nil {
		t.Fatalf("stop moh: %v", err)
	}
	if simChannel(t, sim, customer).MOH {
		t.Error("music on hold still playing after StopMOH")
	}

	before := h.rec.len()
	if err := s.Hold(ctx, customer); err != nil {
		t.Fatalf("hold: %v", err)
	}
	if err := s.Unhold(ctx, customer); err != nil {
		t.Fatalf("unhold: %v", err)
	}

	if err := s.SetVariable(ctx, customer, "CRM_CONTACT", "contact-42"); err != nil {
		t.Fatalf("set variable: %v", err)
	}
	value, err := s.GetVariable(ctx, customer, "CRM_CONTACT")
	if err != nil || value != "contact-42" {
		t.Errorf("get variable = %q, %v; want contact-42", value, err)
	}
	if _, err := s.GetVariable(ctx, customer, "NO_SUCH_VARIABLE"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get unset variable: error %v, want ErrNotFound", err)
	}

	playbackID, err := s.Play(ctx, customer, "sound:hello-world")
	if err != nil {
		t.Fatalf("play: %v", err)
	}
	e, _ = h.rec.waitFor(t, before, "PlaybackFinished", func(e event.Event) bool {
		p, ok := e.(event.PlaybackFinished)
		return ok && p.PlaybackID == playbackID
	})
	if p := e.(event.PlaybackFinished); p.State != event.PlaybackDone || p.ChannelID != customer {
		t.Errorf("PlaybackFinished = %+v, want done on the customer", p)
	}

	long, err := s.Play(ctx, customer, "sound:tt-monkeys")
	if err != nil {
		t.Fatalf("play long prompt: %v", err)
	}
	if err := s.StopPlayback(ctx, long); err != nil {
		t.Fatalf("stop playback: %v", err)
	}
	e, _ = h.rec.waitFor(t, before, "stopped PlaybackFinished", func(e event.Event) bool {
		p, ok := e.(event.PlaybackFinished)
		return ok && p.PlaybackID == long
	})
	if p := e.(event.PlaybackFinished); p.State != event.PlaybackDone {
		t.Errorf("stopped playback finished %q, want done", p.State)
	}

	missing, err := s.Play(ctx, customer, "sound:no-such-sound-file")
	if err != nil {
		t.Fatalf("play missing sound: %v", err)
	}
	e, _ = h.rec.waitFor(t, before, "failed PlaybackFinished", func(e event.Event) bool {
		p, ok := e.(event.PlaybackFinished)
		return ok && p.PlaybackID == missing
	})
	if p := e.(event.PlaybackFinished); p.State != event.PlaybackFailed {
		t.Errorf("missing sound finished %q, want failed", p.State)
	}

	if err := sim.sim.SendDTMF(customer, "1#"); err != nil {
		t.Fatalf("simulate DTMF: %v", err)
	}
	h.rec.waitFor(t, before, "DTMF 1", func(e event.Event) bool {
		d, ok := e.(event.DTMF)
		return ok && d.ChannelID == customer && d.Digit == "1"
	})
	h.rec.waitFor(t, before, "DTMF #", func(e event.Event) bool {
		d, ok := e.(event.DTMF)
		return ok && d.ChannelID == customer && d.Digit == "#"
	})

	if err := s.SendDTMF(ctx, customer, "5"); err != nil {
		t.Fatalf("send dtmf: %v", err)
	}

	if err := s.Hangup(ctx, customer, ReasonNormal); err != nil {
		t.Fatalf("hangup: %v", err)
	}
	e, _ = h.rec.waitFor(t, before, "HungUp", isEvent[event.HungUp](customer))
	if hu := e.(event.HungUp); hu.Cause != 16 || hu.Missed {
		t.Errorf("HungUp = %+v, want cause 16", hu)
	}

	for _, e := range h.rec.snapshot()[before:] {
		switch e.(type) {
		case event.Held, event.Unheld:
			t.Errorf("ARI hold produced %T; Asterisk 22 emits nothing for it", e)
		}
	}
}

func TestAgentLegBridgeAndTransfer(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	customer := arriveCall(t, sim, h, "79035556677", "inbound", "sales")
	if err := s.Answer(ctx, customer); err != nil {
		t.Fatalf("answer: %v", err)
	}

	agent, err := s.Originate(ctx, OriginateRequest{
		Endpoint: "Local/1001@test-answer",
		Timeout:  20 * time.Second,
		CallerID: `"Contact center" <100>`,
		Args:     []string{"agent", "1001", customer},
	})
	if err != nil {
		t.Fatalf("originate: %v", err)
	}

	_, ringing := h.rec.waitFor(t, 0, "Ringing agent", isEvent[event.Ringing](agent))
	e, arrivedAt := h.rec.waitFor(t, 0, "CallArrived agent", isEvent[event.CallArrived](agent))
	if a := e.(event.CallArrived); !a.Originated || !slices.Equal(a.Args, []string{"agent", "1001", customer}) {
		t.Errorf("agent CallArrived = %+v", a)
	}
	e, resultAt := h.rec.waitFor(t, 0, "OriginateResult agent", isEvent[event.OriginateResult](agent))
	if r := e.(event.OriginateResult); r.Status != event.OriginateAnswered {
		t.Errorf("OriginateResult = %+v, want answered", r)
	}
	if !(ringing < arrivedAt && arrivedAt < resultAt) {
		t.Errorf("agent events out of order: Ringing %d, CallArrived %d, OriginateResult %d", ringing, arrivedAt, resultAt)
	}

	bridge, err := s.CreateBridge(ctx, "call-"+customer)
	if err != nil {
		t.Fatalf("create bridge: %v", err)
	}
	for _, id := range []string{customer, agent} {
		if err := s.AddToBridge(ctx, bridge, id); err != nil {
			t.Fatalf("add %s: %v", id, err)
		}
		h.rec.waitFor(t, 0, "ChannelEnteredBridge "+id, isEvent[event.ChannelEnteredBridge](id))
	}
	if b, ok := simBridge(sim, bridge); !ok || len(b.Channels) != 2 {
		t.Errorf("simulator bridge = %+v, want both channels", b)
	}

	// Hold by taking the customer out of the bridge, as the recorded CRM did.
	mark := h.rec.len()
	if err := s.RemoveFromBridge(ctx, bridge, customer); err != nil {
		t.Fatalf("remove: %v", err)
	}
	h.rec.waitFor(t, mark, "ChannelLeftBridge", isEvent[event.ChannelLeftBridge](customer))
	if err := s.StartBridgeMOH(ctx, bridge, "default"); err != nil {
		t.Fatalf("bridge moh: %v", err)
	}
	if err := s.StopBridgeMOH(ctx, bridge); err != nil {
		t.Fatalf("stop bridge moh: %v", err)
	}
	if err := s.AddToBridge(ctx, bridge, customer); err != nil {
		t.Fatalf("add back: %v", err)
	}
	h.rec.waitFor(t, mark, "ChannelEnteredBridge again", isEvent[event.ChannelEnteredBridge](customer))

	// Blind transfer to another agent: release the first, move the customer when the
	// second answers.
	mark = h.rec.len()
	if err := s.Hangup(ctx, agent, ReasonNormal); err != nil {
		t.Fatalf("hang up agent: %v", err)
	}
	h.rec.waitFor(t, mark, "HungUp agent", isEvent[event.HungUp](agent))

	second, err := s.TransferToEndpoint(ctx, customer, OriginateRequest{
		Endpoint: "Local/1002@test-answer",
		Args:     []string{"agent", "1002", customer, "transfer"},
	})
	if err != nil {
		t.Fatalf("transfer to endpoint: %v", err)
	}
	e, _ = h.rec.waitFor(t, mark, "customer entered transfer bridge", func(e event.Event) bool {
		b, ok := e.(event.ChannelEnteredBridge)
		return ok && b.ChannelID == customer && b.BridgeID != bridge
	})
	transferBridge := e.(event.ChannelEnteredBridge).BridgeID
	h.rec.waitFor(t, mark, "second agent entered transfer bridge", func(e event.Event) bool {
		b, ok := e.(event.ChannelEnteredBridge)
		return ok && b.ChannelID == second && b.BridgeID == transferBridge
	})
	h.rec.waitFor(t, mark, "customer left first bridge", func(e event.Event) bool {
		b, ok := e.(event.ChannelLeftBridge)
		return ok && b.ChannelID == customer && b.BridgeID == bridge
	})

	// Transfer back into the first bridge.
	mark = h.rec.len()
	if err := s.TransferToBridge(ctx, customer, bridge); err != nil {
		t.Fatalf("transfer to bridge: %v", err)
	}
	h.rec.waitFor(t, mark, "customer back in first bridge", func(e event.Event) bool {
		b, ok := e.(event.ChannelEnteredBridge)
		return ok && b.ChannelID == customer && b.BridgeID == bridge
	})

	if err := s.DestroyBridge(ctx, transferBridge); err != nil {
		t.Fatalf("destroy transfer bridge: %v", err)
	}
	if err := s.Hangup(ctx, second, ReasonNormal); err != nil {
		t.Fatalf("hang up second agent: %v", err)
	}
	if err := sim.sim.Hangup(customer, 16); err != nil {
		t.Fatalf("customer hangs up: %v", err)
	}
	h.rec.waitFor(t, mark, "HungUp customer", isEvent[event.HungUp](customer))
	if err := s.DestroyBridge(ctx, bridge); err != nil {
		t.Fatalf("destroy bridge: %v", err)
	}
	h.rec.waitFor(t, mark, "BridgeDestroyed", func(e event.Event) bool {
		b, ok := e.(event.BridgeDestroyed)
		return ok && b.BridgeID == bridge
	})

	assertNoRepeats(t, h.rec.snapshot())
}

func TestOriginateOutcomes(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	cases := []struct {
		endpoint string
		want     event.OriginateStatus
	}{
		{"Local/1001@sim-busy", event.OriginateBusy},
		{"Local/1002@sim-noanswer", event.OriginateNoAnswer},
		{"Local/1003@sim-congestion", event.OriginateCongestion},
	}

	for _, tc := range cases {
		id, err := s.Originate(ctx, OriginateRequest{Endpoint: tc.endpoint, Timeout: 2 * time.Second, Args: []string{"agent"}})
		if err != nil {
			t.Fatalf("originate %s: %v", tc.endpoint, err)
		}

		e, _ := h.rec.waitFor(t, 0, "OriginateResult "+tc.endpoint, isEvent[event.OriginateResult](id))
		if r := e.(event.OriginateResult); r.Status != tc.want {
			t.Errorf("%s: result %+v, want %s", tc.endpoint, r, tc.want)
		}
		h.rec.waitFor(t, 0, "HungUp "+tc.endpoint, isEvent[event.HungUp](id))

		for _, e := range h.rec.snapshot() {
			if _, ok := e.(event.CallArrived); ok && e.EventMeta().ChannelID == id {
				t.Errorf("%s: a failed leg arrived in the application", tc.endpoint)
			}
		}
	}

	// Cancelling a ringing leg.
	ringing, err := s.Originate(ctx, OriginateRequest{Endpoint: "Local/1004@sim-noanswer", Timeout: time.Minute})
	if err != nil {
		t.Fatalf("originate: %v", err)
	}
	h.rec.waitFor(t, 0, "Ringing", isEvent[event.Ringing](ringing))
	if err := s.Hangup(ctx, ringing, ReasonNormal); err != nil {
		t.Fatalf("cancel ringing leg: %v", err)
	}
	e, _ := h.rec.waitFor(t, 0, "cancelled OriginateResult", isEvent[event.OriginateResult](ringing))
	if r := e.(event.OriginateResult); r.Status != event.OriginateNoAnswer {
		t.Errorf("cancelled leg result %+v, want noanswer", r)
	}
}

func TestSnoopAndRecord(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	customer := arriveCall(t, sim, h, "79165554433", "inbound", "support")
	if err := s.Answer(ctx, customer); err != nil {
		t.Fatalf("answer: %v", err)
	}

	listen, err := s.Listen(ctx, customer, "snoop", "listen", customer)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	e, _ := h.rec.waitFor(t, 0, "CallArrived listen snoop", isEvent[event.CallArrived](listen))
	if a := e.(event.CallArrived); !a.Originated || !slices.Equal(a.Args, []string{"snoop", "listen", customer}) {
		t.Errorf("snoop CallArrived = %+v", a)
	}

	whisper, err := s.Whisper(ctx, customer, "snoop", "whisper", customer)
	if err != nil {
		t.Fatalf("whisper: %v", err)
	}
	h.rec.waitFor(t, 0, "CallArrived whisper snoop", isEvent[event.CallArrived](whisper))

	supervisor, err := s.CreateBridge(ctx, "supervise-"+customer)
	if err != nil {
		t.Fatalf("create bridge: %v", err)
	}
	if err := s.AddToBridge(ctx, supervisor, listen); err != nil {
		t.Fatalf("add snoop: %v", err)
	}
	h.rec.waitFor(t, 0, "snoop entered bridge", isEvent[event.ChannelEnteredBridge](listen))

	if _, err := s.Snoop(ctx, customer, SnoopRequest{Spy: "sideways", Whisper: DirectionNone}); !errors.Is(err, ErrInvalid) {
		t.Errorf("snoop with a bad direction: error %v, want ErrInvalid", err)
	}

	if err := s.Record(ctx, customer, RecordRequest{Name: "call-" + customer, Format: "wav"}); err != nil {
		t.Fatalf("record: %v", err)
	}
	if err := s.StopRecording(ctx, "call-"+customer); err != nil {
		t.Fatalf("stop recording: %v", err)
	}
	e, _ = h.rec.waitFor(t, 0, "RecordingFinished", isEvent[event.RecordingFinished](customer))
	if r := e.(event.RecordingFinished); r.Name != "call-"+customer || r.Failed {
		t.Errorf("RecordingFinished = %+v", r)
	}

	if err := s.Hangup(ctx, listen, ReasonNormal); err != nil {
		t.Fatalf("hang up snoop: %v", err)
	}
	h.rec.waitFor(t, 0, "snoop left application", isEvent[event.LeftApplication](listen))
}

func TestContinueInDialplan(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	customer := arriveCall(t, sim, h, "74951234567", "inbound", "sales")
	before := h.rec.len()
	if err := s.ContinueInDialplan(ctx, customer, "switchboard-voicemail", "sales", 1); err != nil {
		t.Fatalf("continue: %v", err)
	}

	h.rec.waitFor(t, before, "LeftApplication", isEvent[event.LeftApplication](customer))
	h.rec.waitFor(t, before, "HungUp", isEvent[event.HungUp](customer))
	want := []arisim.Continued{{ChannelID: customer, Context: "switchboard-voicemail", Extension: "sales", Priority: "1"}}
	if got := sim.sim.Continued(); !slices.Equal(got, want) {
		t.Errorf("simulator saw continues %+v, want %+v", got, want)
	}
}

func TestCallControlErrors(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	customer := arriveCall(t, sim, h, "79161230000", "inbound", "support")
	otherHalf := simChannel(t, sim, customer).PeerID
	bridge, err := s.CreateBridge(ctx, "errors")
	if err != nil {
		t.Fatalf("create bridge: %v", err)
	}

	cases := []struct {
		name   string
		call   func() error
		want   error
		status int
	}{
		{"answer unknown channel", func() error { return s.Answer(ctx, "no-such-channel") }, ErrNotFound, 404},
		{"hang up unknown channel", func() error { return s.Hangup(ctx, "no-such-channel", "") }, ErrNotFound, 404},
		{"destroy unknown bridge", func() error { return s.DestroyBridge(ctx, "no-such-bridge") }, ErrNotFound, 404},
		{"stop unknown playback", func() error { return s.StopPlayback(ctx, "no-such-playback") }, ErrNotFound, 404},
		{"answer channel outside Stasis", func() error { return s.Answer(ctx, otherHalf) }, ErrConflict, 409},
		{"add channel outside Stasis", func() error { return s.AddToBridge(ctx, bridge, otherHalf) }, ErrConflict, 422},
		{"remove channel not in bridge", func() error { return s.RemoveFromBridge(ctx, bridge, customer) }, ErrConflict, 422},
		{"add unknown channel", func() error { return s.AddToBridge(ctx, bridge, "no-such-channel") }, ErrInvalid, 400},
		{"originate to unknown endpoint", func() error {
			_, err := s.Originate(ctx, OriginateRequest{Endpoint: "PJSIP/9999"})
			return err
		}, ErrUnavailable, 500},
		{"originate without technology", func() error {
			_, err := s.Originate(ctx, OriginateRequest{Endpoint: "1001"})
			return err
		}, ErrInvalid, 0},
		{"argument with comma", func() error {
			_, err := s.Originate(ctx, OriginateRequest{Endpoint: "PJSIP/1001", Args: []string{"a,b"}})
			return err
		}, ErrInvalid, 0},
		{"unknown media scheme", func() error {
			_, err := s.Play(ctx, customer, "video:clip")
			return err
		}, ErrInvalid, 0},
		{"bogus hang-up reason", func() error { return s.Hangup(ctx, customer, "bogus") }, ErrInvalid, 0},
		{"channel id with slash", func() error { return s.Answer(ctx, "../bridges/x") }, ErrInvalid, 0},
		{"bad variable name", func() error { return s.SetVariable(ctx, customer, "A&B", "1") }, ErrInvalid, 0},
		{"continue unknown channel", func() error { return s.ContinueInDialplan(ctx, "no-such-channel", "default", "s", 1) }, ErrNotFound, 404},
		{"continue without context", func() error { return s.ContinueInDialplan(ctx, customer, "", "s", 1) }, ErrInvalid, 0},
		{"continue to priority 0", func() error { return s.ContinueInDialplan(ctx, customer, "default", "s", 0) }, ErrInvalid, 0},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}

			var re *RequestError
			if !errors.As(err, &re) || re.Status != tc.status || re.Server != "pbx1" {
				t.Errorf("RequestError = %+v, want status %d on pbx1", re, tc.status)
			}
		})
	}

	t.Run("server error", func(t *testing.T) {
		if err := sim.sim.FailREST("POST /ari/channels/*/answer", 503, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.Answer(ctx, customer); !errors.Is(err, ErrUnavailable) {
			t.Errorf("answer during failure: error %v, want ErrUnavailable", err)
		}
		if err := s.Answer(ctx, customer); err != nil {
			t.Errorf("answer after the failure: %v", err)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		if err := sim.sim.DelayREST("POST /ari/channels/*/moh", time.Second); err != nil {
			t.Fatal(err)
		}
		defer sim.sim.ClearFaults()

		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()

		start := time.Now()
		err := s.StartMOH(short, customer, "")
		if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error = %v, want ErrUnavailable and context.DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed > 500*time.Millisecond {
			t.Errorf("call returned after %s, want it to honour the 100 ms deadline", elapsed)
		}
	})
}

// assertNoRepeats fails when a call-level event is reported twice for one channel.
func assertNoRepeats(t *testing.T, events []event.Event) {
	t.Helper()

	seen := map[string]int{}
	for _, e := range events {
		var kind string
		switch e.(type) {
		case event.CallArrived:
			kind = "CallArrived"
		case event.Answered:
			kind = "Answered"
		case event.HungUp:
			kind = "HungUp"
		case event.OriginateResult:
			kind = "OriginateResult"
		case event.LeftApplication:
			kind = "LeftApplication"
		default:
			continue
		}

		key := kind + " " + e.EventMeta().ChannelID
		seen[key]++
		if seen[key] == 2 {
			t.Errorf("%s reported twice", key)
		}
	}
}

// TestSIPPhoneAgent originates a SIP phone that rings until it is picked up, then lets the
// phone hold, unhold, send a digit and hang up, as in the recorded PJSIP traffic.
func TestSIPPhoneAgent(t *testing.T) {
	sim := startSim(t)
	h := startManager(t, sim.config("pbx1"))
	s := h.server(t, "pbx1")
	ctx := testContext(t)

	if err := sim.sim.RegisterEndpoint("PJSIP/1001"); err != nil {
		t.Fatalf("register phone: %v", err)
	}

	agent, err := s.Originate(ctx, OriginateRequest{Endpoint: "PJSIP/1001", CallerID: `"Ivan Petrov" <79161234567>`, Args: []string{"agent", "1001"}})
	if err != nil {
		t.Fatalf("originate: %v", err)
	}
	h.rec.waitFor(t, 0, "phone Ringing", isEvent[event.Ringing](agent))

	if _, err := sim.sim.AnswerEndpoint("PJSIP/1001"); err != nil {
		t.Fatalf("pick up: %v", err)
	}
	e, _ := h.rec.waitFor(t, 0, "phone OriginateResult", isEvent[event.OriginateResult](agent))
	if r := e.(event.OriginateResult); r.Status != event.OriginateAnswered {
		t.Errorf("result = %+v", r)
	}

	if err := sim.sim.PhoneHold(agent); err != nil {
		t.Fatalf("phone hold: %v", err)
	}
	e, _ = h.rec.waitFor(t, 0, "Held", isEvent[event.Held](agent))
	if held := e.(event.Held); held.MusicClass != "default" {
		t.Errorf("Held = %+v, want music class default", held)
	}
	if err := sim.sim.PhoneUnhold(agent); err != nil {
		t.Fatalf("phone unhold: %v", err)
	}
	h.rec.waitFor(t, 0, "Unheld", isEvent[event.Unheld](agent))

	if err := sim.sim.SendDTMF(agent, "5"); err != nil {
		t.Fatalf("phone dtmf: %v", err)
	}
	h.rec.waitFor(t, 0, "DTMF", isEvent[event.DTMF](agent))

	if err := sim.sim.Hangup(agent, 16); err != nil {
		t.Fatalf("phone hangs up: %v", err)
	}
	e, _ = h.rec.waitFor(t, 0, "HungUp", isEvent[event.HungUp](agent))
	if hu := e.(event.HungUp); hu.Cause != 16 {
		t.Errorf("HungUp = %+v, want cause 16 although the hang-up request had no cause", hu)
	}

	assertNoRepeats(t, h.rec.snapshot())
}
