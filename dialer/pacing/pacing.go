package pacing

import (
	"time"
)

// State is a snapshot of one campaign at the moment a pacing decision is made.
// The caller owns it and may reuse its slices between decisions, so a policy
// must not keep references to them.
type State struct {
	// Now is the time since the campaign's calling day started. Policies use it
	// for their sampling periods and never compare it with wall-clock time.
	Now time.Duration

	// IdleAgents counts logged-in agents ready to take a call.
	IdleAgents int
	// Talking holds, for each agent on a call, the time since that call was
	// connected to the agent.
	Talking []time.Duration
	// WrapUp holds, for each agent in wrap-up, the time since its last call was
	// connected. Handle time is talk plus wrap-up, so both slices hold elapsed
	// handle times.
	WrapUp []time.Duration

	// Waiting counts live-answered calls that wait for an agent.
	Waiting int
	// Outstanding holds the age of every dial that has been placed and has no
	// outcome yet (ringing or in call progress).
	Outstanding []time.Duration

	// FreeLines is the number of trunk lines that can take a new dial now.
	FreeLines int
	// RemainingLeads is the number of numbers left to dial in the campaign.
	RemainingLeads int
	// Paused stops all dialing at once.
	Paused bool
}

// LoggedIn returns the number of agents logged in to the campaign.
func (s *State) LoggedIn() int {
	return s.IdleAgents + len(s.Talking) + len(s.WrapUp)
}

// OutcomeKind names what happened to a dial or to a call.
type OutcomeKind int

const (
	// LiveAnswer is a dial answered by a person. Duration is the ring time from
	// the dial to the answer.
	LiveAnswer OutcomeKind = iota + 1
	// NoLiveAnswer is a dial that ended without a person (no answer, busy,
	// invalid number, answering machine). Duration is the time from the dial to
	// that outcome.
	NoLiveAnswer
	// Connected is a live answer that reached an agent. Duration is the time
	// from the answer to the agent.
	Connected
	// Abandoned is a live answer that no agent took within the allowed delay
	// (2 s after the greeting under the FCC and Ofcom rules). Duration is the
	// time the person waited.
	Abandoned
	// HandleDone is an agent finishing a call, wrap-up included. Duration is the
	// handle time (talk plus wrap-up).
	HandleDone
)

// String returns the outcome's name for logs and test messages.
func (k OutcomeKind) String() string {
	switch k {
	case LiveAnswer:
		return "live_answer"
	case NoLiveAnswer:
		return "no_live_answer"
	case Connected:
		return "connected"
	case Abandoned:
		return "abandoned"
	case HandleDone:
		return "handle_done"
	default:
		return "unknown"
	}
}

// Outcome is one observation that a policy learns from.
type Outcome struct {
	// At is the time of the outcome since the calling day started.
	At       time.Duration
	Kind     OutcomeKind
	Duration time.Duration
}

// Policy decides how many numbers to dial now. A policy keeps its own
// statistics, fed through Observe, and is not safe for concurrent use: one
// campaign loop owns it and calls Observe and Dials in time order.
type Policy interface {
	// Name returns a short name for reports.
	Name() string
	// Dials returns the number of new dials to place now. It never exceeds
	// s.FreeLines or s.RemainingLeads, and it is zero when the campaign is
	// paused or no agent is logged in.
	Dials(s *State) int
	// Observe records an outcome.
	Observe(o Outcome)
}

// limit applies the rules every policy obeys to a wanted number of dials.
func limit(s *State, wanted int) int {
	if s.Paused || s.LoggedIn() == 0 {
		return 0
	}

	n := min(wanted, s.FreeLines, s.RemainingLeads)
	return max(n, 0)
}
