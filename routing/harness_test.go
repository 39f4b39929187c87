package routing

import (
	"testing"
	"time"
)

// t0 is a Monday, 10:00 in Moscow.
var t0 = time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)

type harness struct {
	t   *testing.T
	e   *Engine
	now time.Time
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	e, err := New(cfg, Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h := &harness{t: t, e: e, now: t0}
	if err := checkInvariants(e); err != nil {
		t.Fatalf("invariants after New: %v", err)
	}
	return h
}

func (h *harness) do(in Input) []Output {
	h.t.Helper()
	out := h.e.Handle(h.now, in)
	if err := checkInvariants(h.e); err != nil {
		h.t.Fatalf("invariants after %T%+v: %v", in, in, err)
	}
	return out
}

func (h *harness) advance(d time.Duration) []Output {
	h.t.Helper()
	h.now = h.now.Add(d)
	return h.do(Tick{})
}

func (h *harness) signIn(id string, queues []string, skills ...SkillLevel) []Output {
	h.t.Helper()
	out := h.do(AgentSignIn{AgentID: id, Endpoint: "PJSIP/" + id, Queues: queues, Skills: skills})
	if r := find[Rejected](out); len(r) > 0 {
		h.t.Fatalf("sign-in of %s rejected: %v", id, r[0].Err)
	}
	return out
}

func (h *harness) arrive(id, queue string) []Output {
	h.t.Helper()
	return h.do(CallArrived{CallID: id, Queue: queue, CallerNumber: "+7495" + id})
}

func (h *harness) agentState(id string) AgentState {
	a, ok := h.e.agents[id]
	if !ok {
		return AgentLoggedOut
	}
	return a.state
}

func find[T Output](outs []Output) []T {
	var found []T
	for _, o := range outs {
		if v, ok := o.(T); ok {
			found = append(found, v)
		}
	}
	return found
}

// ringOf returns the only RingAgent in outs.
func ringOf(t *testing.T, outs []Output) RingAgent {
	t.Helper()
	rings := find[RingAgent](outs)
	if len(rings) != 1 {
		t.Fatalf("got %d RingAgent outputs, want 1: %+v", len(rings), outs)
	}
	return rings[0]
}

func noRing(t *testing.T, outs []Output) {
	t.Helper()
	if rings := find[RingAgent](outs); len(rings) != 0 {
		t.Fatalf("got RingAgent %+v, want none", rings)
	}
}

func recordOf(t *testing.T, outs []Output) CallRecord {
	t.Helper()
	recs := find[CallRecord](outs)
	if len(recs) != 1 {
		t.Fatalf("got %d CallRecord outputs, want 1: %+v", len(recs), outs)
	}
	return recs[0]
}

func oneQueue(q QueueConfig) Config {
	if q.Name == "" {
		q.Name = "sales"
	}
	return Config{Queues: []QueueConfig{q}}
}
