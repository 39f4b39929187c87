package sim

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/dialer/pacing"
)

// handConfig is a scenario small enough to follow on paper: one agent, every
// dial answered live after exactly 5 s, every call handled in exactly 10 s,
// 60 s measured with no warm-up.
func handConfig() Config {
	return Config{
		Agents:          1,
		LiveProbability: 1,
		Handle:          Constant(10),
		RingLive:        Constant(5),
		RingOther:       Constant(5),
		Patience:        2 * time.Second,
		Tick:            500 * time.Millisecond,
		Duration:        time.Minute,
		RollingWindow:   time.Hour,
		Seed:            1,
	}
}

func mustFixedRatio(t *testing.T, ratio float64) pacing.Policy {
	t.Helper()
	p, err := pacing.NewFixedRatio(ratio)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, cfg Config, p pacing.Policy) Result {
	t.Helper()
	r, err := Run(cfg, p)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

func checkCounts(t *testing.T, r Result, dials, live, connected, abandoned int) {
	t.Helper()
	if r.Dials != dials {
		t.Errorf("Dials = %d, want %d", r.Dials, dials)
	}
	if r.LiveAnswers != live {
		t.Errorf("LiveAnswers = %d, want %d", r.LiveAnswers, live)
	}
	if r.Connected != connected {
		t.Errorf("Connected = %d, want %d", r.Connected, connected)
	}
	if r.Abandoned != abandoned {
		t.Errorf("Abandoned = %d, want %d", r.Abandoned, abandoned)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func TestRunProgressiveHandChecked(t *testing.T) {
	// Dials at 0, 15, 30 and 45 s; each is answered 5 s later and handled for
	// 10 s, so the agent is busy 5–15, 20–30, 35–45 and 50–60.
	r := run(t, handConfig(), pacing.NewProgressive())

	checkCounts(t, r, 4, 4, 4, 0)
	if !near(r.Utilisation, 40.0/60) {
		t.Errorf("Utilisation = %v, want 40/60", r.Utilisation)
	}
	if r.Abandonment != 0 || r.WorstWindowAbandonment != 0 {
		t.Errorf("Abandonment = %v, worst window %v, want 0", r.Abandonment, r.WorstWindowAbandonment)
	}
	if !near(r.ContactsPerAgentHour, 240) {
		t.Errorf("ContactsPerAgentHour = %v, want 4 per minute = 240", r.ContactsPerAgentHour)
	}
	if r.AnswerToAgentP50 != 0 || r.AnswerToAgentP99 != 0 {
		t.Errorf("answer-to-agent p50 %v p99 %v, want 0", r.AnswerToAgentP50, r.AnswerToAgentP99)
	}
}

func TestRunFixedRatioAbandonsSecondCall(t *testing.T) {
	// Two dials per cycle, both answered together: one reaches the agent, the
	// other waits 2 s for nobody and is abandoned. Cycles start at 0, 15, 30, 45 s.
	r := run(t, handConfig(), mustFixedRatio(t, 2))

	checkCounts(t, r, 8, 8, 4, 4)
	if !near(r.Abandonment, 0.5) {
		t.Errorf("Abandonment = %v, want 0.5", r.Abandonment)
	}
	if !near(r.Utilisation, 40.0/60) {
		t.Errorf("Utilisation = %v, want 40/60", r.Utilisation)
	}
}

func TestRunWaitingCallReachesFreedAgent(t *testing.T) {
	// Handle time 1 s: the second call of a pair waits 1 s and is connected
	// within the 2 s patience. Cycles start at 0 and 7 s in a 14 s run.
	cfg := handConfig()
	cfg.Handle = Constant(1)
	cfg.Duration = 14 * time.Second
	r := run(t, cfg, mustFixedRatio(t, 2))

	checkCounts(t, r, 4, 4, 4, 0)
	if r.AnswerToAgentP50 != 0 {
		t.Errorf("answer-to-agent p50 = %v, want 0", r.AnswerToAgentP50)
	}
	if r.AnswerToAgentP99 != time.Second {
		t.Errorf("answer-to-agent p99 = %v, want 1s", r.AnswerToAgentP99)
	}
	if !near(r.Utilisation, 4.0/14) {
		t.Errorf("Utilisation = %v, want 4/14", r.Utilisation)
	}
}

func TestRunRespectsLinesAndLeads(t *testing.T) {
	cfg := handConfig()
	cfg.Lines = 1
	r := run(t, cfg, mustFixedRatio(t, 2))
	checkCounts(t, r, 4, 4, 4, 0) // one line: the fixed ratio behaves like progressive

	cfg = handConfig()
	cfg.Leads = 3
	r = run(t, cfg, pacing.NewProgressive())
	checkCounts(t, r, 3, 3, 3, 0)
}

func TestRunExcludesWarmUp(t *testing.T) {
	// Measured period 15–60 s: dials at 15, 30, 45; busy 20–30, 35–45, 50–60.
	cfg := handConfig()
	cfg.WarmUp = 15 * time.Second
	cfg.Duration = 45 * time.Second
	r := run(t, cfg, pacing.NewProgressive())

	checkCounts(t, r, 3, 3, 3, 0)
	if !near(r.Utilisation, 30.0/45) {
		t.Errorf("Utilisation = %v, want 30/45", r.Utilisation)
	}
}

func TestRunWorstWindow(t *testing.T) {
	// Every minute holds four cycles of one connected and one abandoned call,
	// so every 1-minute window has the ratio 0.5.
	cfg := handConfig()
	cfg.Duration = 3 * time.Minute
	cfg.RollingWindow = time.Minute
	r := run(t, cfg, mustFixedRatio(t, 2))
	if !near(r.WorstWindowAbandonment, 0.5) {
		t.Errorf("WorstWindowAbandonment = %v, want 0.5", r.WorstWindowAbandonment)
	}
}

func TestRunSameSeedSameResult(t *testing.T) {
	cfg := DefaultConfig(10, 0.3, 42)
	cfg.WarmUp = time.Minute
	cfg.Duration = 30 * time.Minute

	newPolicy := func() pacing.Policy {
		p, err := pacing.NewPredictive(pacing.PredictiveConfig{Target: 0.03})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := run(t, cfg, newPolicy())
	second := run(t, cfg, newPolicy())
	if !reflect.DeepEqual(first, second) {
		t.Errorf("same seed gave different results:\n%+v\n%+v", first, second)
	}
	if first.Dials == 0 || first.Connected == 0 {
		t.Fatalf("run placed %d dials and connected %d calls, want both positive", first.Dials, first.Connected)
	}

	cfg.Seed = 43
	other := run(t, cfg, newPolicy())
	if reflect.DeepEqual(first, other) {
		t.Errorf("seeds 42 and 43 gave identical results %+v", first)
	}
}

func TestRunRejectsInvalidConfig(t *testing.T) {
	cases := []struct {
		edit func(c *Config)
		word string
	}{
		{func(c *Config) { c.Agents = 0 }, "agents"},
		{func(c *Config) { c.LiveProbability = 1.5 }, "live probability"},
		{func(c *Config) { c.Handle = nil }, "distributions"},
		{func(c *Config) { c.Tick = 0 }, "tick"},
		{func(c *Config) { c.Duration = 0 }, "duration"},
		{func(c *Config) { c.Lines = -1 }, "lines"},
	}
	for _, tc := range cases {
		cfg := handConfig()
		tc.edit(&cfg)
		_, err := Run(cfg, pacing.NewProgressive())
		if err == nil || !strings.Contains(err.Error(), tc.word) {
			t.Errorf("Run with bad %s: error %v, want one naming %q", tc.word, err, tc.word)
		}
	}
	if _, err := Run(handConfig(), nil); err == nil {
		t.Error("Run without a policy returned no error")
	}
}
