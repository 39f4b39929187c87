package routing_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/routing/routingtest"
)

// next waits for the next output of the given type, skipping others.
func next[T routing.Output](t *testing.T, outputs <-chan routing.Output) T {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case o := <-outputs:
			if v, ok := o.(T); ok {
				return v
			}
		case <-deadline:
			var zero T
			t.Fatalf("no %T output within 5s", zero)
			return zero
		}
	}
}

func drain(outputs <-chan routing.Output) []routing.Output {
	var got []routing.Output
	for {
		select {
		case o := <-outputs:
			got = append(got, o)
		default:
			return got
		}
	}
}

func TestRunFiresRingTimeoutOnFakeClock(t *testing.T) {
	e, err := routing.New(routing.Config{Queues: []routing.QueueConfig{{Name: "sales", RingTimeout: 10 * time.Second}}}, routing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clock := routingtest.NewFakeClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC))
	inputs := make(chan routing.Input)
	outputs := make(chan routing.Output, 64)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, clock, inputs, outputs) }()

	inputs <- routing.AgentSignIn{AgentID: "alice", Endpoint: "PJSIP/alice", Queues: []string{"sales"}}
	inputs <- routing.CallArrived{CallID: "c1", Queue: "sales"}
	if ring := next[routing.RingAgent](t, outputs); ring.CallID != "c1" {
		t.Fatalf("ring = %+v", ring)
	}

	// Run takes an input from the unbuffered channel only after it has sent every output of
	// the previous one and re-armed its timer, so after this send the buffer holds all outputs
	// so far.
	inputs <- routing.Tick{}
	drain(outputs)
	clock.Advance(9 * time.Second)
	inputs <- routing.Tick{}
	if early := drain(outputs); len(early) > 0 {
		t.Fatalf("outputs before the ring timeout: %+v", early)
	}

	clock.Advance(time.Second)
	cancelRing := next[routing.CancelRing](t, outputs)
	if cancelRing.AgentID != "alice" {
		t.Fatalf("cancel = %+v", cancelRing)
	}
	state := next[routing.AgentStateChanged](t, outputs)
	if state.State != routing.AgentPaused || state.Reason != routing.ReasonMissed || !state.At.Equal(clock.Now()) {
		t.Fatalf("state = %+v", state)
	}

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
}

func TestRunReturnsWhenInputsClose(t *testing.T) {
	e, err := routing.New(routing.Config{Queues: []routing.QueueConfig{{Name: "sales"}}, StatsInterval: time.Second}, routing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inputs := make(chan routing.Input)
	close(inputs)
	if err := e.Run(t.Context(), routingtest.NewFakeClock(time.Unix(0, 0)), inputs, make(chan routing.Output)); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
}

func TestRunOnSystemClock(t *testing.T) {
	e, err := routing.New(routing.Config{Queues: []routing.QueueConfig{{Name: "sales", RingTimeout: 50 * time.Millisecond}}}, routing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inputs := make(chan routing.Input)
	outputs := make(chan routing.Output, 64)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, routing.SystemClock(), inputs, outputs) }()
	defer func() {
		cancel()
		<-done
	}()

	inputs <- routing.AgentSignIn{AgentID: "alice", Endpoint: "PJSIP/alice", Queues: []string{"sales"}}
	inputs <- routing.CallArrived{CallID: "c1", Queue: "sales"}
	started := time.Now()
	if c := next[routing.CancelRing](t, outputs); c.CallID != "c1" {
		t.Fatalf("cancel = %+v", c)
	}
	if waited := time.Since(started); waited > 2*time.Second {
		t.Fatalf("ring timeout of 50ms fired after %s", waited)
	}
}
