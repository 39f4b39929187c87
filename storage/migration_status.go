package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"
)

// MigrationState is one embedded migration and whether the database has applied it.
type MigrationState struct {
	Version int64
	File    string
	Applied bool
	// AppliedAt is when the migration ran; zero while it is pending.
	AppliedAt time.Time
}

// MigrationStatus lists every embedded migration in version order with its state, for
// `switchboard migrate status`. A database that was never migrated reports every migration
// pending and is left without goose's version table, as CheckMigrations leaves it.
func MigrationStatus(ctx context.Context, pool *pgxpool.Pool) ([]MigrationState, error) {
	var versionTable *string
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1)::text`, goose.DefaultTablename).Scan(&versionTable); err != nil {
		return nil, fmt.Errorf("read migration status: %w", err)
	}

	provider, db, err := newProvider(pool, false)
	if err != nil {
		return nil, err
	}
	defer db.Close()

	if versionTable == nil {
		sources := provider.ListSources()
		states := make([]MigrationState, len(sources))
		for i, source := range sources {
			states[i] = MigrationState{Version: source.Version, File: source.Path}
		}
		return states, nil
	}

	statuses, err := provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("read migration status: %w", err)
	}
	states := make([]MigrationState, len(statuses))
	for i, status := range statuses {
		states[i] = MigrationState{
			Version:   status.Source.Version,
			File:      status.Source.Path,
			Applied:   status.State == goose.StateApplied,
			AppliedAt: status.AppliedAt,
		}
	}
	return states, nil
}
