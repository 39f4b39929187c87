package routing

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AgentState is the routing state of an agent.
type AgentState int

// Agent states.
const (
	AgentLoggedOut AgentState = iota
	AgentAvailable
	AgentReserved // an offered call is ringing the agent's phone
	AgentOnCall
	AgentWrapUp
	AgentPaused
	agentStateCount
)

func (s AgentState) String() string {
	switch s {
	case AgentLoggedOut:
		return "logged_out"
	case AgentAvailable:
		return "available"
	case AgentReserved:
		return "reserved"
	case AgentOnCall:
		return "on_call"
	case AgentWrapUp:
		return "wrap_up"
	case AgentPaused:
		return "paused"
	}
	return "unknown"
}

type callState int

const (
	callWaiting callState = iota
	callRinging
	callTalking
)

// waitKey orders waiting calls: the smaller key is served first. virtual is the arrival time
// in nanoseconds since the engine's first input, minus priority × AgingStep. It is constant
// while the call waits, so the order of waiting calls never has to be recomputed as time
// passes. Time.Sub uses the monotonic clock when both times carry it, so a wall-clock step
// does not reorder calls. seq breaks ties in arrival order.
type waitKey struct {
	virtual int64
	seq     uint64
}

func compareKeys(a, b waitKey) int {
	if c := cmp.Compare(a.virtual, b.virtual); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

type call struct {
	id           string
	callerNumber string
	contactID    string
	vip          bool
	kind         CallKind
	priority     int
	skills       []SkillLevel // the call's own required skills, sorted by name

	queue      *queue
	firstQueue string
	group      *callGroup // set while waiting
	key        waitKey
	state      callState
	agent      *agent // set while ringing or talking
	lastAgent  string // id of the last agent who answered
	// offerFromQueue is true while the call rings an agent chosen from its queue, and false
	// for an offer made by a transfer to a named agent.
	offerFromQueue bool
	queueGen       uint64 // bumped when the call leaves or enters a queue; stales its wait timers

	arrived    time.Time
	enqueued   time.Time // entry into the current queue; MaxWait counts from here
	offeredAt  time.Time
	answeredAt time.Time
	talkStart  time.Time
	talk       time.Duration

	offers, overflows, transfers int
}

type agent struct {
	id       string
	seq      uint64 // sign-in order; the last tie-breaker between agents
	endpoint string
	skills   map[string]int
	queues   []*queue

	state     AgentState
	reason    string
	since     time.Time
	idleSince time.Time // when the agent last became available
	answered  int       // calls answered since sign-in, for StrategyFewestCalls
	call      *call     // set while reserved and on call
	wrapCall  string    // id of the call the agent is wrapping up
	wrapUntil time.Time
	gen       uint64 // bumped on every state change; stales ring and wrap-up timers

	pendingPause  bool
	pendingReason string
}

// satisfies reports whether the agent has every skill at the required level.
func (a *agent) satisfies(req []SkillLevel) bool {
	for _, s := range req {
		if a.skills[s.Skill] < s.Level {
			return false
		}
	}
	return true
}

// skillScore is the sum of the agent's levels in the required skills.
func (a *agent) skillScore(req []SkillLevel) int {
	score := 0
	for _, s := range req {
		score += a.skills[s.Skill]
	}
	return score
}

// callGroup holds the waiting calls of one queue that require the same skills, sorted by
// waitKey. Grouping lets an agent who becomes free look only at the head of each group whose
// requirement the agent meets, instead of at every waiting call.
type callGroup struct {
	required []SkillLevel // queue skills merged with the call's, sorted by name
	calls    []*call
}

func (g *callGroup) find(c *call) (int, bool) {
	return slices.BinarySearchFunc(g.calls, c.key, func(x *call, k waitKey) int { return compareKeys(x.key, k) })
}

func (g *callGroup) insert(c *call) {
	i, _ := g.find(c)
	g.calls = slices.Insert(g.calls, i, c)
}

func (g *callGroup) remove(c *call) {
	i, ok := g.find(c)
	if !ok || g.calls[i] != c {
		panic("routing: waiting call missing from its group: " + c.id)
	}
	if i == 0 {
		// Taking the head is the common case; reslicing avoids moving the rest.
		g.calls[0] = nil
		g.calls = g.calls[1:]
		return
	}
	g.calls = slices.Delete(g.calls, i, i+1)
}

// countBefore returns how many calls of the group are ahead of key.
func (g *callGroup) countBefore(key waitKey) int {
	i, _ := slices.BinarySearchFunc(g.calls, key, func(x *call, k waitKey) int { return compareKeys(x.key, k) })
	return i
}

// mergeSkills returns the union of two requirement lists sorted by name, keeping the higher
// level of a skill listed in both.
func mergeSkills(a, b []SkillLevel) []SkillLevel {
	levels := make(map[string]int, len(a)+len(b))
	for _, s := range a {
		levels[s.Skill] = max(levels[s.Skill], s.Level)
	}
	for _, s := range b {
		levels[s.Skill] = max(levels[s.Skill], s.Level)
	}
	out := make([]SkillLevel, 0, len(levels))
	for name, level := range levels {
		out = append(out, SkillLevel{Skill: name, Level: level})
	}
	slices.SortFunc(out, func(x, y SkillLevel) int { return strings.Compare(x.Skill, y.Skill) })
	return out
}

// signature names a sorted requirement list, so equal requirements share a group. The length
// prefix keeps names that contain '=' or ';' from colliding.
func signature(req []SkillLevel) string {
	var b strings.Builder
	for _, s := range req {
		b.WriteString(strconv.Itoa(len(s.Skill)))
		b.WriteByte(':')
		b.WriteString(s.Skill)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(s.Level))
		b.WriteByte(';')
	}
	return b.String()
}
