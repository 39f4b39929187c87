package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// AuditLog appends to and reads the audit log. The table rejects UPDATE and DELETE.
type AuditLog struct {
	db DBTX
}

// NewAuditLog returns the audit log repository on db.
func NewAuditLog(db DBTX) *AuditLog { return &AuditLog{db: db} }

const auditColumns = `id, at, actor_id, actor, action, entity, entity_id, details`

// Append stores e and returns it with its id and time. Build the AuditLog on the
// transaction of the change it records, so the two commit or fail together.
func (s *AuditLog) Append(ctx context.Context, e crm.AuditEntry) (crm.AuditEntry, error) {
	if e.Actor == "" || e.Action == "" || e.Entity == "" {
		return crm.AuditEntry{}, fmt.Errorf("%w audit entry %+v: actor, action and entity are required", crm.ErrInvalid, e)
	}
	details := e.Details
	if len(details) == 0 {
		details = json.RawMessage(`{}`)
	}
	var obj map[string]any
	if err := json.Unmarshal(details, &obj); err != nil || obj == nil {
		return crm.AuditEntry{}, fmt.Errorf("%w audit entry %s %s: details must be a JSON object", crm.ErrInvalid, e.Action, e.Entity)
	}

	err := s.db.QueryRow(ctx, `
		INSERT INTO audit_log (actor_id, actor, action, entity, entity_id, details)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, at, details`,
		nullID(e.ActorID), e.Actor, e.Action, e.Entity, e.EntityID, string(details)).Scan(&e.ID, &e.At, &details)
	if err != nil {
		return crm.AuditEntry{}, dbError(fmt.Sprintf("append audit entry %s %s", e.Action, e.Entity), err)
	}
	e.Details = details
	return e, nil
}

// AuditFilter selects audit entries for List.
type AuditFilter struct {
	// Entity and EntityID keep the entries of one kind of record, or of one record.
	Entity   string
	EntityID string
	// ActorID keeps the entries of one user; 0 keeps all.
	ActorID int64
	Page
}

// List returns the entries f selects, newest first.
func (s *AuditLog) List(ctx context.Context, f AuditFilter) ([]crm.AuditEntry, error) {
	var (
		where = []string{"true"}
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Entity != "" {
		where = append(where, "entity = "+arg(f.Entity))
	}
	if f.EntityID != "" {
		where = append(where, "entity_id = "+arg(f.EntityID))
	}
	if f.ActorID != 0 {
		where = append(where, "actor_id = "+arg(f.ActorID))
	}

	rows, err := s.db.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+strings.Join(where, " AND ")+
		` ORDER BY at DESC, id DESC LIMIT `+arg(f.limit())+` OFFSET `+arg(f.offset()), args...)
	if err != nil {
		return nil, dbError("list audit log", err)
	}
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.AuditEntry, error) {
		var (
			e       crm.AuditEntry
			actorID *int64
			details []byte
		)
		err := row.Scan(&e.ID, &e.At, &actorID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &details)
		e.ActorID, e.Details = idOrZero(actorID), details
		return e, err
	})
	if err != nil {
		return nil, dbError("list audit log", err)
	}
	return entries, nil
}
