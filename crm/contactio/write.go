package contactio

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// importLockKey is the transaction-level advisory lock that serialises imports.
// Each import decides which contacts exist before it creates new ones, so two
// concurrent imports of the same number would otherwise both create a contact.
// The value is arbitrary but fixed: the ASCII bytes of "contimp".
const importLockKey int64 = 0x636f6e74696d70

// Staging tables live for one transaction. They have no indexes, because every
// statement below reads them whole. The phones and e-mails of every group are
// staged for matching. contactio_contacts holds only the groups matched to
// existing contacts, because new contacts are copied straight into contacts.
const createStagingSQL = `
CREATE TEMP TABLE contactio_contacts (
    grp         integer NOT NULL,
    contact_id  bigint  NOT NULL,
    -- apply is false for a group whose fields were merged into another group
    -- matched to the same existing contact; its phones and e-mails still count.
    apply       boolean NOT NULL,
    last_name   text    NOT NULL,
    first_name  text    NOT NULL,
    middle_name text    NOT NULL,
    company     text    NOT NULL,
    position    text    NOT NULL,
    note        text    NOT NULL,
    vip         boolean NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE contactio_phones (
    grp       integer NOT NULL,
    ord       integer NOT NULL,
    e164      text    NOT NULL,
    extension text    NOT NULL,
    raw       text    NOT NULL,
    kind      text    NOT NULL
) ON COMMIT DROP;
CREATE TEMP TABLE contactio_emails (
    grp      integer NOT NULL,
    ord      integer NOT NULL,
    address  text    NOT NULL,
    -- match marks the e-mails of groups without phones, which find existing
    -- contacts by e-mail.
    match    boolean NOT NULL
) ON COMMIT DROP;`

// matchExistingSQL finds, for each group, the live contacts that already have
// one of its phones (or, for groups without phones, one of its e-mails). The
// oldest contact, the one with the lowest id, wins.
const matchExistingSQL = `
SELECT sp.grp, min(p.contact_id), count(DISTINCT p.contact_id)
FROM contactio_phones sp
JOIN phones p ON p.e164 = sp.e164 AND p.extension = sp.extension
JOIN contacts c ON c.id = p.contact_id AND c.deleted_at IS NULL
GROUP BY sp.grp
UNION ALL
SELECT se.grp, min(e.contact_id), count(DISTINCT e.contact_id)
FROM contactio_emails se
JOIN emails e ON lower(e.address) = lower(se.address)
JOIN contacts c ON c.id = e.contact_id AND c.deleted_at IS NULL
WHERE se.match
GROUP BY se.grp`

// insertCompaniesSQL creates the companies named by new contacts ($1 their
// groups, $2 the names) and by existing contacts without a company. The first
// spelling in the file wins.
const insertCompaniesSQL = `
INSERT INTO companies (name)
SELECT DISTINCT ON (lower(candidate.name)) candidate.name
FROM (
    SELECT s.grp, s.company AS name
    FROM contactio_contacts s
    JOIN contacts c ON c.id = s.contact_id
    WHERE s.company <> '' AND s.apply AND c.company_id IS NULL
    UNION ALL
    SELECT grp, name FROM unnest($1::integer[], $2::text[]) AS named(grp, name)
) candidate
ORDER BY lower(candidate.name), candidate.grp
ON CONFLICT (lower(name)) DO NOTHING`

// selectNamedIDsSQL returns the id of the row of table %s whose name equals
// each of $1 case-insensitively, as the table's unique index on lower(name)
// compares them.
const selectNamedIDsSQL = `
SELECT named.name, t.id
FROM unnest($1::text[]) AS named(name)
JOIN %s t ON lower(t.name) = lower(named.name)`

