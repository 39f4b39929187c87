package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/dialer/pacing"
)

// GridConfig describes a comparison of every policy over a grid of campaigns.
type GridConfig struct {
	Agents            []int
	LiveProbabilities []float64
	// Targets are abandonment targets; each gives the predictive policy its
	// target and the tuned adaptive-ratio policy its drop limit.
	Targets []float64
	// Seeds is the number of seeds per cell; seed i is the same campaign for
	// every policy, so policies are compared on common random numbers.
	Seeds int
	// Scenario returns the campaign of one cell and seed; DefaultConfig when nil.
	Scenario func(agents int, liveProbability float64, seed uint64) Config
	// FixedRatio is the ratio of the fixed-ratio row.
	FixedRatio float64
	// SearchSteps is the number of refinement rounds of the adaptive-ratio
	// difference-target search after its initial scan.
	SearchSteps int
	// Parallelism bounds the simulations that run at once.
	Parallelism int
}

// Interval is a sample mean with its 95 % confidence interval (Student's t).
type Interval struct {
	Mean, Low, High float64
}

// Row is one policy's results in one cell, over every seed.
type Row struct {
	Policy string
	// DiffTarget is the adaptive-ratio difference target used (adaptive rows only).
	DiffTarget  float64
	Utilisation Interval
	Abandonment Interval
	// WorstWindow is the mean over seeds of the worst rolling-window abandonment.
	WorstWindow float64
	// ContactsPerAgentHour and AnswerToAgentP99 are means over seeds.
	ContactsPerAgentHour float64
	AnswerToAgentP99     time.Duration
}

// Row policy names.
const (
	PolicyProgressive     = "progressive"
	PolicyFixedRatio      = "fixed-ratio"
	PolicyAdaptiveDefault = "adaptive-default"
	PolicyAdaptiveTuned   = "adaptive-tuned"
	PolicyPredictive      = "predictive"
)

// Cell is one grid point with a row per policy, in the order progressive,
// fixed ratio, adaptive default, adaptive tuned, predictive.
type Cell struct {
	Agents          int
	LiveProbability float64
	Target          float64
	Rows            []Row
}

// Row returns the row of the named policy, or false.
func (c Cell) Row(policy string) (Row, bool) {
	for _, r := range c.Rows {
		if r.Policy == policy {
			return r, true
		}
	}
	return Row{}, false
}

func (g GridConfig) validate() error {
	switch {
	case len(g.Agents) == 0 || len(g.LiveProbabilities) == 0 || len(g.Targets) == 0:
		return errors.New("grid needs at least one agent count, live probability and target")
	case g.Seeds < 2:
		return fmt.Errorf("seeds %d is invalid: a confidence interval needs at least 2", g.Seeds)
	case g.FixedRatio < 1:
		return fmt.Errorf("fixed ratio %v is invalid: use at least 1", g.FixedRatio)
	case g.SearchSteps < 1:
		return fmt.Errorf("search steps %d is invalid: use at least 1", g.SearchSteps)
	case g.Parallelism < 1:
		return fmt.Errorf("parallelism %d is invalid: use at least 1", g.Parallelism)
	}
	for _, t := range g.Targets {
		if !(t > 0 && t < 1) {
			return fmt.Errorf("target %v is invalid: use an abandonment ratio between 0 and 1", t)
		}
	}
	return nil
}

// RunGrid runs every policy on every cell and seed. Cells run concurrently;
// at most Parallelism simulations run at once. It stops early when ctx ends.
func RunGrid(ctx context.Context, g GridConfig) ([]Cell, error) {
	if err := g.validate(); err != nil {
		return nil, fmt.Errorf("invalid grid: %w", err)
	}
	if g.Scenario == nil {
		g.Scenario = DefaultConfig
	}
	r := &gridRunner{cfg: g, ctx: ctx, slots: make(chan struct{}, g.Parallelism)}

	type group struct {
		agents int
		p      float64
		cells  []Cell
		err    error
	}
	var groups []*group
	for _, a := range g.Agents {
		for _, p := range g.LiveProbabilities {
			groups = append(groups, &group{agents: a, p: p})
		}
	}

	var wg sync.WaitGroup
	for _, gr := range groups {
		wg.Go(func() { gr.cells, gr.err = r.runGroup(gr.agents, gr.p) })
	}
	wg.Wait()

	var cells []Cell
	for _, gr := range groups {
		if gr.err != nil {
			return nil, gr.err
		}
		cells = append(cells, gr.cells...)
	}
	return cells, nil
}

type gridRunner struct {
	cfg   GridConfig
	ctx   context.Context
	slots chan struct{}
}

