package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// DNCEntry is a number that campaigns must never dial.
type DNCEntry struct {
	Phone   string // E.164
	Reason  string
	AddedAt time.Time
}

// DNC stores the do-not-call list, which every campaign obeys.
type DNC struct {
	db DBTX
}

// NewDNC returns the do-not-call repository on db.
func NewDNC(db DBTX) *DNC { return &DNC{db: db} }

// Add puts the E.164 number on the list, or updates its reason, and returns the entry.
func (s *DNC) Add(ctx context.Context, phoneE164, reason string) (DNCEntry, error) {
	var e DNCEntry
	err := s.db.QueryRow(ctx, `INSERT INTO dnc_numbers (phone_e164, reason) VALUES ($1, $2)
		ON CONFLICT (phone_e164) DO UPDATE SET reason = excluded.reason
		RETURNING phone_e164, reason, added_at`, phoneE164, reason).Scan(&e.Phone, &e.Reason, &e.AddedAt)
	return e, dbError("add "+phoneE164+" to the do-not-call list", err)
}

// Remove deletes the number from the list. It returns crm.ErrNotFound when the number is
// not on it.
func (s *DNC) Remove(ctx context.Context, phoneE164 string) error {
	tag, err := s.db.Exec(ctx, `DELETE FROM dnc_numbers WHERE phone_e164 = $1`, phoneE164)
	if err != nil {
		return dbError("remove "+phoneE164+" from the do-not-call list", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("remove %s from the do-not-call list: %w", phoneE164, crm.ErrNotFound)
	}
	return nil
}

// List returns the whole list by number.
func (s *DNC) List(ctx context.Context) ([]DNCEntry, error) {
	rows, err := s.db.Query(ctx, `SELECT phone_e164, reason, added_at FROM dnc_numbers ORDER BY phone_e164`)
	if err != nil {
		return nil, dbError("list the do-not-call list", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DNCEntry])
	return list, dbError("list the do-not-call list", err)
}
