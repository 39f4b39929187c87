package routing

import (
	"errors"
	"time"
)

// Output is a command for the telephony layer, a notification for the desk and wallboards,
// a CallRecord or a Rejected input. The concrete types are the structs in this file.
type Output interface{ isOutput() }

// Commands for the telephony layer.

// RingAgent is the command to ring the agent's endpoint for the call. The engine withdraws the offer
// with CancelRing when Timeout passes without AgentAnswered.
type RingAgent struct {
	CallID       string
	AgentID      string
	Endpoint     string
	Timeout      time.Duration
	CallerNumber string
}

// CancelRing is the command to stop ringing the agent's endpoint and hang up that leg.
type CancelRing struct {
	CallID   string
	AgentID  string
	Endpoint string
}

// BridgeCall is the command to connect the answered agent leg with the caller.
type BridgeCall struct {
	CallID   string
	AgentID  string
	Endpoint string
}

// ReleaseAgent is the command to hang up the agent's leg and keep the caller on the line (hold music),
// because the call is being transferred.
type ReleaseAgent struct {
	CallID   string
	AgentID  string
	Endpoint string
}

// PlayPosition is the command to tell the caller their position and estimated wait. WaitKnown is false
// while no agent of the queue is available, on a call or in wrap-up.
type PlayPosition struct {
	CallID        string
	Queue         string
	Position      int
	EstimatedWait time.Duration
	WaitKnown     bool
}

// OfferVoicemail is the command to offer the caller voicemail. The engine stops tracking the
// call.
type OfferVoicemail struct {
	CallID string
	Queue  string
}

// OfferCallback is the command to offer the caller a callback. The engine stops tracking the
// call.
type OfferCallback struct {
	CallID string
	Queue  string
}

// HangUp is the command to hang up the caller.
type HangUp struct {
	CallID string
	Reason string // one of the HangUp reasons below
}

// HangUp reasons.
const (
	HangUpClosed       = "closed"        // the queue is out of business hours
	HangUpNoAgent      = "no_agent"      // maximum wait or length reached with no overflow destination
	HangUpUnknownQueue = "unknown_queue" // the call named a queue that is not configured
	HangUpAgentRequest = "agent_request" // the agent pressed hang up
	HangUpInvalidCall  = "invalid_call"  // the arrival was malformed, for example a duplicate call id
)

// Notifications.

// AgentStateChanged is sent on every agent state change. CallID is set while reserved, on a
// call and in wrap-up; Until is the end of a wrap-up.
type AgentStateChanged struct {
	AgentID string
	State   AgentState
	Reason  string
	CallID  string
	At      time.Time
	Until   time.Time
}

// AgentStatus is the reply to QueryAgent. An agent who is not signed in has State AgentLoggedOut
// and no other fields set.
type AgentStatus struct {
	AgentID  string
	State    AgentState
	Reason   string
	Since    time.Time
	Endpoint string
	Queues   []string
	// CallID is the call being offered, talked on or wrapped up, with its caller and contact
	// for the screen-pop of a reconnecting desk.
	CallID       string
	CallerNumber string
	ContactID    string
	Until        time.Time // end of the wrap-up
	// PendingPause is the reason of a pause that takes effect after the current call.
	PendingPause string
}

// CallQueued is sent when a call enters a queue (on arrival, overflow, transfer or return
// after a missed offer).
type CallQueued struct {
	CallID   string
	Queue    string
	Priority int
	Position int
	At       time.Time
}

// CallOverflowed is sent when a call moves to its queue's overflow queue.
type CallOverflowed struct {
	CallID string
	From   string
	To     string
	Reason string // "max_wait", "queue_full" or "no_agents"
}

// CallOffered is sent when an agent is reserved for a call; it triggers the screen-pop.
type CallOffered struct {
	CallID       string
	AgentID      string
	Queue        string
	CallerNumber string
	ContactID    string
	VIP          bool
	Priority     int
	At           time.Time
}

// CallOfferWithdrawn is sent when an offer ends without an answer, so the desk stops ringing.
type CallOfferWithdrawn struct {
	CallID  string
	AgentID string
	Reason  string // "abandoned", "ring_timeout", a LegFailure name, "agent_paused" or "agent_signed_out"
}

