package routing

import (
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestCallAnsweredEndToEnd(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{WrapUp: 30 * time.Second}))
	h.signIn("alice", []string{"sales"})

	out := h.do(CallArrived{CallID: "c1", Queue: "sales", CallerNumber: "+74951234567", ContactID: "k1", VIP: true})
	ring := ringOf(t, out)
	if ring.AgentID != "alice" || ring.Endpoint != "PJSIP/alice" || ring.Timeout != DefaultRingTimeout {
		t.Fatalf("ring = %+v", ring)
	}
	offered := find[CallOffered](out)
	if len(offered) != 1 || offered[0].ContactID != "k1" || !offered[0].VIP || offered[0].Priority != 20 {
		t.Fatalf("offer notification = %+v", offered)
	}
	if got := h.agentState("alice"); got != AgentReserved {
		t.Fatalf("agent state = %s, want reserved", got)
	}

	h.now = h.now.Add(4 * time.Second)
	out = h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	if b := find[BridgeCall](out); len(b) != 1 || b[0].Endpoint != "PJSIP/alice" {
		t.Fatalf("bridge = %+v", b)
	}

	h.now = h.now.Add(90 * time.Second)
	out = h.do(CallEnded{CallID: "c1", By: PartyCaller, Cause: "16"})
	rec := recordOf(t, out)
	if rec.Outcome != OutcomeAnswered || rec.AgentID != "alice" || rec.Queue != "sales" {
		t.Fatalf("record = %+v", rec)
	}
	if rec.Wait != 4*time.Second || rec.Talk != 90*time.Second {
		t.Fatalf("wait %s talk %s, want 4s and 1m30s", rec.Wait, rec.Talk)
	}
	if !rec.ArrivedAt.Equal(t0) || !rec.OfferedAt.Equal(t0) || !rec.AnsweredAt.Equal(t0.Add(4*time.Second)) || !rec.EndedAt.Equal(h.now) {
		t.Fatalf("timestamps = %+v", rec)
	}
	if rec.HangUpBy != PartyCaller || rec.HangUpCause != "16" {
		t.Fatalf("hang-up = %s %q", rec.HangUpBy, rec.HangUpCause)
	}
	changes := find[AgentStateChanged](out)
	if len(changes) != 1 || changes[0].State != AgentWrapUp || changes[0].CallID != "c1" || !changes[0].Until.Equal(h.now.Add(30*time.Second)) {
		t.Fatalf("state changes = %+v", changes)
	}

	// A call arriving during wrap-up waits until the wrap-up ends.
	noRing(t, h.arrive("c2", "sales"))
	noRing(t, h.advance(29*time.Second))
	ring = ringOf(t, h.advance(time.Second))
	if ring.CallID != "c2" {
		t.Fatalf("ring after wrap-up = %+v", ring)
	}
}

func TestWrapUpDoneEarly(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{WrapUp: time.Minute}))
	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	h.do(CallEnded{CallID: "c1", By: PartyAgent})
	h.arrive("c2", "sales")

	h.now = h.now.Add(10 * time.Second)
	if ring := ringOf(t, h.do(WrapUpDone{AgentID: "alice"})); ring.CallID != "c2" {
		t.Fatalf("ring = %+v", ring)
	}
	out := h.do(WrapUpDone{AgentID: "alice"})
	if r := find[Rejected](out); len(r) != 1 || !errors.Is(r[0].Err, ErrInvalidState) {
		t.Fatalf("second WrapUpDone: %+v", out)
	}
}

