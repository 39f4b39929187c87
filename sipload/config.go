package sipload

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Config is one load run. Zero values of the optional fields take the defaults that
// Run documents.
type Config struct {
	// Target is the request URI of every INVITE, such as sip:74950001122@127.0.0.1:5060.
	// Only UDP is supported.
	Target string
	// LocalAddr is the UDP address the generator sends from and receives responses and
	// in-dialog requests on. Its host is also the Contact and SDP address. Default
	// 127.0.0.1:0 (any free port).
	LocalAddr string

	// Rate is the number of new calls per second.
	Rate float64
	// Duration is the time after which the generator stops placing new calls. 0 means
	// no time limit.
	Duration time.Duration
	// Calls is the number of calls after which the generator stops placing new calls.
	// 0 means no count limit. At least one of Duration and Calls must be set.
	Calls int
	// MaxConcurrent is the maximum number of calls in progress at once. A call due while
	// that many are in progress is skipped and counted in Summary.Skipped. Default 10000.
	MaxConcurrent int

	// Callers is the pool of caller ids for the From header.
	Callers *CallerPool
	// Seed makes the choice of caller ids and hold times repeatable.
	Seed uint64

	// Username and Password are the credentials sent after a 401 or 407 digest
	// challenge. With an empty Password a challenge ends the call as a 4xx failure.
	Username string
	Password string

	// Hold is the distribution of the time an answered call stays up before the generator
	// sends BYE.
	Hold HoldTime
	// RingTimeout is the time a caller waits for an answer, counted from the INVITE,
	// before hanging up with CANCEL. The call then counts as abandoned. Default 30 s.
	RingTimeout time.Duration
	// HangupTimeout bounds the wait for the response to a BYE. Default 5 s.
	HangupTimeout time.Duration

	// ProbeTimeout bounds the OPTIONS request that checks the target responds before the
	// first call. Default 5 s.
	ProbeTimeout time.Duration

	// Progress, when set, receives a summary of the run so far every ProgressInterval.
	// It runs on the generator's scheduling goroutine, so it must return quickly.
	Progress         func(Summary)
	ProgressInterval time.Duration

	// Logger receives the generator's and sipgo's logs. Nil discards them.
	Logger *slog.Logger
}

const (
	defaultLocalAddr     = "127.0.0.1:0"
	defaultMaxConcurrent = 10000
	defaultRingTimeout   = 30 * time.Second
	defaultHangupTimeout = 5 * time.Second
	defaultProbeTimeout  = 5 * time.Second
)

// HoldDistribution is the distribution of hold times over calls.
type HoldDistribution int

const (
	// HoldFixed holds every answered call for exactly the mean.
	HoldFixed HoldDistribution = iota
	// HoldExponential draws each hold time from an exponential distribution with the
	// given mean, the usual model of call durations in teletraffic theory.
	HoldExponential
)

// HoldTime is the hold time of answered calls.
type HoldTime struct {
	Mean         time.Duration
	Distribution HoldDistribution
}

// ParseHoldDistribution reads "fixed" or "exp".
func ParseHoldDistribution(text string) (HoldDistribution, error) {
	switch text {
	case "fixed":
		return HoldFixed, nil
	case "exp", "exponential":
		return HoldExponential, nil
	}
	return 0, fmt.Errorf("hold time distribution %q is invalid: use fixed or exp", text)
}

// sample draws one hold time.
func (h HoldTime) sample(rng *rand.Rand) time.Duration {
	if h.Distribution == HoldExponential {
		return time.Duration(rng.ExpFloat64() * float64(h.Mean))
	}
	return h.Mean
}

// settings is a validated Config with its defaults applied.
type settings struct {
	Config
	target    sip.Uri
	localAddr *net.UDPAddr
}

func (c Config) validate() (settings, error) {
	s := settings{Config: c}
	var problems []error

	if err := sip.ParseUri(c.Target, &s.target); err != nil || s.target.Host == "" {
		problems = append(problems, fmt.Errorf("target %q is not a SIP URI: write it as sip:NUMBER@HOST:PORT", c.Target))
	} else if transport, ok := s.target.UriParams.Get("transport"); ok && transport != "udp" {
		problems = append(problems, fmt.Errorf("target %q requests transport %s: only UDP is supported", c.Target, transport))
	} else if s.target.Scheme != "sip" {
		problems = append(problems, fmt.Errorf("target %q has scheme %q: only sip: is supported", c.Target, s.target.Scheme))
	}

	if s.LocalAddr == "" {
		s.LocalAddr = defaultLocalAddr
	}
	addr, err := net.ResolveUDPAddr("udp", s.LocalAddr)
	if err != nil || addr.IP == nil || addr.IP.IsUnspecified() {
		problems = append(problems, fmt.Errorf("local address %q is invalid: give the IP address and port the target can reach, such as 127.0.0.1:5070", s.LocalAddr))
	}
	s.localAddr = addr

	if !(c.Rate > 0) || math.IsInf(c.Rate, 0) {
		problems = append(problems, fmt.Errorf("rate %v is invalid: give a positive number of calls per second", c.Rate))
	}
	if c.Duration < 0 || c.Calls < 0 {
		problems = append(problems, errors.New("duration and call count must not be negative"))
	}
	if c.Duration == 0 && c.Calls == 0 {
		problems = append(problems, errors.New("neither a duration nor a number of calls is set: give at least one, or the run never ends"))
	}
	if c.Callers == nil || c.Callers.Size() == 0 {
		problems = append(problems, errors.New("caller id pool is empty: give at least one number"))
	}
	if c.Hold.Mean < 0 {
		problems = append(problems, fmt.Errorf("hold time %v is negative", c.Hold.Mean))
	}
	if c.Password != "" && c.Username == "" {
		problems = append(problems, errors.New("a password is set without a username: give the digest username too"))
	}
	if c.Progress != nil && c.ProgressInterval <= 0 {
		problems = append(problems, fmt.Errorf("progress interval %v is invalid: give a positive interval", c.ProgressInterval))
	}
	if c.MaxConcurrent < 0 || c.RingTimeout < 0 || c.HangupTimeout < 0 || c.ProbeTimeout < 0 {
		problems = append(problems, errors.New("concurrency limit and timeouts must not be negative"))
	}

	if s.MaxConcurrent == 0 {
		s.MaxConcurrent = defaultMaxConcurrent
	}
	if s.RingTimeout == 0 {
		s.RingTimeout = defaultRingTimeout
	}
	if s.HangupTimeout == 0 {
		s.HangupTimeout = defaultHangupTimeout
	}
	if s.ProbeTimeout == 0 {
		s.ProbeTimeout = defaultProbeTimeout
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	return s, errors.Join(problems...)
}
