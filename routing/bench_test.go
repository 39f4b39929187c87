package routing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"
)

// The decision benchmarks measure Engine.Handle for inputs that make a routing decision, with
// 2,000 signed-in agents and 10,000 waiting calls, and report the median and p99 of the
// individual decisions. ns/op also counts the inputs that restore the setup between
// decisions. The loop does not call b.StopTimer, because it stops the world to read memory
// statistics and would distort the samples. Run them with
//
//	go test -run '^$' -bench Decision -benchtime 20000x ./routing

const (
	benchAgents  = 2000
	benchWaiting = 10000
	benchQueues  = 20
)

var benchSkills = []string{"ru", "en", "billing", "tech", "sales"}

func benchConfig() Config {
	strategies := []Strategy{StrategyLongestIdle, StrategyFewestCalls, StrategySkillWeighted}
	cfg := Config{StatsInterval: 5 * time.Second}
	for i := range benchQueues {
		cfg.Queues = append(cfg.Queues, QueueConfig{
			Name:             "q" + strconv.Itoa(i),
			Strategy:         strategies[i%len(strategies)],
			WrapUp:           30 * time.Second,
			AnnounceInterval: time.Minute,
			MaxWait:          24 * time.Hour,
		})
	}
	return cfg
}

type benchRig struct {
	e        *Engine
	rng      *rand.Rand
	now      time.Time
	nextCall int
	agents   []string
	talking  map[string]string // agent id to call id
}

func (r *benchRig) handle(in Input) []Output {
	r.now = r.now.Add(time.Millisecond)
	return r.e.Handle(r.now, in)
}

func (r *benchRig) arrival() CallArrived {
	r.nextCall++
	in := CallArrived{
		CallID: "c" + strconv.Itoa(r.nextCall), Queue: "q" + strconv.Itoa(r.rng.IntN(benchQueues)),
		VIP: r.rng.IntN(10) == 0, Kind: CallKind(r.rng.IntN(3)),
	}
	if r.rng.IntN(2) == 0 {
		in.Skills = []SkillLevel{{Skill: benchSkills[r.rng.IntN(len(benchSkills))], Level: 1 + r.rng.IntN(3)}}
	}
	return in
}

// answerRings reports an answer for every RingAgent in outs.
func (r *benchRig) answerRings(b *testing.B, outs []Output) {
	for _, o := range outs {
		if ring, ok := o.(RingAgent); ok {
			out := r.handle(AgentAnswered{CallID: ring.CallID, AgentID: ring.AgentID})
			if len(out) == 0 || rejected(out) {
				b.Fatalf("answer of %+v failed: %+v", ring, out)
			}
			r.talking[ring.AgentID] = ring.CallID
		}
	}
}

// newBenchRig signs in the agents, puts one call on each, and queues benchWaiting more.
func newBenchRig(b *testing.B) *benchRig {
	e, err := New(benchConfig(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := &benchRig{e: e, rng: rand.New(rand.NewPCG(1, 2)), now: t0, talking: make(map[string]string)}
	for i := range benchAgents {
		id := "a" + strconv.Itoa(i)
		r.agents = append(r.agents, id)
		var skills []SkillLevel
		for _, s := range benchSkills {
			skills = append(skills, SkillLevel{Skill: s, Level: 1 + r.rng.IntN(5)})
		}
		queues := []string{"q" + strconv.Itoa(i%benchQueues), "q" + strconv.Itoa((i+7)%benchQueues), "q" + strconv.Itoa((i+13)%benchQueues)}
		if out := r.handle(AgentSignIn{AgentID: id, Endpoint: "PJSIP/" + id, Skills: skills, Queues: queues}); rejected(out) {
			b.Fatalf("sign-in: %+v", out)
		}
	}
	for len(r.talking) < benchAgents {
		r.answerRings(b, r.handle(r.arrival()))
	}
	for range benchWaiting {
		r.handle(r.arrival())
	}
	if len(e.calls)-len(r.talking) < benchWaiting {
		b.Fatalf("only %d calls wait", len(e.calls)-len(r.talking))
	}
	return r
}

func reportPercentiles(b *testing.B, samples []time.Duration) {
	slices.Sort(samples)
	at := func(p float64) time.Duration { return samples[int(p*float64(len(samples)-1))] }
	b.ReportMetric(float64(at(0.50).Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(at(0.99).Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(samples[len(samples)-1].Nanoseconds()), "max-ns")
}

// BenchmarkDecisionAgentFree times the decision made when an agent finishes wrap-up and takes
// the best waiting call across the agent's three queues. A new call arrives after each
// decision, so the queues keep 10,000 waiting calls.
func BenchmarkDecisionAgentFree(b *testing.B) {
	r := newBenchRig(b)
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		id := r.agents[i%len(r.agents)]
		r.handle(CallEnded{CallID: r.talking[id], By: PartyCaller})
		delete(r.talking, id)

		r.now = r.now.Add(time.Millisecond)
		start := time.Now()
		out := r.e.Handle(r.now, WrapUpDone{AgentID: id})
		samples = append(samples, time.Since(start))

		if len(find[RingAgent](out)) != 1 {
			b.Fatalf("no decision: %+v", out)
		}
		r.answerRings(b, out)
		r.answerRings(b, r.handle(r.arrival()))
	}
	b.StopTimer()
	reportPercentiles(b, samples)
}

// BenchmarkDecisionCallArrives times the decision made when a call arrives while 2,000
// agents are available and no call waits, which is when the strategy scans the most agents.
func BenchmarkDecisionCallArrives(b *testing.B) {
	e, err := New(benchConfig(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := &benchRig{e: e, rng: rand.New(rand.NewPCG(3, 4)), now: t0, talking: make(map[string]string)}
	for i := range benchAgents {
		id := "a" + strconv.Itoa(i)
		var skills []SkillLevel
		for _, s := range benchSkills {
			skills = append(skills, SkillLevel{Skill: s, Level: 1 + r.rng.IntN(5)})
		}
		queues := []string{"q" + strconv.Itoa(i%benchQueues), "q" + strconv.Itoa((i+7)%benchQueues), "q" + strconv.Itoa((i+13)%benchQueues)}
		r.handle(AgentSignIn{AgentID: id, Endpoint: "PJSIP/" + id, Skills: skills, Queues: queues})
	}

	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		in := r.arrival()
		r.now = r.now.Add(time.Millisecond)
		start := time.Now()
		out := r.e.Handle(r.now, in)
		samples = append(samples, time.Since(start))

		if len(find[RingAgent](out)) != 1 {
			b.Fatalf("no decision: %+v", out)
		}
		// The caller hangs up while it rings, which frees the agent again.
		r.handle(CallEnded{CallID: in.CallID, By: PartyCaller})
	}
	b.StopTimer()
	reportPercentiles(b, samples)
}

func ExampleEngine_Handle() {
	e, _ := New(Config{Queues: []QueueConfig{{Name: "support"}}}, Options{})
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.Handle(now, AgentSignIn{AgentID: "alice", Endpoint: "PJSIP/1001", Queues: []string{"support"}})
	for _, o := range e.Handle(now, CallArrived{CallID: "call-1", Queue: "support", CallerNumber: "+74951234567"}) {
		if ring, ok := o.(RingAgent); ok {
			fmt.Println("ring", ring.AgentID, "at", ring.Endpoint, "for", ring.CallID)
		}
	}
	// Output: ring alice at PJSIP/1001 for call-1
}
