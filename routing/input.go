package routing

import "time"

// Input is an event or command handled by Engine.Handle. The concrete types are the structs
// in this file.
type Input interface{ isInput() }

// CallKind is the origin of a call. Callbacks and campaign calls get their own base priority.
type CallKind int

// Call kinds.
const (
	CallInbound CallKind = iota
	CallCallback
	CallCampaign
)

func (k CallKind) String() string {
	switch k {
	case CallInbound:
		return "inbound"
	case CallCallback:
		return "callback"
	case CallCampaign:
		return "campaign"
	}
	return "unknown"
}

// Party is who ended a call.
type Party int

// Parties that end calls. PartySystem covers channel failures and hang-ups that neither
// person asked for.
const (
	PartyCaller Party = iota
	PartyAgent
	PartySystem
)

func (p Party) String() string {
	switch p {
	case PartyCaller:
		return "caller"
	case PartyAgent:
		return "agent"
	case PartySystem:
		return "system"
	}
	return "unknown"
}

// LegFailure is why an agent's phone did not answer an offered call.
type LegFailure int

// Agent leg failures. Each pauses the agent with its own reason, so the call goes to the next
// agent instead of back to the same phone.
const (
	LegNoAnswer   LegFailure = iota // pauses with ReasonMissed
	LegBusy                         // pauses with ReasonPhoneBusy
	LegCongestion                   // pauses with ReasonPhoneUnreachable
	LegFailed                       // any other failure; pauses with ReasonPhoneUnreachable
)

func (f LegFailure) String() string {
	switch f {
	case LegNoAnswer:
		return "no_answer"
	case LegBusy:
		return "busy"
	case LegCongestion:
		return "congestion"
	case LegFailed:
		return "failed"
	}
	return "unknown"
}

// CallArrived puts a new call into a queue. CallID must be unique among live calls.
type CallArrived struct {
	CallID       string
	Queue        string
	CallerNumber string // E.164 when known
	ContactID    string // empty for unknown callers
	VIP          bool
	Kind         CallKind
	// PriorityBoost is added to the base priority from Config.Priorities; the sum is clamped
	// to [0, MaxPriority].
	PriorityBoost int
	// Skills are the minimum levels an agent needs, in addition to the queue's skills.
	Skills []SkillLevel
	// ArrivedAt is when the caller arrived, if that was before this input: the telephony
	// layer answers and looks the caller up first, and the caller waits meanwhile. It sets the
	// record's arrival and wait and the call's place in the queue; the queue's own timers
	// (MaxWait) start with the input. Zero, or a time after the engine's clock, means now.
	ArrivedAt time.Time
}

// CallEnded reports that the caller's channel is gone. While the call waits or rings, By
// PartyCaller or PartyAgent means the caller abandoned it and PartySystem means it failed.
// Ends of calls the engine no longer tracks (for example after a voicemail offer) are ignored.
type CallEnded struct {
	CallID string
	By     Party
	Cause  string // hang-up cause as reported by the telephony layer, for the call record
}

// AgentSignIn makes an agent available in the given queues at a phone endpoint. Endpoint is
// the agent's fixed phone or, for hot-desking, the one chosen at sign-in; two signed-in agents
// cannot share an endpoint.
type AgentSignIn struct {
	AgentID  string
	Endpoint string
	Skills   []SkillLevel
	Queues   []string
}

// AgentSignOut logs an agent out. An agent on a call must end it first; a ringing offer is
// withdrawn and its call returns to the queue.
type AgentSignOut struct {
	AgentID string
}

// AgentPause pauses an agent with a reason code. From a call the pause takes effect after the
// call and its wrap-up; a ringing offer is withdrawn; a wrap-up ends at once.
type AgentPause struct {
	AgentID string
	Reason  string
}

// AgentChangeEndpoint moves a signed-in agent to another phone endpoint, for an agent who
// hot-desks to a new phone. It is rejected while a call rings for the agent or the agent is on
// a call, and when another agent is signed in at the endpoint. The agent's state is kept.
type AgentChangeEndpoint struct {
	AgentID  string
	Endpoint string
}

// AgentReady makes a paused or wrapping-up agent available.
type AgentReady struct {
	AgentID string
}

// WrapUpDone ends an agent's wrap-up before its timer.
type WrapUpDone struct {
	AgentID string
}

// AgentAnswered reports that the agent's phone answered an offered call. A repeat for the
// call the agent is already on is ignored.
type AgentAnswered struct {
	CallID  string
	AgentID string
}

// AgentLegFailed reports that the agent's phone rejected or did not answer an offered call.
type AgentLegFailed struct {
	CallID  string
	AgentID string
	Reason  LegFailure
	Cause   string
}

// TransferToAgent moves an answered call from one agent to another available agent (blind
// transfer). If the target does not answer, the call returns to its queue.
type TransferToAgent struct {
	CallID      string
	FromAgentID string
	ToAgentID   string
}

// TransferToQueue moves an answered call from its agent into a queue. A transfer into a queue
// outside its business hours is rejected.
type TransferToQueue struct {
	CallID      string
	FromAgentID string
	Queue       string
}

// HangUpRequest is an agent's request to end the call they are on.
type HangUpRequest struct {
	CallID  string
	AgentID string
}

// QueryAgent requests the agent's current AgentStatus, for example for a desk that
// reconnects.
type QueryAgent struct {
	AgentID string
}

// QueryQueues requests a QueueStats for every queue now, for example for a wallboard that
// connects between periodic statistics.
type QueryQueues struct{}

// Tick only advances time; the engine fires the timers that fell due. Run sends it itself.
type Tick struct{}

func (CallArrived) isInput()         {}
func (CallEnded) isInput()           {}
func (AgentSignIn) isInput()         {}
func (AgentSignOut) isInput()        {}
func (AgentPause) isInput()          {}
func (AgentReady) isInput()          {}
func (AgentChangeEndpoint) isInput() {}
func (WrapUpDone) isInput()          {}
func (AgentAnswered) isInput()       {}
func (AgentLegFailed) isInput()      {}
func (TransferToAgent) isInput()     {}
func (TransferToQueue) isInput()     {}
func (HangUpRequest) isInput()       {}
func (QueryAgent) isInput()          {}
func (QueryQueues) isInput()         {}
func (Tick) isInput()                {}

// Pause reasons the engine sets by itself.
const (
	ReasonMissed           = "missed"            // the agent did not answer within the ring timeout
	ReasonPhoneBusy        = "phone_busy"        // the agent's phone was busy
	ReasonPhoneUnreachable = "phone_unreachable" // congestion or another failure of the agent's phone
)
