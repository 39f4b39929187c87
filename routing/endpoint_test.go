package routing

import (
	"errors"
	"testing"
	"time"
)

func TestChangeEndpointMovesNextRing(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{WrapUp: 30 * time.Second}))
	h.signIn("alice", []string{"sales"})
	h.do(AgentPause{AgentID: "alice", Reason: ReasonPhoneUnreachable})

	out := h.do(AgentChangeEndpoint{AgentID: "alice", Endpoint: "PJSIP/1005"})
	if r := find[Rejected](out); len(r) > 0 {
		t.Fatalf("change rejected: %v", r[0].Err)
	}
	if got := h.agentState("alice"); got != AgentPaused {
		t.Errorf("state after the change = %s, want paused", got)
	}

	// The old endpoint is free for another agent.
	h.do(AgentSignIn{AgentID: "bob", Endpoint: "PJSIP/alice", Queues: []string{"sales"}})
	h.do(AgentPause{AgentID: "bob", Reason: "lunch"})

	h.do(AgentReady{AgentID: "alice"})
	ring := ringOf(t, h.arrive("c1", "sales"))
	if ring.AgentID != "alice" || ring.Endpoint != "PJSIP/1005" {
		t.Errorf("ring = %+v, want alice at PJSIP/1005", ring)
	}
}

func TestChangeEndpointRejected(t *testing.T) {
	h := newHarness(t, oneQueue(QueueConfig{WrapUp: 30 * time.Second}))
	h.signIn("alice", []string{"sales"})
	h.signIn("bob", []string{"sales"})
	h.do(AgentPause{AgentID: "bob", Reason: "lunch"})

	rejectedWith := func(in Input, want error) {
		t.Helper()
		r := find[Rejected](h.do(in))
		if len(r) != 1 || !errors.Is(r[0].Err, want) {
			t.Errorf("%+v: rejections %+v, want %v", in, r, want)
		}
	}
	rejectedWith(AgentChangeEndpoint{AgentID: "carol", Endpoint: "PJSIP/1"}, ErrUnknownAgent)
	rejectedWith(AgentChangeEndpoint{AgentID: "bob", Endpoint: ""}, ErrInvalidInput)
	rejectedWith(AgentChangeEndpoint{AgentID: "bob", Endpoint: "PJSIP/alice"}, ErrEndpointInUse)

	ringOf(t, h.arrive("c1", "sales"))
	rejectedWith(AgentChangeEndpoint{AgentID: "alice", Endpoint: "PJSIP/2"}, ErrInvalidState)
	h.do(AgentAnswered{CallID: "c1", AgentID: "alice"})
	rejectedWith(AgentChangeEndpoint{AgentID: "alice", Endpoint: "PJSIP/2"}, ErrInvalidState)
	if a := h.e.agents["alice"]; a.endpoint != "PJSIP/alice" {
		t.Errorf("endpoint after rejected changes = %q, want PJSIP/alice", a.endpoint)
	}
}
