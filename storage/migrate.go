package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/switchboard-cc/switchboard/storage/migrations"
)

// Direction selects what Migrate does.
type Direction int

const (
	// MigrateUp applies every pending migration, older missing ones included.
	MigrateUp Direction = iota + 1
	// MigrateDownOne rolls back the most recently applied migration.
	MigrateDownOne
	// MigrateDownAll rolls back every applied migration, leaving an empty schema.
	MigrateDownAll
)

// String returns the name ParseDirection accepts.
func (d Direction) String() string {
	switch d {
	case MigrateUp:
		return "up"
	case MigrateDownOne:
		return "down"
	case MigrateDownAll:
		return "down-all"
	default:
		return fmt.Sprintf("Direction(%d)", int(d))
	}
}

// ParseDirection parses "up", "down" (one step) or "down-all".
func ParseDirection(s string) (Direction, error) {
	for _, d := range []Direction{MigrateUp, MigrateDownOne, MigrateDownAll} {
		if s == d.String() {
			return d, nil
		}
	}
	return 0, fmt.Errorf("invalid migration direction %q: use up, down or down-all", s)
}

// ErrMigrationsPending is returned by CheckMigrations when the database schema lags
// behind the migrations built into the binary.
var ErrMigrationsPending = errors.New("database migrations pending: run `switchboard migrate up`")

// MigrationStep describes one migration applied or rolled back by Migrate.
type MigrationStep struct {
	Version  int64
	File     string
	Up       bool
	Duration time.Duration
}

// Migrate applies or rolls back the embedded migrations in direction dir, and returns the
// steps taken in order. A PostgreSQL advisory lock serialises concurrent runs, so several
// nodes starting together migrate once.
func Migrate(ctx context.Context, pool *pgxpool.Pool, dir Direction) ([]MigrationStep, error) {
	provider, db, err := newProvider(pool, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	var results []*goose.MigrationResult
	switch dir {
	case MigrateUp:
		results, err = provider.Up(ctx)
	case MigrateDownOne:
		var result *goose.MigrationResult
		result, err = provider.Down(ctx)
		if result != nil {
			results = []*goose.MigrationResult{result}
		}
		if errors.Is(err, goose.ErrNoNextVersion) {
			err = nil
		}
	case MigrateDownAll:
		results, err = provider.DownTo(ctx, 0)
	default:
		return nil, fmt.Errorf("migrate: invalid direction %v", dir)
	}

	steps := make([]MigrationStep, 0, len(results))
	for _, r := range results {
		if r == nil || r.Source == nil {
			continue
		}
		steps = append(steps, MigrationStep{
			Version:  r.Source.Version,
			File:     r.Source.Path,
			Up:       r.Direction == "up",
			Duration: r.Duration,
		})
	}
	if err != nil {
		return steps, fmt.Errorf("migrate %s: %w", dir, err)
	}
	return steps, nil
}

// CheckMigrations returns nil when every embedded migration has been applied, and
// ErrMigrationsPending otherwise. It takes no lock and creates no table, so /readyz may
// call it often.
func CheckMigrations(ctx context.Context, pool *pgxpool.Pool) error {
	// goose creates its version table when it is missing. A database without one has
	// never been migrated, so the check returns here and writes nothing.
	var versionTable *string
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1)::text`, goose.DefaultTablename).Scan(&versionTable); err != nil {
		return fmt.Errorf("check migrations: %w", err)
	}
	if versionTable == nil {
		return ErrMigrationsPending
	}

	provider, db, err := newProvider(pool, false)
	if err != nil {
		return err
	}
	defer db.Close()

	pending, err := provider.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("check migrations: %w", err)
	}
	if pending {
		return ErrMigrationsPending
	}
	return nil
}

// newProvider builds a goose provider over a database/sql handle that borrows
// connections from pool. The caller closes the handle; closing it leaves pool open.
func newProvider(pool *pgxpool.Pool, locked bool) (*goose.Provider, *sql.DB, error) {
	db := stdlib.OpenDBFromPool(pool)
	opts := []goose.ProviderOption{
		// Migration files of several packages interleave in time; a file merged later
		// with an older timestamp must still apply.
		goose.WithAllowOutofOrder(true),
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}
	if locked {
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			db.Close()
			return nil, nil, fmt.Errorf("create migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}

	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, opts...)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("load migrations: %w", err)
	}
	return provider, db, nil
}
