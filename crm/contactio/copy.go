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

// insertCompanies creates the companies that new contacts, and existing
// contacts without a company, name. It returns the ids of the companies of new
// contacts by the spelling in the file.
func insertCompanies(ctx context.Context, tx pgx.Tx, staged []stagedContact) (map[string]int64, error) {
	// Each spelling is passed once, with the first group that uses it, because
	// the first spelling in the file wins.
	var groups []int32
	var names []string
	seen := map[string]bool{}
	for _, s := range staged {
		if !s.isNew || s.contact.company == "" || seen[s.contact.company] {
			continue
		}
		seen[s.contact.company] = true
		groups = append(groups, int32(s.group))
		names = append(names, s.contact.company)
	}
	if _, err := tx.Exec(ctx, insertCompaniesSQL, groups, names); err != nil {
		return nil, fmt.Errorf("insert companies: %w", err)
	}
	ids, err := selectNamedIDs(ctx, tx, "companies", names)
	if err != nil {
		return nil, fmt.Errorf("find ids of %d companies: %w", len(names), err)
	}
	return ids, nil
}

// insertTags creates the tags that any group names and returns the tag ids by
// every spelling in the file.
func insertTags(ctx context.Context, tx pgx.Tx, staged []stagedContact) (map[string]int64, error) {
	var names []string
	seen := map[string]bool{}
	for _, s := range staged {
		for _, tag := range s.contact.tags {
			if !seen[tag] {
				seen[tag] = true
				names = append(names, tag)
			}
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	if _, err := tx.Exec(ctx, insertTagsSQL, names); err != nil {
		return nil, fmt.Errorf("insert tags: %w", err)
	}
	ids, err := selectNamedIDs(ctx, tx, "tags", names)
	if err != nil {
		return nil, fmt.Errorf("find ids of %d tags: %w", len(names), err)
	}
	return ids, nil
}

// selectNamedIDs returns the ids of the rows of table whose names equal names
// case-insensitively, by the spelling in names.
func selectNamedIDs(ctx context.Context, tx pgx.Tx, table string, names []string) (map[string]int64, error) {
	ids := make(map[string]int64, len(names))
	if len(names) == 0 {
		return ids, nil
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(selectNamedIDsSQL, pgx.Identifier{table}.Sanitize()), names)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return nil, err
		}
		ids[name] = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, ok := ids[name]; !ok {
			return nil, fmt.Errorf("%w: %q in %s", errNameNotFound, name, table)
		}
	}
	return ids, nil
}

// copyNewContacts copies the new contacts, their phones, e-mails and tag links
// straight into the CRM tables. COPY is the cheapest way in, and these rows
// cannot conflict with stored ones: the contact ids are fresh, and each group
// holds every phone, e-mail and tag once.
func copyNewContacts(ctx context.Context, tx pgx.Tx, staged []stagedContact, companyIDs, tagIDs map[string]int64) error {
	var contactRows, phoneRows, emailRows, tagRows [][]any
	for _, s := range staged {
		if !s.isNew {
			continue
		}
		c := s.contact
		var companyID any
		if c.company != "" {
			companyID = companyIDs[c.company]
		}
		contactRows = append(contactRows, []any{s.contactID, c.lastName, c.firstName, c.middleName, companyID, c.position, c.vip, c.note})
		for ord, p := range c.phones {
			phoneRows = append(phoneRows, []any{s.contactID, p.number.E164, p.number.Extension, p.raw, p.kind, ord == 0})
		}
		for ord, address := range c.emails {
			emailRows = append(emailRows, []any{s.contactID, address, ord == 0})
		}
		// Tags that differ only in case were folded by appendFolded, but the
		// database may fold a few more characters, so the ids are compared too.
		linked := map[int64]bool{}
		for _, tag := range c.tags {
			tagID, ok := tagIDs[tag]
			if !ok {
				return fmt.Errorf("tag new contacts: %w: %q", errNameNotFound, tag)
			}
			if !linked[tagID] {
				linked[tagID] = true
				tagRows = append(tagRows, []any{s.contactID, tagID})
			}
		}
	}

	skipped, err := skipForeignKeyChecks(ctx, tx, companyIDs, tagIDs)
	if err != nil {
		return err
	}

	tables := []struct {
		name    string
		columns []string
		rows    [][]any
	}{
		{"contacts", []string{"id", "last_name", "first_name", "middle_name", "company_id", "position", "vip", "note"}, contactRows},
		{"phones", []string{"contact_id", "e164", "extension", "raw", "kind", "is_primary"}, phoneRows},
		{"emails", []string{"contact_id", "address", "is_primary"}, emailRows},
		{"contact_tags", []string{"contact_id", "tag_id"}, tagRows},
	}
	for _, t := range tables {
		if len(t.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("copy %d rows into %s: %w", len(t.rows), t.name, err)
		}
	}
	if !skipped {
		return nil
	}
	// Every later statement of the import checks its foreign keys again.
	if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = origin"); err != nil {
		return fmt.Errorf("check foreign keys again after copying new contacts: %w", err)
	}
	return nil
}

// skipForeignKeyChecks turns off the per-row foreign-key checks of the
// transaction when the database role may do so, and reports whether it did.
// copyNewContacts turns them on again after its COPYs.
//
// The rows copyNewContacts writes reference only rows that cannot go away before
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
func skipForeignKeyChecks(ctx context.Context, tx pgx.Tx, companyIDs, tagIDs map[string]int64) (bool, error) {
	var allowed bool
	if err := tx.QueryRow(ctx, canSkipForeignKeyChecksSQL).Scan(&allowed); err != nil {
		return false, fmt.Errorf("check whether the import may skip foreign-key checks: %w", err)
	}
	if !allowed {
		return false, nil
	}

	for table, ids := range map[string]map[string]int64{"companies": companyIDs, "tags": tagIDs} {
		if len(ids) == 0 {
			continue
		}
		list := make([]int64, 0, len(ids))
		for _, id := range ids {
			list = append(list, id)
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
