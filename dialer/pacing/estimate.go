package pacing

import "math"

// histogram estimates a distribution of durations in seconds from recent
// observations. Each new observation weighs 1/decay times the one before, so
// the estimate forgets old history with a half-life of ln 2 ÷ −ln decay
// observations. The prior is entered as weighted pseudo-observations and fades
// the same way.
type histogram struct {
	width    float64 // bin width in seconds
	invWidth float64
	counts   []float64 // unnormalised weights; the last bin also holds everything beyond the range
	total    float64
	weight   float64 // weight of the next observation
	decay    float64

	cdf   []float64 // cdf[i] = P(X < i·width), len(counts)+1 entries
	dirty bool

	survivedBins []float64 // scratch for refreshCensored: weight of censored observations by last bin survived
}

func newHistogram(width, span float64, halfLife float64) *histogram {
	bins := int(math.Ceil(span / width))
	return &histogram{
		width:    width,
		invWidth: 1 / width,
		counts:   make([]float64, bins),
		weight:   1,
		decay:    math.Exp(-math.Ln2 / halfLife),
		cdf:      make([]float64, bins+1),
		dirty:    true,
	}
}

// addPrior spreads weight pseudo-observations over the bins following the
// prior's cumulative distribution function.
func (h *histogram) addPrior(priorCDF func(float64) float64, weight float64) {
	prev := 0.0
	for i := range h.counts {
		next := priorCDF(float64(i+1) * h.width)
		if i == len(h.counts)-1 {
			next = 1
		}
		h.counts[i] += weight * (next - prev)
		prev = next
	}
	h.total += weight
	h.dirty = true
}

func (h *histogram) add(seconds float64) {
	i := int(seconds / h.width)
	i = min(max(i, 0), len(h.counts)-1)
	h.counts[i] += h.weight
	h.total += h.weight
	h.weight /= h.decay
	h.dirty = true

	// Rescale long before float64 overflows; ratios are unchanged.
	if h.weight > 1e100 {
		for j := range h.counts {
			h.counts[j] /= h.weight
		}
		h.total /= h.weight
		h.weight = 1
	}
}

func (h *histogram) refresh() {
	if !h.dirty {
		return
	}
	sum := 0.0
	h.cdf[0] = 0
	for i, c := range h.counts {
		sum += c
		h.cdf[i+1] = sum / h.total
	}
	h.dirty = false
}

// refreshCensored recomputes the CDF as a Kaplan–Meier estimate that also
// counts censored observations: durations still running, known only to
// exceed their elapsed seconds. Without them, the finished durations early
// in a campaign are the short ones, and the estimate would forecast agents
// free far too soon. Each censored observation weighs as much as the next
// finished one. In steady state the running durations are counted again when
// they finish, which lengthens the estimate slightly, on the safe side.
// Only the CDF up to upTo seconds is computed, to keep decisions fast; the
// caller reads no further before the next refresh.
func (h *histogram) refreshCensored(elapsed []float64, upTo float64) {
	if len(h.survivedBins) != len(h.counts) {
		h.survivedBins = make([]float64, len(h.counts))
	}
	clear(h.survivedBins)
	censoredTotal := 0.0
	for _, e := range elapsed {
		bins := min(int(e/h.width), len(h.counts))
		if bins > 0 {
			h.survivedBins[bins-1] += h.weight
			censoredTotal += h.weight
		}
	}

	last := min(int(upTo/h.width)+1, len(h.counts))
	finished, censored := h.total, censoredTotal
	survival := 1.0
	h.cdf[0] = 0
	for j, deaths := range h.counts[:last] {
		if atRisk := finished + censored; atRisk > 1e-12 {
			survival *= max(1-deaths/atRisk, 0)
		}
		h.cdf[j+1] = 1 - survival
		finished -= deaths
		censored -= h.survivedBins[j]
	}
	if last == len(h.counts) {
		h.cdf[last] = 1
	}
	h.dirty = true // the next refresh drops the censored observations again
}

// at returns P(X ≤ seconds), interpolating linearly inside a bin. The caller
// calls refresh first.
func (h *histogram) at(seconds float64) float64 {
	if seconds <= 0 {
		return 0
	}
	pos := seconds * h.invWidth
	i := int(pos)
	if i >= len(h.counts) {
		return 1
	}
	frac := pos - float64(i)
	return h.cdf[i] + frac*(h.cdf[i+1]-h.cdf[i])
}

// quantile returns the smallest bin edge whose CDF reaches q. The caller calls
// refresh first.
func (h *histogram) quantile(q float64) float64 {
	for i := 1; i < len(h.cdf); i++ {
		if h.cdf[i] >= q {
			return float64(i) * h.width
		}
	}
	return float64(len(h.counts)) * h.width
}

// mean returns the mean, taking each bin at its midpoint.
func (h *histogram) mean() float64 {
	sum := 0.0
	for i, c := range h.counts {
		sum += c * (float64(i) + 0.5) * h.width
	}
	return sum / h.total
}

// proportion estimates a probability from recent yes/no observations with the
// same forgetting as histogram and a Beta prior entered as pseudo-counts.
type proportion struct {
	yes, total float64
	weight     float64
	decay      float64
}

func newProportion(prior, priorWeight, halfLife float64) *proportion {
	return &proportion{
		yes:    prior * priorWeight,
		total:  priorWeight,
		weight: 1,
		decay:  math.Exp(-math.Ln2 / halfLife),
	}
}

func (p *proportion) add(yes bool) {
	if yes {
		p.yes += p.weight
	}
	p.total += p.weight
	p.weight /= p.decay
	if p.weight > 1e100 {
		p.yes /= p.weight
		p.total /= p.weight
		p.weight = 1
	}
}

func (p *proportion) value() float64 { return p.yes / p.total }

// upper returns the estimate plus z standard errors, capped at 1. The sample
// size is the decayed count of observations and prior pseudo-counts, measured
// in units of the latest observation's weight, so the margin is wide at
// campaign start and shrinks as history accumulates.
func (p *proportion) upper(z float64) float64 {
	v := p.value()
	n := p.total / (p.weight * p.decay)
	return min(v+z*math.Sqrt(v*(1-v)/n), 1)
}

func uniformCDF(lo, hi float64) func(float64) float64 {
	return func(x float64) float64 {
		return min(max((x-lo)/(hi-lo), 0), 1)
	}
}

// lognormalCDF returns the CDF of the lognormal distribution with the given
// mean and coefficient of variation.
func lognormalCDF(mean, cv float64) func(float64) float64 {
	sigma := math.Sqrt(math.Log1p(cv * cv))
	mu := math.Log(mean) - sigma*sigma/2
	return func(x float64) float64 {
		if x <= 0 {
			return 0
		}
		return 0.5 * math.Erfc(-(math.Log(x)-mu)/(sigma*math.Sqrt2))
	}
}
