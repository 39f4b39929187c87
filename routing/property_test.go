package routing

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// The property tests drive the engine with random sequences of calls, agent commands,
// telephony events and time steps, and check after every step that
//   - no agent is offered a call while ringing or talking on another,
//   - every call gets exactly one CallRecord (checked after draining the live calls),
//   - each offer from a queue takes the first call in priority-with-aging order, which gives
//     FIFO among equal priorities and the aging bound, and goes to the agent the strategy
//     prefers,
//   - an agent leaves wrap-up before its end only when asked to,
//   - the engine's internal indexes agree with its state.
//
// SWITCHBOARD_ROUTING_SEED=<n> reruns exactly one sequence; a failure prints its seed.

const seedVariable = "SWITCHBOARD_ROUTING_SEED"

func TestPropertyRandomSequences(t *testing.T) {
	sequences, steps := 40, 800
	if testing.Short() {
		sequences = 10
	}
	first := time.Now().UnixNano()
	if v := os.Getenv(seedVariable); v != "" {
		seed, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q is not an integer", seedVariable, v)
		}
		first, sequences = seed, 1
	}
	for i := range sequences {
		seed := first + int64(i)
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("reproduce with %s=%d go test -run TestPropertyRandomSequences ./routing", seedVariable, seed)
				}
			})
			newWorld(t, seed).run(steps)
		})
	}
}

func propertyConfig() Config {
	weekdays := []TimeRange{{Start: "09:00", End: "13:00"}, {Start: "14:00", End: "18:00"}}
	return Config{
		StatsInterval: 30 * time.Second,
		Queues: []QueueConfig{
			{
				Name: "a", Strategy: StrategyLongestIdle, AgingStep: 5 * time.Second, RingTimeout: 15 * time.Second,
				WrapUp: 10 * time.Second, MaxWait: 3 * time.Minute, Overflow: Overflow{Kind: OverflowQueue, Queue: "b"},
				AnnounceInterval: 20 * time.Second,
			},
			{
				Name: "b", Strategy: StrategyFewestCalls, AgingStep: 10 * time.Second, Skills: []SkillLevel{{"lang", 1}},
				MaxLength: 5, Overflow: Overflow{Kind: OverflowVoicemail},
			},
			{
				Name: "c", Strategy: StrategySkillWeighted, WrapUp: 5 * time.Second, MaxWait: 2 * time.Minute,
				OverflowWhenNoAgents: true, Overflow: Overflow{Kind: OverflowCallback},
			},
			{
				Name: "d", Strategy: StrategyLongestIdle, MaxWait: 90 * time.Second, RingTimeout: 8 * time.Second,
				Hours: &BusinessHours{
					TimeZone: "Europe/Moscow",
					Weekly:   [7][]TimeRange{1: weekdays, 2: weekdays, 3: weekdays, 4: weekdays, 5: weekdays},
					Holidays: []string{"2026-03-04"},
				},
			},
		},
	}
}

type world struct {
	t   *testing.T
	rng *rand.Rand
	e   *Engine
	now time.Time

	nextCall int
	arrived  map[string]bool // calls the engine accepted
	records  map[string]int

	// Agent states as reported by earlier outputs, per agent id.
	ringing  map[string]string
	talking  map[string]string
	wrapping map[string]time.Time // wrap-up end of agents in wrap-up

	input Input // the input of the current step
}

var (
	propertyAgents    = []string{"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"}
	propertyEndpoints = []string{"e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"}
	propertyQueues    = []string{"a", "b", "c", "d"}
)

func newWorld(t *testing.T, seed int64) *world {
	return newWorldFrom(t, rand.New(rand.NewPCG(uint64(seed), 0x5eed)))
}

