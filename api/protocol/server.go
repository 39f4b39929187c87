package protocol

import "time"

// Message types that the server sends.
const (
	TypeHello         = "hello"
	TypeAck           = "ack"
	TypeError         = "error"
	TypeAgentState    = "agent.state"
	TypeCallOffered   = "call.offered"
	TypeCallAnswered  = "call.answered"
	TypeCallHeld      = "call.held"
	TypeCallEnded     = "call.ended"
	TypeWrapupStarted = "wrapup.started"
	TypePong          = "pong"
	TypeQueueStats    = "queue.stats"
)

// Role is a permission set that a user has. Every route and message type names the roles
// that may use it.
type Role string

// Roles.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleMarketer   Role = "marketer"
	RoleAdmin      Role = "admin"
)

// AllRoles lists every role.
func AllRoles() []Role {
	return []Role{RoleAgent, RoleSupervisor, RoleMarketer, RoleAdmin}
}

// Agent states as the desk shows them. They mirror the routing engine's states.
const (
	StateLoggedOut = "logged_out"
	StateAvailable = "available"
	StateReserved  = "reserved"
	StateOnCall    = "on_call"
	StateWrapup    = "wrapup"
	StatePaused    = "paused"
)

// User is the signed-in person, as GET /api/v1/me and the hello frame return it.
type User struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Roles  []Role `json:"roles"`
	Locale string `json:"locale"`
}

// Hello is the first frame on every connection. It carries everything the desk needs to
// draw itself after a page load or a reconnect: the user, the agent's state, and the call in
// progress, if any.
type Hello struct {
	Protocol            int         `json:"protocol"`
	ServerTime          time.Time   `json:"server_time"`
	PingIntervalSeconds float64     `json:"ping_interval_seconds"`
	User                User        `json:"user"`
	Agent               *AgentState `json:"agent,omitempty"`
	Call                *CallState  `json:"call,omitempty"`
	// Wallboard is set for supervisors only: every queue and every signed-in agent at the
	// moment the connection opened.
	Wallboard *Wallboard `json:"wallboard,omitempty"`
	// Supervision is set for a supervisor with a running listen, whisper or barge session.
	Supervision *SupervisionState `json:"supervision,omitempty"`
}

// AgentState is an agent's routing state. Reason is the pause reason code when State is
// paused ("missed" after a ring timeout).
type AgentState struct {
	AgentID string `json:"agent_id"`
	// Name is the agent's display name from the user directory, empty until the agent has
	// signed in on this node.
	Name   string    `json:"name,omitempty"`
	State  string    `json:"state"`
	Reason string    `json:"reason,omitempty"`
	Since  time.Time `json:"since"`
	// Endpoint is the phone endpoint the agent signed in at, for example "PJSIP/1001".
	Endpoint string `json:"endpoint,omitempty"`
	// Call is the call the agent is offered, talks on or wraps up, and nil in other states.
	Call *AgentCall `json:"call,omitempty"`
}

// AgentCall names an agent's current call for supervisors: which call, from which queue and
// from whom.
type AgentCall struct {
	CallID string `json:"call_id"`
	Queue  string `json:"queue,omitempty"`
	Caller Caller `json:"caller"`
}

// Wallboard is a supervisor's starting view, sent in hello: the statistics of every queue
// as queue.stats carries them, and every signed-in agent. agent.state and queue.stats
// frames keep it current afterwards.
type Wallboard struct {
	Queues []QueueStats `json:"queues"`
	Agents []AgentState `json:"agents"`
}

// Call phases in CallState.
const (
	PhaseRinging = "ringing"
	PhaseTalking = "talking"
	PhaseHeld    = "held"
	PhaseWrapup  = "wrapup"
)

// CallState is the call an agent is handling, sent in hello so that a reload restores the
// ringing card, the live call or the wrap-up form.
type CallState struct {
	Phase string      `json:"phase"`
	Offer CallOffered `json:"offer"`
	// AnsweredAt is set once the call was answered.
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	// WrapupUntil is set in the wrap-up phase.
	WrapupUntil *time.Time `json:"wrapup_until,omitempty"`
	// Dispositions are the outcomes offered in the wrap-up phase, as in wrapup.started.
	Dispositions []Disposition `json:"dispositions,omitempty"`
}

