package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/switchboard-cc/switchboard/dialer/pacing"
)

type eventKind uint8

// Events at the same instant run in this order: an agent who frees up at the
// moment a waiting call's patience ends still takes the call.
const (
	evAgentFree eventKind = iota
	evDialOutcome
	evPatienceEnd
)

type event struct {
	at   float64 // seconds since the start of the run
	kind eventKind
	seq  uint64
	id   int // agent, dial or waiting-call index, by kind
}

func (a event) before(b event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.seq < b.seq
}

// eventHeap is a binary min-heap of events, typed to avoid container/heap's
// interface conversions on the hot path.
type eventHeap []event

func (h *eventHeap) push(e event) {
	*h = append(*h, e)
	s := *h
	i := len(s) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !s[i].before(s[parent]) {
			break
		}
		s[i], s[parent] = s[parent], s[i]
		i = parent
	}
}

func (h *eventHeap) pop() event {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	i := 0
	for {
		l, r := 2*i+1, 2*i+2
		smallest := i
		if l < len(s) && s[l].before(s[smallest]) {
			smallest = l
		}
		if r < len(s) && s[r].before(s[smallest]) {
			smallest = r
		}
		if smallest == i {
			break
		}
		s[i], s[smallest] = s[smallest], s[i]
		i = smallest
	}
	*h = s
	return top
}

type dial struct {
	placedAt float64
	ring     float64
	live     bool
	pos      int // index in campaign.outstanding while the dial rings
}

type waitingCall struct {
	answeredAt float64
	done       bool // connected or abandoned
}

// campaign is the state of one run. It is owned by Run's goroutine.
type campaign struct {
	cfg        Config
	policy     pacing.Policy
	dialRand   *rand.Rand
	handleRand *rand.Rand
	patience   float64

	now    float64
	events eventHeap
	seq    uint64

	busy       []bool
	busySince  []float64 // start of the agent's current handle
	handleTime []float64 // drawn handle time of the current call
	idle       []int     // idle agents, used as a stack
	busyCount  int

	dials       []dial
	outstanding []int // indexes into dials

	queue   []waitingCall // FIFO; entries before head are done
	head    int
	waiting int

	leadsUsed int
	state     pacing.State

	// Measurement over [start, end).
	start, end   float64
	res          Result
	busySeconds  float64
	waits        []float64
	liveByMinute []int
	abanByMinute []int
}

func newCampaign(cfg Config, policy pacing.Policy) *campaign {
	start := cfg.WarmUp.Seconds()
	end := start + cfg.Duration.Seconds()
	minutes := int(math.Ceil(cfg.Duration.Minutes()))
	c := &campaign{
		cfg:          cfg,
		policy:       policy,
		dialRand:     newStream(cfg.Seed, streamDials),
		handleRand:   newStream(cfg.Seed, streamHandle),
		patience:     cfg.Patience.Seconds(),
		busy:         make([]bool, cfg.Agents),
		busySince:    make([]float64, cfg.Agents),
		handleTime:   make([]float64, cfg.Agents),
		start:        start,
		end:          end,
		liveByMinute: make([]int, minutes),
		abanByMinute: make([]int, minutes),
	}
	for a := cfg.Agents - 1; a >= 0; a-- {
		c.idle = append(c.idle, a)
	}
	return c
}

func (c *campaign) run() {
	tick := c.cfg.Tick.Seconds()
	for n := 0; ; n++ {
		at := float64(n) * tick
		if at >= c.end {
			break
		}
		c.processUntil(at)
		c.now = at
		c.decide()
	}

	// Settle the calls answered before the end: each is connected or
	// abandoned within the patience.
	c.processUntil(c.end + c.patience)
	for a, b := range c.busy {
		if b {
			c.busySeconds += overlap(c.busySince[a], c.end, c.start, c.end)
		}
	}
}

func (c *campaign) processUntil(t float64) {
	for len(c.events) > 0 && c.events[0].at <= t {
		e := c.events.pop()
		c.now = e.at
		switch e.kind {
		case evAgentFree:
			c.agentFree(e.id)
		case evDialOutcome:
			c.dialOutcome(e.id)
		case evPatienceEnd:
			c.patienceEnd(e.id)
		}
	}
}

func (c *campaign) schedule(at float64, kind eventKind, id int) {
	c.seq++
	c.events.push(event{at: at, kind: kind, seq: c.seq, id: id})
}

func (c *campaign) decide() {
	s := &c.state
	s.Now = seconds(c.now)
	s.IdleAgents = len(c.idle)
	s.Talking = s.Talking[:0]
	for a, b := range c.busy {
		if b {
			s.Talking = append(s.Talking, seconds(c.now-c.busySince[a]))
		}
	}
	// NOTE: the simulator does not split talk from wrap-up, so every busy
	// agent is reported as talking and holds a line for the whole handle time.
	s.WrapUp = s.WrapUp[:0]
	s.Waiting = c.waiting
	s.Outstanding = s.Outstanding[:0]
	for _, d := range c.outstanding {
		s.Outstanding = append(s.Outstanding, seconds(c.now-c.dials[d].placedAt))
	}
	s.FreeLines = math.MaxInt
	if c.cfg.Lines > 0 {
		s.FreeLines = c.cfg.Lines - len(c.outstanding) - c.waiting - c.busyCount
	}
	s.RemainingLeads = math.MaxInt
	if c.cfg.Leads > 0 {
		s.RemainingLeads = c.cfg.Leads - c.leadsUsed
	}

	n := c.policy.Dials(s)
	for range n {
		c.placeDial()
	}
}

