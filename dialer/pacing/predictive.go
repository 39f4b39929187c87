package pacing

import (
	"fmt"
	"math"
	"time"
)

// PredictiveConfig configures Switchboard's predictive policy. The zero value
// of a field other than Target selects the default given in its comment.
type PredictiveConfig struct {
	// Target is the maximum ratio of abandoned calls to live answers over the
	// compliance window, such as 0.03 for the FCC and Ofcom 3 % limit.
	Target float64
	// Setpoint is the share of Target that the outer controller aims the
	// realised ratio at, leaving the rest for chance (default 0.8).
	Setpoint float64
	// Window is the compliance window of the realised ratio (default 24 h, the
	// Ofcom period; the FCC counts 30 days per campaign).
	Window time.Duration
	// Patience is how long a live answer may wait for an agent before it counts
	// as abandoned (default 2 s, the FCC and Ofcom rule).
	Patience time.Duration
	// InitialScale multiplies Target to give the per-dial threshold before the
	// outer controller has data (default 2). A dial's own chance of abandonment
	// may exceed the average ratio because later dials in a cycle see the
	// fewest free agents.
	InitialScale float64

	// PriorLiveProbability is the live-answer probability assumed before any
	// outcome is seen (default 0.2).
	PriorLiveProbability float64
	// PriorHandleTime is the mean handle time assumed before any call ends.
	// The prior is lognormal with a coefficient of variation of 0.5, so it
	// expects few calls to end within the first half-minute (default 120 s).
	PriorHandleTime time.Duration
	// PriorWeight is how many observations each prior is worth (default 20).
	PriorWeight float64
}

func (c PredictiveConfig) withDefaults() PredictiveConfig {
	if c.Setpoint == 0 {
		c.Setpoint = 0.8
	}
	if c.Window == 0 {
		c.Window = 24 * time.Hour
	}
	if c.Patience == 0 {
		c.Patience = 2 * time.Second
	}
	if c.InitialScale == 0 {
		c.InitialScale = 2
	}
	if c.PriorLiveProbability == 0 {
		c.PriorLiveProbability = 0.2
	}
	if c.PriorHandleTime == 0 {
		c.PriorHandleTime = 120 * time.Second
	}
	if c.PriorWeight == 0 {
		c.PriorWeight = 20
	}
	return c
}

func (c PredictiveConfig) validate() error {
	switch {
	case math.IsNaN(c.Target) || c.Target <= 0 || c.Target >= 1:
		return fmt.Errorf("predictive target %v is invalid: use an abandonment ratio between 0 and 1, such as 0.03", c.Target)
	case math.IsNaN(c.Setpoint) || c.Setpoint <= 0 || c.Setpoint > 1:
		return fmt.Errorf("predictive setpoint %v is invalid: use a share of the target in (0, 1]", c.Setpoint)
	case c.Window < time.Minute:
		return fmt.Errorf("predictive window %v is invalid: use a compliance window of at least 1 minute", c.Window)
	case c.Patience <= 0:
		return fmt.Errorf("predictive patience %v is invalid: use a positive duration such as 2s", c.Patience)
	case math.IsNaN(c.InitialScale) || c.InitialScale < 0.1 || c.InitialScale > 30:
		return fmt.Errorf("predictive initial scale %v is invalid: use a multiplier between 0.1 and 30", c.InitialScale)
	case math.IsNaN(c.PriorLiveProbability) || c.PriorLiveProbability <= 0 || c.PriorLiveProbability >= 1:
		return fmt.Errorf("predictive prior live probability %v is invalid: use a probability between 0 and 1", c.PriorLiveProbability)
	case c.PriorHandleTime <= 0:
		return fmt.Errorf("predictive prior handle time %v is invalid: use a positive duration", c.PriorHandleTime)
	case math.IsNaN(c.PriorWeight) || c.PriorWeight <= 0:
		return fmt.Errorf("predictive prior weight %v is invalid: use a positive number of observations", c.PriorWeight)
	}
	return nil
}

const (
	ringBinSeconds   = 0.5
	ringSpanSeconds  = 120
	handleBinSeconds = 2
	// handleSpanSeconds bounds the handle-time histogram. An agent busy past
	// it is forecast with an exponential residual life of the mean handle time.
	handleSpanSeconds = 3600
	ringHalfLife      = 2000 // dial outcomes
	handleHalfLife    = 1000 // finished calls
	forecastStep      = 1.0  // seconds between forecast points
	maxForecastPoints = 90
)

