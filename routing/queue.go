package routing

import (
	"cmp"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

type queue struct {
	cfg   QueueConfig
	hours *schedule // nil means always open

	groups  map[string]*callGroup
	order   []*callGroup // groups in creation order, for deterministic scans
	waiting int

	// available holds the queue's available agents in strategy order for
	// StrategyLongestIdle and StrategyFewestCalls, and in longest-idle order for
	// StrategySkillWeighted. An agent's key does not change while the agent is available.
	available []*agent
	counts    [agentStateCount]int // signed-in members by state

	handleTime time.Duration // moving average of talk time plus wrap-up, for the wait estimate
	stats      queueCounters

	depthGauge   prometheus.Gauge
	slGauge      prometheus.Gauge
	noAgentsSeen bool // set when the last member signed out; checked after the input
}

type queueCounters struct {
	answered, answeredInSL, abandoned, overflowed, noAgent, closed, failed int
}

func (q *queue) finishedWaiting() int {
	s := q.stats
	return s.answered + s.abandoned + s.overflowed + s.noAgent + s.failed
}

// serviceLevel returns the share of calls answered within the threshold among the calls that
// finished waiting. It returns false before any call finished waiting, because the share is
// undefined then.
func (q *queue) serviceLevel() (float64, bool) {
	n := q.finishedWaiting()
	if n == 0 {
		return 0, false
	}
	return float64(q.stats.answeredInSL) / float64(n), true
}

func (q *queue) abandonedRatio() float64 {
	n := q.finishedWaiting()
	if n == 0 {
		return 0
	}
	return float64(q.stats.abandoned) / float64(n)
}

// signedIn counts members who are not logged out.
func (q *queue) signedIn() int {
	n := 0
	for s, c := range q.counts {
		if AgentState(s) != AgentLoggedOut {
			n += c
		}
	}
	return n
}

// working counts members who will take calls: everyone signed in except paused agents.
func (q *queue) working() int {
	return q.counts[AgentAvailable] + q.counts[AgentReserved] + q.counts[AgentOnCall] + q.counts[AgentWrapUp]
}

// estimateWait returns the expected wait of a caller at position: position × average handle
// time ÷ working agents, since the queue drains at one call per handle time per agent. It is
// an estimate that ignores skills and other queues, and it is unknown while no agent of the
// queue is available, reserved, on a call or in wrap-up.
func (q *queue) estimateWait(position int) (time.Duration, bool) {
	n := q.working()
	if n == 0 {
		return 0, false
	}
	return time.Duration(position) * q.handleTime / time.Duration(n), true
}

// recordHandleTime updates the moving average of handle time with one finished call.
func (q *queue) recordHandleTime(talk time.Duration) {
	const weight = 10 // each call moves the average by a tenth of the difference
	sample := talk + q.cfg.WrapUp
	q.handleTime += (sample - q.handleTime) / weight
}

func (q *queue) group(required []SkillLevel) *callGroup {
	sig := signature(required)
	g, ok := q.groups[sig]
	if !ok {
		g = &callGroup{required: required}
		q.groups[sig] = g
		q.order = append(q.order, g)
	}
	return g
}

// dropGroup removes an empty group, so that scans over groups cost only as much as the
// skill combinations of calls that are waiting now.
func (q *queue) dropGroup(g *callGroup) {
	delete(q.groups, signature(g.required))
	q.order = slices.DeleteFunc(q.order, func(x *callGroup) bool { return x == g })
}

// position returns the 1-based position of a waiting call in its queue.
func (q *queue) position(c *call) int {
	pos := 1
	for _, g := range q.order {
		pos += g.countBefore(c.key)
	}
	return pos
}

// compareAgents orders available agents for the queue's strategy.
func (q *queue) compareAgents(a, b *agent) int {
	if q.cfg.Strategy == StrategyFewestCalls {
		if c := cmp.Compare(a.answered, b.answered); c != 0 {
			return c
		}
	}
	if c := a.idleSince.Compare(b.idleSince); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

func (q *queue) addAvailable(a *agent) {
	i, _ := slices.BinarySearchFunc(q.available, a, q.compareAgents)
	q.available = slices.Insert(q.available, i, a)
}

func (q *queue) removeAvailable(a *agent) {
	i, ok := slices.BinarySearchFunc(q.available, a, q.compareAgents)
	if !ok || q.available[i] != a {
		panic("routing: available agent missing from queue index: " + a.id)
	}
	q.available = slices.Delete(q.available, i, i+1)
}

// bestAgent returns the available agent the strategy prefers for a call with the given
// requirement, or nil. The scan stops at the first match except for the skill-weighted
// strategy, which compares every matching agent.
func (q *queue) bestAgent(required []SkillLevel) *agent {
	if q.cfg.Strategy != StrategySkillWeighted {
		for _, a := range q.available {
			if a.satisfies(required) {
				return a
			}
		}
		return nil
	}

	var best *agent
	bestScore := -1
	for _, a := range q.available {
		if !a.satisfies(required) {
			continue
		}
		// Agents are in longest-idle order, so a strict comparison keeps the longest idle
		// agent among equal scores.
		if score := a.skillScore(required); score > bestScore {
			best, bestScore = a, score
		}
	}
	return best
}

// longestWait returns the longest time any waiting call has been in the queue.
func (q *queue) longestWait(now time.Time) time.Duration {
	var longest time.Duration
	for _, g := range q.order {
		for _, c := range g.calls {
			longest = max(longest, now.Sub(c.enqueued))
		}
	}
	return longest
}
