package sim

import (
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/dialer/pacing"
)

// TestPredictiveBeatsProgressive runs one simulated hour per handle-time shape
// and checks that the predictive policy keeps agents busier than progressive
// dialing while its abandonment stays near the target. One seed and one hour
// are noisy, so the bound is loose; cmd/dialersim measures the real margins.
func TestPredictiveBeatsProgressive(t *testing.T) {
	handles := map[string]Dist{"exponential": Exponential{Mean: 180}}
	lognormal, err := NewLognormal(180, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	handles["lognormal"] = lognormal

	for name, handle := range handles {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig(30, 0.3, 7)
			cfg.Handle = handle
			cfg.Duration = time.Hour

			progressive := run(t, cfg, pacing.NewProgressive())
			policy, err := pacing.NewPredictive(pacing.PredictiveConfig{Target: 0.03})
			if err != nil {
				t.Fatal(err)
			}
			predictive := run(t, cfg, policy)
			t.Logf("utilisation %.3f (progressive %.3f), abandonment %.4f",
				predictive.Utilisation, progressive.Utilisation, predictive.Abandonment)

			if predictive.Utilisation < progressive.Utilisation+0.05 {
				t.Errorf("predictive utilisation %.3f, progressive %.3f: want a lead of at least 5 points",
					predictive.Utilisation, progressive.Utilisation)
			}
			if predictive.Abandonment > 0.045 {
				t.Errorf("predictive abandonment %.4f over one hour, want at most 0.045 for a 0.03 target", predictive.Abandonment)
			}
		})
	}
}
