package crm

import (
	"fmt"
	"strings"
	"time"
)

// TicketPriority orders service requests.
type TicketPriority string

// Ticket priorities, lowest first.
const (
	PriorityLow    TicketPriority = "low"
	PriorityNormal TicketPriority = "normal"
	PriorityHigh   TicketPriority = "high"
	PriorityUrgent TicketPriority = "urgent"
)

// TicketStatus is the state of a service request.
type TicketStatus string

// Ticket statuses. Resolved and closed tickets are no longer open.
const (
	TicketOpen       TicketStatus = "open"
	TicketInProgress TicketStatus = "in_progress"
	// TicketWaiting means the ticket waits for the customer or a third party.
	TicketWaiting  TicketStatus = "waiting"
	TicketResolved TicketStatus = "resolved"
	TicketClosed   TicketStatus = "closed"
)

// Open reports whether a ticket in status s still needs work.
func (s TicketStatus) Open() bool {
	return s == TicketOpen || s == TicketInProgress || s == TicketWaiting
}

// Valid reports whether s is a known status.
func (s TicketStatus) Valid() bool { return s.Open() || s == TicketResolved || s == TicketClosed }

// Ticket is a service request.
type Ticket struct {
	ID          int64
	Subject     string
	Description string
	Priority    TicketPriority
	Status      TicketStatus
	// SLADueAt is when the ticket must be resolved; zero for no deadline.
	SLADueAt time.Time
	// ContactID, AssigneeID, CreatedBy and InteractionID are 0 when unset.
	ContactID     int64
	AssigneeID    int64
	CreatedBy     int64
	InteractionID int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// ResolvedAt is set by storage when the status becomes resolved or closed.
	ResolvedAt time.Time
}

// Overdue reports whether an open ticket has passed its SLA deadline at now.
func (t Ticket) Overdue(now time.Time) bool {
	return t.Status.Open() && !t.SLADueAt.IsZero() && now.After(t.SLADueAt)
}

// Validate checks the ticket's fields; the error wraps ErrInvalid.
func (t Ticket) Validate() error {
	if strings.TrimSpace(t.Subject) == "" {
		return fmt.Errorf("%w ticket: subject is empty; describe the request in a few words", ErrInvalid)
	}
	switch t.Priority {
	case PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent:
	default:
		return fmt.Errorf("%w ticket %q: priority %q; use low, normal, high or urgent", ErrInvalid, t.Subject, t.Priority)
	}
	if !t.Status.Valid() {
		return fmt.Errorf("%w ticket %q: status %q; use open, in_progress, waiting, resolved or closed", ErrInvalid, t.Subject, t.Status)
	}
	return nil
}