func TestRingTimeoutPausesAndRequeuesAtHead(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{RingTimeout: 15 * time.Second}))
	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	h.now = h.now.Add(time.Second)
	h.arrive("c2", "sales")

	out := h.advance(15 * time.Second)
	if c := find[CancelRing](out); len(c) != 1 || c[0].CallID != "c1" || c[0].AgentID != "alice" {
		t.Fatalf("cancel = %+v", c)
	}
	if got := h.e.agents["alice"]; got.state != AgentPaused || got.reason != ReasonMissed {
		t.Fatalf("alice is %s (%s), want paused (missed)", got.state, got.reason)
	}

	// The next agent gets c1, which keeps its place ahead of c2.
	ring := ringOf(t, h.signIn("bob", []string{"sales"}))
	if ring.CallID != "c1" || ring.AgentID != "bob" {
		t.Fatalf("ring = %+v", ring)
	}
	h.do(AgentAnswered{CallID: "c1", AgentID: "bob"})
	rec := recordOf(t, h.do(CallEnded{CallID: "c1"}))
	if rec.Offers != 2 || !rec.OfferedAt.Equal(t0) {
		t.Fatalf("record offers %d offered at %s", rec.Offers, rec.OfferedAt)
	}
}

func TestLegFailureTriesNextAgent(t *testing.T) {
	for _, tc := range []struct {
		failure LegFailure
		reason  string
	}{
		{LegBusy, ReasonPhoneBusy},
		{LegNoAnswer, ReasonMissed},
		{LegCongestion, ReasonPhoneUnreachable},
	} {
		t.Run(tc.failure.String(), func(t *testing.T) {
			h := newHarness(t, oneQueue(QueueConfig{}))
			h.signIn("alice", []string{"sales"})
			h.now = h.now.Add(time.Second)
			h.signIn("bob", []string{"sales"})
			if ring := ringOf(t, h.arrive("c1", "sales")); ring.AgentID != "alice" {
				t.Fatalf("first ring = %+v", ring)
			}
			out := h.do(AgentLegFailed{CallID: "c1", AgentID: "alice", Reason: tc.failure})
			if ring := ringOf(t, out); ring.AgentID != "bob" {
				t.Fatalf("second ring = %+v", ring)
			}
			if len(find[CancelRing](out)) != 0 {
				t.Fatalf("a failed leg needs no CancelRing: %+v", out)
			}
			if a := h.e.agents["alice"]; a.state != AgentPaused || a.reason != tc.reason {
				t.Fatalf("alice is %s (%s), want paused (%s)", a.state, a.reason, tc.reason)
			}
		})
	}
}

func TestPriorityAndFIFO(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{AgingStep: time.Minute}))
	arrivals := []CallArrived{
		{CallID: "ordinary-1", Queue: "sales"},
		{CallID: "ordinary-2", Queue: "sales"},
		{CallID: "callback", Queue: "sales", Kind: CallCallback},
		{CallID: "vip", Queue: "sales", VIP: true},
		{CallID: "campaign", Queue: "sales", Kind: CallCampaign},
		{CallID: "ordinary-3", Queue: "sales"},
	}
	for _, in := range arrivals {
		h.do(in)
		h.now = h.now.Add(time.Second)
	}

	want := []string{"vip", "callback", "campaign", "ordinary-1", "ordinary-2", "ordinary-3"}
	h.signIn("alice", []string{"sales"})
	got := []string{h.e.agents["alice"].call.id}
	for range len(want) - 1 {
		c := h.e.agents["alice"].call.id
		h.do(AgentAnswered{CallID: c, AgentID: "alice"})
		got = append(got, ringOf(t, h.do(CallEnded{CallID: c})).CallID)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order = %v, want %v", got, want)
		}
	}
}

func TestAgingBoundsOvertaking(t *testing.T) {
	// VIP is 20 levels above ordinary and the aging step is 1 s, so a VIP call overtakes an
	// ordinary call only if it arrived less than 20 s after it.
	for _, tc := range []struct {
		name  string
		later time.Duration
		want  string
	}{
		{"vip 19s later goes first", 19 * time.Second, "vip"},
		{"vip 20s later ties and loses to the earlier call", 20 * time.Second, "old"},
		{"vip 21s later waits", 21 * time.Second, "old"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, oneQueue(QueueConfig{AgingStep: time.Second}))
			h.do(CallArrived{CallID: "old", Queue: "sales"})
			h.now = h.now.Add(tc.later)
			h.do(CallArrived{CallID: "vip", Queue: "sales", VIP: true})
			if ring := ringOf(t, h.signIn("alice", []string{"sales"})); ring.CallID != tc.want {
				t.Fatalf("first offer went to %s, want %s", ring.CallID, tc.want)
			}
		})
	}
}

