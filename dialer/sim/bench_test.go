package sim

import (
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/dialer/pacing"
)

// timedPolicy records how long each decision of the wrapped policy takes.
type timedPolicy struct {
	pacing.Policy
	took []time.Duration
}

func (t *timedPolicy) Dials(s *pacing.State) int {
	start := time.Now()
	n := t.Policy.Dials(s)
	t.took = append(t.took, time.Since(start))
	return n
}

// BenchmarkPredictiveDecisionsInCampaign times every decision of the
// predictive policy during one simulated hour of a 100-agent campaign
// (p 0.30, 2.5 % target), start-up included, and reports their percentiles.
func BenchmarkPredictiveDecisionsInCampaign(b *testing.B) {
	var all []time.Duration
	for b.Loop() {
		policy, err := pacing.NewPredictive(pacing.PredictiveConfig{Target: 0.025})
		if err != nil {
			b.Fatal(err)
		}
		timed := &timedPolicy{Policy: policy}
		cfg := DefaultConfig(100, 0.3, 1)
		cfg.Duration = time.Hour
		if _, err := Run(cfg, timed); err != nil {
			b.Fatal(err)
		}
		all = append(all, timed.took...)
	}

	slices.Sort(all)
	at := func(q float64) float64 {
		return float64(all[int(q*float64(len(all)-1))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(at(1), "max-µs")
	b.ReportMetric(float64(len(all))/float64(b.N), "decisions/op")
}