// runGroup runs the cells of one agent count and live probability. The rows
// that do not depend on the target run once and are shared by its cells.
func (r *gridRunner) runGroup(agents int, p float64) ([]Cell, error) {
	g := r.cfg
	progressive, err := r.row(PolicyProgressive, agents, p, func() (pacing.Policy, error) { return pacing.NewProgressive(), nil })
	if err != nil {
		return nil, err
	}
	fixed, err := r.row(PolicyFixedRatio, agents, p, func() (pacing.Policy, error) { return pacing.NewFixedRatio(g.FixedRatio) })
	if err != nil {
		return nil, err
	}
	adaptiveDefault, err := r.row(PolicyAdaptiveDefault, agents, p, func() (pacing.Policy, error) {
		return pacing.NewAdaptiveRatio(pacing.AdaptiveConfig{})
	})
	if err != nil {
		return nil, err
	}

	var cells []Cell
	for _, target := range g.Targets {
		tuned, err := r.searchAdaptive(agents, p, target)
		if err != nil {
			return nil, err
		}
		predictive, err := r.row(PolicyPredictive, agents, p, func() (pacing.Policy, error) {
			return pacing.NewPredictive(pacing.PredictiveConfig{Target: target})
		})
		if err != nil {
			return nil, err
		}
		cells = append(cells, Cell{
			Agents:          agents,
			LiveProbability: p,
			Target:          target,
			Rows:            []Row{progressive, fixed, adaptiveDefault, tuned, predictive},
		})
	}
	return cells, nil
}

// searchAdaptive looks for the adaptive-ratio difference target, with the
// drop limit at the target, whose abandonment just meets the target: the
// upper 95 % bound at or under it with the highest mean utilisation. The
// abandonment is not monotone in the difference target, because the drop
// limit cuts the level whenever the day's ratio passes it, so a bisection can
// stop in the wrong branch. The search scans the range evenly first and then
// refines around the best point, halving the step SearchSteps times. If no
// point meets the target it returns the one with the lowest upper bound.
func (r *gridRunner) searchAdaptive(agents int, p, target float64) (Row, error) {
	var best, fallback Row
	found, tried := false, false
	try := func(diff float64) error {
		row, err := r.row(PolicyAdaptiveTuned, agents, p, func() (pacing.Policy, error) {
			return pacing.NewAdaptiveRatio(pacing.AdaptiveConfig{DiffTarget: diff, DropLimit: target})
		})
		if err != nil {
			return err
		}
		row.DiffTarget = diff
		if row.Abandonment.High <= target && (!found || row.Utilisation.Mean > best.Utilisation.Mean) {
			best, found = row, true
		}
		if !tried || row.Abandonment.High < fallback.Abandonment.High {
			fallback, tried = row, true
		}
		return nil
	}

	// Below −agents/2 the level stays at 1; far above +2 × agents it stays
	// at the cap and the goal only grows, so the search stays in that range.
	lo, hi := -float64(agents)/2, 2*float64(agents)
	step := (hi - lo) / float64(adaptiveScanPoints-1)
	for i := range adaptiveScanPoints {
		if err := try(lo + float64(i)*step); err != nil {
			return Row{}, err
		}
	}
	if !found {
		return fallback, nil
	}

	for range r.cfg.SearchSteps {
		step /= 2
		center := best.DiffTarget
		for _, diff := range []float64{center - step, center + step} {
			if err := try(diff); err != nil {
				return Row{}, err
			}
		}
	}
	return best, nil
}

const adaptiveScanPoints = 11

// row runs one policy over every seed of a cell, at most Parallelism at once
// across the whole grid.
func (r *gridRunner) row(name string, agents int, p float64, newPolicy func() (pacing.Policy, error)) (Row, error) {
	results := make([]Result, r.cfg.Seeds)
	errs := make([]error, r.cfg.Seeds)
	var wg sync.WaitGroup
	for i := range r.cfg.Seeds {
		wg.Go(func() {
			select {
			case r.slots <- struct{}{}:
			case <-r.ctx.Done():
				errs[i] = r.ctx.Err()
				return
			}
			defer func() { <-r.slots }()

			policy, err := newPolicy()
			if err != nil {
				errs[i] = err
				return
			}
			results[i], errs[i] = Run(r.cfg.Scenario(agents, p, uint64(i+1)), policy)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Row{}, fmt.Errorf("run %s with %d agents, p %v: %w", name, agents, p, err)
	}
	return summarise(name, results), nil
}

func summarise(name string, results []Result) Row {
	util := make([]float64, len(results))
	aban := make([]float64, len(results))
	row := Row{Policy: name}
	var p99 float64
	for i, res := range results {
		util[i] = res.Utilisation
		aban[i] = res.Abandonment
		row.WorstWindow += res.WorstWindowAbandonment
		row.ContactsPerAgentHour += res.ContactsPerAgentHour
		p99 += res.AnswerToAgentP99.Seconds()
	}
	n := float64(len(results))
	row.Utilisation = meanInterval(util)
	row.Abandonment = meanInterval(aban)
	row.WorstWindow /= n
	row.ContactsPerAgentHour /= n
	row.AnswerToAgentP99 = seconds(p99 / n)
	return row
}

// meanInterval returns the mean and its 95 % confidence interval from the
// Student t distribution with n − 1 degrees of freedom.
func meanInterval(xs []float64) Interval {
	n := float64(len(xs))
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= n

	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	half := tQuantile975(len(xs)-1) * math.Sqrt(ss/(n-1)/n)
	return Interval{Mean: mean, Low: mean - half, High: mean + half}
}

// tQuantile975 returns the 97.5th percentile of Student's t distribution,
// from the standard table for up to 30 degrees of freedom and the normal
// value beyond.
func tQuantile975(df int) float64 {
	table := [...]float64{
		12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
	}
	if df >= 1 && df <= len(table) {
		return table[df-1]
	}
	return 1.960
}