func TestStrategies(t *testing.T) {
	t.Run("longest idle", func(t *testing.T) {
		h := newHarness(t, oneQueue(QueueConfig{Strategy: StrategyLongestIdle}))
		h.signIn("alice", []string{"sales"})
		h.now = h.now.Add(time.Second)
		h.signIn("bob", []string{"sales"})
		if ring := ringOf(t, h.arrive("c1", "sales")); ring.AgentID != "alice" {
			t.Fatalf("ring = %+v", ring)
		}
		if ring := ringOf(t, h.arrive("c2", "sales")); ring.AgentID != "bob" {
			t.Fatalf("ring = %+v", ring)
		}
	})

	t.Run("fewest calls beats idle time", func(t *testing.T) {
		h := newHarness(t, oneQueue(QueueConfig{Strategy: StrategyFewestCalls}))
		h.signIn("alice", []string{"sales"})
		h.arrive("c1", "sales")
		h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
		h.do(CallEnded{CallID: "c1"})
		h.now = h.now.Add(time.Minute)
		h.signIn("bob", []string{"sales"}) // idle for less time, but no calls yet
		if ring := ringOf(t, h.arrive("c2", "sales")); ring.AgentID != "bob" {
			t.Fatalf("ring = %+v", ring)
		}
	})

	t.Run("skill weighted", func(t *testing.T) {
		h := newHarness(t, oneQueue(QueueConfig{Strategy: StrategySkillWeighted, Skills: []SkillLevel{{"english", 1}}}))
		h.signIn("alice", []string{"sales"}, SkillLevel{"english", 3})
		h.now = h.now.Add(time.Second)
		h.signIn("bob", []string{"sales"}, SkillLevel{"english", 9})
		h.now = h.now.Add(time.Second)
		h.signIn("carol", []string{"sales"}, SkillLevel{"english", 9})
		if ring := ringOf(t, h.arrive("c1", "sales")); ring.AgentID != "bob" {
			t.Fatalf("ring = %+v, want the most skilled, longest idle agent", ring)
		}
		if ring := ringOf(t, h.arrive("c2", "sales")); ring.AgentID != "carol" {
			t.Fatalf("ring = %+v", ring)
		}
	})
}

func TestSkillsFilterCalls(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{}))
	h.do(CallArrived{CallID: "german", Queue: "sales", Skills: []SkillLevel{{"german", 5}}})
	h.now = h.now.Add(time.Second)
	h.do(CallArrived{CallID: "plain", Queue: "sales"})

	// bob's German is too weak for the head call, so he gets the next one he can serve.
	if ring := ringOf(t, h.signIn("bob", []string{"sales"}, SkillLevel{"german", 4})); ring.CallID != "plain" {
		t.Fatalf("ring = %+v", ring)
	}
	if ring := ringOf(t, h.signIn("anna", []string{"sales"}, SkillLevel{"german", 5})); ring.CallID != "german" {
		t.Fatalf("ring = %+v", ring)
	}
}

func TestOverflowOnMaxWait(t *testing.T) {
	cfg := Config{Queues: []QueueConfig{
		{Name: "first", MaxWait: time.Minute, Overflow: Overflow{Kind: OverflowQueue, Queue: "second"}},
		{Name: "second", MaxWait: time.Minute, Overflow: Overflow{Kind: OverflowVoicemail}},
	}}
	h := newHarness(t, cfg)
	h.arrive("c1", "first")

	noRing(t, h.advance(59*time.Second))
	out := h.advance(time.Second)
	if o := find[CallOverflowed](out); len(o) != 1 || o[0].To != "second" || o[0].Reason != "max_wait" {
		t.Fatalf("overflow = %+v", out)
	}
	out = h.advance(time.Minute)
	if v := find[OfferVoicemail](out); len(v) != 1 || v[0].Queue != "second" {
		t.Fatalf("voicemail = %+v", out)
	}
	rec := recordOf(t, out)
	if rec.Outcome != OutcomeOverflowed || rec.FirstQueue != "first" || rec.Queue != "second" || rec.Overflows != 1 || rec.Wait != 2*time.Minute {
		t.Fatalf("record = %+v", rec)
	}
	if len(h.do(CallEnded{CallID: "c1"})) != 0 {
		t.Fatalf("the end of a finished call must be ignored")
	}
}

