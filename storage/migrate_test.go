package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/migrations"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// userTables lists the tables the migrations create, without goose's own table.
func userTables(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name <> 'goose_db_version'
		ORDER BY table_name`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatalf("scan table name: %v", err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("list tables: %v", err)
	}
	return names
}

func TestMigrateUpDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, _ := pgtest.NewEmpty(t)

	files, err := migrations.FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var sqlFiles int
	for _, f := range files {
		if !f.IsDir() && strings.HasSuffix(f.Name(), ".sql") {
			sqlFiles++
		}
	}

	if err := storage.CheckMigrations(ctx, pool); !errors.Is(err, storage.ErrMigrationsPending) {
		t.Fatalf("CheckMigrations on an empty database = %v, want ErrMigrationsPending", err)
	}
	var created bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if created {
		t.Error("CheckMigrations created the version table; the readiness check must not write")
	}

	steps, err := storage.Migrate(ctx, pool, storage.MigrateUp)
	if err != nil {
		t.Fatalf("first up: %v", err)
	}
	if len(steps) != sqlFiles {
		t.Errorf("first up applied %d migrations, want %d", len(steps), sqlFiles)
	}
	if err := storage.CheckMigrations(ctx, pool); err != nil {
		t.Fatalf("CheckMigrations after up: %v", err)
	}
	want := []string{"audit_log", "companies", "contact_tags", "contacts", "emails", "interactions",
		"phones", "tags", "tasks", "tickets", "user_queues", "user_skills", "users"}
	if got := userTables(t, pool); !containsAll(got, want) {
		t.Fatalf("tables after up = %v, want at least %v", got, want)
	}

	again, err := storage.Migrate(ctx, pool, storage.MigrateUp)
	if err != nil {
		t.Fatalf("second up: %v", err)
	}
	if len(again) != 0 {
		t.Errorf("second up applied %d migrations, want 0", len(again))
	}

	one, err := storage.Migrate(ctx, pool, storage.MigrateDownOne)
	if err != nil {
		t.Fatalf("down one: %v", err)
	}
	if len(one) != 1 || one[0].Up {
		t.Fatalf("down one steps = %+v, want one down step", one)
	}
	if err := storage.CheckMigrations(ctx, pool); !errors.Is(err, storage.ErrMigrationsPending) {
		t.Fatalf("CheckMigrations after down one = %v, want ErrMigrationsPending", err)
	}

	down, err := storage.Migrate(ctx, pool, storage.MigrateDownAll)
	if err != nil {
		t.Fatalf("down all: %v", err)
	}
	if len(down) != sqlFiles-1 {
		t.Errorf("down all rolled back %d migrations, want %d", len(down), sqlFiles-1)
	}
	if got := userTables(t, pool); len(got) != 0 {
		t.Fatalf("tables after down all = %v, want none", got)
	}

	if _, err := storage.Migrate(ctx, pool, storage.MigrateUp); err != nil {
		t.Fatalf("up after down: %v", err)
	}
	if got := userTables(t, pool); !containsAll(got, want) {
		t.Fatalf("tables after up again = %v, want at least %v", got, want)
	}
	if err := storage.CheckMigrations(ctx, pool); err != nil {
		t.Fatalf("CheckMigrations after up again: %v", err)
	}
}

func TestParseDirection(t *testing.T) {
	t.Parallel()
	for _, d := range []storage.Direction{storage.MigrateUp, storage.MigrateDownOne, storage.MigrateDownAll} {
		got, err := storage.ParseDirection(d.String())
		if err != nil || got != d {
			t.Errorf("ParseDirection(%q) = %v, %v; want %v", d.String(), got, err, d)
		}
	}
	if _, err := storage.ParseDirection("sideways"); err == nil {
		t.Error("ParseDirection(sideways) returned no error")
	}
}

func containsAll(got, want []string) bool {
	set := make(map[string]bool, len(got))
	for _, g := range got {
		set[g] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}
