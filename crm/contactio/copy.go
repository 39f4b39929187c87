package contactio

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// errNameNotFound means a company or tag that the import has just created or
// found is missing from the table, which only a broken unique index or a
// concurrent delete of that row could cause.
var errNameNotFound = errors.New("company or tag vanished during the import")

// copyTable is the rows COPY writes into one table.
type copyTable struct {
	name    string
	columns []string
	rows    [][]any
}

// copyTables COPYs each table's rows in order, skipping tables without rows.
func copyTables(ctx context.Context, tx pgx.Tx, tables []copyTable) error {
	for _, t := range tables {
		if len(t.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("copy %d rows into %s: %w", len(t.rows), t.name, err)
		}
	}
	return nil
}

// selectNamedIDs adds to ids the id of the row of table whose name equals each
// of names case-insensitively, by the spelling in names.
func selectNamedIDs(ctx context.Context, tx pgx.Tx, table string, names []string, ids map[string]int64) error {
	rows, err := tx.Query(ctx, fmt.Sprintf(selectNamedIDsSQL, pgx.Identifier{table}.Sanitize()), names)
	if err != nil {
		return fmt.Errorf("find ids of %d %s: %w", len(names), table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return fmt.Errorf("find ids of %d %s: %w", len(names), table, err)
		}
		ids[name] = id
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find ids of %d %s: %w", len(names), table, err)
	}
	for _, name := range names {
		if _, ok := ids[name]; !ok {
			return fmt.Errorf("%w: %q in %s", errNameNotFound, name, table)
		}
	}
	return nil
}

// skipForeignKeyChecks turns off the per-row foreign-key checks of the
// transaction when the database role may do so, and reports whether it did.
// batchWriter.copyContacts turns them on again after its COPYs.
//
// The rows copyContacts writes reference only rows that cannot go away before
// the import commits. Contacts it creates in this transaction are invisible to
// other transactions. The companies and tags in companyIDs and tagIDs are locked
// here the way each foreign-key check would lock them, but once per row
// referenced instead of once per row copied. The checks cost more than a third
// of the database's time in a bulk import: one query and one row lock for each
// phone, e-mail, tag link and company of every new contact.
//
// PostgreSQL runs foreign-key checks as triggers, which session_replication_role
// = replica turns off, as pg_restore does. Setting it needs a superuser or, from
// PostgreSQL 15, GRANT SET ON PARAMETER session_replication_role to the role.
// canSkipForeignKeyChecksSQL lists the other conditions.
func skipForeignKeyChecks(ctx context.Context, tx pgx.Tx, companyIDs, tagIDs []int64) (bool, error) {
	var allowed bool
	if err := tx.QueryRow(ctx, canSkipForeignKeyChecksSQL).Scan(&allowed); err != nil {
		return false, fmt.Errorf("check whether the import may skip foreign-key checks: %w", err)
	}
	if !allowed {
		return false, nil
	}

	for table, list := range map[string][]int64{"companies": companyIDs, "tags": tagIDs} {
		if len(list) == 0 {
			continue
		}
		sql := fmt.Sprintf("SELECT 1 FROM %s WHERE id = ANY($1) FOR KEY SHARE", pgx.Identifier{table}.Sanitize())
		if _, err := tx.Exec(ctx, sql, list); err != nil {
			return false, fmt.Errorf("lock %d %s referenced by new contacts: %w", len(list), table, err)
		}
	}
	if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
		return false, fmt.Errorf("skip foreign-key checks while copying new contacts: %w", err)
	}
	return true, nil
}

// canSkipForeignKeyChecksSQL reports whether the import may set
// session_replication_role to replica while it copies new contacts. The role
// must be allowed to set it: has_parameter_privilege exists from PostgreSQL 15
// on, so on older servers only a superuser qualifies. And no
// trigger of the tables copied into may change how it fires on INSERT. Replica
// turns off every ordinary trigger, not only the foreign-key checks, so an
// operator's trigger would miss the imported rows. A trigger enabled for
// replicas only would start to fire.
const canSkipForeignKeyChecksSQL = `
SELECT CASE
    WHEN EXISTS (
        SELECT 1 FROM pg_trigger
        WHERE tgrelid IN ('contacts'::regclass, 'phones'::regclass, 'emails'::regclass, 'contact_tags'::regclass)
          AND NOT tgisinternal
          AND tgenabled IN ('O', 'R')
          AND tgtype & 4 <> 0 -- TRIGGER_TYPE_INSERT
    ) THEN false
    WHEN current_setting('is_superuser') = 'on' THEN true
    WHEN current_setting('server_version_num')::int < 150000 THEN false
    ELSE has_parameter_privilege('session_replication_role', 'SET')
END`