func TestMaxLengthAndNoAgent(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{MaxLength: 1}))
	h.arrive("c1", "sales")
	out := h.arrive("c2", "sales")
	if hu := find[HangUp](out); len(hu) != 1 || hu[0].Reason != HangUpNoAgent {
		t.Fatalf("hang-up = %+v", out)
	}
	if rec := recordOf(t, out); rec.Outcome != OutcomeNoAgent {
		t.Fatalf("record = %+v", rec)
	}
}

func TestOverflowWhenNoAgents(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{OverflowWhenNoAgents: true, Overflow: Overflow{Kind: OverflowCallback}}))
	out := h.arrive("c1", "sales")
	if cb := find[OfferCallback](out); len(cb) != 1 {
		t.Fatalf("no callback offer: %+v", out)
	}

	// Waiting calls overflow when the last agent signs out.
	h.signIn("alice", []string{"sales"})
	h.arrive("c2", "sales")
	h.arrive("c3", "sales")
	h.do(AgentPause{AgentID: "alice", Reason: "lunch"})
	out = h.do(AgentSignOut{AgentID: "alice"})
	if cb := find[OfferCallback](out); len(cb) != 2 {
		t.Fatalf("callback offers = %+v", out)
	}
}

func TestAbandon(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{}))
	h.arrive("c1", "sales")
	h.now = h.now.Add(7 * time.Second)
	rec := recordOf(t, h.do(CallEnded{CallID: "c1", By: PartyCaller, Cause: "16"}))
	if rec.Outcome != OutcomeAbandoned || rec.Wait != 7*time.Second || !rec.OfferedAt.IsZero() {
		t.Fatalf("record = %+v", rec)
	}

	// Abandoned while ringing: the ring is cancelled and the agent is free, not missed.
	h.signIn("alice", []string{"sales"})
	h.arrive("c2", "sales")
	h.arrive("c3", "sales")
	out := h.do(CallEnded{CallID: "c2", By: PartyCaller})
	if c := find[CancelRing](out); len(c) != 1 || c[0].CallID != "c2" {
		t.Fatalf("cancel = %+v", out)
	}
	if recordOf(t, out).Outcome != OutcomeAbandoned {
		t.Fatalf("record = %+v", out)
	}
	if ring := ringOf(t, out); ring.CallID != "c3" {
		t.Fatalf("ring = %+v", ring)
	}

	out = h.do(CallEnded{CallID: "c3", By: PartySystem, Cause: "38"})
	if rec := recordOf(t, out); rec.Outcome != OutcomeFailed || rec.HangUpBy != PartySystem {
		t.Fatalf("record = %+v", rec)
	}
}

func TestPauseDuringCallAppliesAfterWrapUp(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{WrapUp: 10 * time.Second}))
	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	if out := h.do(AgentPause{AgentID: "alice", Reason: "break"}); len(out) != 0 {
		t.Fatalf("pause during a call changed something at once: %+v", out)
	}
	h.do(CallEnded{CallID: "c1"})
	if s := h.agentState("alice"); s != AgentWrapUp {
		t.Fatalf("state = %s", s)
	}
	h.arrive("c2", "sales")
	out := h.advance(10 * time.Second)
	noRing(t, out)
	if a := h.e.agents["alice"]; a.state != AgentPaused || a.reason != "break" {
		t.Fatalf("alice is %s (%s)", a.state, a.reason)
	}
	if ring := ringOf(t, h.do(AgentReady{AgentID: "alice"})); ring.CallID != "c2" {
		t.Fatalf("ring = %+v", ring)
	}
}

