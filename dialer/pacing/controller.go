package pacing

import (
	"math"
	"time"
)

// abandonController is the slow outer loop of the predictive policy. It counts
// live answers and abandoned calls in per-minute buckets over the compliance
// window and keeps the abandonment budget of the window, setpoint × live
// answers − abandoned calls, near zero: once a minute the per-dial threshold
// becomes base × exp(gain × budget ÷ an hour's allowance), where an hour's
// allowance is the setpoint times the live answers of the last hour. Spending
// more than the allowance lowers the threshold until the debt is repaid, and
// saving raises it. Because the budget is itself a sum over the window, this
// proportional step acts as integral control on the abandonment rate without
// winding up after an early burst.
type abandonController struct {
	setpoint float64
	baseLog  float64
	gain     float64
	minLog   float64
	maxLog   float64

	live      []int // ring of per-bucket counts covering the window
	abandoned []int
	liveSum   int
	abandSum  int
	bucket    int64 // index of the bucket holding the latest time seen

	logScale   float64
	nextUpdate time.Duration
}

const (
	controllerBucket = time.Minute
	// allowanceBuckets is the hour over which the allowance is measured.
	allowanceBuckets = 60
	// minAllowance keeps the gain finite before the first live answers.
	minAllowance = 2.0
)

func newAbandonController(setpoint float64, window time.Duration, initialScale float64) *abandonController {
	buckets := max(int(window/controllerBucket), allowanceBuckets)
	c := &abandonController{
		setpoint:  setpoint,
		baseLog:   math.Log(initialScale),
		gain:      0.5,
		minLog:    math.Log(0.05),
		maxLog:    math.Log(30),
		live:      make([]int, buckets),
		abandoned: make([]int, buckets),
	}
	c.logScale = c.baseLog
	return c
}

// advance moves the window so that it ends at now, dropping expired buckets.
func (c *abandonController) advance(now time.Duration) {
	b := int64(now / controllerBucket)
	n := int64(len(c.live))
	if b-c.bucket >= n {
		clear(c.live)
		clear(c.abandoned)
		c.liveSum, c.abandSum = 0, 0
		c.bucket = b
		return
	}
	for c.bucket < b {
		c.bucket++
		i := c.bucket % n
		c.liveSum -= c.live[i]
		c.abandSum -= c.abandoned[i]
		c.live[i], c.abandoned[i] = 0, 0
	}
}

func (c *abandonController) record(o Outcome) {
	if o.Kind != LiveAnswer && o.Kind != Abandoned {
		return
	}
	c.advance(o.At)
	i := c.bucket % int64(len(c.live))
	if o.Kind == LiveAnswer {
		c.live[i]++
		c.liveSum++
	} else {
		c.abandoned[i]++
		c.abandSum++
	}
}

// budget returns the abandoned calls the window can still take at the
// setpoint; it is negative when the window is over the setpoint.
func (c *abandonController) budget() float64 {
	return c.setpoint*float64(c.liveSum) - float64(c.abandSum)
}

// allowance returns the abandoned calls that the last hour's live answers
// allow at the setpoint.
func (c *abandonController) allowance() float64 {
	n := int64(len(c.live))
	live := 0
	for k := range int64(allowanceBuckets) {
		live += c.live[((c.bucket-k)%n+n)%n]
	}
	return max(c.setpoint*float64(live), minAllowance)
}

// scale returns the multiplier for the per-dial threshold, recomputed once a
// minute.
func (c *abandonController) scale(now time.Duration) float64 {
	if now >= c.nextUpdate {
		c.advance(now)
		step := c.gain * c.budget() / c.allowance()
		c.logScale = min(max(c.baseLog+step, c.minLog), c.maxLog)
		c.nextUpdate = now + controllerBucket
	}
	return math.Exp(c.logScale)
}
