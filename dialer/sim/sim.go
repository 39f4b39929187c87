package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/switchboard-cc/switchboard/dialer/pacing"
)

// Config describes one simulated campaign. DefaultConfig fills every field;
// zero values are taken literally (a zero WarmUp means no warm-up).
type Config struct {
	// Agents is the number of agents, all logged in for the whole run.
	Agents int
	// LiveProbability is the chance that a dial is answered by a person.
	LiveProbability float64
	// Handle is the handle-time distribution (talk plus wrap-up).
	Handle Dist
	// RingLive is the time from dial to answer of a live answer.
	RingLive Dist
	// RingOther is the time from dial to a non-live outcome.
	RingOther Dist
	// Patience is how long a live answer waits for an agent before it is
	// abandoned (2 s under the FCC and Ofcom rules).
	Patience time.Duration
	// Tick is the period of pacing decisions.
	Tick time.Duration
	// WarmUp runs before measurement starts. The policy observes it, and the
	// report excludes it.
	WarmUp time.Duration
	// Duration is the measured period after the warm-up.
	Duration time.Duration
	// Lines is the number of trunk lines; 0 means unlimited. A line is busy
	// while its dial rings, while its live answer waits and while the agent
	// handles the call.
	Lines int
	// Leads is the number of numbers to dial; 0 means unlimited.
	Leads int
	// RollingWindow is the length of the window for the worst rolling
	// abandonment ratio.
	RollingWindow time.Duration
	// Seed selects the random streams; the same seed gives the same result.
	Seed uint64
}

// DefaultConfig returns the reference scenario. Ring times of live answers are
// uniform on [4 s, 20 s] and of other outcomes on [5 s, 30 s]. The handle time
// is lognormal with a mean of 180 s and a CV of 0.8. Patience is 2 s, decisions
// come every 0.5 s, and 8 hours are measured after a 10-minute warm-up, with a
// one-hour rolling window and unlimited lines and leads.
func DefaultConfig(agents int, liveProbability float64, seed uint64) Config {
	handle, err := NewLognormal(180, 0.8)
	if err != nil {
		panic(err) // constant arguments: unreachable
	}
	return Config{
		Agents:          agents,
		LiveProbability: liveProbability,
		Handle:          handle,
		RingLive:        Uniform{Lo: 4, Hi: 20},
		RingOther:       Uniform{Lo: 5, Hi: 30},
		Patience:        2 * time.Second,
		Tick:            500 * time.Millisecond,
		WarmUp:          10 * time.Minute,
		Duration:        8 * time.Hour,
		RollingWindow:   time.Hour,
		Seed:            seed,
	}
}

func (c Config) validate() error {
	switch {
	case c.Agents < 1:
		return fmt.Errorf("agents %d is invalid: use at least 1", c.Agents)
	case math.IsNaN(c.LiveProbability) || c.LiveProbability < 0 || c.LiveProbability > 1:
		return fmt.Errorf("live probability %v is invalid: use a probability in [0, 1]", c.LiveProbability)
	case c.Handle == nil || c.RingLive == nil || c.RingOther == nil:
		return errors.New("handle, live ring and other ring distributions are required")
	case c.Patience < 0:
		return fmt.Errorf("patience %v is invalid: use a duration of 0 or more", c.Patience)
	case c.Tick <= 0:
		return fmt.Errorf("tick %v is invalid: use a positive duration such as 500ms", c.Tick)
	case c.WarmUp < 0:
		return fmt.Errorf("warm-up %v is invalid: use a duration of 0 or more", c.WarmUp)
	case c.Duration <= 0:
		return fmt.Errorf("duration %v is invalid: use a positive duration", c.Duration)
	case c.Lines < 0 || c.Leads < 0:
		return fmt.Errorf("lines %d or leads %d is invalid: use 0 for unlimited or a positive count", c.Lines, c.Leads)
	case c.RollingWindow <= 0:
		return fmt.Errorf("rolling window %v is invalid: use a positive duration", c.RollingWindow)
	}
	return nil
}

// Result holds the measurements of one run after the warm-up. Calls are
// attributed to the period by the time of their dial (Dials) or answer (all
// other counts).
type Result struct {
	Dials       int
	LiveAnswers int
	Connected   int
	Abandoned   int

	// Utilisation is agent busy time ÷ logged-in time.
	Utilisation float64
	// Abandonment is Abandoned ÷ LiveAnswers (0 without live answers).
	Abandonment float64
	// WorstWindowAbandonment is the largest abandonment ratio over rolling
	// windows of Config.RollingWindow, stepped by one minute, that start and end
	// inside the measured period. It equals Abandonment when the period is not
	// longer than a window.
	WorstWindowAbandonment float64
	// ContactsPerAgentHour is connected calls per agent per measured hour.
	ContactsPerAgentHour float64
	// AnswerToAgentP50 and AnswerToAgentP99 are percentiles of the time from
	// live answer to agent over connected calls.
	AnswerToAgentP50 time.Duration
	AnswerToAgentP99 time.Duration
}

// Run simulates one campaign paced by policy. The policy must be fresh: it
// keeps the statistics of the run.
func Run(cfg Config, policy pacing.Policy) (Result, error) {
	if err := cfg.validate(); err != nil {
		return Result{}, fmt.Errorf("invalid simulation config: %w", err)
	}
	if policy == nil {
		return Result{}, errors.New("simulation needs a pacing policy")
	}
	c := newCampaign(cfg, policy)
	c.run()
	return c.result(), nil
}

// Random streams are split by purpose so that dial i gets the same outcome
// and connected call j the same handle time under every policy: the grid then
// compares policies on common random numbers.
const (
	streamDials  = 1
	streamHandle = 2
)

func newStream(seed, purpose uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, purpose))
}
