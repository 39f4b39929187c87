package pgtest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// fatalRecorder replaces testing.TB to capture Fatalf. It panics to stop the helper, as
// t.Fatalf stops a test.
type fatalRecorder struct {
	testing.TB
	message string
}

type stopped struct{}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.message = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func TestNewWithoutURLNamesTheFix(t *testing.T) {
	t.Setenv(pgtest.EnvURL, "")
	rec := &fatalRecorder{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(stopped); !ok {
					panic(r)
				}
			}
		}()
		pgtest.New(rec)
	}()

	for _, want := range []string{pgtest.EnvURL, "make test", `eval "$(scripts/services/env.sh)"`} {
		if !strings.Contains(rec.message, want) {
			t.Errorf("failure message %q does not mention %s", rec.message, want)
		}
	}
}

func TestNewGivesSeparateDatabases(t *testing.T) {
	ctx := context.Background()
	first, firstURL := pgtest.NewEmpty(t)
	second := pgtest.New(t)

	var firstName, secondName string
	if err := first.QueryRow(ctx, `SELECT current_database()`).Scan(&firstName); err != nil {
		t.Fatal(err)
	}
	if err := second.QueryRow(ctx, `SELECT current_database()`).Scan(&secondName); err != nil {
		t.Fatal(err)
	}
	if firstName == secondName || !strings.HasPrefix(firstName, "switchboard_test_") {
		t.Errorf("databases %q and %q, want two distinct switchboard_test_ databases", firstName, secondName)
	}
	if !strings.Contains(firstURL, "/"+firstName) {
		t.Errorf("URL %q does not name database %q", firstURL, firstName)
	}

	var migrated bool
	if err := second.QueryRow(ctx, `SELECT to_regclass('public.contacts') IS NOT NULL`).Scan(&migrated); err != nil {
		t.Fatal(err)
	}
	if !migrated {
		t.Error("New returned a database without the contacts table")
	}

	// A direct connection by URL works too, as the migration tests of other packages need.
	conn, err := pgx.Connect(ctx, firstURL)
	if err != nil {
		t.Fatalf("connect by URL: %v", err)
	}
	conn.Close(ctx)
}

func TestDatabaseDroppedAfterTest(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		pool, _ := pgtest.NewEmpty(t)
		if err := pool.QueryRow(context.Background(), `SELECT current_database()`).Scan(&name); err != nil {
			t.Fatal(err)
		}
	})

	pool := pgtest.New(t)
	var exists bool
	if err := pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", name)
	}
}
