package arisim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Caller is a customer who calls in simulated traffic.
type Caller struct {
	Number string
	Name   string
}

// Route is a number customers dial and the Stasis arguments the dialplan gives its calls.
type Route struct {
	Dialed string
	Args   []string
}

// Span is a range of durations; samples are uniform between Min and Max.
type Span struct {
	Min, Max time.Duration
}

func (s Span) sample(r *rand.Rand) time.Duration {
	if s.Max <= s.Min {
		return s.Min
	}
	return s.Min + time.Duration(r.Int64N(int64(s.Max-s.Min)))
}

// TrafficOptions describes simulated inbound traffic.
type TrafficOptions struct {
	// CallsPerMinute is the mean arrival rate; arrivals are a Poisson process.
	CallsPerMinute float64
	// App is the Stasis application; empty means Options.DefaultApp.
	App string
	// Routes are dialled with equal probability; empty means 100 → inbound,support and
	// 200 → inbound,sales.
	Routes []Route
	// Callers are drawn at random; UnknownShare of the calls (0 to 1) come from random mobile
	// numbers that are not in the list instead.
	Callers      []Caller
	UnknownShare float64
	// TalkTime is how long a customer talks once connected to an agent; zero means 30 s to 3 min.
	TalkTime Span
	// Patience is how long a customer waits for an agent before hanging up; zero means
	// 1 to 4 minutes.
	Patience Span
	// Seed makes the traffic repeatable; 0 picks one from the time.
	Seed uint64
}

// Traffic generates customer calls until Stop. Its methods are safe for concurrent use.
type Traffic struct {
	server *Server
	opts   TrafficOptions

	mu      sync.Mutex
	rand    *rand.Rand
	timer   Timer
	stopped bool
	stats   TrafficStats
}

// TrafficStats counts what a Traffic did.
type TrafficStats struct {
	Arrived int // calls that entered Stasis
	Failed  int // calls whose application had no client (Stasis failed)
}

// StartTraffic starts generating customer calls on s with ArriveCall. Delays follow the server's
// clock, so RealClock.Scale speeds the traffic up as it does everything else.
func (s *Server) StartTraffic(opts TrafficOptions) (*Traffic, error) {
	if opts.CallsPerMinute <= 0 || math.IsInf(opts.CallsPerMinute, 0) || math.IsNaN(opts.CallsPerMinute) {
		return nil, fmt.Errorf("start traffic: calls per minute %v: %w: use a positive rate", opts.CallsPerMinute, ErrInvalid)
	}
	if opts.UnknownShare < 0 || opts.UnknownShare > 1 {
		return nil, fmt.Errorf("start traffic: unknown caller share %v: %w: use 0 to 1", opts.UnknownShare, ErrInvalid)
	}
	if len(opts.Routes) == 0 {
		opts.Routes = []Route{{Dialed: "100", Args: []string{"inbound", "support"}}, {Dialed: "200", Args: []string{"inbound", "sales"}}}
	}
	if opts.TalkTime == (Span{}) {
		opts.TalkTime = Span{Min: 30 * time.Second, Max: 3 * time.Minute}
	}
	if opts.Patience == (Span{}) {
		opts.Patience = Span{Min: time.Minute, Max: 4 * time.Minute}
	}
	if opts.TalkTime.Min < 0 || opts.Patience.Min < 0 {
		return nil, fmt.Errorf("start traffic: negative talk time or patience: %w", ErrInvalid)
	}
	seed := opts.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t := &Traffic{server: s, opts: opts, rand: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	t.mu.Lock()
	t.scheduleNext()
	t.mu.Unlock()
	s.log.Info("simulated traffic started", "calls_per_minute", opts.CallsPerMinute, "callers", len(opts.Callers), "seed", seed)
	return t, nil
}

// scheduleNext waits an exponentially distributed gap, then places one call. The caller holds t.mu.
func (t *Traffic) scheduleNext() {
	meanGap := float64(time.Minute) / t.opts.CallsPerMinute
	gap := time.Duration(t.rand.ExpFloat64() * meanGap)
	t.timer = t.server.clock.AfterFunc(gap, t.arrive)
}

func (t *Traffic) arrive() {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	call := t.nextCall()
	t.mu.Unlock()

	// ArriveCall takes the server's lock, so it runs without t.mu held.
	_, err := t.server.ArriveCall(call)

	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case err == nil:
		t.stats.Arrived++
	case errors.Is(err, ErrClosed):
		t.stopped = true
		return
	case errors.Is(err, ErrStasisFailed):
		if t.stats.Failed == 0 {
			app := call.App
			if app == "" {
				app = t.server.opts.DefaultApp
			}
			t.server.log.Warn("simulated calls fail Stasis: no events client serves the application", "app", app)
		}
		t.stats.Failed++
	default:
		t.server.log.Warn("simulated call failed", "error", err)
		t.stats.Failed++
	}
	if !t.stopped {
		t.scheduleNext()
	}
}

// nextCall draws one call. The caller holds t.mu.
func (t *Traffic) nextCall() Call {
	route := t.opts.Routes[t.rand.IntN(len(t.opts.Routes))]
	var caller Caller
	if len(t.opts.Callers) > 0 && t.rand.Float64() >= t.opts.UnknownShare {
		caller = t.opts.Callers[t.rand.IntN(len(t.opts.Callers))]
	} else {
		caller = Caller{Number: fmt.Sprintf("79%09d", t.rand.IntN(1_000_000_000))}
	}
	return Call{
		CallerNumber: caller.Number, CallerName: caller.Name, Dialed: route.Dialed,
		App: t.opts.App, Args: append([]string(nil), route.Args...),
		HangupAfter: t.opts.TalkTime.sample(t.rand), AbandonAfter: t.opts.Patience.sample(t.rand),
	}
}

// Stats returns the counts so far.
func (t *Traffic) Stats() TrafficStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats
}

// Stop ends the traffic; calls in progress continue. It is safe to call more than once.
func (t *Traffic) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	t.stopped = true
	if t.timer != nil {
		t.timer.Stop()
	}
	t.server.log.Info("simulated traffic stopped", "arrived", t.stats.Arrived, "failed", t.stats.Failed)
}

// ParseCallers reads callers from lines "number,name" (name optional); blank lines and lines
// starting with # are skipped.
func ParseCallers(text string) ([]Caller, error) {
	var out []Caller
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		number, name, _ := strings.Cut(line, ",")
		number = strings.TrimSpace(number)
		if number == "" || strings.Trim(number, "+0123456789") != "" {
			return nil, fmt.Errorf("callers line %d: invalid number %q: use digits, optionally with a leading +", i+1, number)
		}
		out = append(out, Caller{Number: number, Name: strings.TrimSpace(name)})
	}
	return out, nil
}
