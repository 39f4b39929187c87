// Package routingtest provides a manual clock for deterministic tests of routing.Run.
package routingtest

import (
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/routing"
)

// FakeClock is a routing.Clock whose time moves only when Advance is called. It is safe for
// concurrent use.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

// NewFakeClock returns a clock set to start.
func NewFakeClock(start time.Time) *FakeClock { return &FakeClock{now: start} }

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock reaches now + d.
func (c *FakeClock) NewTimer(d time.Duration) routing.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, ch: make(chan time.Time, 1), at: c.now.Add(d), armed: true}
	c.timers = append(c.timers, t)
	c.fireLocked()
	return t
}

// Advance moves the clock forward by d and fires the timers that fell due.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fireLocked()
}

// fireLocked delivers due timers. Like time.Timer since Go 1.23, a timer's channel holds at
// most one value, and Reset or Stop discard a value not yet received.
func (c *FakeClock) fireLocked() {
	for _, t := range c.timers {
		if t.armed && !t.at.After(c.now) {
			t.armed = false
			select {
			case t.ch <- c.now:
			default:
			}
		}
	}
}

type fakeTimer struct {
	clock *FakeClock
	ch    chan time.Time
	at    time.Time
	armed bool
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	wasArmed := t.armed
	t.drain()
	t.at = t.clock.now.Add(d)
	t.armed = true
	t.clock.fireLocked()
	return wasArmed
}

func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	wasArmed := t.armed
	t.armed = false
	t.drain()
	return wasArmed
}

func (t *fakeTimer) drain() {
	select {
	case <-t.ch:
	default:
	}
}
