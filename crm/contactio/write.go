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
// statement below reads them whole.
const createStagingSQL = `
CREATE TEMP TABLE contactio_contacts (
    grp         integer NOT NULL,
    contact_id  bigint  NOT NULL,
    is_new      boolean NOT NULL,
    -- apply is false for a group whose fields were merged into another group
    -- matched to the same existing contact; its phones, e-mails and tags still count.
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
) ON COMMIT DROP;
CREATE TEMP TABLE contactio_tags (
    grp  integer NOT NULL,
    name text    NOT NULL
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

// insertCompaniesSQL creates the companies named by new contacts and by existing
// contacts without a company. The first spelling in the file wins.
const insertCompaniesSQL = `
INSERT INTO companies (name)
SELECT DISTINCT ON (lower(s.company)) s.company
FROM contactio_contacts s
LEFT JOIN contacts c ON c.id = s.contact_id AND NOT s.is_new
WHERE s.company <> '' AND s.apply AND (s.is_new OR c.company_id IS NULL)
ORDER BY lower(s.company), s.grp
ON CONFLICT (lower(name)) DO NOTHING`

const insertContactsSQL = `
INSERT INTO contacts (id, last_name, first_name, middle_name, company_id, position, vip, note)
OVERRIDING SYSTEM VALUE
SELECT s.contact_id, s.last_name, s.first_name, s.middle_name, co.id, s.position, s.vip, s.note
FROM contactio_contacts s
LEFT JOIN companies co ON s.company <> '' AND lower(co.name) = lower(s.company)
WHERE s.is_new
ORDER BY s.grp`

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
    WHERE NOT s.is_new AND s.apply
)
UPDATE contacts c
SET last_name = m.last_name, first_name = m.first_name, middle_name = m.middle_name,
    company_id = m.company_id, position = m.position, vip = m.vip, note = m.note
FROM merged m
WHERE c.id = m.id
  AND (c.last_name, c.first_name, c.middle_name, c.company_id, c.position, c.vip, c.note)
      IS DISTINCT FROM (m.last_name, m.first_name, m.middle_name, m.company_id, m.position, m.vip, m.note)`

// insertPhonesSQL adds every staged number that its contact does not have yet.
// The first number of a new contact becomes its primary one. Rows of new
// contacts cannot conflict, so they are inserted without ON CONFLICT, which
// costs a speculative insertion per row; %s selects new or existing contacts.
const insertPhonesSQL = `
INSERT INTO phones (contact_id, e164, extension, raw, kind, is_primary)
SELECT s.contact_id, sp.e164, sp.extension, sp.raw, sp.kind, s.is_new AND sp.ord = 1
FROM contactio_phones sp
JOIN contactio_contacts s ON s.grp = sp.grp
WHERE %s
ORDER BY sp.grp, sp.ord`

const insertEmailsSQL = `
INSERT INTO emails (contact_id, address, is_primary)
SELECT s.contact_id, se.address, s.is_new AND se.ord = 1
FROM contactio_emails se
JOIN contactio_contacts s ON s.grp = se.grp
WHERE %s
ORDER BY se.grp, se.ord`

const insertTagsSQL = `
INSERT INTO tags (name)
SELECT DISTINCT ON (lower(name)) name
FROM contactio_tags
ORDER BY lower(name), grp
ON CONFLICT (lower(name)) DO NOTHING`

const insertContactTagsSQL = `
INSERT INTO contact_tags (contact_id, tag_id)
SELECT DISTINCT s.contact_id, t.id
FROM contactio_tags st
JOIN contactio_contacts s ON s.grp = st.grp
JOIN tags t ON lower(t.name) = lower(st.name)
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

// writeGroups writes the groups in one transaction: stage phones and e-mails,
// match them with existing contacts, stage the contacts, then insert and update
// the CRM tables with set-based statements.
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
		if err := copyContacts(ctx, tx, contacts); err != nil {
			return err
		}
		return applyStaged(ctx, tx, groups, result.created, rejected, opts)
	})
	if err != nil {
		return writeResult{}, fmt.Errorf("import contacts from %s: %w", sourceName(opts.Source), err)
	}
	return result, nil
}

// stagedContact is one row of contactio_contacts.
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

func copyKeys(ctx context.Context, tx pgx.Tx, groups []contactGroup) error {
	var phoneRows, emailRows, tagRows [][]any
	for i, g := range groups {
		for ord, p := range g.contact.phones {
			phoneRows = append(phoneRows, []any{int32(i), int32(ord + 1), p.number.E164, p.number.Extension, p.raw, p.kind})
		}
		for ord, address := range g.contact.emails {
			emailRows = append(emailRows, []any{int32(i), int32(ord + 1), address, g.byEmail})
		}
		for _, tag := range g.contact.tags {
			tagRows = append(tagRows, []any{int32(i), tag})
		}
	}

	tables := []struct {
		name    string
		columns []string
		rows    [][]any
	}{
		{"contactio_phones", []string{"grp", "ord", "e164", "extension", "raw", "kind"}, phoneRows},
		{"contactio_emails", []string{"grp", "ord", "address", "match"}, emailRows},
		{"contactio_tags", []string{"grp", "name"}, tagRows},
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

func copyContacts(ctx context.Context, tx pgx.Tx, staged []stagedContact) error {
	columns := []string{"grp", "contact_id", "is_new", "apply", "last_name", "first_name", "middle_name", "company", "position", "note", "vip"}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"contactio_contacts"}, columns,
		pgx.CopyFromSlice(len(staged), func(i int) ([]any, error) {
			s := staged[i]
			c := s.contact
			return []any{int32(s.group), s.contactID, s.isNew, s.apply,
				c.lastName, c.firstName, c.middleName, c.company, c.position, c.note, c.vip}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy %d contacts into contactio_contacts: %w", len(staged), err)
	}
	return nil
}

// allocateContactIDs takes ids for the new contacts from the identity sequence
// of contacts.id, in file order, so that phones, e-mails and tags can refer to
// them in the same set-based statements.
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

// applyStaged moves the staged rows into the CRM tables and records the import
// in the audit log.
func applyStaged(ctx context.Context, tx pgx.Tx, groups []contactGroup, created, rejected int, opts ImportOptions) error {
	steps := []struct {
		name string
		sql  string
	}{
		{"insert companies", insertCompaniesSQL},
		{"insert contacts", insertContactsSQL},
		{"update existing contacts", updateContactsSQL},
		{"insert phones of new contacts", fmt.Sprintf(insertPhonesSQL, "s.is_new")},
		{"insert phones of existing contacts", fmt.Sprintf(insertPhonesSQL, "NOT s.is_new") +
			" ON CONFLICT (contact_id, e164, extension) DO NOTHING"},
		{"insert e-mails of new contacts", fmt.Sprintf(insertEmailsSQL, "s.is_new")},
		{"insert e-mails of existing contacts", fmt.Sprintf(insertEmailsSQL, "NOT s.is_new") +
			" ON CONFLICT (contact_id, lower(address)) DO NOTHING"},
		{"insert tags", insertTagsSQL},
		{"tag contacts", insertContactTagsSQL},
	}
	for _, step := range steps {
		if _, err := tx.Exec(ctx, step.sql); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}

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