func TestPauseWhileRingingRequeues(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{}))
	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	out := h.do(AgentPause{AgentID: "alice", Reason: "break"})
	if len(find[CancelRing](out)) != 1 || len(find[CallQueued](out)) != 1 {
		t.Fatalf("outputs = %+v", out)
	}
	if ring := ringOf(t, h.signIn("bob", []string{"sales"})); ring.CallID != "c1" {
		t.Fatalf("ring = %+v", ring)
	}
}

func TestSignOutRules(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{}))
	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	out := h.do(AgentSignOut{AgentID: "alice"})
	if r := find[Rejected](out); len(r) != 1 || !errors.Is(r[0].Err, ErrInvalidState) {
		t.Fatalf("sign-out on a call: %+v", out)
	}

	out = h.do(AgentSignIn{AgentID: "bob", Endpoint: "PJSIP/alice", Queues: []string{"sales"}})
	if r := find[Rejected](out); len(r) != 1 || !errors.Is(r[0].Err, ErrEndpointInUse) {
		t.Fatalf("shared endpoint: %+v", out)
	}
	out = h.do(AgentSignIn{AgentID: "bob", Endpoint: "PJSIP/bob", Queues: []string{"nope"}})
	if r := find[Rejected](out); len(r) != 1 || !errors.Is(r[0].Err, ErrUnknownQueue) {
		t.Fatalf("unknown queue: %+v", out)
	}

	h.do(CallEnded{CallID: "c1"})
	h.do(AgentSignOut{AgentID: "alice"})
	if _, ok := h.e.agents["alice"]; ok {
		t.Fatalf("alice still signed in")
	}
	// Hot-desking: another agent may now sign in at alice's phone.
	h.do(AgentSignIn{AgentID: "bob", Endpoint: "PJSIP/alice", Queues: []string{"sales"}})
	if h.agentState("bob") != AgentAvailable {
		t.Fatalf("bob state = %s", h.agentState("bob"))
	}
}

func TestAnswerAfterWithdrawalDropsLeg(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{RingTimeout: 5 * time.Second}))
	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	h.advance(5 * time.Second)
	out := h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	if len(find[Rejected](out)) != 1 || len(find[CancelRing](out)) != 1 || len(find[BridgeCall](out)) != 0 {
		t.Fatalf("outputs = %+v", out)
	}
}

func TestTransfers(t *testing.T) {
	cfg := Config{Queues: []QueueConfig{{Name: "sales", WrapUp: 5 * time.Second}, {Name: "support"}}}
	h := newHarness(t, cfg)
	h.signIn("alice", []string{"sales"})
	h.signIn("bob", []string{"support"})
	h.arrive("c1", "sales")
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	h.now = h.now.Add(30 * time.Second)

	out := h.do(TransferToQueue{CallID: "c1", FromAgentID: "alice", Queue: "support"})
	if rel := find[ReleaseAgent](out); len(rel) != 1 || rel[0].AgentID != "alice" {
		t.Fatalf("release = %+v", out)
	}
	if ring := ringOf(t, out); ring.AgentID != "bob" {
		t.Fatalf("ring = %+v", ring)
	}
	if h.agentState("alice") != AgentWrapUp {
		t.Fatalf("alice state = %s", h.agentState("alice"))
	}
	h.do(AgentAnswered{CallID: "c1", AgentID: "bob"})
	h.now = h.now.Add(10 * time.Second)
	h.do(AgentSignIn{AgentID: "carol", Endpoint: "PJSIP/carol", Queues: []string{"support"}})

	out = h.do(TransferToAgent{CallID: "c1", FromAgentID: "bob", ToAgentID: "carol"})
	if ring := ringOf(t, out); ring.AgentID != "carol" {
		t.Fatalf("ring = %+v", ring)
	}
	h.do(AgentAnswered{CallID: "c1", AgentID: "carol"})
	h.now = h.now.Add(20 * time.Second)
	rec := recordOf(t, h.do(CallEnded{CallID: "c1", By: PartyAgent}))
	if rec.Outcome != OutcomeAnswered || rec.AgentID != "carol" || rec.Transfers != 2 || rec.Talk != time.Minute || rec.Queue != "support" {
		t.Fatalf("record = %+v", rec)
	}

	out = h.do(TransferToAgent{CallID: "c1", FromAgentID: "carol", ToAgentID: "bob"})
	if r := find[Rejected](out); len(r) != 1 || !errors.Is(r[0].Err, ErrUnknownCall) {
		t.Fatalf("transfer of an ended call: %+v", out)
	}
}

