package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// Tickets stores service requests.
type Tickets struct {
	db DBTX
}

// NewTickets returns the ticket repository on db.
func NewTickets(db DBTX) *Tickets { return &Tickets{db: db} }

const ticketColumns = `id, subject, description, priority, status, sla_due_at, contact_id, assignee_id,
	created_by, interaction_id, created_at, updated_at, resolved_at`

// ticketPriorityOrder sorts urgent tickets first.
const ticketPriorityOrder = `array_position(ARRAY['urgent', 'high', 'normal', 'low'], priority)`

// resolvedAtExpr keeps resolved_at in step with status ($5): set on the first move to
// resolved or closed, kept while it stays there, cleared when the ticket reopens.
const resolvedAtExpr = `CASE WHEN $5 IN ('resolved', 'closed') THEN coalesce(resolved_at, now()) END`

func scanTicket(row pgx.Row) (crm.Ticket, error) {
	var (
		t                                        crm.Ticket
		priority, status                         string
		due, resolved                            *time.Time
		contactID, assigneeID, createdBy, callID *int64
	)
	err := row.Scan(&t.ID, &t.Subject, &t.Description, &priority, &status, &due, &contactID, &assigneeID,
		&createdBy, &callID, &t.CreatedAt, &t.UpdatedAt, &resolved)
	t.Priority, t.Status = crm.TicketPriority(priority), crm.TicketStatus(status)
	t.SLADueAt, t.ResolvedAt = timeOrZero(due), timeOrZero(resolved)
	t.ContactID, t.AssigneeID, t.CreatedBy, t.InteractionID = idOrZero(contactID), idOrZero(assigneeID), idOrZero(createdBy), idOrZero(callID)
	return t, err
}

// Create stores a new ticket. Empty priority and status mean normal and open.
func (s *Tickets) Create(ctx context.Context, t crm.Ticket) (crm.Ticket, error) {
	if t.Priority == "" {
		t.Priority = crm.PriorityNormal
	}
	if t.Status == "" {
		t.Status = crm.TicketOpen
	}
	if err := t.Validate(); err != nil {
		return crm.Ticket{}, err
	}
	got, err := scanTicket(s.db.QueryRow(ctx, `
		INSERT INTO tickets (subject, description, priority, status, sla_due_at, contact_id, assignee_id,
			created_by, interaction_id, resolved_at)
		VALUES ($1, $2, $3, $4::text, $5, $6, $7, $8, $9,
			CASE WHEN $4::text IN ('resolved', 'closed') THEN now() END)
		RETURNING `+ticketColumns,
		t.Subject, t.Description, string(t.Priority), string(t.Status), nullTime(t.SLADueAt),
		nullID(t.ContactID), nullID(t.AssigneeID), nullID(t.CreatedBy), nullID(t.InteractionID)))
	if err != nil {
		return crm.Ticket{}, dbError(fmt.Sprintf("create ticket %q", t.Subject), err)
	}
	return got, nil
}

// Get returns the ticket with id, or an error wrapping crm.ErrNotFound.
func (s *Tickets) Get(ctx context.Context, id int64) (crm.Ticket, error) {
	t, err := scanTicket(s.db.QueryRow(ctx, `SELECT `+ticketColumns+` FROM tickets WHERE id = $1`, id))
	if err != nil {
		return crm.Ticket{}, dbError(fmt.Sprintf("get ticket %d", id), err)
	}
	return t, nil
}

// Update replaces the subject, description, priority, status, SLA deadline, contact and
// assignee of the ticket with t.ID. ResolvedAt follows the status: it is set when the
// ticket becomes resolved or closed and cleared when it reopens.
func (s *Tickets) Update(ctx context.Context, t crm.Ticket) (crm.Ticket, error) {
	if err := t.Validate(); err != nil {
		return crm.Ticket{}, err
	}
	got, err := scanTicket(s.db.QueryRow(ctx, `
		UPDATE tickets SET subject = $2, description = $3, priority = $4, status = $5::text, sla_due_at = $6,
			contact_id = $7, assignee_id = $8, resolved_at = `+resolvedAtExpr+`
		WHERE id = $1
		RETURNING `+ticketColumns,
		t.ID, t.Subject, t.Description, string(t.Priority), string(t.Status), nullTime(t.SLADueAt),
		nullID(t.ContactID), nullID(t.AssigneeID)))
	if err != nil {
		return crm.Ticket{}, dbError(fmt.Sprintf("update ticket %d", t.ID), err)
	}
	return got, nil
}

// ListOpenByContact returns the open tickets of contact contactID, urgent first.
func (s *Tickets) ListOpenByContact(ctx context.Context, contactID int64) ([]crm.Ticket, error) {
	return s.list(ctx, fmt.Sprintf("list open tickets of contact %d", contactID), `
		SELECT `+ticketColumns+` FROM tickets WHERE contact_id = $1 AND status NOT IN ('resolved', 'closed')
		ORDER BY `+ticketPriorityOrder+`, sla_due_at NULLS LAST, created_at DESC LIMIT $2`, contactID, MaxPageSize)
}

// ListOpenByAssignee returns the open tickets assigned to user userID, nearest SLA
// deadline first.
func (s *Tickets) ListOpenByAssignee(ctx context.Context, userID int64, page Page) ([]crm.Ticket, error) {
	return s.list(ctx, fmt.Sprintf("list open tickets of user %d", userID), `
		SELECT `+ticketColumns+` FROM tickets WHERE assignee_id = $1 AND status NOT IN ('resolved', 'closed')
		ORDER BY sla_due_at NULLS LAST, `+ticketPriorityOrder+`, id LIMIT $2 OFFSET $3`, userID, page.limit(), page.offset())
}

// ListOverdue returns open tickets whose SLA deadline is before now, most overdue first.
func (s *Tickets) ListOverdue(ctx context.Context, now time.Time, page Page) ([]crm.Ticket, error) {
	return s.list(ctx, "list overdue tickets", `
		SELECT `+ticketColumns+` FROM tickets
		WHERE status NOT IN ('resolved', 'closed') AND sla_due_at IS NOT NULL AND sla_due_at < $1
		ORDER BY sla_due_at, id LIMIT $2 OFFSET $3`, now, page.limit(), page.offset())
}

func (s *Tickets) list(ctx context.Context, op, sql string, args ...any) ([]crm.Ticket, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbError(op, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Ticket, error) {
		return scanTicket(row)
	})
	if err != nil {
		return nil, dbError(op, err)
	}
	return out, nil
}
