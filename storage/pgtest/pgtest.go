// Package pgtest gives each test its own PostgreSQL database on the server named by
// SWITCHBOARD_TEST_PG_URL, created fresh and dropped when the test ends.
//
// Tests fail, not skip, when the variable is missing: every test of this project runs
// against a real server. Set it with `make test`, or in a shell with
//
//	eval "$(scripts/services/env.sh)"
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage"
)

// EnvURL names the environment variable holding the test server's URL.
const EnvURL = "SWITCHBOARD_TEST_PG_URL"

// New returns a pool on a new database with every migration applied. The pool is closed
// and the database dropped when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, _ := NewEmpty(t)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := storage.Migrate(ctx, pool, storage.MigrateUp); err != nil {
		t.Fatalf("pgtest: migrate test database up: %v", err)
	}
	return pool
}

// NewEmpty returns a pool on a new database with no migrations applied, and that
// database's URL, for tests of the migrations themselves. The pool is closed and the
// database dropped when the test ends.
func NewEmpty(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	serverURL := os.Getenv(EnvURL)
	if serverURL == "" {
		t.Fatalf("pgtest: %s is not set; run the tests with `make test`, "+
			"or first run `eval \"$(scripts/services/env.sh)\"` in this shell", EnvURL)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatalf("pgtest: connect to the server in %s: %v; "+
			"is it running? (eval \"$(scripts/services/env.sh)\" starts it)", EnvURL, err)
	}
	defer admin.Close(ctx)

	name := "switchboard_test_" + randomSuffix(t)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}

	dbURL, err := withDatabase(serverURL, name)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	pool, err := storage.Open(ctx, dbURL)
	if err != nil {
		dropDatabase(t, serverURL, name)
		t.Fatalf("pgtest: %v", err)
	}

	t.Cleanup(func() {
		pool.Close()
		dropDatabase(t, serverURL, name)
	})
	return pool, dbURL
}

func dropDatabase(t testing.TB, serverURL, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Errorf("pgtest: connect to drop database %s: %v", name, err)
		return
	}
	defer admin.Close(ctx)

	// WITH (FORCE) ends sessions a failed test may have left open (PostgreSQL 13+).
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Errorf("pgtest: drop database %s: %v", name, err)
	}
}

// withDatabase returns serverURL with its database name replaced by name.
func withDatabase(serverURL, name string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil || u.Scheme == "" {
		return "", errInvalidURL
	}
	u.Path = "/" + name
	return u.String(), nil
}

type pgtestError string

func (e pgtestError) Error() string { return string(e) }

const errInvalidURL = pgtestError(EnvURL + " must be a postgres:// URL, for example " +
	"postgres://user:password@127.0.0.1:55432/switchboard?sslmode=disable")

func randomSuffix(t testing.TB) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("pgtest: random database name: %v", err)
	}
	return hex.EncodeToString(b[:])
}