func TestPositionAnnouncements(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{AnnounceInterval: 30 * time.Second, DefaultHandleTime: 2 * time.Minute}))
	h.signIn("alice", []string{"sales"})
	h.signIn("bob", []string{"sales"})
	h.arrive("c1", "sales")
	h.arrive("c2", "sales")
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	h.do(AgentAnswered{CallID: "c2", AgentID: "bob"})
	for _, id := range []string{"c3", "c4", "c5", "c6"} {
		if p := find[PlayPosition](h.arrive(id, "sales")); len(p) != 1 {
			t.Fatalf("no announcement on arrival of %s", id)
		}
	}
	// c3..c6 wait at positions 1..4; two agents working a 2 min handle time drain one call
	// a minute.
	out := h.advance(30 * time.Second)
	plays := find[PlayPosition](out)
	if len(plays) != 4 {
		t.Fatalf("announcements = %+v", plays)
	}
	for i, p := range plays {
		wantPos := i + 1
		wantWait := time.Duration(wantPos) * time.Minute
		if p.Position != wantPos || p.EstimatedWait != wantWait || !p.WaitKnown {
			t.Fatalf("announcement %d = %+v, want position %d wait %s", i, p, wantPos, wantWait)
		}
	}
}

func TestServiceLevelStats(t *testing.T) {
	cfg := oneQueue(QueueConfig{ServiceLevelThreshold: 10 * time.Second})
	cfg.StatsInterval = time.Minute
	h := newHarness(t, cfg)
	h.signIn("alice", []string{"sales"})

	h.arrive("fast", "sales")
	h.now = h.now.Add(5 * time.Second)
	h.do(AgentAnswered{CallID: "fast", AgentID: "alice"})
	h.arrive("slow", "sales")
	h.now = h.now.Add(15 * time.Second)
	h.do(CallEnded{CallID: "fast"})
	h.do(AgentAnswered{CallID: "slow", AgentID: "alice"})
	h.arrive("gone", "sales")
	h.do(CallEnded{CallID: "gone", By: PartyCaller})

	stats := find[QueueStats](h.advance(40 * time.Second))
	if len(stats) != 1 {
		t.Fatalf("stats = %+v", stats)
	}
	s := stats[0]
	if s.Answered != 2 || s.AnsweredInSL != 1 || s.Abandoned != 1 || s.Waiting != 0 {
		t.Fatalf("stats = %+v", s)
	}
	if s.ServiceLevel != 1.0/3 || s.AbandonedRatio != 1.0/3 {
		t.Fatalf("service level %v abandoned ratio %v, want 1/3 each", s.ServiceLevel, s.AbandonedRatio)
	}
	if s.AgentsByState[AgentOnCall] != 1 {
		t.Fatalf("agents by state = %v", s.AgentsByState)
	}
}

func TestRejectedInputsChangeNothing(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{}))
	cases := []struct {
		in   Input
		want error
	}{
		{AgentPause{AgentID: "ghost", Reason: "x"}, ErrUnknownAgent},
		{AgentAnswered{CallID: "c", AgentID: "ghost"}, ErrUnknownAgent},
		{AgentSignIn{AgentID: "a"}, ErrInvalidInput},
		{AgentSignIn{AgentID: "a", Endpoint: "e", Queues: []string{"sales"}, Skills: []SkillLevel{{"x", 0}}}, ErrInvalidInput},
		{CallArrived{}, ErrInvalidInput},
		{nil, ErrInvalidInput},
	}
	for _, tc := range cases {
		out := h.do(tc.in)
		if r := find[Rejected](out); len(r) != 1 || !errors.Is(r[0].Err, tc.want) {
			t.Fatalf("%T%+v: outputs %+v, want rejection with %v", tc.in, tc.in, out, tc.want)
		}
	}

	out := h.do(CallArrived{CallID: "c1", Queue: "nowhere"})
	if rec := recordOf(t, out); rec.Outcome != OutcomeFailed {
		t.Fatalf("unknown queue record = %+v", rec)
	}
	h.arrive("c2", "sales")
	if r := find[Rejected](h.arrive("c2", "sales")); len(r) != 1 {
		t.Fatalf("duplicate call id accepted")
	}
}

