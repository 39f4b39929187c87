package arisim

import (
	"container/heap"
	"sync"
	"time"
)

// Clock is the time source of a Server. Every delay the simulator applies (an endpoint answering,
// a dial timeout, a playback ending) is scheduled through it, so tests can replace real time.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine (RealClock) or inside Advance (ManualClock) once d has passed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a scheduled call that can be cancelled.
type Timer interface {
	// Stop cancels the call and reports whether it had not run yet.
	Stop() bool
}

// RealClock runs on wall-clock time. Scale multiplies every scheduled delay, so 0.1 makes a
// 30-second talk time last 3 seconds; 0 or 1 means real time. Timestamps stay wall-clock.
type RealClock struct {
	Scale float64
}

// Now returns the wall-clock time.
func (c RealClock) Now() time.Time { return time.Now() }

// AfterFunc schedules f after d multiplied by Scale.
func (c RealClock) AfterFunc(d time.Duration, f func()) Timer {
	if c.Scale > 0 && c.Scale != 1 {
		d = time.Duration(float64(d) * c.Scale)
	}
	return time.AfterFunc(d, f)
}

// ManualClock is a clock that moves only when Advance is called. Timers run inside Advance, in
// due order, on the caller's goroutine; a timer scheduled by another timer runs in the same
// Advance if it falls due before the target time.
type ManualClock struct {
	mu     sync.Mutex
	now    time.Time
	seq    uint64
	timers manualTimers
}

// NewManualClock returns a ManualClock that reads start until advanced.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc schedules f at Now()+d.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &manualTimer{clock: c, when: c.now.Add(d), seq: c.seq, f: f, index: -1}
	heap.Push(&c.timers, t)
	return t
}

// Advance moves the clock forward by d and runs every timer due by then.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	target := c.now.Add(d)
	c.mu.Unlock()
	c.AdvanceTo(target)
}

// AdvanceTo moves the clock to t (never backwards) and runs every timer due by then.
func (c *ManualClock) AdvanceTo(t time.Time) {
	for {
		c.mu.Lock()
		if len(c.timers) == 0 || c.timers[0].when.After(t) {
			if t.After(c.now) {
				c.now = t
			}
			c.mu.Unlock()
			return
		}
		next := heap.Pop(&c.timers).(*manualTimer)
		if next.when.After(c.now) {
			c.now = next.when
		}
		c.mu.Unlock()
		next.f()
	}
}

type manualTimer struct {
	clock *ManualClock
	when  time.Time
	seq   uint64
	f     func()
	index int
}

func (t *manualTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	return true
}

// manualTimers is a heap ordered by due time, then by scheduling order.
type manualTimers []*manualTimer

func (h manualTimers) Len() int { return len(h) }
func (h manualTimers) Less(i, j int) bool {
	if h[i].when.Equal(h[j].when) {
		return h[i].seq < h[j].seq
	}
	return h[i].when.Before(h[j].when)
}
func (h manualTimers) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *manualTimers) Push(x any) {
	t := x.(*manualTimer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *manualTimers) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	old[n-1] = nil
	t.index = -1
	*h = old[:n-1]
	return t
}
