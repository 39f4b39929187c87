package routing

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Strategy selects which available agent of a queue gets the next call.
type Strategy string

// Agent selection strategies. Ties always go to the agent who has been idle longest.
const (
	// StrategyLongestIdle offers the call to the agent who has been available longest.
	StrategyLongestIdle Strategy = "longest_idle"
	// StrategyFewestCalls offers the call to the agent who answered the fewest calls since
	// signing in.
	StrategyFewestCalls Strategy = "fewest_calls"
	// StrategySkillWeighted offers the call to the agent with the highest sum of levels in the
	// skills the call requires.
	StrategySkillWeighted Strategy = "skill_weighted"
)

// OverflowKind is the kind of destination for a call that waited too long or found its queue full.
type OverflowKind string

// Overflow destinations.
const (
	// OverflowNone hangs the call up with the outcome no_agent.
	OverflowNone OverflowKind = ""
	// OverflowQueue moves the call into another queue of the engine.
	OverflowQueue OverflowKind = "queue"
	// OverflowVoicemail emits OfferVoicemail, and the call leaves the engine as overflowed.
	OverflowVoicemail OverflowKind = "voicemail"
	// OverflowCallback emits OfferCallback, and the call leaves the engine as overflowed.
	OverflowCallback OverflowKind = "callback"
)

// Overflow is the destination of calls that exceed a queue's maximum wait or length.
type Overflow struct {
	Kind  OverflowKind
	Queue string // target queue name when Kind is OverflowQueue
}

// SkillLevel is a skill name with a level from 1 (lowest) to MaxSkillLevel. On an agent it is
// the level the agent has; on a call or a queue it is the minimum level the agent needs.
type SkillLevel struct {
	Skill string
	Level int
}

// MaxSkillLevel is the highest skill level accepted.
const MaxSkillLevel = 100

// MaxPriority is the highest base priority a call can have. Base priorities are clamped to
// [0, MaxPriority], so with aging a call waits behind later arrivals for at most
// MaxPriority × AgingStep of their arrival times (see QueueConfig.AgingStep).
const MaxPriority = 100

// Priorities are the base priorities given to calls by kind; a higher number goes first.
// A call takes the highest priority that applies to it, plus CallArrived.PriorityBoost.
type Priorities struct {
	Ordinary int
	VIP      int
	Callback int
	Campaign int
}

// DefaultPriorities puts VIP contacts above callbacks and campaign calls, and those above
// ordinary calls.
func DefaultPriorities() Priorities {
	return Priorities{Ordinary: 0, VIP: 20, Callback: 10, Campaign: 10}
}

// QueueConfig describes one queue. Zero durations take the defaults listed on each field.
type QueueConfig struct {
	Name     string
	Strategy Strategy // default StrategyLongestIdle

	// Skills are required of every agent who takes a call from this queue, in addition to
	// the call's own required skills.
	Skills []SkillLevel

	// AgingStep is the wait that raises a call's effective priority by one level (default
	// 30 s). The effective priority of a call is priority + wait/AgingStep, so a call that
	// arrived at time t with priority p is ordered as if it had arrived at t − p×AgingStep.
	// A call with priority p is therefore never overtaken by a call with priority q > p that
	// arrived more than (q−p)×AgingStep after it.
	AgingStep time.Duration

	RingTimeout time.Duration // how long an agent's phone rings before the offer is withdrawn (default 20 s)
	WrapUp      time.Duration // after-call work before the agent is offered the next call; 0 means none

	MaxWait   time.Duration // maximum wait in this queue before overflow; 0 means no limit
	MaxLength int           // most waiting calls; an arrival beyond it overflows at once; 0 means no limit
	Overflow  Overflow      // destination for MaxWait, MaxLength and OverflowWhenNoAgents

	// OverflowWhenNoAgents overflows arriving calls at once, and waiting calls when the last
	// agent signs out, while no agent of the queue is signed in.
	OverflowWhenNoAgents bool

	ServiceLevelThreshold time.Duration // a call answered within it counts toward the service level (default 20 s)
	AnnounceInterval      time.Duration // period of position announcements to waiting callers; 0 announces on arrival only
	DefaultHandleTime     time.Duration // handle time assumed for the wait estimate before any call was answered (default 3 min)

	// Hours are checked when a call enters the queue. Calls already waiting at closing time
	// stay until they are answered, abandoned or overflowed. Nil means always open.
	Hours *BusinessHours
}

// Config is the whole routing configuration. New copies what it needs, so the engine's
// configuration is fixed for its life.
type Config struct {
	Queues []QueueConfig
	// Priorities are the base priorities by call kind; nil means DefaultPriorities. A
	// pointer, because zero is a valid priority and an unset field must not flatten them.
	Priorities *Priorities

	// StatsInterval is the period of QueueStats notifications; 0 disables them.
	StatsInterval time.Duration
}

// Defaults for zero fields of QueueConfig.
const (
	DefaultAgingStep             = 30 * time.Second
	DefaultRingTimeout           = 20 * time.Second
	DefaultServiceLevelThreshold = 20 * time.Second
	DefaultHandleTime            = 3 * time.Minute
)

// ErrInvalidConfig is wrapped by every configuration error.
var ErrInvalidConfig = errors.New("invalid routing config")

func configError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
}

