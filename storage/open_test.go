package storage_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestOpenErrorsHidePassword(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for name, url := range map[string]string{
		// Port 1 on loopback has no server, so the connection is refused at once.
		"unreachable server": "postgres://switchboard:s3cret-pw@127.0.0.1:1/switchboard?sslmode=disable&connect_timeout=2",
		"invalid URL":        "postgres://switchboard:s3cret-pw@127.0.0.1:notaport/db",
	} {
		pool, err := storage.Open(ctx, url)
		if err == nil {
			pool.Close()
			t.Errorf("%s: Open succeeded", name)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("%s: error %q contains the password", name, err)
		}
	}
}

func TestMigrateConcurrentNodes(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewEmpty(t)
	ctx := testContext(t)

	// Three nodes starting together: the advisory lock lets one migrate and the others
	// find nothing pending.
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		applied int
		errs    []error
	)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			steps, err := storage.Migrate(ctx, pool, storage.MigrateUp)
			mu.Lock()
			defer mu.Unlock()
			applied += len(steps)
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()

	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent Migrate: %v", err)
	}
	if err := storage.CheckMigrations(ctx, pool); err != nil {
		t.Fatalf("CheckMigrations after concurrent up: %v", err)
	}
	var recorded int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if applied != recorded {
		t.Errorf("nodes applied %d migrations in total, the version table records %d; each must apply once", applied, recorded)
	}
}
