package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// Tasks stores tasks and scheduled callbacks.
type Tasks struct {
	db DBTX
}

// NewTasks returns the task repository on db.
func NewTasks(db DBTX) *Tasks { return &Tasks{db: db} }

const taskColumns = `id, kind, title, note, due_at, status, contact_id, assignee_id, created_by, phone_e164,
	queue, attempts, interaction_id, created_at, updated_at, completed_at`

// completedAtExpr keeps completed_at in step with status ($2): set on the first move to a
// final status, cleared when the task reopens.
const completedAtExpr = `CASE WHEN $2 IN ('done', 'cancelled', 'failed') THEN coalesce(completed_at, now()) END`

func scanTask(row pgx.Row) (crm.Task, error) {
	var (
		t                                        crm.Task
		kind, status                             string
		due, completed                           *time.Time
		contactID, assigneeID, createdBy, callID *int64
		phoneNumber                              *string
	)
	err := row.Scan(&t.ID, &kind, &t.Title, &t.Note, &due, &status, &contactID, &assigneeID, &createdBy,
		&phoneNumber, &t.Queue, &t.Attempts, &callID, &t.CreatedAt, &t.UpdatedAt, &completed)
	t.Kind, t.Status = crm.TaskKind(kind), crm.TaskStatus(status)
	t.DueAt, t.CompletedAt = timeOrZero(due), timeOrZero(completed)
	t.ContactID, t.AssigneeID, t.CreatedBy, t.InteractionID = idOrZero(contactID), idOrZero(assigneeID), idOrZero(createdBy), idOrZero(callID)
	t.Phone = textOrEmpty(phoneNumber)
	return t, err
}

// Create stores a new task or callback. An empty status means open.
func (s *Tasks) Create(ctx context.Context, t crm.Task) (crm.Task, error) {
	if t.Status == "" {
		t.Status = crm.TaskOpen
	}
	if err := t.Validate(); err != nil {
		return crm.Task{}, err
	}
	got, err := scanTask(s.db.QueryRow(ctx, `
		INSERT INTO tasks (kind, status, title, note, due_at, contact_id, assignee_id, created_by, phone_e164,
			queue, attempts, interaction_id, completed_at)
		VALUES ($1, $2::text, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
			CASE WHEN $2::text IN ('done', 'cancelled', 'failed') THEN now() END)
		RETURNING `+taskColumns,
		string(t.Kind), string(t.Status), t.Title, t.Note, nullTime(t.DueAt), nullID(t.ContactID),
		nullID(t.AssigneeID), nullID(t.CreatedBy), nullText(t.Phone), t.Queue, t.Attempts, nullID(t.InteractionID)))
	if err != nil {
		return crm.Task{}, dbError(fmt.Sprintf("create %s %q", t.Kind, t.Title), err)
	}
	return got, nil
}

