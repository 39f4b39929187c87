package callflow

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/calllog"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/routing"
)

// Telephony is the call control that callflow uses on one Asterisk server; *cti.Server
// implements it.
type Telephony interface {
	Answer(ctx context.Context, channelID string) error
	StartMOH(ctx context.Context, channelID, class string) error
	StopMOH(ctx context.Context, channelID string) error
	Hold(ctx context.Context, channelID string) error
	Unhold(ctx context.Context, channelID string) error
	Originate(ctx context.Context, req cti.OriginateRequest) (string, error)
	Hangup(ctx context.Context, channelID string, reason cti.HangupReason) error
	ContinueInDialplan(ctx context.Context, channelID, dialplanContext, extension string, priority int) error
	CreateBridge(ctx context.Context, name string) (string, error)
	DestroyBridge(ctx context.Context, bridgeID string) error
	AddToBridge(ctx context.Context, bridgeID, channelID string) error
	Snoop(ctx context.Context, channelID string, req cti.SnoopRequest) (string, error)
}

// AgentProfile is what routing needs to sign an agent in.
type AgentProfile struct {
	AgentID string
	Name    string
	// Endpoint is the agent's fixed phone, e.g. "PJSIP/1001"; empty when the agent must
	// choose one at sign-in (hot-desking).
	Endpoint string
	Skills   []routing.SkillLevel
	// Queues the agent serves; empty means every configured queue.
	Queues []string
}

// Directory is the CRM side of a call: caller lookup for the screen-pop, agents' profiles and
// callbacks.
type Directory interface {
	// LookupCaller returns the card of the contact with this number. found is false for an
	// unknown or withheld number, which is not an error.
	LookupCaller(ctx context.Context, number string) (card protocol.Card, found bool, err error)
	// Agent returns the profile of the agent (a user id).
	Agent(ctx context.Context, agentID string) (AgentProfile, error)
	// ScheduleCallback creates a callback task for the number in the queue, due at the time.
	ScheduleCallback(ctx context.Context, number, queue, contactID string, due time.Time) error
}

// Notifier delivers notifications to the desks; *ws.Hub implements it.
type Notifier interface {
	PublishAgentState(s protocol.AgentState) (int, error)
	PublishCallOffered(agentID string, offer protocol.CallOffered) (int, error)
	PublishCallAnswered(agentID string, a protocol.CallAnswered) (int, error)
	PublishCallHeld(agentID string, held protocol.CallHeld) (int, error)
	PublishCallEnded(agentID string, e protocol.CallEnded) (int, error)
	PublishWrapupStarted(agentID string, w protocol.WrapupStarted) (int, error)
	PublishQueueStats(q protocol.QueueStats) (int, error)
	PublishSuperviseStarted(supervisorID string, s protocol.SuperviseStarted) (int, error)
	PublishSuperviseModeChanged(supervisorID string, m protocol.SuperviseModeChanged) (int, error)
	PublishSuperviseEnded(supervisorID string, e protocol.SuperviseEnded) (int, error)
}

// Recorder keeps call records and dispositions durably; *calllog.Spool implements it.
type Recorder interface {
	WriteRecord(ctx context.Context, record crm.Interaction) error
	WriteDisposition(ctx context.Context, d calllog.Disposition) error
	WriteContactLink(ctx context.Context, link calllog.ContactLink) error
}

// PhoneAnswerer answers an agent's ringing phone on the agent's behalf. Real SIP and WebRTC
// phones are answered by the agent, so production runs without one; the demo's simulated
// phones use it so that the desk's Answer button works.
type PhoneAnswerer interface {
	AnswerPhone(ctx context.Context, server, channelID string) error
}