// updateContactsSQL applies the merge rule of mergeInto to existing contacts and
// skips contacts it would not change, so their updated_at stays.
const updateContactsSQL = `
WITH merged AS (
    SELECT c.id,
           CASE WHEN c.last_name = '' THEN s.last_name ELSE c.last_name END AS last_name,
           CASE WHEN c.first_name = '' THEN s.first_name ELSE c.first_name END AS first_name,
           CASE WHEN c.middle_name = '' THEN s.middle_name ELSE c.middle_name END AS middle_name,
           coalesce(c.company_id, co.id) AS company_id,
           CASE WHEN c.position = '' THEN s.position ELSE c.position END AS position,
           c.vip OR s.vip AS vip,
           CASE WHEN s.note = '' OR strpos(c.note, s.note) > 0 THEN c.note
                WHEN c.note = '' THEN s.note
                ELSE c.note || E'\n' || s.note END AS note
    FROM contactio_contacts s
    JOIN contacts c ON c.id = s.contact_id
    LEFT JOIN companies co ON s.company <> '' AND lower(co.name) = lower(s.company)
    WHERE s.apply
)
UPDATE contacts c
SET last_name = m.last_name, first_name = m.first_name, middle_name = m.middle_name,
    company_id = m.company_id, position = m.position, vip = m.vip, note = m.note
FROM merged m
WHERE c.id = m.id
  AND (c.last_name, c.first_name, c.middle_name, c.company_id, c.position, c.vip, c.note)
      IS DISTINCT FROM (m.last_name, m.first_name, m.middle_name, m.company_id, m.position, m.vip, m.note)`

// insertExistingPhonesSQL adds every staged number of a group matched to an
// existing contact that the contact does not have yet.
const insertExistingPhonesSQL = `
INSERT INTO phones (contact_id, e164, extension, raw, kind, is_primary)
SELECT s.contact_id, sp.e164, sp.extension, sp.raw, sp.kind, false
FROM contactio_phones sp
JOIN contactio_contacts s ON s.grp = sp.grp
ORDER BY sp.grp, sp.ord
ON CONFLICT (contact_id, e164, extension) DO NOTHING`

const insertExistingEmailsSQL = `
INSERT INTO emails (contact_id, address, is_primary)
SELECT s.contact_id, se.address, false
FROM contactio_emails se
JOIN contactio_contacts s ON s.grp = se.grp
ORDER BY se.grp, se.ord
ON CONFLICT (contact_id, lower(address)) DO NOTHING`

// insertTagsSQL creates the tags named in $1, which lists each spelling once in
// file order. The first spelling of a name wins.
const insertTagsSQL = `
INSERT INTO tags (name)
SELECT DISTINCT ON (lower(named.name)) named.name
FROM unnest($1::text[]) WITH ORDINALITY AS named(name, ord)
ORDER BY lower(named.name), named.ord
ON CONFLICT (lower(name)) DO NOTHING`

// insertExistingTagLinksSQL tags existing contacts: $1 are contact ids and $2
// tag ids.
const insertExistingTagLinksSQL = `
INSERT INTO contact_tags (contact_id, tag_id)
SELECT * FROM unnest($1::bigint[], $2::bigint[])
ON CONFLICT DO NOTHING`

// writeResult is the outcome of writeGroups: how many contacts it created and
// the warnings found while matching rows with existing contacts.
type writeResult struct {
	created  int
	warnings []Issue
}

// existingMatch is an existing contact found for a group.
type existingMatch struct {
	contactID int64
	matches   int
}

// writeGroups writes the groups in one transaction. It stages phones and
// e-mails and matches them with existing contacts. Then it copies the new
// contacts with their phones, e-mails and tags straight into the CRM tables and
// merges the groups matched to existing contacts with set-based statements.
func writeGroups(ctx context.Context, db *pgxpool.Pool, groups []contactGroup, rejected int, opts ImportOptions) (writeResult, error) {
	var result writeResult
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", importLockKey); err != nil {
			return fmt.Errorf("lock contact import: %w", err)
		}
		// The joins and sorts below handle one row per phone of the file; with
		// the default 4 MB a 100,000-row file spills them to disk.
		if _, err := tx.Exec(ctx, "SET LOCAL work_mem = '64MB'"); err != nil {
			return fmt.Errorf("set work_mem for contact import: %w", err)
		}
		// The staging tables are never analysed, so the planner guesses millions
		// of rows for their joins and JIT-compiles each statement. That cost
		// 0.1 to 0.2 s per statement in BenchmarkImport100k (PostgreSQL 15).
		if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
			return fmt.Errorf("turn off JIT for contact import: %w", err)
		}
		if _, err := tx.Exec(ctx, createStagingSQL); err != nil {
			return fmt.Errorf("create import staging tables: %w", err)
		}
		if err := copyKeys(ctx, tx, groups); err != nil {
			return err
		}

		matches, err := matchExisting(ctx, tx)
		if err != nil {
			return err
		}
		contacts, created, warnings := planContacts(groups, matches)
		result.created, result.warnings = created, warnings

		if err := allocateContactIDs(ctx, tx, contacts, created); err != nil {
			return err
		}
		if err := copyExistingContacts(ctx, tx, contacts); err != nil {
			return err
		}
		companyIDs, err := insertCompanies(ctx, tx, contacts)
		if err != nil {
			return err
		}
		tagIDs, err := insertTags(ctx, tx, contacts)
		if err != nil {
			return err
		}
		if err := copyNewContacts(ctx, tx, contacts, companyIDs, tagIDs); err != nil {
			return err
		}
		if err := mergeExisting(ctx, tx, contacts, tagIDs); err != nil {
			return err
		}
		return recordAudit(ctx, tx, groups, result.created, rejected, opts)
	})
	if err != nil {
		return writeResult{}, fmt.Errorf("import contacts from %s: %w", sourceName(opts.Source), err)
	}
	return result, nil
}

