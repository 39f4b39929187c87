package sim

import (
	"context"
	"math"
	"testing"
	"time"
)

func TestRunGridSmoke(t *testing.T) {
	g := GridConfig{
		Agents:            []int{4},
		LiveProbabilities: []float64{0.3},
		Targets:           []float64{0.03, 0.01},
		Seeds:             3,
		Scenario: func(agents int, p float64, seed uint64) Config {
			cfg := DefaultConfig(agents, p, seed)
			cfg.WarmUp = time.Minute
			cfg.Duration = 20 * time.Minute
			return cfg
		},
		FixedRatio:  2,
		SearchSteps: 2,
		Parallelism: 2,
	}
	cells, err := RunGrid(context.Background(), g)
	if err != nil {
		t.Fatalf("RunGrid: %v", err)
	}
	if len(cells) != 2 {
		t.Fatalf("got %d cells, want 2 (one per target)", len(cells))
	}

	want := []string{PolicyProgressive, PolicyFixedRatio, PolicyAdaptiveDefault, PolicyAdaptiveTuned, PolicyPredictive}
	for _, c := range cells {
		if len(c.Rows) != len(want) {
			t.Fatalf("cell %+v has %d rows, want %d", c, len(c.Rows), len(want))
		}
		for i, r := range c.Rows {
			if r.Policy != want[i] {
				t.Errorf("row %d policy = %q, want %q", i, r.Policy, want[i])
			}
			u := r.Utilisation
			if !(u.Low <= u.Mean && u.Mean <= u.High) || u.Mean <= 0 || u.Mean > 1 || math.IsNaN(u.High) {
				t.Errorf("%s utilisation interval %+v is not an ordered interval in (0, 1]", r.Policy, u)
			}
			if a := r.Abandonment; !(a.Low <= a.Mean && a.Mean <= a.High) {
				t.Errorf("%s abandonment interval %+v is not ordered", r.Policy, a)
			}
		}
		if prog, _ := c.Row(PolicyProgressive); prog.Abandonment.High != 0 {
			t.Errorf("progressive abandonment %+v, want exactly 0 with every agent always logged in", prog.Abandonment)
		}
	}

	// The target-independent rows are shared between the two cells.
	a, _ := cells[0].Row(PolicyFixedRatio)
	b, _ := cells[1].Row(PolicyFixedRatio)
	if a != b {
		t.Errorf("fixed-ratio rows differ between targets: %+v and %+v", a, b)
	}
}

func TestRunGridRejectsInvalidConfig(t *testing.T) {
	g := GridConfig{Agents: []int{4}, LiveProbabilities: []float64{0.3}, Targets: []float64{0.03}, Seeds: 1, FixedRatio: 2, SearchSteps: 1, Parallelism: 1}
	if _, err := RunGrid(context.Background(), g); err == nil {
		t.Error("RunGrid with 1 seed returned no error")
	}
	g.Seeds = 2
	g.Targets = []float64{3}
	if _, err := RunGrid(context.Background(), g); err == nil {
		t.Error("RunGrid with target 3 returned no error")
	}
}

func TestMeanIntervalUsesStudentT(t *testing.T) {
	got := meanInterval([]float64{1, 2, 3})
	// Mean 2, sample sd 1, t(0.975, 2) = 4.303: half-width 4.303/√3.
	half := 4.303 / math.Sqrt(3)
	if math.Abs(got.Mean-2) > 1e-12 || math.Abs(got.High-2-half) > 1e-9 || math.Abs(2-got.Low-half) > 1e-9 {
		t.Errorf("meanInterval = %+v, want 2 ± %.4f", got, half)
	}
}
