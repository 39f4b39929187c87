package pacing

import (
	"math"
	"testing"
	"time"
)

func newPolicies(t *testing.T) []Policy {
	t.Helper()
	fixed, err := NewFixedRatio(2)
	if err != nil {
		t.Fatalf("NewFixedRatio(2): %v", err)
	}
	adaptive, err := NewAdaptiveRatio(AdaptiveConfig{InitialLevel: 3})
	if err != nil {
		t.Fatalf("NewAdaptiveRatio: %v", err)
	}
	predictive, err := NewPredictive(PredictiveConfig{Target: 0.03})
	if err != nil {
		t.Fatalf("NewPredictive: %v", err)
	}
	return []Policy{NewProgressive(), fixed, adaptive, predictive}
}

// openState is a campaign with idle agents, nothing in progress and no limit
// from lines or leads: every policy wants to dial here.
func openState() State {
	return State{
		Now:            time.Minute,
		IdleAgents:     10,
		FreeLines:      math.MaxInt,
		RemainingLeads: math.MaxInt,
	}
}

func TestPoliciesObeyCampaignLimits(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(s *State)
		limit int
	}{
		{"one free line", func(s *State) { s.FreeLines = 1 }, 1},
		{"no free line", func(s *State) { s.FreeLines = 0 }, 0},
		{"lines oversubscribed", func(s *State) { s.FreeLines = -3 }, 0},
		{"two leads left", func(s *State) { s.RemainingLeads = 2 }, 2},
		{"no leads left", func(s *State) { s.RemainingLeads = 0 }, 0},
		{"paused", func(s *State) { s.Paused = true }, 0},
		{"no agent logged in", func(s *State) { s.IdleAgents = 0 }, 0},
		{"paused with busy agents", func(s *State) {
			s.Paused = true
			s.Talking = []time.Duration{time.Minute, 2 * time.Minute}
		}, 0},
	}

	for _, policy := range newPolicies(t) {
		t.Run(policy.Name(), func(t *testing.T) {
			s := openState()
			if n := policy.Dials(&s); n < 3 {
				t.Fatalf("Dials with 10 idle agents and no limit = %d, want at least 3 so that the limits below bind", n)
			}

			for _, tc := range cases {
				s := openState()
				tc.edit(&s)
				if n := policy.Dials(&s); n > tc.limit || n < 0 {
					t.Errorf("%s: Dials = %d, want between 0 and %d", tc.name, n, tc.limit)
				}
			}
		})
	}
}

func TestPoliciesStopWhenPausedMidCampaign(t *testing.T) {
	for _, policy := range newPolicies(t) {
		t.Run(policy.Name(), func(t *testing.T) {
			s := openState()
			for i := range 40 {
				s.Now = time.Duration(i) * 500 * time.Millisecond
				policy.Dials(&s)
				policy.Observe(Outcome{At: s.Now, Kind: NoLiveAnswer, Duration: 10 * time.Second})
			}

			s.Paused = true
			if n := policy.Dials(&s); n != 0 {
				t.Errorf("Dials after pause = %d, want 0", n)
			}
		})
	}
}

func TestProgressiveKeepsOneDialPerIdleAgent(t *testing.T) {
	s := openState()
	s.IdleAgents = 5
	s.Outstanding = []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
	if n := NewProgressive().Dials(&s); n != 2 {
		t.Errorf("Dials with 5 idle agents and 3 dials ringing = %d, want 2", n)
	}

	s.Outstanding = make([]time.Duration, 7)
	if n := NewProgressive().Dials(&s); n != 0 {
		t.Errorf("Dials with more dials ringing than idle agents = %d, want 0", n)
	}
}

func TestFixedRatioDialsRatioPerIdleAgent(t *testing.T) {
	policy, err := NewFixedRatio(2.5)
	if err != nil {
		t.Fatal(err)
	}
	s := openState()
	s.IdleAgents = 4
	s.Outstanding = []time.Duration{time.Second}
	s.Waiting = 1
	if n := policy.Dials(&s); n != 8 {
		t.Errorf("Dials at ratio 2.5 with 4 idle, 1 ringing, 1 waiting = %d, want 8", n)
	}
}

func TestFixedRatioRejectsInvalidRatio(t *testing.T) {
	for _, ratio := range []float64{0, 0.5, math.NaN(), math.Inf(1)} {
		if _, err := NewFixedRatio(ratio); err == nil {
			t.Errorf("NewFixedRatio(%v) returned no error", ratio)
		}
	}
}