func TestAgingBoundsWaitUnderVIPStream(t *testing.T) {
	// One agent handles a call in 10 s while a VIP call arrives every 5 s, so VIP calls alone
	// exceed capacity. VIP is 20 levels above ordinary and the aging step is 1 s. Only VIP
	// calls that arrived before 20 s can go ahead of the ordinary call that arrived at 0 s, so
	// it is offered after at most the VIP calls of 0, 5, 10 and 15 s.
	h := newHarness(t, oneQueue(QueueConfig{AgingStep: time.Second, RingTimeout: time.Hour}))
	h.do(CallArrived{CallID: "vip-0", Queue: "sales", VIP: true})
	h.do(CallArrived{CallID: "ordinary", Queue: "sales"})
	h.signIn("alice", []string{"sales"})

	vip := 1
	talking := "vip-0"
	h.do(AgentAnswered{CallID: talking, AgentID: "alice"})
	var served []string
	for tick := 1; tick <= 40; tick++ {
		h.now = t0.Add(time.Duration(tick) * 5 * time.Second)
		h.do(CallArrived{CallID: "vip-" + strconv.Itoa(vip), Queue: "sales", VIP: true})
		vip++
		if tick%2 != 0 {
			continue
		}
		ring := ringOf(t, h.do(CallEnded{CallID: talking}))
		talking = ring.CallID
		served = append(served, talking)
		if talking == "ordinary" {
			break
		}
		h.do(AgentAnswered{CallID: talking, AgentID: "alice"})
	}
	if n := len(served); n == 0 || served[n-1] != "ordinary" || n > 5 {
		t.Fatalf("served %v: the ordinary call must come within 5 offers", served)
	}
}

func TestQueries(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{}))
	h.signIn("alice", []string{"sales"})
	h.do(CallArrived{CallID: "c1", Queue: "sales", CallerNumber: "+74951112233", ContactID: "k7"})
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	h.do(AgentPause{AgentID: "alice", Reason: "lunch"})

	status := find[AgentStatus](h.do(QueryAgent{AgentID: "alice"}))
	if len(status) != 1 {
		t.Fatalf("no status")
	}
	s := status[0]
	if s.State != AgentOnCall || s.CallID != "c1" || s.ContactID != "k7" || s.CallerNumber != "+74951112233" ||
		s.PendingPause != "lunch" || s.Endpoint != "PJSIP/alice" || len(s.Queues) != 1 {
		t.Fatalf("status = %+v", s)
	}
	if s := find[AgentStatus](h.do(QueryAgent{AgentID: "bob"})); len(s) != 1 || s[0].State != AgentLoggedOut {
		t.Fatalf("status of a signed-out agent = %+v", s)
	}
	if stats := find[QueueStats](h.do(QueryQueues{})); len(stats) != 1 || stats[0].Queue != "sales" {
		t.Fatalf("stats = %+v", stats)
	}
}

func TestEstimatedWaitFollowsHandleTime(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{DefaultHandleTime: 100 * time.Second, WrapUp: 10 * time.Second}))
	if p := find[PlayPosition](h.arrive("c0", "sales")); len(p) != 1 || p[0].WaitKnown {
		t.Fatalf("with no agents the wait must be unknown: %+v", p)
	}
	h.do(CallEnded{CallID: "c0", By: PartyCaller})

	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	h.now = h.now.Add(200 * time.Second)
	h.do(CallEnded{CallID: "c1"})

	// One call of 200 s talk and 10 s wrap-up moves the 100 s average a tenth of the way: 111 s.
	p := find[PlayPosition](h.arrive("c2", "sales"))
	if len(p) != 1 || !p[0].WaitKnown || p[0].Position != 1 || p[0].EstimatedWait != 111*time.Second {
		t.Fatalf("announcement = %+v, want position 1 and 1m51s", p)
	}
}