// CallOffered is the screen-pop: an agent has been reserved for a call and their phone is
// ringing. Either Contact is set, or Unknown is true and Caller.Number is what the desk
// pre-fills in the new-contact form. Campaign is set for a call an outbound campaign placed,
// with or without a contact, and Caller.Number is then the dialed number.
type CallOffered struct {
	CallID             string        `json:"call_id"`
	Queue              string        `json:"queue"`
	Caller             Caller        `json:"caller"`
	WaitSeconds        float64       `json:"wait_seconds"`
	RingTimeoutSeconds float64       `json:"ring_timeout_seconds,omitempty"`
	OfferedAt          time.Time     `json:"offered_at"`
	Unknown            bool          `json:"unknown"`
	Contact            *Card         `json:"contact,omitempty"`
	Campaign           *CampaignCall `json:"campaign,omitempty"`
	// Withheld is true when the network withheld the caller's number: Caller.Number is then
	// a marker such as "anonymous", "Restricted" or empty (crm/phone.IsWithheld), not a
	// number, and the desk offers no new contact for it.
	Withheld bool `json:"withheld,omitempty"`
}

// CampaignCall names the outbound campaign that placed a call and the lead it dialed, so
// the desk can name the person an agent calls even when no contact has the number.
type CampaignCall struct {
	// Campaign is the campaign's name.
	Campaign string `json:"campaign"`
	LeadID   string `json:"lead_id"`
	// LeadName is the name the call list gave the lead, or empty when it gave none.
	LeadName string `json:"lead_name,omitempty"`
}

// Caller is the calling party as the network presented it. Number is in E.164 when the
// routing engine could normalise it.
type Caller struct {
	Number string `json:"number"`
	Name   string `json:"name,omitempty"`
}

// Card is a contact card with the context an agent needs before answering.
type Card struct {
	ContactID    string        `json:"contact_id"`
	Name         string        `json:"name"`
	Company      string        `json:"company,omitempty"`
	Phones       []Phone       `json:"phones"`
	Emails       []string      `json:"emails,omitempty"`
	Tags         []string      `json:"tags"`
	VIP          bool          `json:"vip"`
	Interactions []Interaction `json:"interactions"`
	OpenTickets  []Ticket      `json:"open_tickets"`
}

// Phone is one number of a contact, in E.164, with a label such as "mobile" or "work".
type Phone struct {
	Number string `json:"number"`
	Label  string `json:"label,omitempty"`
}

// ContactList is the reply to contact.search: one page of contacts in the order storage
// lists them (last name, first name, id). More is true when further contacts match, at
// offset+limit.
type ContactList struct {
	Contacts []ContactSummary `json:"contacts"`
	More     bool             `json:"more"`
}

// ContactSummary is a contact as a search result lists it. Name is the full name in the
// Russian order, last name first, and the name's parts follow it one by one.
type ContactSummary struct {
	ContactID  string         `json:"contact_id"`
	Name       string         `json:"name"`
	FirstName  string         `json:"first_name,omitempty"`
	LastName   string         `json:"last_name,omitempty"`
	MiddleName string         `json:"middle_name,omitempty"`
	Company    string         `json:"company,omitempty"`
	Phones     []ContactPhone `json:"phones"`
	Emails     []string       `json:"emails"`
	Tags       []string       `json:"tags"`
	VIP        bool           `json:"vip"`
}

// ContactPhone is one phone of a search result: Number in E.164 and Entered as it was
// typed or imported. Primary marks the contact's main number, which every contact with
// phones has.
type ContactPhone struct {
	Number    string `json:"number"`
	Entered   string `json:"entered"`
	Extension string `json:"extension,omitempty"`
	Label     string `json:"label,omitempty"`
	Primary   bool   `json:"primary,omitempty"`
}

