package pacing

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func newTestPredictive(t testing.TB, target float64) *Predictive {
	t.Helper()
	p, err := NewPredictive(PredictiveConfig{Target: target})
	if err != nil {
		t.Fatalf("NewPredictive: %v", err)
	}
	return p
}

// teach feeds a policy history: dials live with probability live, ring times
// uniform on [4 s, 20 s] (live) and [5 s, 30 s] (other), handle times
// lognormal with mean 180 s.
func teach(p Policy, live float64, dials int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 1))
	at := time.Duration(0)
	for range dials {
		at += 200 * time.Millisecond
		if r.Float64() < live {
			p.Observe(Outcome{At: at, Kind: LiveAnswer, Duration: seconds(4 + 16*r.Float64())})
			p.Observe(Outcome{At: at, Kind: Connected})
			p.Observe(Outcome{At: at, Kind: HandleDone, Duration: seconds(180 * math.Exp(0.7*r.NormFloat64()-0.245))})
		} else {
			p.Observe(Outcome{At: at, Kind: NoLiveAnswer, Duration: seconds(5 + 25*r.Float64())})
		}
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func TestPredictiveDialsMoreForIdleAgents(t *testing.T) {
	p := newTestPredictive(t, 0.03)
	teach(p, 0.3, 2000, 1)

	busy := State{Now: 10 * time.Minute, FreeLines: math.MaxInt, RemainingLeads: math.MaxInt}
	busy.Talking = make([]time.Duration, 10)
	for i := range busy.Talking {
		busy.Talking[i] = time.Duration(i+1) * time.Second
	}
	fewIdle := busy
	fewIdle.IdleAgents = 2
	manyIdle := busy
	manyIdle.IdleAgents = 8

	nBusy, nFew, nMany := p.Dials(&busy), p.Dials(&fewIdle), p.Dials(&manyIdle)
	if !(nBusy < nFew && nFew < nMany) {
		t.Errorf("Dials with 0, 2, 8 idle agents = %d, %d, %d, want strictly increasing", nBusy, nFew, nMany)
	}
	// Eight idle agents at p = 0.3 need far more than eight dials.
	if nMany < 16 {
		t.Errorf("Dials with 8 idle agents at p 0.3 = %d, want at least 16", nMany)
	}
}

func TestPredictiveCountsOutstandingDials(t *testing.T) {
	p := newTestPredictive(t, 0.03)
	teach(p, 0.3, 2000, 2)

	s := State{Now: 10 * time.Minute, IdleAgents: 5, FreeLines: math.MaxInt, RemainingLeads: math.MaxInt}
	none := p.Dials(&s)
	s.Outstanding = make([]time.Duration, 10)
	for i := range s.Outstanding {
		s.Outstanding[i] = time.Second
	}
	ten := p.Dials(&s)
	if ten >= none {
		t.Errorf("Dials with 10 young dials ringing = %d, without = %d, want fewer", ten, none)
	}

	// Dials that rang past every live answer seen are almost surely not live.
	for i := range s.Outstanding {
		s.Outstanding[i] = 25 * time.Second
	}
	if old := p.Dials(&s); old < none-1 {
		t.Errorf("Dials with 10 dials ringing for 25 s = %d, want about %d as with none", old, none)
	}
}

func TestPredictiveLearnsLiveProbability(t *testing.T) {
	low := newTestPredictive(t, 0.03)
	teach(low, 0.1, 3000, 3)
	high := newTestPredictive(t, 0.03)
	teach(high, 0.5, 3000, 3)

	s := State{Now: 10 * time.Minute, IdleAgents: 6, FreeLines: math.MaxInt, RemainingLeads: math.MaxInt}
	nLow, nHigh := low.Dials(&s), high.Dials(&s)
	if nLow <= 2*nHigh {
		t.Errorf("Dials after p 0.1 history = %d, after p 0.5 = %d, want more than twice as many", nLow, nHigh)
	}
}

func TestPredictiveWaitsForLongCalls(t *testing.T) {
	p := newTestPredictive(t, 0.03)
	teach(p, 0.3, 2000, 4)

	// Handle times are near 180 s. Agents ten seconds into a call rarely
	// finish within a ring cycle, and agents 170 s into one often do.
	s := State{Now: 10 * time.Minute, FreeLines: math.MaxInt, RemainingLeads: math.MaxInt}
	s.Talking = make([]time.Duration, 40)
	for i := range s.Talking {
		s.Talking[i] = 10 * time.Second
	}
	early := p.Dials(&s)
	for i := range s.Talking {
		s.Talking[i] = 170 * time.Second
	}
	middle := p.Dials(&s)
	if middle <= early {
		t.Errorf("Dials with 40 agents 170 s into calls = %d, 10 s into calls = %d, want more near the mean handle time", middle, early)
	}
}

func TestPredictiveThresholdFollowsAbandonment(t *testing.T) {
	over := newTestPredictive(t, 0.03)
	under := newTestPredictive(t, 0.03)
	start := over.Threshold(0)

	at := time.Duration(0)
	for i := range 600 {
		at += 5 * time.Second
		over.Observe(Outcome{At: at, Kind: LiveAnswer, Duration: 8 * time.Second})
		under.Observe(Outcome{At: at, Kind: LiveAnswer, Duration: 8 * time.Second})
		if i%10 == 0 {
			over.Observe(Outcome{At: at, Kind: Abandoned, Duration: 2 * time.Second})
		}
	}

	if got := over.Threshold(at); got >= start {
		t.Errorf("threshold after 10 %% abandonment = %v, want below the initial %v", got, start)
	}
	if got := under.Threshold(at); got <= start {
		t.Errorf("threshold after no abandonment = %v, want above the initial %v", got, start)
	}
}

func TestPredictiveRejectsInvalidConfig(t *testing.T) {
	cases := []PredictiveConfig{
		{},
		{Target: 1.2},
		{Target: math.NaN()},
		{Target: 0.03, Setpoint: 2},
		{Target: 0.03, Window: time.Second},
		{Target: 0.03, Patience: -time.Second},
		{Target: 0.03, InitialScale: 100},
		{Target: 0.03, PriorLiveProbability: 1},
		{Target: 0.03, PriorHandleTime: -time.Second},
		{Target: 0.03, PriorWeight: -1},
	}
	for _, cfg := range cases {
		if _, err := NewPredictive(cfg); err == nil {
			t.Errorf("NewPredictive(%+v) returned no error", cfg)
		}
	}
}

func TestHistogramMatchesUniform(t *testing.T) {
	h := newHistogram(0.5, 60, 1e6)
	r := rand.New(rand.NewPCG(5, 5))
	for range 20000 {
		h.add(4 + 16*r.Float64())
	}
	h.refresh()

	for _, x := range []float64{2, 4, 8, 12, 16, 20, 30} {
		want := min(max((x-4)/16, 0), 1)
		if got := h.at(x); math.Abs(got-want) > 0.02 {
			t.Errorf("CDF at %v s = %.3f, want %.3f", x, got, want)
		}
	}
	if q := h.quantile(0.99); q < 19.5 || q > 20.5 {
		t.Errorf("99th percentile = %v s, want about 20", q)
	}
}

// BenchmarkPredictiveDials100Agents times one decision for a 100-agent
// campaign in a busy steady state: 95 agents on calls, 5 idle, 35 dials
// ringing.
func BenchmarkPredictiveDials100Agents(b *testing.B) {
	p := newTestPredictive(b, 0.025)
	teach(p, 0.3, 5000, 6)

	r := rand.New(rand.NewPCG(7, 7))
	s := State{Now: time.Hour, IdleAgents: 5, FreeLines: math.MaxInt, RemainingLeads: math.MaxInt}
	for range 95 {
		s.Talking = append(s.Talking, seconds(400*r.Float64()))
	}
	for range 35 {
		s.Outstanding = append(s.Outstanding, seconds(25*r.Float64()))
	}

	b.ResetTimer()
	for b.Loop() {
		p.Dials(&s)
	}
}

func TestHistogramCountsRunningDurations(t *testing.T) {
	h := newHistogram(2, 600, 1e6)
	for range 10 {
		h.add(10)
	}
	h.refresh()
	if got := h.at(50); math.Abs(got-1) > 1e-9 {
		t.Fatalf("CDF at 50 s from finished durations only = %v, want 1", got)
	}

	// Ten more durations are still running at 100 s: half of all are short.
	running := make([]float64, 10)
	for i := range running {
		running[i] = 100
	}
	h.refreshCensored(running, 600)
	if got := h.at(50); math.Abs(got-0.5) > 1e-4 { // the slow forgetting weighs observations by up to 1e-5
		t.Errorf("Kaplan–Meier CDF at 50 s = %v, want 0.5", got)
	}
	if got := h.at(5); got != 0 {
		t.Errorf("Kaplan–Meier CDF at 5 s = %v, want 0", got)
	}
}

func TestProportionUpperBoundNarrows(t *testing.T) {
	p := newProportion(0.2, 20, 2000)
	early := p.upper(1.645) - p.value()
	if early < 0.1 {
		t.Errorf("upper-bound margin with 20 pseudo-counts = %v, want at least 0.1", early)
	}

	r := rand.New(rand.NewPCG(8, 8))
	for range 5000 {
		p.add(r.Float64() < 0.3)
	}
	if v := p.value(); math.Abs(v-0.3) > 0.03 {
		t.Errorf("estimate after 5000 outcomes at 0.3 = %v", v)
	}
	if late := p.upper(1.645) - p.value(); late > 0.02 || late <= 0 {
		t.Errorf("upper-bound margin after 5000 outcomes = %v, want in (0, 0.02]", late)
	}
}
