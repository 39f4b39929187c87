package pacing

import (
	"fmt"
	"math"
	"time"
)

// DropMode is the adaptive-ratio policy's reaction to a day's cumulative
// abandonment over its limit.
type DropMode int

const (
	// DropHardLimit sets the dial level to 1.
	DropHardLimit DropMode = iota + 1
	// DropAverage halves the dial level at each update, down to 1.
	DropAverage
	// DropTaper pulls the dial level toward 1 in proportion to the part of the
	// calling day already gone.
	DropTaper
)

// AdaptiveConfig configures the adaptive-ratio policy. The zero value of a
// field selects the default given in its comment.
type AdaptiveConfig struct {
	// MaxLevel caps the dial level in lines per agent (default 3.0).
	MaxLevel float64
	// InitialLevel is the dial level at the start of the day (default 1.0).
	InitialLevel float64
	// DiffTarget is the wanted surplus of idle agents over waiting calls. A
	// negative value keeps calls waiting for agents, a positive one keeps agents
	// waiting for calls. Zero is the default.
	DiffTarget float64
	// DropLimit is the day's abandonment ratio above which DropMode applies
	// (default 0.03).
	DropLimit float64
	// DropMode is the reaction to abandonment over DropLimit (default hard limit).
	DropMode DropMode
	// CallingDay is the length of the calling day for DropTaper (default 8 h).
	CallingDay time.Duration
}

func (c AdaptiveConfig) withDefaults() AdaptiveConfig {
	if c.MaxLevel == 0 {
		c.MaxLevel = 3
	}
	if c.InitialLevel == 0 {
		c.InitialLevel = 1
	}
	if c.DropLimit == 0 {
		c.DropLimit = 0.03
	}
	if c.DropMode == 0 {
		c.DropMode = DropHardLimit
	}
	if c.CallingDay == 0 {
		c.CallingDay = 8 * time.Hour
	}
	return c
}

func (c AdaptiveConfig) validate() error {
	switch {
	case math.IsNaN(c.MaxLevel) || math.IsInf(c.MaxLevel, 0) || c.MaxLevel < 1:
		return fmt.Errorf("adaptive max level %v is invalid: use a finite number of lines per agent of at least 1", c.MaxLevel)
	case math.IsNaN(c.InitialLevel) || c.InitialLevel < 1 || c.InitialLevel > c.MaxLevel:
		return fmt.Errorf("adaptive initial level %v is invalid: use a level between 1 and the max level %v", c.InitialLevel, c.MaxLevel)
	case math.IsNaN(c.DiffTarget) || math.IsInf(c.DiffTarget, 0):
		return fmt.Errorf("adaptive difference target %v is invalid: use a finite number of agents", c.DiffTarget)
	case math.IsNaN(c.DropLimit) || c.DropLimit <= 0 || c.DropLimit >= 1:
		return fmt.Errorf("adaptive drop limit %v is invalid: use a ratio between 0 and 1, such as 0.03", c.DropLimit)
	case c.DropMode < DropHardLimit || c.DropMode > DropTaper:
		return fmt.Errorf("adaptive drop mode %d is invalid: use DropHardLimit, DropAverage or DropTaper", c.DropMode)
	case c.CallingDay <= 0:
		return fmt.Errorf("adaptive calling day %v is invalid: use a positive duration", c.CallingDay)
	}
	return nil
}

const (
	adaptiveSamplePeriod = time.Second
	adaptiveSamples      = 15
)

// AdaptiveRatio paces like the adaptive dial level of the widely used
// open-source dialer (VICIdial's ADAPT_* methods). It keeps
// round(level × (agents + DiffTarget)) lines in use, counting dials in
// progress, waiting calls and calls with agents. Every second it samples idle
// agents, waiting calls and logged-in agents. Every 15 s it multiplies the
// level by 1 + (mean idle − mean waiting + DiffTarget) ÷ mean agents over the
// last 15 samples, clamped to [1, MaxLevel]. It uses no answer probabilities
// or handle times.
type AdaptiveRatio struct {
	cfg   AdaptiveConfig
	level float64

	nextSample time.Duration
	idle       [adaptiveSamples]float64
	waiting    [adaptiveSamples]float64
	agents     [adaptiveSamples]float64
	samples    int // total samples taken; the ring index is samples % adaptiveSamples

	liveAnswers int
	abandoned   int
}

// NewAdaptiveRatio returns an adaptive-ratio policy, or an error naming the
// first invalid setting.
func NewAdaptiveRatio(cfg AdaptiveConfig) (*AdaptiveRatio, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &AdaptiveRatio{cfg: cfg, level: cfg.InitialLevel}, nil
}

// Name returns "adaptive-ratio" with its difference target.
func (a *AdaptiveRatio) Name() string {
	return fmt.Sprintf("adaptive-ratio(cap %.1f, diff %+.2f)", a.cfg.MaxLevel, a.cfg.DiffTarget)
}

// Level returns the current dial level in lines per agent.
func (a *AdaptiveRatio) Level() float64 { return a.level }

// Dials samples the campaign, updates the level when a period ends and returns
// the dials that bring the lines in use up to the level.
func (a *AdaptiveRatio) Dials(s *State) int {
	for s.Now >= a.nextSample {
		a.sample(s)
		a.nextSample += adaptiveSamplePeriod
	}

	agents := math.Max(float64(s.LoggedIn())+a.cfg.DiffTarget, 0)
	goal := int(math.Round(a.level * agents))
	inUse := len(s.Outstanding) + s.Waiting + len(s.Talking)
	return limit(s, goal-inUse)
}

func (a *AdaptiveRatio) sample(s *State) {
	i := a.samples % adaptiveSamples
	a.idle[i] = float64(s.IdleAgents)
	a.waiting[i] = float64(s.Waiting)
	a.agents[i] = float64(s.LoggedIn())
	a.samples++

	if a.samples%adaptiveSamples == 0 {
		a.update(s.Now)
	}
}

func (a *AdaptiveRatio) update(now time.Duration) {
	var idle, waiting, agents float64
	for i := range adaptiveSamples {
		idle += a.idle[i]
		waiting += a.waiting[i]
		agents += a.agents[i]
	}
	if agents > 0 {
		factor := 1 + (idle-waiting+a.cfg.DiffTarget*adaptiveSamples)/agents
		a.level = min(max(a.level*factor, 1), a.cfg.MaxLevel)
	}

	if a.liveAnswers == 0 || float64(a.abandoned)/float64(a.liveAnswers) <= a.cfg.DropLimit {
		return
	}
	switch a.cfg.DropMode {
	case DropHardLimit:
		a.level = 1
	case DropAverage:
		a.level = max(a.level/2, 1)
	case DropTaper:
		dayShare := min(float64(now)/float64(a.cfg.CallingDay), 1)
		a.level = 1 + (a.level-1)*(1-dayShare)
	}
}

// Observe counts live answers and abandoned calls for the day's abandonment.
func (a *AdaptiveRatio) Observe(o Outcome) {
	switch o.Kind {
	case LiveAnswer:
		a.liveAnswers++
	case Abandoned:
		a.abandoned++
	}
}
