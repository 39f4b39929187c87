package api

import (
	"context"
	"fmt"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// SupervisorDesk carries a supervisor's listen, whisper and barge commands to the call flow.
// A nil error means the command was accepted; the session's progress reaches the supervisor
// as supervise.started, supervise.mode_changed and supervise.ended notifications. The
// supervisor's id is the user id that the Authenticator returned.
type SupervisorDesk interface {
	// StartSupervision rings the supervisor's phone and, when it is answered, connects it to
	// the call of agentID in the mode.
	StartSupervision(ctx context.Context, supervisorID string, s protocol.SuperviseStart) error
	// SetSupervisionMode switches the supervisor's session to the mode.
	SetSupervisionMode(ctx context.Context, supervisorID, mode string) error
	// StopSupervision ends the supervisor's session and hangs up the supervisor's phone.
	StopSupervision(ctx context.Context, supervisorID string) error
	// Supervision returns the supervisor's running session, or nil when there is none.
	Supervision(ctx context.Context, supervisorID string) (*protocol.SupervisionState, error)
}

// executeSupervision runs a supervise.* command. The command table has already checked that
// the user is a supervisor.
func (s *Server) executeSupervision(ctx context.Context, supervisorID string, cmd protocol.Command) error {
	desk := s.deps.Supervisor
	if desk == nil {
		return fmt.Errorf("%w: supervision is not available on this server", ErrUnavailable)
	}

	switch c := cmd.(type) {
	case *protocol.SuperviseStart:
		return desk.StartSupervision(ctx, supervisorID, *c)
	case *protocol.SuperviseMode:
		return desk.SetSupervisionMode(ctx, supervisorID, c.Mode)
	case *protocol.SuperviseStop:
		return desk.StopSupervision(ctx, supervisorID)
	}
	return fmt.Errorf("execute supervision command: no handler for %T", cmd)
}

// supervisionHello returns the supervisor's running session for the hello frame, or nil
// when there is none or no SupervisorDesk is configured.
func (s *Server) supervisionHello(ctx context.Context, supervisorID string) (*protocol.SupervisionState, error) {
	if s.deps.Supervisor == nil {
		return nil, nil
	}
	state, err := s.deps.Supervisor.Supervision(ctx, supervisorID)
	if err != nil {
		return nil, fmt.Errorf("load supervision of supervisor %s: %w", supervisorID, err)
	}
	return state, nil
}
