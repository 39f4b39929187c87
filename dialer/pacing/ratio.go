package pacing

import (
	"fmt"
	"math"
)

// Progressive dials one number per idle agent: outstanding dials never exceed
// idle agents, so a live answer waits for nobody unless an agent logs out.
type Progressive struct{}

// NewProgressive returns the progressive policy.
func NewProgressive() *Progressive { return &Progressive{} }

// Name returns "progressive".
func (*Progressive) Name() string { return "progressive" }

// Dials returns idle agents minus outstanding dials and waiting calls.
func (*Progressive) Dials(s *State) int {
	return limit(s, s.IdleAgents-len(s.Outstanding)-s.Waiting)
}

// Observe ignores outcomes: the progressive policy has no statistics.
func (*Progressive) Observe(Outcome) {}

// FixedRatio keeps Ratio dials in progress for every idle agent.
type FixedRatio struct {
	ratio float64
}

// NewFixedRatio returns a fixed-ratio policy with ratio lines per idle agent.
// The ratio must be at least 1 and finite.
func NewFixedRatio(ratio float64) (*FixedRatio, error) {
	if math.IsNaN(ratio) || math.IsInf(ratio, 0) || ratio < 1 {
		return nil, fmt.Errorf("fixed ratio %v is invalid: use a finite number of lines per idle agent of at least 1", ratio)
	}
	return &FixedRatio{ratio: ratio}, nil
}

// Name returns "fixed-ratio-R" with the ratio.
func (f *FixedRatio) Name() string { return fmt.Sprintf("fixed-ratio-%.1f", f.ratio) }

// Dials returns ratio × idle agents, rounded, minus the dials already in
// progress and the calls already waiting.
func (f *FixedRatio) Dials(s *State) int {
	goal := int(math.Round(f.ratio * float64(s.IdleAgents)))
	return limit(s, goal-len(s.Outstanding)-s.Waiting)
}

// Observe ignores outcomes: the fixed-ratio policy has no statistics.
func (*FixedRatio) Observe(Outcome) {}