// Predictive is Switchboard's model-based policy; the package documentation
// describes the model.
type Predictive struct {
	cfg      PredictiveConfig
	patience float64 // seconds

	live      *proportion
	ringLive  *histogram
	ringOther *histogram
	handle    *histogram
	control   *abandonController

	// Forecast buffers, reused between decisions. Index k is the point
	// k·forecastStep seconds from now.
	demandMean []float64 // expected live answers already due (waiting plus outstanding dials)
	demandVar  []float64
	supplyMean []float64 // expected agents free within patience after the point
	supplyVar  []float64
	newLive    []float64 // probability that one dial placed now is live-answered by the point
	elapsed    []float64 // elapsed handle times of busy agents, in seconds
}

// NewPredictive returns the predictive policy, or an error naming the first
// invalid setting.
func NewPredictive(cfg PredictiveConfig) (*Predictive, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}

	p := &Predictive{
		cfg:       cfg,
		patience:  cfg.Patience.Seconds(),
		live:      newProportion(cfg.PriorLiveProbability, cfg.PriorWeight, ringHalfLife),
		ringLive:  newHistogram(ringBinSeconds, ringSpanSeconds, ringHalfLife),
		ringOther: newHistogram(ringBinSeconds, ringSpanSeconds, ringHalfLife),
		handle:    newHistogram(handleBinSeconds, handleSpanSeconds, handleHalfLife),
		control:   newAbandonController(cfg.Setpoint*cfg.Target, cfg.Window, cfg.InitialScale),
	}
	// Broad priors: a person answers within 30 s, other outcomes take up to
	// 45 s, handle time is lognormal around the configured mean.
	p.ringLive.addPrior(uniformCDF(0, 30), cfg.PriorWeight)
	p.ringOther.addPrior(uniformCDF(0, 45), cfg.PriorWeight)
	p.handle.addPrior(lognormalCDF(cfg.PriorHandleTime.Seconds(), 0.5), cfg.PriorWeight)

	p.demandMean = make([]float64, maxForecastPoints)
	p.demandVar = make([]float64, maxForecastPoints)
	p.supplyMean = make([]float64, maxForecastPoints)
	p.supplyVar = make([]float64, maxForecastPoints)
	p.newLive = make([]float64, maxForecastPoints)
	return p, nil
}

// Name returns "predictive".
func (*Predictive) Name() string { return "predictive" }

// Observe updates the estimates and the outer controller.
func (p *Predictive) Observe(o Outcome) {
	seconds := o.Duration.Seconds()
	switch o.Kind {
	case LiveAnswer:
		p.live.add(true)
		p.ringLive.add(seconds)
	case NoLiveAnswer:
		p.live.add(false)
		p.ringOther.add(seconds)
	case HandleDone:
		p.handle.add(seconds)
	}
	p.control.record(o)
}

// Threshold returns the current per-dial abandonment threshold: a new dial is
// placed only while its marginal expected abandonment, divided by its live
// probability, stays at or below this value.
func (p *Predictive) Threshold(now time.Duration) float64 {
	return min(p.cfg.Target*p.control.scale(now), 0.95)
}

