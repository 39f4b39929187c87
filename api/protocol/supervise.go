package protocol

import (
	"fmt"
	"time"
)

// Supervision messages: a supervisor listens to an agent's call, whispers to the agent or
// barges in. Only users with RoleSupervisor may send the commands. A supervisor has at most
// one session at a time, so supervise.mode and supervise.stop need no id.
const (
	// TypeSuperviseStart rings the supervisor's phone; when it is answered, the session
	// connects to the agent's call in the requested mode.
	TypeSuperviseStart = "supervise.start"
	// TypeSuperviseMode switches the mode of the supervisor's session.
	TypeSuperviseMode = "supervise.mode"
	// TypeSuperviseStop ends the supervisor's session and hangs up the supervisor's phone.
	TypeSuperviseStop = "supervise.stop"

	// TypeSuperviseStarted notifies the supervisor that the phone was answered and the session
	// is connected to the call.
	TypeSuperviseStarted = "supervise.started"
	// TypeSuperviseModeChanged notifies the supervisor that a new mode is in effect.
	TypeSuperviseModeChanged = "supervise.mode_changed"
	// TypeSuperviseEnded notifies the supervisor that the session is over, and why.
	TypeSuperviseEnded = "supervise.ended"
)

// Supervision modes.
const (
	// ModeListen: the supervisor hears the agent and the customer; nobody hears the supervisor.
	ModeListen = "listen"
	// ModeWhisper: the supervisor hears both; only the agent hears the supervisor.
	ModeWhisper = "whisper"
	// ModeBarge: the supervisor, the agent and the customer all hear each other.
	ModeBarge = "barge"
)

// SuperviseModes lists every supervision mode.
func SuperviseModes() []string { return []string{ModeListen, ModeWhisper, ModeBarge} }

// Reasons in SuperviseEnded.
const (
	// SuperviseEndStopped: the supervisor sent supervise.stop.
	SuperviseEndStopped = "stopped"
	// SuperviseEndSupervisorHangup: the supervisor hung up the phone.
	SuperviseEndSupervisorHangup = "supervisor_hangup"
	// SuperviseEndCallEnded: the agent's call ended or was transferred away from the agent.
	SuperviseEndCallEnded = "call_ended"
	// SuperviseEndNoAnswer: the supervisor's phone was busy, did not answer or could not be
	// dialled.
	SuperviseEndNoAnswer = "no_answer"
	// SuperviseEndFailed: Asterisk rejected a request of the session; the server log has it.
	SuperviseEndFailed = "failed"
	// SuperviseEndServerStopped: the server is shutting down and hung up the supervisor's phone.
	SuperviseEndServerStopped = "server_stopped"
)

// SuperviseStart starts supervising the call of the agent AgentID in Mode.
type SuperviseStart struct {
	AgentID string `json:"agent_id"`
	Mode    string `json:"mode"`
}

// SuperviseMode switches the running session to Mode.
type SuperviseMode struct {
	Mode string `json:"mode"`
}

// SuperviseStop ends the running session.
type SuperviseStop struct{}

// SuperviseStarted reports a connected session: whose call and in which mode.
type SuperviseStarted struct {
	AgentID   string    `json:"agent_id"`
	CallID    string    `json:"call_id"`
	Mode      string    `json:"mode"`
	StartedAt time.Time `json:"started_at"`
}

// SuperviseModeChanged reports the mode now in effect.
type SuperviseModeChanged struct {
	AgentID string `json:"agent_id"`
	CallID  string `json:"call_id"`
	Mode    string `json:"mode"`
}

// SuperviseEnded reports the end of a session. Reason is one of the SuperviseEnd constants.
// CallID is the supervised call. The server always sets it, because a session starts only on
// an agent's current call. The field is still optional (omitempty), so clients should accept
// it empty.
type SuperviseEnded struct {
	AgentID string    `json:"agent_id"`
	CallID  string    `json:"call_id,omitempty"`
	Reason  string    `json:"reason"`
	EndedAt time.Time `json:"ended_at"`
}

// SupervisionState is a supervisor's running session, sent in the supervisor's hello so that
// a reload restores the wallboard's controls.
type SupervisionState struct {
	AgentID string `json:"agent_id"`
	CallID  string `json:"call_id"`
	// Mode is the mode the supervisor chose last.
	Mode string `json:"mode"`
	// Active is the mode in effect, empty while the supervisor's phone rings.
	Active string `json:"active,omitempty"`
}

// Validate implements Command.
func (c *SuperviseStart) Validate() error {
	if err := checkCode("agent_id", c.AgentID); err != nil {
		return err
	}
	return checkMode(c.Mode)
}

// Validate implements Command.
func (c *SuperviseMode) Validate() error { return checkMode(c.Mode) }

// Validate implements Command.
func (*SuperviseStop) Validate() error { return nil }

func checkMode(mode string) error {
	switch mode {
	case ModeListen, ModeWhisper, ModeBarge:
		return nil
	case "":
		return fmt.Errorf("missing mode: send %q, %q or %q", ModeListen, ModeWhisper, ModeBarge)
	}
	return fmt.Errorf("invalid mode %q: send %q, %q or %q", truncate(mode, 64), ModeListen, ModeWhisper, ModeBarge)
}