func (c *campaign) placeDial() {
	live := c.dialRand.Float64() < c.cfg.LiveProbability
	var ring float64
	if live {
		ring = c.cfg.RingLive.Sample(c.dialRand)
	} else {
		ring = c.cfg.RingOther.Sample(c.dialRand)
	}

	id := len(c.dials)
	c.dials = append(c.dials, dial{placedAt: c.now, ring: ring, live: live, pos: len(c.outstanding)})
	c.outstanding = append(c.outstanding, id)
	c.leadsUsed++
	if c.inPeriod(c.now) {
		c.res.Dials++
	}
	c.schedule(c.now+ring, evDialOutcome, id)
}

func (c *campaign) dialOutcome(id int) {
	d := &c.dials[id]

	// Swap-remove from the outstanding list.
	last := c.outstanding[len(c.outstanding)-1]
	c.outstanding[d.pos] = last
	c.dials[last].pos = d.pos
	c.outstanding = c.outstanding[:len(c.outstanding)-1]

	if !d.live {
		c.policy.Observe(pacing.Outcome{At: seconds(c.now), Kind: pacing.NoLiveAnswer, Duration: seconds(d.ring)})
		return
	}
	c.policy.Observe(pacing.Outcome{At: seconds(c.now), Kind: pacing.LiveAnswer, Duration: seconds(d.ring)})
	if c.inPeriod(c.now) {
		c.res.LiveAnswers++
		c.liveByMinute[c.minute(c.now)]++
	}

	if n := len(c.idle); n > 0 {
		agent := c.idle[n-1]
		c.idle = c.idle[:n-1]
		c.connect(agent, c.now)
		return
	}
	c.queue = append(c.queue, waitingCall{answeredAt: c.now})
	c.waiting++
	c.schedule(c.now+c.patience, evPatienceEnd, len(c.queue)-1)
}

func (c *campaign) connect(agent int, answeredAt float64) {
	wait := c.now - answeredAt
	c.policy.Observe(pacing.Outcome{At: seconds(c.now), Kind: pacing.Connected, Duration: seconds(wait)})
	if c.inPeriod(answeredAt) {
		c.res.Connected++
		c.waits = append(c.waits, wait)
	}

	handle := c.cfg.Handle.Sample(c.handleRand)
	c.busy[agent] = true
	c.busySince[agent] = c.now
	c.handleTime[agent] = handle
	c.busyCount++
	c.schedule(c.now+handle, evAgentFree, agent)
}

func (c *campaign) agentFree(agent int) {
	c.policy.Observe(pacing.Outcome{At: seconds(c.now), Kind: pacing.HandleDone, Duration: seconds(c.handleTime[agent])})
	c.busySeconds += overlap(c.busySince[agent], c.now, c.start, c.end)
	c.busy[agent] = false
	c.busyCount--

	for c.head < len(c.queue) {
		call := &c.queue[c.head]
		c.head++
		if call.done {
			continue
		}
		call.done = true
		c.waiting--
		c.connect(agent, call.answeredAt)
		return
	}
	c.idle = append(c.idle, agent)
}

func (c *campaign) patienceEnd(i int) {
	call := &c.queue[i]
	if call.done {
		return
	}
	call.done = true
	c.waiting--
	c.policy.Observe(pacing.Outcome{At: seconds(c.now), Kind: pacing.Abandoned, Duration: seconds(c.now - call.answeredAt)})
	if c.inPeriod(call.answeredAt) {
		c.res.Abandoned++
		c.abanByMinute[c.minute(call.answeredAt)]++
	}
}

func (c *campaign) inPeriod(t float64) bool { return t >= c.start && t < c.end }

func (c *campaign) minute(t float64) int {
	return min(int((t-c.start)/60), len(c.liveByMinute)-1)
}

func (c *campaign) result() Result {
	r := c.res
	r.Utilisation = c.busySeconds / (float64(c.cfg.Agents) * c.cfg.Duration.Seconds())
	if r.LiveAnswers > 0 {
		r.Abandonment = float64(r.Abandoned) / float64(r.LiveAnswers)
	}
	r.WorstWindowAbandonment = c.worstWindow()
	r.ContactsPerAgentHour = float64(r.Connected) / (float64(c.cfg.Agents) * c.cfg.Duration.Hours())

	slices.Sort(c.waits)
	r.AnswerToAgentP50 = seconds(percentile(c.waits, 0.50))
	r.AnswerToAgentP99 = seconds(percentile(c.waits, 0.99))
	return r
}

func (c *campaign) worstWindow() float64 {
	width := int(c.cfg.RollingWindow / time.Minute)
	if width < 1 || width >= len(c.liveByMinute) {
		return c.res.abandonmentOrZero()
	}
	live, aban := 0, 0
	worst := 0.0
	for i := range c.liveByMinute {
		live += c.liveByMinute[i]
		aban += c.abanByMinute[i]
		if i >= width {
			live -= c.liveByMinute[i-width]
			aban -= c.abanByMinute[i-width]
		}
		if i >= width-1 && live > 0 {
			worst = max(worst, float64(aban)/float64(live))
		}
	}
	return worst
}

func (r Result) abandonmentOrZero() float64 {
	if r.LiveAnswers == 0 {
		return 0
	}
	return float64(r.Abandoned) / float64(r.LiveAnswers)
}

// percentile returns the nearest-rank percentile of sorted values, 0 if empty.
func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// overlap returns the length of [a, b) ∩ [lo, hi).
func overlap(a, b, lo, hi float64) float64 {
	return max(min(b, hi)-max(a, lo), 0)
}

func seconds(s float64) time.Duration {
	return time.Duration(math.Round(s * float64(time.Second)))
}