// stagedContact is the plan for one group: a new contact, or the existing
// contact it merges into.
type stagedContact struct {
	group     int
	contactID int64
	isNew     bool
	apply     bool
	contact   contactRow
}

// planContacts decides, from the matches, which groups become new contacts and
// which update existing ones. Groups matched to the same existing contact are
// merged into the first of them, because one UPDATE can apply only one source
// row to a contact. It returns the staged rows, the number of new contacts and
// a warning for every group whose phones belong to several contacts.
func planContacts(groups []contactGroup, matches map[int]existingMatch) ([]stagedContact, int, []Issue) {
	staged := make([]stagedContact, len(groups))
	firstGroupOf := map[int64]int{}
	created := 0
	var warnings []Issue
	for i, g := range groups {
		staged[i] = stagedContact{group: i, apply: true, contact: g.contact}
		m, ok := matches[i]
		if !ok {
			staged[i].isNew = true
			created++
			continue
		}
		staged[i].contactID = m.contactID
		if m.matches > 1 {
			warnings = append(warnings, Issue{Line: g.contact.line, Code: CodeSeveralContacts, Count: m.matches})
		}
		if first, ok := firstGroupOf[m.contactID]; ok {
			mergeInto(&staged[first].contact, g.contact)
			staged[i].apply = false
			continue
		}
		firstGroupOf[m.contactID] = i
	}
	return staged, created, warnings
}

// copyKeys stages the phones and e-mails of every group, which matchExisting
// compares with the stored ones.
func copyKeys(ctx context.Context, tx pgx.Tx, groups []contactGroup) error {
	var phoneRows, emailRows [][]any
	for i, g := range groups {
		for ord, p := range g.contact.phones {
			phoneRows = append(phoneRows, []any{int32(i), int32(ord + 1), p.number.E164, p.number.Extension, p.raw, p.kind})
		}
		for ord, address := range g.contact.emails {
			emailRows = append(emailRows, []any{int32(i), int32(ord + 1), address, g.byEmail})
		}
	}

	tables := []struct {
		name    string
		columns []string
		rows    [][]any
	}{
		{"contactio_phones", []string{"grp", "ord", "e164", "extension", "raw", "kind"}, phoneRows},
		{"contactio_emails", []string{"grp", "ord", "address", "match"}, emailRows},
	}
	for _, t := range tables {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("copy %d rows into %s: %w", len(t.rows), t.name, err)
		}
	}
	return nil
}

func matchExisting(ctx context.Context, tx pgx.Tx) (map[int]existingMatch, error) {
	rows, err := tx.Query(ctx, matchExistingSQL)
	if err != nil {
		return nil, fmt.Errorf("match imported contacts with existing ones: %w", err)
	}
	defer rows.Close()

	matches := map[int]existingMatch{}
	for rows.Next() {
		var group int32
		var m existingMatch
		var count int64
		if err := rows.Scan(&group, &m.contactID, &count); err != nil {
			return nil, fmt.Errorf("scan existing contact match: %w", err)
		}
		m.matches = int(count)
		matches[int(group)] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("match imported contacts with existing ones: %w", err)
	}
	return matches, nil
}