// withDefaults returns a copy of q with zero fields set to their defaults. The skill list is
// copied too, so a caller that reuses its slice cannot change a running engine.
func (q QueueConfig) withDefaults() QueueConfig {
	q.Skills = slices.Clone(q.Skills)
	if q.Strategy == "" {
		q.Strategy = StrategyLongestIdle
	}
	if q.AgingStep == 0 {
		q.AgingStep = DefaultAgingStep
	}
	if q.RingTimeout == 0 {
		q.RingTimeout = DefaultRingTimeout
	}
	if q.ServiceLevelThreshold == 0 {
		q.ServiceLevelThreshold = DefaultServiceLevelThreshold
	}
	if q.DefaultHandleTime == 0 {
		q.DefaultHandleTime = DefaultHandleTime
	}
	return q
}

// validateQueue checks one queue after defaults were applied.
func validateQueue(q QueueConfig, names map[string]bool) error {
	switch q.Strategy {
	case StrategyLongestIdle, StrategyFewestCalls, StrategySkillWeighted:
	default:
		return configError("queue %q: unknown strategy %q; use %q, %q or %q",
			q.Name, q.Strategy, StrategyLongestIdle, StrategyFewestCalls, StrategySkillWeighted)
	}
	if err := validateSkills(q.Skills); err != nil {
		return configError("queue %q: %v", q.Name, err)
	}

	durations := []struct {
		name string
		d    time.Duration
	}{
		{"AgingStep", q.AgingStep}, {"RingTimeout", q.RingTimeout}, {"WrapUp", q.WrapUp},
		{"MaxWait", q.MaxWait}, {"ServiceLevelThreshold", q.ServiceLevelThreshold},
		{"AnnounceInterval", q.AnnounceInterval}, {"DefaultHandleTime", q.DefaultHandleTime},
	}
	for _, f := range durations {
		if f.d < 0 {
			return configError("queue %q: %s is negative (%s); use 0 or a positive duration", q.Name, f.name, f.d)
		}
	}
	// Ordering keys are nanoseconds shifted by priority × AgingStep; a day per level keeps
	// the shift far inside int64.
	if q.AgingStep > 24*time.Hour {
		return configError("queue %q: AgingStep %s is longer than 24h", q.Name, q.AgingStep)
	}
	if q.MaxLength < 0 {
		return configError("queue %q: MaxLength is negative (%d); use 0 for no limit", q.Name, q.MaxLength)
	}

	switch q.Overflow.Kind {
	case OverflowNone, OverflowVoicemail, OverflowCallback:
		if q.Overflow.Queue != "" {
			return configError("queue %q: overflow queue %q is set but the overflow kind is %q; set the kind to %q",
				q.Name, q.Overflow.Queue, q.Overflow.Kind, OverflowQueue)
		}
	case OverflowQueue:
		if !names[q.Overflow.Queue] {
			return configError("queue %q: overflow queue %q is not configured", q.Name, q.Overflow.Queue)
		}
		if q.Overflow.Queue == q.Name {
			return configError("queue %q: overflows into itself; choose another queue", q.Name)
		}
	default:
		return configError("queue %q: unknown overflow kind %q; use %q, %q, %q or leave it empty",
			q.Name, q.Overflow.Kind, OverflowQueue, OverflowVoicemail, OverflowCallback)
	}
	return nil
}

func validateSkills(skills []SkillLevel) error {
	seen := make(map[string]bool, len(skills))
	for _, s := range skills {
		if s.Skill == "" {
			return errors.New("skill name is empty")
		}
		if s.Level < 1 || s.Level > MaxSkillLevel {
			return fmt.Errorf("skill %q has level %d; use 1 to %d", s.Skill, s.Level, MaxSkillLevel)
		}
		if seen[s.Skill] {
			return fmt.Errorf("skill %q is listed twice", s.Skill)
		}
		seen[s.Skill] = true
	}
	return nil
}

func (c Config) priorities() Priorities {
	if c.Priorities == nil {
		return DefaultPriorities()
	}
	return *c.Priorities
}

// validate checks the whole configuration and returns the queues with defaults applied.
func (c Config) validate() ([]QueueConfig, error) {
	if len(c.Queues) == 0 {
		return nil, configError("no queues configured")
	}
	if c.StatsInterval < 0 {
		return nil, configError("StatsInterval is negative (%s); use 0 to disable queue statistics", c.StatsInterval)
	}
	p := c.priorities()
	for _, v := range []int{p.Ordinary, p.VIP, p.Callback, p.Campaign} {
		if v < 0 || v > MaxPriority {
			return nil, configError("priority %d is out of range; use 0 to %d", v, MaxPriority)
		}
	}

	names := make(map[string]bool, len(c.Queues))
	for _, q := range c.Queues {
		if q.Name == "" {
			return nil, configError("a queue has an empty name")
		}
		if names[q.Name] {
			return nil, configError("queue %q is configured twice", q.Name)
		}
		names[q.Name] = true
	}

	queues := make([]QueueConfig, len(c.Queues))
	for i, q := range c.Queues {
		q = q.withDefaults()
		if err := validateQueue(q, names); err != nil {
			return nil, err
		}
		queues[i] = q
	}
	if err := checkOverflowCycles(queues); err != nil {
		return nil, err
	}
	return queues, nil
}

// checkOverflowCycles rejects overflow chains that lead back to a queue already on the chain,
// because a call could then move between queues forever without reaching an outcome.
func checkOverflowCycles(queues []QueueConfig) error {
	next := make(map[string]string, len(queues))
	for _, q := range queues {
		if q.Overflow.Kind == OverflowQueue {
			next[q.Name] = q.Overflow.Queue
		}
	}
	for _, q := range queues {
		chain := []string{q.Name}
		for name, ok := next[q.Name]; ok; name, ok = next[name] {
			if slices.Contains(chain, name) {
				return configError("overflow chain %v returns to queue %q; end the chain with voicemail, callback or no overflow",
					append(chain, name), name)
			}
			chain = append(chain, name)
		}
	}
	return nil
}
