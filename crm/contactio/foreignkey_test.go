package contactio

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// limitedRolePool creates a login role that may read and write the CRM tables
// but is no superuser and may not set session_replication_role, as a production
// deployment's role would be, and returns a pool connected as it.
func limitedRolePool(t *testing.T, admin *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	ctx := testContext(t)
	// Roles belong to the whole server, so the name borrows the test database's
	// unique name.
	database := admin.Config().ConnConfig.Database
	role := pgx.Identifier{"limited_" + database}.Sanitize()
	password := "limited-role-test-password"

	statements := []string{
		fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", role, password),
		fmt.Sprintf("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %s", role),
		fmt.Sprintf("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %s", role),
		fmt.Sprintf("GRANT TEMPORARY ON DATABASE %s TO %s", pgx.Identifier{database}.Sanitize(), role),
	}
	for _, sql := range statements {
		if _, err := admin.Exec(ctx, sql); err != nil {
			t.Fatalf("set up limited role: %s: %v", sql, err)
		}
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if _, err := admin.Exec(ctx, "DROP OWNED BY "+role); err != nil {
			t.Errorf("drop privileges of %s: %v", role, err)
		}
		if _, err := admin.Exec(ctx, "DROP ROLE "+role); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})

	config := admin.Config().Copy()
	config.ConnConfig.User = "limited_" + database
	config.ConnConfig.Password = password
	pool, err := pgxpool.NewWithConfig(ctx, config)
	if err != nil {
		t.Fatalf("connect as %s: %v", role, err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// The import skips per-row foreign-key checks only for a role that may, and
// then locks the companies and tags its new contacts reference itself.
func TestSkipForeignKeyChecks(t *testing.T) {
	db := pgtest.New(t)
	ctx := testContext(t)
	var companyID int64
	if err := db.QueryRow(ctx, `INSERT INTO companies (name) VALUES ('ООО Ромашка') RETURNING id`).Scan(&companyID); err != nil {
		t.Fatal(err)
	}

	// insertDangling writes a phone of a contact that does not exist, which only
	// a transaction without foreign-key checks can do, and rolls it back.
	insertDangling := func(pool *pgxpool.Pool, companies []int64) error {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := skipForeignKeyChecks(ctx, tx, companies, nil); err != nil {
			t.Fatalf("skipForeignKeyChecks: %v", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO phones (contact_id, e164) VALUES (999999, '+74951234567')`)
		return err
	}

	t.Run("superuser", func(t *testing.T) {
		if err := insertDangling(db, nil); err != nil {
			t.Errorf("insert without foreign-key checks: %v", err)
		}
	})

	t.Run("limited role keeps the checks", func(t *testing.T) {
		err := insertDangling(limitedRolePool(t, db), nil)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "23503" {
			t.Errorf("insert of a dangling phone as a limited role = %v, want foreign_key_violation (23503)", err)
		}
	})

	t.Run("referenced company is locked", func(t *testing.T) {
		tx, err := db.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		skipped, err := skipForeignKeyChecks(ctx, tx, []int64{companyID}, nil)
		if err != nil || !skipped {
			t.Fatalf("skipForeignKeyChecks = %t, %v; want true, nil", skipped, err)
		}

		// A concurrent delete of the company must wait for the import, as it would
		// for the foreign-key check's lock; the lock timeout shows it waits.
		conn, err := db.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		deleteTx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer deleteTx.Rollback(ctx)
		if _, err := deleteTx.Exec(ctx, "SET LOCAL lock_timeout = '200ms'"); err != nil {
			t.Fatal(err)
		}
		_, err = deleteTx.Exec(ctx, `DELETE FROM companies WHERE id = $1`, companyID)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
			t.Errorf("concurrent delete of a referenced company = %v, want lock_not_available (55P03)", err)
		}
	})
}

// An import as a role that may not skip the checks writes the same contacts.
func TestImportAsLimitedRole(t *testing.T) {
	db := pgtest.New(t)
	limited := limitedRolePool(t, db)

	report := importBytes(t, limited, readTestdata(t, "utf8_bom.csv"), ImportOptions{Source: "utf8_bom.csv"})
	checkCounts(t, report, 8, 5, 1, 2)

	reference := pgtest.New(t)
	importTestdata(t, reference, "utf8_bom.csv")
	got, want := loadContacts(t, db), loadContacts(t, reference)
	if !slices.Equal(contactKeys(got), contactKeys(want)) {
		t.Fatalf("limited role stored %q, superuser %q", contactKeys(got), contactKeys(want))
	}
	for key, c := range want {
		if got[key].String() != c.String() {
			t.Errorf("limited role stored %s, superuser %s", got[key], c)
		}
	}
}

// An operator's INSERT trigger on a table the import copies into keeps the
// foreign-key checks on, because turning them off would turn the trigger off too.
func TestUserTriggerKeepsForeignKeyChecks(t *testing.T) {
	db := pgtest.New(t)
	ctx := testContext(t)
	_, err := db.Exec(ctx, `
CREATE TABLE test_phone_log (e164 text);
CREATE FUNCTION test_log_phone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO test_phone_log VALUES (NEW.e164); RETURN NEW; END $$;
CREATE TRIGGER test_log_phone AFTER INSERT ON phones FOR EACH ROW EXECUTE FUNCTION test_log_phone();`)
	if err != nil {
		t.Fatalf("install logging trigger: %v", err)
	}

	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	skipped, err := skipForeignKeyChecks(ctx, tx, nil, nil)
	_ = tx.Rollback(ctx)
	if err != nil || skipped {
		t.Fatalf("skipForeignKeyChecks with a user trigger = %t, %v; want false, nil", skipped, err)
	}

	importTestdata(t, db, "utf8_bom.csv")
	if logged, stored := countRows(t, db, "test_phone_log"), countRows(t, db, "phones"); logged != stored || stored == 0 {
		t.Errorf("trigger logged %d phones, %d stored", logged, stored)
	}
}