// CallAnswered is sent when an agent answers a call.
type CallAnswered struct {
	CallID  string
	AgentID string
	Queue   string
	Wait    time.Duration
	At      time.Time
}

// QueueStats is a periodic snapshot of one queue, sent every Config.StatsInterval. Counters
// run from the engine's start.
type QueueStats struct {
	Queue         string
	At            time.Time
	Waiting       int
	LongestWait   time.Duration
	AgentsByState [agentStateCount]int
	EstimatedWait time.Duration // for a call arriving now
	WaitKnown     bool
	Answered      int
	AnsweredInSL  int
	Abandoned     int
	Overflowed    int // left through voicemail, callback or another queue
	NoAgent       int
	Closed        int
	Failed        int
	ServiceLevel  float64 // AnsweredInSL / calls that finished waiting, when ServiceLevelKnown
	// ServiceLevelKnown is false before any call finished waiting: a queue without calls has
	// no service level, rather than a perfect one.
	ServiceLevelKnown bool
	AbandonedRatio    float64 // Abandoned / calls that finished waiting; 0 before any
}

// Outcome is the final state of a call.
type Outcome string

// Call outcomes. Each call gets exactly one.
const (
	OutcomeAnswered   Outcome = "answered"   // an agent answered it at least once
	OutcomeAbandoned  Outcome = "abandoned"  // the caller hung up before any answer
	OutcomeOverflowed Outcome = "overflowed" // sent to voicemail or a callback offer
	OutcomeNoAgent    Outcome = "no_agent"   // maximum wait or length reached with no overflow destination
	OutcomeClosed     Outcome = "closed"     // arrived outside business hours
	OutcomeFailed     Outcome = "failed"     // malformed arrival or a channel failure before any answer
)

// CallRecord is the final record of a call. Every call the engine accepted gets exactly one,
// when it ends, overflows out of the engine or is rejected by its queue. The property tests
// check this over random event sequences.
type CallRecord struct {
	CallID       string
	Queue        string // the queue the call was in last
	FirstQueue   string
	AgentID      string // the last agent who answered; empty if none did
	CallerNumber string
	ContactID    string
	Kind         CallKind
	Priority     int
	Outcome      Outcome

	ArrivedAt  time.Time
	OfferedAt  time.Time // first offer to an agent; zero if none
	AnsweredAt time.Time // first answer; zero if none
	EndedAt    time.Time

	Wait time.Duration // arrival to first answer, or to the end if never answered
	Talk time.Duration // time bridged with agents, summed over transfers

	HangUpBy    Party
	HangUpCause string

	Offers    int // offers to agents, including missed ones
	Overflows int
	Transfers int
}

// Rejected reports an input that changed nothing because it was invalid in the current state.
// Err wraps one of the sentinel errors below.
type Rejected struct {
	Input Input
	Err   error
}

// Sentinel errors wrapped by Rejected.Err.
var (
	ErrUnknownAgent  = errors.New("unknown agent")
	ErrUnknownCall   = errors.New("unknown call")
	ErrUnknownQueue  = errors.New("unknown queue")
	ErrInvalidState  = errors.New("invalid state for this request")
	ErrInvalidInput  = errors.New("invalid input")
	ErrEndpointInUse = errors.New("endpoint in use by another agent")
)

func (RingAgent) isOutput()          {}
func (CancelRing) isOutput()         {}
func (BridgeCall) isOutput()         {}
func (ReleaseAgent) isOutput()       {}
func (PlayPosition) isOutput()       {}
func (OfferVoicemail) isOutput()     {}
func (OfferCallback) isOutput()      {}
func (HangUp) isOutput()             {}
func (AgentStateChanged) isOutput()  {}
func (AgentStatus) isOutput()        {}
func (CallQueued) isOutput()         {}
func (CallOverflowed) isOutput()     {}
func (CallOffered) isOutput()        {}
func (CallOfferWithdrawn) isOutput() {}
func (CallAnswered) isOutput()       {}
func (QueueStats) isOutput()         {}
func (CallRecord) isOutput()         {}
func (Rejected) isOutput()           {}