// Interaction is one past contact with the customer, newest first in lists.
type Interaction struct {
	ID          string    `json:"id"`
	At          time.Time `json:"at"`
	Channel     string    `json:"channel"`
	Direction   string    `json:"direction,omitempty"`
	AgentName   string    `json:"agent_name,omitempty"`
	Queue       string    `json:"queue,omitempty"`
	Disposition string    `json:"disposition,omitempty"`
	Note        string    `json:"note,omitempty"`
	TalkSeconds float64   `json:"talk_seconds,omitempty"`
}

// Ticket is an open support ticket of the contact.
type Ticket struct {
	ID       string    `json:"id"`
	Subject  string    `json:"subject"`
	Status   string    `json:"status"`
	Priority string    `json:"priority,omitempty"`
	Opened   time.Time `json:"opened"`
}

// CallAnswered goes to every connection of the agent, so a second tab stops ringing.
type CallAnswered struct {
	CallID     string    `json:"call_id"`
	AgentID    string    `json:"agent_id"`
	AnsweredAt time.Time `json:"answered_at"`
}

// CallHeld reports that a call was put on hold or taken off it.
type CallHeld struct {
	CallID string `json:"call_id"`
	OnHold bool   `json:"on_hold"`
}

// Reasons in CallEnded.
const (
	EndCallerHangup = "caller_hangup"
	EndAgentHangup  = "agent_hangup"
	EndTransferred  = "transferred"
	EndNoAnswer     = "no_answer"
	EndAbandoned    = "abandoned"
	EndFailed       = "failed"
)

// CallEnded reports that the call is over for this agent. Reason is one of the End constants;
// Cause is the Q.850 hang-up cause code when the network gave one.
type CallEnded struct {
	CallID      string    `json:"call_id"`
	Reason      string    `json:"reason"`
	Cause       int       `json:"cause,omitempty"`
	EndedAt     time.Time `json:"ended_at"`
	TalkSeconds float64   `json:"talk_seconds"`
}

// WrapupStarted opens the disposition form. Until is when the agent becomes available again
// unless they save earlier.
type WrapupStarted struct {
	CallID       string        `json:"call_id"`
	Until        time.Time     `json:"until"`
	Dispositions []Disposition `json:"dispositions,omitempty"`
}

// Disposition is one outcome an agent can pick in wrap-up. Labels come in the user's
// language.
type Disposition struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// ErrorData is the data of an error frame and the body of a REST error under "error".
// Message is for the user, in their language. Reason, for the code "conflict", is one of the
// Reason constants when the server knows what in the current state stops the command.
// Detail, when present, is an English note for developers that names the invalid value, for
// example "missing call_id".
type ErrorData struct {
	Code    string `json:"code"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
}

// ErrorBody is the JSON body of every failed REST request.
type ErrorBody struct {
	Error ErrorData `json:"error"`
}

// QueueStats is a snapshot of one queue for supervisors' wallboards, sent every few seconds.
// Counters run from the node's start.
type QueueStats struct {
	Queue              string    `json:"queue"`
	At                 time.Time `json:"at"`
	Waiting            int       `json:"waiting"`
	LongestWaitSeconds float64   `json:"longest_wait_seconds"`
	// EstimatedWaitSeconds is the wait a call arriving now can expect; absent while no agent
	// of the queue is signed in.
	EstimatedWaitSeconds *float64 `json:"estimated_wait_seconds,omitempty"`
	// Agents counts the queue's agents by state (available, reserved, on_call, wrapup, paused).
	Agents     map[string]int `json:"agents"`
	Answered   int            `json:"answered"`
	Abandoned  int            `json:"abandoned"`
	Overflowed int            `json:"overflowed"`
	// ServiceLevel is the share of calls answered within the queue's threshold among those
	// that finished waiting; absent before any did.
	ServiceLevel   *float64 `json:"service_level,omitempty"`
	AbandonedRatio float64  `json:"abandoned_ratio"`
}
