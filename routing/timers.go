package routing

import (
	"container/heap"
	"time"
)

type timerKind int

const (
	timerRing     timerKind = iota // an offer's ring timeout
	timerWrapUp                    // the end of an agent's wrap-up
	timerMaxWait                   // a waiting call reaches its queue's MaxWait
	timerAnnounce                  // the next position announcement to a waiting call
	timerStats                     // the next QueueStats round
)

// timer is one scheduled engine event. Timers are never removed early: gen records the
// generation of the agent or call when the timer was set, and a timer whose generation no
// longer matches is skipped when it falls due.
type timer struct {
	at    time.Time
	seq   uint64 // schedule order; breaks ties so equal deadlines fire deterministically
	kind  timerKind
	agent *agent
	call  *call
	gen   uint64
}

type timerHeap []timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if c := h[i].at.Compare(h[j].at); c != 0 {
		return c < 0
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = timer{}
	*h = old[:len(old)-1]
	return t
}

func (e *Engine) schedule(t timer) {
	e.timerSeq++
	t.seq = e.timerSeq
	heap.Push(&e.timers, t)
}

// live reports whether a timer still refers to the state it was set for.
func (t timer) live() bool {
	switch t.kind {
	case timerRing:
		return t.agent.gen == t.gen && t.agent.state == AgentReserved
	case timerWrapUp:
		return t.agent.gen == t.gen && t.agent.state == AgentWrapUp
	case timerMaxWait, timerAnnounce:
		return t.call.queueGen == t.gen && t.call.state == callWaiting && t.call.group != nil
	case timerStats:
		return true
	}
	return false
}

// NextDeadline returns when the engine next needs a Tick, dropping timers that went stale.
func (e *Engine) NextDeadline() (time.Time, bool) {
	for len(e.timers) > 0 {
		if e.timers[0].live() {
			return e.timers[0].at, true
		}
		heap.Pop(&e.timers)
	}
	return time.Time{}, false
}

// advance fires every live timer due at or before now, each at its own deadline, so the
// result does not depend on how often ticks arrive.
func (e *Engine) advance(now time.Time) {
	for len(e.timers) > 0 && !e.timers[0].at.After(now) {
		t := heap.Pop(&e.timers).(timer)
		if !t.live() {
			continue
		}
		if t.at.After(e.now) {
			e.now = t.at
		}
		e.fire(t)
		e.afterStep()
	}
	if now.After(e.now) {
		e.now = now
	}
}

func (e *Engine) fire(t timer) {
	switch t.kind {
	case timerRing:
		e.ringTimedOut(t.agent)
	case timerWrapUp:
		e.finishWrapUp(t.agent)
	case timerMaxWait:
		e.overflow(t.call, "max_wait")
	case timerAnnounce:
		e.announce(t.call)
		e.scheduleAnnounce(t.call)
	case timerStats:
		e.emitStats()
		e.schedule(timer{at: e.now.Add(e.statsInterval), kind: timerStats})
	}
}