func TestTransferToClosedQueueRejected(t *testing.T) {
	cfg := Config{Queues: []QueueConfig{
		{Name: "sales"},
		{Name: "night", Hours: &BusinessHours{TimeZone: "Europe/Moscow", Weekly: [7][]TimeRange{time.Sunday: {{Start: "00:00", End: "24:00"}}}}},
	}}
	h := newHarness(t, cfg)
	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	out := h.do(TransferToQueue{CallID: "c1", FromAgentID: "alice", Queue: "night"})
	if r := find[Rejected](out); len(r) != 1 || !errors.Is(r[0].Err, ErrInvalidState) || len(out) != 1 {
		t.Fatalf("outputs = %+v, want one rejection", out)
	}
	if h.agentState("alice") != AgentOnCall {
		t.Fatalf("alice state = %s, want on_call", h.agentState("alice"))
	}
}

func TestRepeatedAnswerIgnored(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{}))
	h.signIn("alice", []string{"sales"})
	h.arrive("c1", "sales")
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	if out := h.do(AgentAnswered{CallID: "c1", AgentID: "alice"}); len(out) != 0 {
		t.Fatalf("a repeated answer produced %+v, want nothing", out)
	}
	if h.agentState("alice") != AgentOnCall {
		t.Fatalf("alice state = %s", h.agentState("alice"))
	}
}

// A caller who waited before the engine heard of the call (while being answered and looked
// up) has that time in the record and keeps their place ahead of later callers, while the
// queue's own timers start with the input.
func TestArrivedAtBeforeInput(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{MaxWait: time.Minute, Overflow: Overflow{Kind: OverflowCallback}}))
	h.arrive("late-input", "sales")
	h.now = h.now.Add(time.Second)
	h.do(CallArrived{CallID: "early", Queue: "sales", ArrivedAt: h.now.Add(-3 * time.Second)})
	h.do(CallArrived{CallID: "future", Queue: "sales", ArrivedAt: h.now.Add(time.Hour)})

	h.signIn("alice", []string{"sales"})
	if got := h.e.agents["alice"].call.id; got != "early" {
		t.Fatalf("first call offered = %s, want early, which arrived before late-input", got)
	}

	h.now = h.now.Add(2 * time.Second)
	rec := recordOf(t, h.do(CallEnded{CallID: "early", By: PartyCaller}))
	if rec.Wait != 5*time.Second || !rec.ArrivedAt.Equal(h.now.Add(-5*time.Second)) {
		t.Errorf("early: wait %v arrived %v, want 5s from its ArrivedAt", rec.Wait, rec.ArrivedAt)
	}
	rec = recordOf(t, h.do(CallEnded{CallID: "future", By: PartyCaller}))
	if rec.Wait != 2*time.Second {
		t.Errorf("future: wait %v, want 2s: an ArrivedAt after the clock counts as now", rec.Wait)
	}

	// MaxWait counts from the input: 58 s after it the call still waits, at 60 s it overflows.
	h.do(CallArrived{CallID: "old", Queue: "sales", ArrivedAt: h.now.Add(-10 * time.Minute)})
	offeredCallback := func(out []Output) bool {
		return slices.ContainsFunc(find[OfferCallback](out), func(o OfferCallback) bool { return o.CallID == "old" })
	}
	if offeredCallback(h.advance(58 * time.Second)) {
		t.Fatalf("old overflowed %v after the input; MaxWait must count from it", 58*time.Second)
	}
	if !offeredCallback(h.advance(2 * time.Second)) {
		t.Fatal("old did not overflow at MaxWait after the input")
	}
}