func newWorldFrom(t *testing.T, rng *rand.Rand) *world {
	e, err := New(propertyConfig(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{
		t:   t,
		rng: rng,
		e:   e,
		// Random start between Monday 08:00 and 20:00 in Moscow, so sequences cross opening,
		// lunch and closing of queue d, and some run on its Wednesday holiday.
		now:      time.Date(2026, 3, 2+2*rng.IntN(2), 5, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(12*60)) * time.Minute),
		arrived:  make(map[string]bool),
		records:  make(map[string]int),
		ringing:  make(map[string]string),
		talking:  make(map[string]string),
		wrapping: make(map[string]time.Time),
	}
	e.offerHook = w.checkOffer
	return w
}

func (w *world) run(steps int) {
	for range steps {
		w.step(w.randomInput())
	}
	if err := checkMetrics(w.e); err != nil {
		w.t.Fatalf("after %d steps: %v", steps, err)
	}

	// Drain: every call still in the engine ends, so each must now have its record.
	live := make([]string, 0, len(w.e.calls))
	for id := range w.e.calls {
		live = append(live, id)
	}
	slices.Sort(live)
	for _, id := range live {
		w.step(CallEnded{CallID: id, By: PartyCaller})
	}
	if len(w.e.calls) != 0 {
		w.t.Fatalf("%d calls still live after every call ended", len(w.e.calls))
	}
	for id := range w.arrived {
		if w.records[id] != 1 {
			w.t.Fatalf("call %s has %d records, want 1", id, w.records[id])
		}
	}
	if err := checkMetrics(w.e); err != nil {
		w.t.Fatalf("after draining: %v", err)
	}
}

func (w *world) step(in Input) []Output {
	w.t.Helper()
	w.input = in
	out := w.e.Handle(w.now, in)
	if err := checkInvariants(w.e); err != nil {
		w.t.Fatalf("after %T%+v: %v", in, in, err)
	}
	if a, ok := in.(CallArrived); ok && !rejected(out) {
		w.arrived[a.CallID] = true
	}
	for _, o := range out {
		w.observe(o)
	}
	return out
}

func rejected(out []Output) bool {
	for _, o := range out {
		if _, ok := o.(Rejected); ok {
			return true
		}
	}
	return false
}

// observe checks one output against the state reported by earlier outputs.
func (w *world) observe(o Output) {
	t := w.t
	t.Helper()
	switch o := o.(type) {
	case RingAgent:
		if c, ok := w.ringing[o.AgentID]; ok {
			t.Fatalf("agent %s rung for %s while ringing for %s", o.AgentID, o.CallID, c)
		}
		if c, ok := w.talking[o.AgentID]; ok {
			t.Fatalf("agent %s rung for %s while talking on %s", o.AgentID, o.CallID, c)
		}
		if until, ok := w.wrapping[o.AgentID]; ok {
			t.Fatalf("agent %s rung for %s during wrap-up until %s", o.AgentID, o.CallID, until)
		}
		for a, c := range w.ringing {
			if c == o.CallID {
				t.Fatalf("call %s rung at %s and %s", c, a, o.AgentID)
			}
		}
		w.ringing[o.AgentID] = o.CallID
	case CancelRing:
		if w.ringing[o.AgentID] == o.CallID {
			delete(w.ringing, o.AgentID)
		}
	case CallOfferWithdrawn:
		if w.ringing[o.AgentID] == o.CallID {
			delete(w.ringing, o.AgentID)
		}
	case BridgeCall:
		if w.ringing[o.AgentID] != o.CallID {
			t.Fatalf("bridge of %s with %s, which was not ringing for it", o.CallID, o.AgentID)
		}
		delete(w.ringing, o.AgentID)
		w.talking[o.AgentID] = o.CallID
	case ReleaseAgent:
		if w.talking[o.AgentID] != o.CallID {
			t.Fatalf("release of %s from %s, which was not talking on it", o.AgentID, o.CallID)
		}
		delete(w.talking, o.AgentID)
	case CallRecord:
		w.records[o.CallID]++
		if w.records[o.CallID] > 1 {
			t.Fatalf("call %s got a second record: %+v", o.CallID, o)
		}
		if !w.arrived[o.CallID] && !isArrivalOf(w.input, o.CallID) {
			t.Fatalf("record for a call that never arrived: %+v", o)
		}
		for a, c := range w.talking {
			if c == o.CallID {
				delete(w.talking, a)
			}
		}
		for a, c := range w.ringing {
			if c == o.CallID {
				t.Fatalf("call %s recorded while still ringing agent %s", c, a)
			}
		}
	case AgentStateChanged:
		w.observeState(o)
	case AgentStatus:
		if c, ok := w.ringing[o.AgentID]; ok && (o.State != AgentReserved || o.CallID != c) {
			t.Fatalf("status of %s is %s on %q, earlier outputs reported ringing for %s", o.AgentID, o.State, o.CallID, c)
		}
		if c, ok := w.talking[o.AgentID]; ok && (o.State != AgentOnCall || o.CallID != c) {
			t.Fatalf("status of %s is %s on %q, earlier outputs reported talking on %s", o.AgentID, o.State, o.CallID, c)
		}
	}
}

func isArrivalOf(in Input, callID string) bool {
	a, ok := in.(CallArrived)
	return ok && a.CallID == callID
}

func (w *world) observeState(o AgentStateChanged) {
	t := w.t
	t.Helper()
	if until, ok := w.wrapping[o.AgentID]; ok && o.State != AgentWrapUp {
		if o.At.Before(until) && !endsWrapUpEarly(w.input, o.AgentID) {
			t.Fatalf("agent %s left wrap-up at %s, before its end %s, on %T", o.AgentID, o.At, until, w.input)
		}
		delete(w.wrapping, o.AgentID)
	}
	switch o.State {
	case AgentWrapUp:
		w.wrapping[o.AgentID] = o.Until
	case AgentAvailable, AgentPaused, AgentLoggedOut:
		if c, ok := w.ringing[o.AgentID]; ok {
			t.Fatalf("agent %s became %s while ringing for %s", o.AgentID, o.State, c)
		}
		if c, ok := w.talking[o.AgentID]; ok {
			t.Fatalf("agent %s became %s while talking on %s", o.AgentID, o.State, c)
		}
	}
}

func endsWrapUpEarly(in Input, agentID string) bool {
	switch in := in.(type) {
	case WrapUpDone:
		return in.AgentID == agentID
	case AgentReady:
		return in.AgentID == agentID
	case AgentPause:
		return in.AgentID == agentID
	case AgentSignOut:
		return in.AgentID == agentID
	}
	return false
}

// checkOffer runs inside the engine just before agent a is reserved for call c.
func (w *world) checkOffer(a *agent, c *call) {
	t := w.t
	if a.state != AgentAvailable {
		t.Fatalf("offer of %s to agent %s in state %s", c.id, a.id, a.state)
	}
	if !c.offerFromQueue {
		return // a transfer to a named agent skips queue order
	}

	required := mergeSkills(c.queue.cfg.Skills, c.skills)
	if !a.satisfies(required) {
		t.Fatalf("agent %s lacks the skills %v of call %s", a.id, required, c.id)
	}

	// The call must come first among the calls this agent could take.
	for _, q := range a.queues {
		for _, g := range q.order {
			if !a.satisfies(g.required) {
				continue
			}
			for _, other := range g.calls {
				if compareKeys(other.key, c.key) < 0 {
					t.Fatalf("call %s (priority %d, arrived %s) offered to %s ahead of %s (priority %d, arrived %s)",
						c.id, c.priority, c.arrived, a.id, other.id, other.priority, other.arrived)
				}
				if q != c.queue {
					continue
				}
				step := q.cfg.AgingStep
				if other.priority == c.priority && other.arrived.Before(c.arrived) {
					t.Fatalf("FIFO broken in queue %s: %s offered before earlier %s of equal priority", q.cfg.Name, c.id, other.id)
				}
				// Aging bound: a call is never overtaken by one that arrived more than
				// (priority difference) × AgingStep after it.
				if lead := time.Duration(c.priority-other.priority) * step; other.arrived.Add(lead).Before(c.arrived) {
					t.Fatalf("aging bound broken in queue %s: %s overtook %s by more than %s", q.cfg.Name, c.id, other.id, lead)
				}
			}
		}
	}

	// The agent must be the one the queue's strategy prefers among those who can serve it.
	q := c.queue
	var best *agent
	bestScore := -1
	for _, cand := range q.available {
		if !cand.satisfies(required) {
			continue
		}
		score := 0
		if q.cfg.Strategy == StrategySkillWeighted {
			score = cand.skillScore(required)
		}
		if best == nil || score > bestScore || (score == bestScore && q.compareAgents(cand, best) < 0) {
			best, bestScore = cand, score
		}
	}
	if best != a {
		t.Fatalf("queue %s (%s) offered %s to %s, strategy prefers %v", q.cfg.Name, q.cfg.Strategy, c.id, a.id, best)
	}
}

func (w *world) pick(list []string) string { return list[w.rng.IntN(len(list))] }

func (w *world) randomSkills(names []string, maxLevel int) []SkillLevel {
	var skills []SkillLevel
	for _, name := range names {
		if level := w.rng.IntN(maxLevel + 1); level > 0 {
			skills = append(skills, SkillLevel{Skill: name, Level: level})
		}
	}
	return skills
}

// sortedKeys returns the map's keys in order, so choices depend only on the seed.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (w *world) liveCalls() []string {
	ids := make([]string, 0, len(w.e.calls))
	for id := range w.e.calls {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// liveCall returns a live call id, or now and then the id of a finished or unknown call.
func (w *world) liveCall() string {
	ids := w.liveCalls()
	if len(ids) == 0 || w.rng.IntN(20) == 0 {
		return "gone" + strconv.Itoa(w.rng.IntN(w.nextCall+1))
	}
	return w.pick(ids)
}

func (w *world) randomInput() Input {
	r := w.rng.IntN(100)
	switch {
	case r < 20:
		w.nextCall++
		id := "c" + strconv.Itoa(w.nextCall)
		if live := w.liveCalls(); len(live) > 0 && w.rng.IntN(40) == 0 {
			id = w.pick(live) // a duplicate of a live call must be rejected without a record
		}
		queue := w.pick(propertyQueues)
		if w.rng.IntN(50) == 0 {
			queue = "missing"
		}
		return CallArrived{
			CallID: id, Queue: queue, CallerNumber: "+7495" + id,
			VIP: w.rng.IntN(6) == 0, Kind: CallKind(w.rng.IntN(3)), PriorityBoost: w.rng.IntN(3) - 1,
			Skills: w.randomSkills([]string{"lang", "tech"}, 3),
		}
	case r < 28:
		return CallEnded{CallID: w.liveCall(), By: Party(w.rng.IntN(3)), Cause: "16"}
	case r < 36:
		queues := slices.Clone(propertyQueues)
		w.rng.Shuffle(len(queues), func(i, j int) { queues[i], queues[j] = queues[j], queues[i] })
		return AgentSignIn{
			AgentID: w.pick(propertyAgents), Endpoint: w.pick(propertyEndpoints),
			Skills: w.randomSkills([]string{"lang", "tech"}, 4), Queues: queues[:1+w.rng.IntN(len(queues))],
		}
	case r < 40:
		if w.rng.IntN(3) == 0 {
			return AgentChangeEndpoint{AgentID: w.pick(propertyAgents), Endpoint: w.pick(propertyEndpoints)}
		}
		return AgentSignOut{AgentID: w.pick(propertyAgents)}
	case r < 45:
		return AgentPause{AgentID: w.pick(propertyAgents), Reason: w.pick([]string{"lunch", "training", ""})}
	case r < 52:
		return AgentReady{AgentID: w.pick(propertyAgents)}
	case r < 55:
		return WrapUpDone{AgentID: w.pick(propertyAgents)}
	case r < 68:
		if agents := sortedKeys(w.ringing); len(agents) > 0 && w.rng.IntN(10) > 0 {
			a := w.pick(agents)
			return AgentAnswered{CallID: w.ringing[a], AgentID: a}
		}
		return AgentAnswered{CallID: w.liveCall(), AgentID: w.pick(propertyAgents)}
	case r < 73:
		if agents := sortedKeys(w.ringing); len(agents) > 0 {
			a := w.pick(agents)
			return AgentLegFailed{CallID: w.ringing[a], AgentID: a, Reason: LegFailure(w.rng.IntN(4))}
		}
		return Tick{}
	case r < 76:
		if agents := sortedKeys(w.talking); len(agents) > 0 {
			a := w.pick(agents)
			return TransferToQueue{CallID: w.talking[a], FromAgentID: a, Queue: w.pick(propertyQueues)}
		}
		return Tick{}
	case r < 78:
		if agents := sortedKeys(w.talking); len(agents) > 0 {
			a := w.pick(agents)
			return TransferToAgent{CallID: w.talking[a], FromAgentID: a, ToAgentID: w.pick(propertyAgents)}
		}
		return Tick{}
	case r < 80:
		if agents := sortedKeys(w.talking); len(agents) > 0 {
			a := w.pick(agents)
			return HangUpRequest{CallID: w.talking[a], AgentID: a}
		}
		return Tick{}
	case r < 82:
		if w.rng.IntN(2) == 0 {
			return QueryQueues{}
		}
		return QueryAgent{AgentID: w.pick(propertyAgents)}
	default:
		w.now = w.now.Add(time.Duration(w.rng.IntN(40_000)) * time.Millisecond)
		return Tick{}
	}
}
