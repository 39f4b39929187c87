package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Dist is a distribution of durations in seconds.
type Dist interface {
	// Sample draws one duration in seconds.
	Sample(r *rand.Rand) float64
	// String describes the distribution for reports.
	String() string
}

// Constant always returns the same duration. Hand-checked scenarios use it.
type Constant float64

// Sample returns the constant.
func (c Constant) Sample(*rand.Rand) float64 { return float64(c) }

func (c Constant) String() string { return fmt.Sprintf("constant %gs", float64(c)) }

// Uniform is uniform on [Lo, Hi] seconds.
type Uniform struct{ Lo, Hi float64 }

// Sample draws a uniform duration.
func (u Uniform) Sample(r *rand.Rand) float64 { return u.Lo + (u.Hi-u.Lo)*r.Float64() }

func (u Uniform) String() string { return fmt.Sprintf("uniform [%gs, %gs]", u.Lo, u.Hi) }

// Exponential has the given mean in seconds.
type Exponential struct{ Mean float64 }

// Sample draws an exponential duration.
func (e Exponential) Sample(r *rand.Rand) float64 { return e.Mean * r.ExpFloat64() }

func (e Exponential) String() string { return fmt.Sprintf("exponential, mean %gs", e.Mean) }

// Lognormal has the given mean in seconds and coefficient of variation
// (standard deviation ÷ mean).
type Lognormal struct {
	Mean, CV  float64
	mu, sigma float64
}

// NewLognormal returns a lognormal distribution with the given mean and
// coefficient of variation.
func NewLognormal(mean, cv float64) (Lognormal, error) {
	if !(mean > 0) || math.IsInf(mean, 0) || !(cv > 0) || math.IsInf(cv, 0) {
		return Lognormal{}, fmt.Errorf("lognormal mean %v and coefficient of variation %v are invalid: both must be positive and finite", mean, cv)
	}
	sigma2 := math.Log1p(cv * cv)
	return Lognormal{Mean: mean, CV: cv, mu: math.Log(mean) - sigma2/2, sigma: math.Sqrt(sigma2)}, nil
}

// Sample draws a lognormal duration.
func (l Lognormal) Sample(r *rand.Rand) float64 { return math.Exp(l.mu + l.sigma*r.NormFloat64()) }

func (l Lognormal) String() string {
	return fmt.Sprintf("lognormal, mean %gs, CV %g", l.Mean, l.CV)
}

// NewHandleTime returns the handle-time distribution named by shape
// ("exponential" or "lognormal") with the given mean in seconds. cv applies to
// the lognormal shape only, because an exponential's CV is always 1.
func NewHandleTime(shape string, mean, cv float64) (Dist, error) {
	switch shape {
	case "exponential":
		if !(mean > 0) || math.IsInf(mean, 0) {
			return nil, fmt.Errorf("exponential mean %v is invalid: use a positive number of seconds", mean)
		}
		return Exponential{Mean: mean}, nil
	case "lognormal":
		return NewLognormal(mean, cv)
	default:
		return nil, fmt.Errorf("handle-time shape %q is unknown: use exponential or lognormal", shape)
	}
}
