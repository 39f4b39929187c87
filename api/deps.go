package api

import (
	"context"
	"errors"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// The interfaces below are the API's seams. The integration layer implements them over the
// routing engine and storage; the API imports neither. An agent's id in these calls is the
// user id that the Authenticator returned.

// Sentinel errors that implementations return (wrapped with %w) so that the API can reply
// with the right status and code. Any other error becomes 500 "internal" and is logged.
var (
	// ErrInvalidCredentials: the login or the password is wrong. The API returns 401.
	ErrInvalidCredentials = errors.New("invalid login or password")
	// ErrNotFound: the call, contact or target does not exist for this agent. The API returns 404.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the command does not fit the current state, for example answering a call
	// that has already been answered or has hung up. The API returns 409.
	ErrConflict = errors.New("conflict with the current state")
	// ErrInvalid: the request is well formed but the backend rejects a value, for example an
	// unknown pause reason or disposition code. The API returns 400.
	ErrInvalid = errors.New("invalid value")
	// ErrUnavailable: a backend (database, routing engine) cannot serve now. The API returns 503.
	ErrUnavailable = errors.New("service unavailable")
)

// ConflictError is an ErrConflict that names its reason, one of the protocol.Reason
// constants, which the API sends with the error so that the desk can explain it. Create it
// with Conflict; errors.Is(err, ErrConflict) holds for it.
type ConflictError struct {
	Reason string
}

// Conflict returns an error that is ErrConflict with reason, for implementations to wrap:
// fmt.Errorf("%w: call %s is already answered", api.Conflict(protocol.ReasonCallAlreadyAnswered), id).
func Conflict(reason string) error {
	return &ConflictError{Reason: reason}
}

// Error names the reason.
func (e *ConflictError) Error() string { return ErrConflict.Error() + " (" + e.Reason + ")" }

// Is makes errors.Is(err, ErrConflict) true, so that callers that know no reasons still
// see a conflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Authenticator checks a login and password and returns the user. It returns an error
// wrapping ErrInvalidCredentials for a wrong login or password, and must take about the same
// time whether or not the login exists.
type Authenticator interface {
	Authenticate(ctx context.Context, login, password string) (protocol.User, error)
}

// AgentDesk carries an agent's commands to the routing engine. A nil error means the engine
// accepted the command; the resulting changes reach the desk as notifications through the
// Hub (call.answered, call.held, call.ended, agent.state).
type AgentDesk interface {
	// SetStatus makes the agent available, paused with a reason code, or logged out.
	SetStatus(ctx context.Context, agentID string, s protocol.SetStatus) error
	// Answer answers the call that rings for the agent.
	Answer(ctx context.Context, agentID, callID string) error
	// Hangup ends the agent's call.
	Hangup(ctx context.Context, agentID, callID string) error
	// Hold puts the call on hold (onHold true) or takes it off hold.
	Hold(ctx context.Context, agentID, callID string, onHold bool) error
	// Transfer hands the call to another agent or to a queue.
	Transfer(ctx context.Context, agentID string, t protocol.Transfer) error
	// SaveDisposition records the outcome and note of a call in wrap-up, and schedules the
	// callback when CallbackAt is set.
	SaveDisposition(ctx context.Context, agentID string, d protocol.SaveDisposition) error
}

// Contacts reads and creates CRM contacts for the desk.
type Contacts interface {
	// Card returns the contact card with recent interactions and open tickets.
	Card(ctx context.Context, contactID string) (protocol.Card, error)
	// History returns the contact's interactions, newest first, filtered and limited by the query.
	History(ctx context.Context, q protocol.GetHistory) ([]protocol.Interaction, error)
	// Create creates a contact, links it to c.CallID when set, and returns its card.
	Create(ctx context.Context, agentID string, c protocol.CreateContact) (protocol.Card, error)
	// Search returns one page of the live contacts that q selects, in the store's order, and
	// whether more follow. q has passed Validate, so its Limit is set.
	Search(ctx context.Context, q protocol.SearchContacts) (protocol.ContactList, error)
}

// StateProvider returns an agent's current state and the call they are handling (nil when
// none), from which the hello frame restores the desk after a reload or reconnect.
type StateProvider interface {
	AgentState(ctx context.Context, agentID string) (protocol.AgentState, *protocol.CallState, error)
}

// WallboardProvider returns the supervisor's starting view for the hello frame: every
// queue's statistics and every signed-in agent, read together from the state's owner so that
// later agent.state and queue.stats notifications continue from it.
type WallboardProvider interface {
	Wallboard(ctx context.Context) (protocol.Wallboard, error)
}
