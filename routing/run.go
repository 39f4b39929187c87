package routing

import (
	"context"
	"time"
)

// Clock is the time source of Run. Tests use routingtest.FakeClock; production uses
// SystemClock.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer that Run needs.
type Timer interface {
	C() <-chan time.Time
	Reset(d time.Duration) bool
	Stop() bool
}

// SystemClock returns a Clock backed by package time.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
func (systemClock) NewTimer(d time.Duration) Timer {
	return systemTimer{time.NewTimer(d)}
}

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time        { return t.t.C }
func (t systemTimer) Reset(d time.Duration) bool { return t.t.Reset(d) }
func (t systemTimer) Stop() bool                 { return t.t.Stop() }

// Run is the engine's event loop: it handles inputs in arrival order, sends a Tick whenever
// the next timer falls due, and sends every output to outputs in order. Sending blocks, so a
// slow consumer slows routing down instead of losing call records. Run returns nil when
// inputs is closed and ctx.Err() when ctx ends; the engine must not be used by anyone else
// while Run is running.
func (e *Engine) Run(ctx context.Context, clock Clock, inputs <-chan Input, outputs chan<- Output) error {
	e.log.Info("routing engine started", "queues", len(e.order))
	defer e.log.Info("routing engine stopped")

	timer := clock.NewTimer(time.Hour)
	defer timer.Stop()

	// A first Tick starts the engine's clock, so periodic statistics run before any input.
	outs := e.Handle(clock.Now(), Tick{})
	for {
		for _, o := range outs {
			select {
			case outputs <- o:
			case <-ctx.Done():
				return ctx.Err()
			}
		}

		if next, ok := e.NextDeadline(); ok {
			timer.Reset(max(next.Sub(clock.Now()), 0))
		} else {
			timer.Stop()
		}

		var in Input
		select {
		case <-ctx.Done():
			return ctx.Err()
		case got, ok := <-inputs:
			if !ok {
				return nil
			}
			in = got
		case <-timer.C():
			in = Tick{}
		}

		outs = e.Handle(clock.Now(), in)
	}
}
