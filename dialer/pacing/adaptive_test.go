package pacing

import (
	"math"
	"testing"
	"time"
)

// runSeconds calls Dials every 0.5 s from `from` up to but not including `to`
// with the same state.
func runSeconds(p Policy, s State, from, to time.Duration) {
	for now := from; now < to; now += 500 * time.Millisecond {
		s.Now = now
		p.Dials(&s)
	}
}

func TestAdaptiveLevelRisesWithIdleAgents(t *testing.T) {
	policy, err := NewAdaptiveRatio(AdaptiveConfig{})
	if err != nil {
		t.Fatal(err)
	}
	s := openState()
	s.IdleAgents = 10
	runSeconds(policy, s, 0, 15*time.Second)

	// 15 samples of 10 idle agents out of 10: factor 1 + 10/10.
	if got := policy.Level(); math.Abs(got-2) > 1e-9 {
		t.Errorf("level after one period with every agent idle = %v, want 2", got)
	}

	s.Now = 15 * time.Second
	s.Outstanding = make([]time.Duration, 5)
	if n := policy.Dials(&s); n != 15 {
		t.Errorf("Dials at level 2 with 10 agents and 5 dials ringing = %d, want 15", n)
	}
}

func TestAdaptiveLevelFallsWithWaitingCalls(t *testing.T) {
	policy, err := NewAdaptiveRatio(AdaptiveConfig{InitialLevel: 2.5})
	if err != nil {
		t.Fatal(err)
	}
	s := openState()
	s.IdleAgents = 0
	s.Talking = make([]time.Duration, 10)
	s.Waiting = 4
	runSeconds(policy, s, 0, 15*time.Second)

	// Factor 1 + (0 − 4)/10 = 0.6.
	if got := policy.Level(); math.Abs(got-1.5) > 1e-9 {
		t.Errorf("level after one period with 4 calls waiting = %v, want 1.5", got)
	}
}

func TestAdaptiveDiffTargetRaisesLevel(t *testing.T) {
	policy, err := NewAdaptiveRatio(AdaptiveConfig{DiffTarget: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := openState()
	s.IdleAgents = 0
	s.Talking = make([]time.Duration, 10)
	runSeconds(policy, s, 0, 15*time.Second)

	if got := policy.Level(); math.Abs(got-1.2) > 1e-9 {
		t.Errorf("level with no idle agent and difference target 2 = %v, want 1.2", got)
	}
	// Goal round(1.2 × (10 + 2)) = 14 lines, 10 in use by agents.
	s.Now = 15 * time.Second
	if n := policy.Dials(&s); n != 4 {
		t.Errorf("Dials = %d, want 4", n)
	}
}

func TestAdaptiveDropModes(t *testing.T) {
	cases := []struct {
		mode DropMode
		want float64
	}{
		{DropHardLimit, 1},
		{DropAverage, 1.5},
		{DropTaper, 2}, // the update at the 15th sample (14 s) falls half-way through a 28 s day
	}
	for _, tc := range cases {
		policy, err := NewAdaptiveRatio(AdaptiveConfig{InitialLevel: 3, DropMode: tc.mode, CallingDay: 28 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			policy.Observe(Outcome{Kind: LiveAnswer, Duration: 8 * time.Second})
		}
		policy.Observe(Outcome{Kind: Abandoned, Duration: 2 * time.Second})

		// Every agent talking and nothing waiting: the adaptive factor is 1,
		// so only the drop changes the level.
		s := openState()
		s.IdleAgents = 0
		s.Talking = make([]time.Duration, 10)
		runSeconds(policy, s, 0, 15*time.Second)
		s.Now = 15 * time.Second
		policy.Dials(&s)

		if got := policy.Level(); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("drop mode %d with 10 %% abandoned: level = %v, want %v", tc.mode, got, tc.want)
		}
	}
}

func TestAdaptiveRejectsInvalidConfig(t *testing.T) {
	cases := []AdaptiveConfig{
		{MaxLevel: 0.5},
		{InitialLevel: 4},
		{DiffTarget: math.NaN()},
		{DropLimit: 1.5},
		{DropMode: 9},
		{CallingDay: -time.Hour},
	}
	for _, cfg := range cases {
		if _, err := NewAdaptiveRatio(cfg); err == nil {
			t.Errorf("NewAdaptiveRatio(%+v) returned no error", cfg)
		}
	}
}
