package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm"
)

// DBTX is the part of pgx the repositories use. *pgxpool.Pool, *pgx.Conn and pgx.Tx
// satisfy it, so a repository built on a transaction takes part in that transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Begin(ctx context.Context) (pgx.Tx, error)
}

var (
	_ DBTX = (*pgxpool.Pool)(nil)
	_ DBTX = (*pgx.Conn)(nil)
	_ DBTX = pgx.Tx(nil)
)

// inTx runs fn in a transaction on db (a savepoint when db is already a transaction),
// committing when fn returns nil and rolling back otherwise.
func inTx(ctx context.Context, db DBTX, fn func(tx pgx.Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		// The rollback error is dropped: fn's error explains the failure, and a
		// failed rollback leaves nothing behind once the connection is reset.
		_ = tx.Rollback(ctx)
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// PostgreSQL error classes and codes (Appendix A of the PostgreSQL manual).
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
	pgCheckViolation      = "23514"
	pgNotNullViolation    = "23502"
	pgDataExceptionClass  = "22"

	pgConnectionExceptionClass = "08"
	pgAdminShutdown            = "57P01"
	pgCrashShutdown            = "57P02"
	pgCannotConnectNow         = "57P03"
	pgTooManyConnections       = "53300"
)

// dbError wraps err from an operation named op. Constraint violations become
// crm.ErrConflict or crm.ErrInvalid, and no rows becomes crm.ErrNotFound, so callers
// can tell bad input from a failed database.
func dbError(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, crm.ErrNotFound)
	}

	if unreachable(err) {
		return fmt.Errorf("%s: %w: %w", op, crm.ErrUnavailable, err)
	}

	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == pgUniqueViolation:
			return fmt.Errorf("%s: %w: %s already exists (%s)", op, crm.ErrConflict, constraintSubject(pgErr), pgErr.ConstraintName)
		case pgErr.Code == pgForeignKeyViolation:
			return fmt.Errorf("%s: %w: referenced record does not exist (%s)", op, crm.ErrInvalid, pgErr.ConstraintName)
		case pgErr.Code == pgCheckViolation, pgErr.Code == pgNotNullViolation:
			return fmt.Errorf("%s: %w: value breaks rule %s", op, crm.ErrInvalid, cmp.Or(pgErr.ConstraintName, pgErr.ColumnName))
		case strings.HasPrefix(pgErr.Code, pgDataExceptionClass):
			return fmt.Errorf("%s: %w: %s", op, crm.ErrInvalid, pgErr.Message)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// unreachable reports whether err means the server could not be reached or would not take
// the request for now, rather than that the request was wrong. That is no connection, a
// broken one, or a server shutting down, starting up or out of connections.
func unreachable(err error) bool {
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	// context.DeadlineExceeded satisfies net.Error too, but a request that ran out of
	// time is the caller's deadline, not an unreachable server.
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case pgAdminShutdown, pgCrashShutdown, pgCannotConnectNow, pgTooManyConnections:
		return true
	}
	return strings.HasPrefix(pgErr.Code, pgConnectionExceptionClass)
}

// constraintSubject names the duplicated thing from a unique constraint's name.
func constraintSubject(e *pgconn.PgError) string {
	switch e.ConstraintName {
	case "users_login_key":
		return "a user with this login"
	case "users_endpoint_key":
		return "a user with this phone endpoint"
	case "companies_name_key":
		return "a company with this name"
	case "tags_name_key":
		return "a tag with this name"
	case "phones_contact_number_key":
		return "this phone number on the contact"
	case "emails_contact_address_key":
		return "this e-mail address on the contact"
	case "interactions_call_id_key":
		return "a call record with this call id"
	}
	return "a record with this value"
}

// nullID maps the domain's "0 means none" to SQL NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// idOrZero maps SQL NULL back to 0.
func idOrZero(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// nullTime maps the zero time to SQL NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// timeOrZero maps SQL NULL back to the zero time.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// nullText maps "" to SQL NULL for nullable text columns.
func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func textOrEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// likePattern returns a LIKE pattern matching s anywhere, with s's own wildcards escaped.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// Page bounds a list: at most Limit rows after skipping Offset. A Limit of 0 means
// DefaultPageSize; larger than MaxPageSize is capped.
type Page struct {
	Limit  int
	Offset int
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}

func (p Page) offset() int { return max(p.Offset, 0) }