// Get returns the task with id, or an error wrapping crm.ErrNotFound.
func (s *Tasks) Get(ctx context.Context, id int64) (crm.Task, error) {
	t, err := scanTask(s.db.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks WHERE id = $1`, id))
	if err != nil {
		return crm.Task{}, dbError(fmt.Sprintf("get task %d", id), err)
	}
	return t, nil
}

// Update replaces the title, note, due time, status, contact, assignee, phone and queue
// of the task with t.ID; the kind and the attempt count stay. CompletedAt follows the
// status.
func (s *Tasks) Update(ctx context.Context, t crm.Task) (crm.Task, error) {
	if err := t.Validate(); err != nil {
		return crm.Task{}, err
	}
	got, err := scanTask(s.db.QueryRow(ctx, `
		UPDATE tasks SET status = $2::text, title = $3, note = $4, due_at = $5, contact_id = $6,
			assignee_id = $7, phone_e164 = $8, queue = $9, completed_at = `+completedAtExpr+`
		WHERE id = $1
		RETURNING `+taskColumns,
		t.ID, string(t.Status), t.Title, t.Note, nullTime(t.DueAt), nullID(t.ContactID), nullID(t.AssigneeID),
		nullText(t.Phone), t.Queue))
	if err != nil {
		return crm.Task{}, dbError(fmt.Sprintf("update task %d", t.ID), err)
	}
	return got, nil
}

// SetStatus moves the task with id to status.
func (s *Tasks) SetStatus(ctx context.Context, id int64, status crm.TaskStatus) (crm.Task, error) {
	if !status.Valid() {
		return crm.Task{}, fmt.Errorf("%w task %d status %q: use open, in_progress, done, cancelled or failed", crm.ErrInvalid, id, status)
	}
	got, err := scanTask(s.db.QueryRow(ctx, `
		UPDATE tasks SET status = $2::text, completed_at = `+completedAtExpr+` WHERE id = $1
		RETURNING `+taskColumns, id, string(status)))
	if err != nil {
		return crm.Task{}, dbError(fmt.Sprintf("set status of task %d", id), err)
	}
	return got, nil
}

// ClaimDueCallbacks moves up to limit open callbacks due at or before now to
// in_progress, counts an attempt on each, and returns them, earliest due first. Rows
// another node is claiming at the same moment are skipped (FOR UPDATE SKIP LOCKED), so
// no callback is dialled twice. The caller sets the final status, or reopens the
// callback with a new due time to retry.
func (s *Tasks) ClaimDueCallbacks(ctx context.Context, now time.Time, limit int) ([]crm.Task, error) {
	return s.list(ctx, "claim due callbacks", `
		WITH due AS (
			SELECT id FROM tasks
			WHERE kind = 'callback' AND status = 'open' AND due_at <= $1
			ORDER BY due_at, id
			LIMIT $2
			FOR UPDATE SKIP LOCKED
		)
		UPDATE tasks t SET status = 'in_progress', attempts = t.attempts + 1
		FROM due WHERE t.id = due.id
		RETURNING `+prefixColumns("t.", taskColumns), now, Page{Limit: limit}.limit())
}

// TaskFilter selects open and in-progress tasks for ListOpen.
type TaskFilter struct {
	// Kind keeps tasks or callbacks; empty keeps both.
	Kind crm.TaskKind
	// AssigneeID and ContactID keep the tasks of one user or one contact; 0 keeps all.
	AssigneeID int64
	ContactID  int64
	// InteractionID keeps the tasks made during one call; 0 keeps all.
	InteractionID int64
	// DueBefore keeps tasks due before it; zero keeps all, including those with no due time.
	DueBefore time.Time
	Page
}

// ListOpen returns the open and in-progress tasks f selects, soonest due first.
func (s *Tasks) ListOpen(ctx context.Context, f TaskFilter) ([]crm.Task, error) {
	where := []string{"status IN ('open', 'in_progress')"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Kind != "" {
		where = append(where, "kind = "+arg(string(f.Kind)))
	}
	if f.AssigneeID != 0 {
		where = append(where, "assignee_id = "+arg(f.AssigneeID))
	}
	if f.ContactID != 0 {
		where = append(where, "contact_id = "+arg(f.ContactID))
	}
	if f.InteractionID != 0 {
		where = append(where, "interaction_id = "+arg(f.InteractionID))
	}
	if !f.DueBefore.IsZero() {
		where = append(where, "due_at < "+arg(f.DueBefore))
	}
	return s.list(ctx, "list open tasks", `SELECT `+taskColumns+` FROM tasks WHERE `+strings.Join(where, " AND ")+
		` ORDER BY due_at NULLS LAST, id LIMIT `+arg(f.limit())+` OFFSET `+arg(f.offset()), args...)
}

func (s *Tasks) list(ctx context.Context, op, sql string, args ...any) ([]crm.Task, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbError(op, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Task, error) {
		return scanTask(row)
	})
	if err != nil {
		return nil, dbError(op, err)
	}
	return out, nil
}

// prefixColumns qualifies each column of a comma-separated list with prefix.
func prefixColumns(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// AgentCallbacks selects the callbacks an agent may see and close: those assigned to
// AssigneeID, and the unassigned ones whose queue is one of Queues.
type AgentCallbacks struct {
	AssigneeID int64
	// Queues lists the queues whose unassigned callbacks the agent serves. An empty string
	// in it keeps unassigned callbacks that have no queue.
	Queues []string
	Page
}

// agentCallbacksWhere is the visibility condition of AgentCallbacks over the parameters
// $1 (assignee id) and $2 (queues).
const agentCallbacksWhere = `kind = 'callback' AND status IN ('open', 'in_progress')
	AND (assignee_id = $1 OR (assignee_id IS NULL AND queue = ANY($2::text[])))`

// ListAgentCallbacks returns the open and in-progress callbacks that f selects, soonest
// due first.
func (s *Tasks) ListAgentCallbacks(ctx context.Context, f AgentCallbacks) ([]crm.Task, error) {
	return s.list(ctx, fmt.Sprintf("list callbacks of user %d", f.AssigneeID),
		`SELECT `+taskColumns+` FROM tasks WHERE `+agentCallbacksWhere+`
		ORDER BY due_at NULLS LAST, id LIMIT $3 OFFSET $4`,
		f.AssigneeID, queueNames(f.Queues), f.limit(), f.offset())
}

// CompleteAgentCallback marks the callback with id done when f selects it, in one
// statement, so that a callback reassigned or closed meanwhile is not closed again. A
// callback that f does not select returns an error wrapping crm.ErrNotFound.
func (s *Tasks) CompleteAgentCallback(ctx context.Context, id int64, f AgentCallbacks) (crm.Task, error) {
	got, err := scanTask(s.db.QueryRow(ctx, `
		UPDATE tasks SET status = 'done', completed_at = now()
		WHERE `+agentCallbacksWhere+` AND id = $3
		RETURNING `+taskColumns, f.AssigneeID, queueNames(f.Queues), id))
	if err != nil {
		return crm.Task{}, dbError(fmt.Sprintf("complete callback %d of user %d", id, f.AssigneeID), err)
	}
	return got, nil
}

// queueNames sends a nil list as an empty array instead of NULL, so that the queue test is
// false rather than unknown.
func queueNames(queues []string) []string {
	if queues == nil {
		return []string{}
	}
	return queues
}