// copyExistingContacts stages the groups matched to existing contacts.
func copyExistingContacts(ctx context.Context, tx pgx.Tx, staged []stagedContact) error {
	var rows [][]any
	for _, s := range staged {
		if s.isNew {
			continue
		}
		c := s.contact
		rows = append(rows, []any{int32(s.group), s.contactID, s.apply,
			c.lastName, c.firstName, c.middleName, c.company, c.position, c.note, c.vip})
	}
	if len(rows) == 0 {
		return nil
	}
	columns := []string{"grp", "contact_id", "apply", "last_name", "first_name", "middle_name", "company", "position", "note", "vip"}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"contactio_contacts"}, columns, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy %d contacts into contactio_contacts: %w", len(rows), err)
	}
	return nil
}

// allocateContactIDs takes ids for the new contacts from the identity sequence
// of contacts.id in one statement, in file order, so that their rows and the
// rows of their phones, e-mails and tags can be copied straight into the tables.
func allocateContactIDs(ctx context.Context, tx pgx.Tx, staged []stagedContact, created int) error {
	if created == 0 {
		return nil
	}
	var sequence *string
	if err := tx.QueryRow(ctx, "SELECT pg_get_serial_sequence('contacts', 'id')").Scan(&sequence); err != nil {
		return fmt.Errorf("find the id sequence of contacts: %w", err)
	}
	if sequence == nil {
		return errNoSequence
	}

	rows, err := tx.Query(ctx, "SELECT nextval($1::regclass) FROM generate_series(1, $2)", *sequence, created)
	if err != nil {
		return fmt.Errorf("allocate ids for %d new contacts: %w", created, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return fmt.Errorf("allocate ids for %d new contacts: %w", created, err)
	}
	next := 0
	for i := range staged {
		if staged[i].isNew {
			staged[i].contactID = ids[next]
			next++
		}
	}
	return nil
}

// mergeExisting applies the groups matched to existing contacts: it fills
// their empty fields and adds the phones, e-mails and tags they lack.
func mergeExisting(ctx context.Context, tx pgx.Tx, staged []stagedContact, tagIDs map[string]int64) error {
	steps := []struct {
		name string
		sql  string
	}{
		{"update existing contacts", updateContactsSQL},
		{"insert phones of existing contacts", insertExistingPhonesSQL},
		{"insert e-mails of existing contacts", insertExistingEmailsSQL},
	}
	for _, step := range steps {
		if _, err := tx.Exec(ctx, step.sql); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}

	// A group that is not applied still adds its tags, and several groups can
	// add the same tag to one contact.
	type link struct{ contactID, tagID int64 }
	seen := map[link]bool{}
	var contactIDs, linkedTagIDs []int64
	for _, s := range staged {
		if s.isNew {
			continue
		}
		for _, tag := range s.contact.tags {
			tagID, ok := tagIDs[tag]
			if !ok {
				return fmt.Errorf("tag existing contacts: %w: %q", errNameNotFound, tag)
			}
			l := link{s.contactID, tagID}
			if seen[l] {
				continue
			}
			seen[l] = true
			contactIDs = append(contactIDs, l.contactID)
			linkedTagIDs = append(linkedTagIDs, l.tagID)
		}
	}
	if len(contactIDs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, insertExistingTagLinksSQL, contactIDs, linkedTagIDs); err != nil {
		return fmt.Errorf("tag existing contacts: %w", err)
	}
	return nil
}

// recordAudit records the import in the audit log.
func recordAudit(ctx context.Context, tx pgx.Tx, groups []contactGroup, created, rejected int, opts ImportOptions) error {
	rows := 0
	for _, g := range groups {
		rows += g.rows
	}
	details, err := json.Marshal(map[string]any{
		"source":   opts.Source,
		"rows":     rows,
		"imported": created,
		"merged":   rows - created,
		"rejected": rejected,
	})
	if err != nil {
		return fmt.Errorf("encode audit details: %w", err)
	}
	actor := opts.Actor
	if actor == "" {
		actor = "system"
	}
	if _, err := tx.Exec(ctx,
		"INSERT INTO audit_log (actor, action, entity, details) VALUES ($1, 'import', 'contacts', $2)",
		actor, details); err != nil {
		return fmt.Errorf("record import in audit log: %w", err)
	}
	return nil
}