// Dials forecasts agents and live answers over the next ring cycle and returns
// the largest number of new dials whose marginal expected abandonment stays
// within the threshold.
func (p *Predictive) Dials(s *State) int {
	maxDials := limit(s, math.MaxInt)
	if maxDials == 0 {
		return 0
	}

	threshold := p.Threshold(s.Now)
	// The one-sided 95 % upper bound of the live-answer probability, not the
	// estimate: an underestimated p at campaign start, when all agents are
	// idle and hundreds of dials go out at once, abandons a burst of calls
	// before any outcome can correct it.
	pLive := p.live.upper(1.645)
	points := p.forecast(s, pLive)

	// A dial's live answers never exceed its count, so no more dials than the
	// free agents plus a margin, divided by the live probability, can help.
	peak := 0.0
	for k := range points {
		peak = max(peak, p.supplyMean[k]+4*math.Sqrt(p.supplyVar[k]))
	}
	maxDials = min(maxDials, int(math.Ceil((peak+4)/math.Max(pLive, 0.01))))

	// The expected loss is convex in n, so the marginal loss only grows: a
	// doubling search brackets the last dial whose marginal loss is acceptable
	// and a binary search finds it. Most decisions in a busy campaign place no
	// dial, and the doubling search settles those with two evaluations.
	budget := threshold * pLive
	acceptable := func(n int) bool {
		return p.expectedLoss(points, n)-p.expectedLoss(points, n-1) <= budget
	}
	lo, hi := 0, 1
	for hi <= maxDials && acceptable(hi) {
		lo = hi
		hi = min(2*hi, maxDials+1)
		if lo == maxDials {
			return lo
		}
	}
	hi-- // hi is unacceptable or beyond maxDials, so the answer is below it
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if acceptable(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// forecast fills the forecast buffers for the state and returns the number of
// points used.
func (p *Predictive) forecast(s *State, pLive float64) int {
	p.ringLive.refresh()
	p.ringOther.refresh()

	// Forecast until nearly every live answer of a dial placed now has come.
	horizon := p.ringLive.quantile(0.99)
	points := min(int(horizon/forecastStep)+1, maxForecastPoints)

	p.elapsed = p.elapsed[:0]
	longest := 0.0
	for _, e := range s.Talking {
		p.elapsed = append(p.elapsed, e.Seconds())
		longest = max(longest, e.Seconds())
	}
	for _, e := range s.WrapUp {
		p.elapsed = append(p.elapsed, e.Seconds())
		longest = max(longest, e.Seconds())
	}
	p.handle.refreshCensored(p.elapsed, longest+float64(points)*forecastStep+p.patience)

	for k := range points {
		t := float64(k) * forecastStep
		p.newLive[k] = pLive * p.ringLive.at(t)
		p.demandMean[k] = float64(s.Waiting)
		p.demandVar[k] = 0
		p.supplyMean[k] = float64(s.IdleAgents)
		p.supplyVar[k] = 0
	}

	for _, age := range s.Outstanding {
		p.addOutstanding(age.Seconds(), pLive, points)
	}
	for _, elapsed := range p.elapsed {
		p.addBusy(elapsed, points)
	}
	return points
}

// addOutstanding adds the chance that a dial of the given age is live-answered
// by each point, given that it has no outcome yet.
func (p *Predictive) addOutstanding(age, pLive float64, points int) {
	liveLeft := pLive * (1 - p.ringLive.at(age))
	otherLeft := (1 - pLive) * (1 - p.ringOther.at(age))
	pending := liveLeft + otherLeft
	if pending <= 1e-12 || liveLeft <= 0 {
		return
	}

	base := p.ringLive.at(age)
	for k := range points {
		q := pLive * (p.ringLive.at(age+float64(k)*forecastStep) - base) / pending
		p.demandMean[k] += q
		p.demandVar[k] += q * (1 - q)
	}
}

// addBusy adds, for an agent whose call started elapsed seconds ago, the chance
// of being free within the patience of a call answered in the interval before
// each point, taken at the interval's middle. The chance comes from the
// handle-time distribution conditioned on the time already spent.
func (p *Predictive) addBusy(elapsed float64, points int) {
	done := p.handle.at(elapsed)
	survive := 1 - done
	meanHandle := 0.0
	if survive <= 1e-9 {
		meanHandle = p.handle.mean()
	}
	for k := range points {
		t := max(float64(k)-0.5, 0)*forecastStep + p.patience
		var q float64
		if survive > 1e-9 {
			q = (p.handle.at(elapsed+t) - done) / survive
		} else {
			q = 1 - math.Exp(-t/meanHandle)
		}
		p.supplyMean[k] += q
		p.supplyVar[k] += q * (1 - q)
	}
}

// expectedLoss returns the forecast number of abandoned calls among the
// live answers due over the forecast, waiting calls included, if n dials are
// placed now. A call answered in the interval before point k is abandoned when
// the calls answered ahead of it are at least the agents free by point k plus
// the patience. Counting every call ahead, abandoned or not, overstates the
// loss slightly once calls are lost, which errs on the safe side. Demand and
// supply are sums of independent Bernoulli variables, taken as normal.
func (p *Predictive) expectedLoss(points, n int) float64 {
	nf := float64(n)
	loss := 0.0
	prevMean, prevVar := 0.0, 0.0
	for k := range points {
		q := p.newLive[k]
		mean := p.demandMean[k] + nf*q
		variance := p.demandVar[k] + nf*q*(1-q)

		arrivals := mean - prevMean
		if arrivals > 1e-9 {
			// Calls answered in the same interval queue behind each other.
			ahead := prevMean + max(arrivals-1, 0)/2
			gap := ahead - p.supplyMean[k] + 0.5 // continuity correction for P(ahead ≥ free)
			loss += arrivals * normalUpper(gap, prevVar+p.supplyVar[k])
		}
		prevMean, prevVar = mean, variance
	}
	return loss
}

// normalUpper returns P(X > 0) for X normal with the given mean and variance.
func normalUpper(mean, variance float64) float64 {
	if variance < 1e-12 {
		if mean > 0 {
			return 1
		}
		return 0
	}
	return 0.5 * math.Erfc(-mean/math.Sqrt(2*variance))
}
