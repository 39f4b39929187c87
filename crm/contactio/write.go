package contactio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// importLockKey is the transaction-level advisory lock that serialises imports.
// Each import decides which contacts exist before it creates new ones, so two
// concurrent imports of the same number would otherwise both create a contact.
// The value is arbitrary but fixed: the ASCII bytes of "contimp".
const importLockKey int64 = 0x636f6e74696d70

// Staging tables live for one transaction. They have no indexes, because every
// statement below reads them whole. They hold the groups that finish merges
// into a contact already in the database, with their phones and e-mails.
const createStagingSQL = `
CREATE TEMP TABLE contactio_contacts (
    grp         integer NOT NULL,
    contact_id  bigint  NOT NULL,
    -- apply is false for a group whose fields were merged into another group
    -- matched to the same contact; its phones and e-mails still count.
    apply       boolean NOT NULL,
    -- own marks a contact that a batch of this import wrote from the group's
    -- first row; the staged note is the group's whole note.
    own         boolean NOT NULL,
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
    address  text    NOT NULL
) ON COMMIT DROP;`

// selectNamedIDsSQL returns the id of the row of table %s whose name equals
// each of $1 case-insensitively, as the table's unique index on lower(name)
// compares them.
const selectNamedIDsSQL = `
SELECT named.name, t.id
FROM unnest($1::text[]) AS named(name)
JOIN %s t ON lower(t.name) = lower(named.name)`

// updateContactsSQL applies the merge rule of mergeInto to contacts in the
// database and skips contacts it would not change, so their updated_at stays.
// A contact of this import holds its group's first row, so the rule gives the
// group's merged fields, except for the note, which is staged whole.
const updateContactsSQL = `
WITH merged AS (
    SELECT c.id,
           CASE WHEN c.last_name = '' THEN s.last_name ELSE c.last_name END AS last_name,
           CASE WHEN c.first_name = '' THEN s.first_name ELSE c.first_name END AS first_name,
           CASE WHEN c.middle_name = '' THEN s.middle_name ELSE c.middle_name END AS middle_name,
           coalesce(c.company_id, co.id) AS company_id,
           CASE WHEN c.position = '' THEN s.position ELSE c.position END AS position,
           c.vip OR s.vip AS vip,
           CASE WHEN s.own THEN s.note
                WHEN s.note = '' OR strpos(c.note, s.note) > 0 THEN c.note
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

// setPrimaryEmailSQL makes the first e-mail of a group primary when its
// contact, written by this import from a first row without e-mails, has none.
const setPrimaryEmailSQL = `
UPDATE emails e SET is_primary = true
FROM contactio_contacts s
JOIN contactio_emails se ON se.grp = s.grp AND se.ord = 1
WHERE s.own
  AND e.contact_id = s.contact_id
  AND lower(e.address) = lower(se.address)
  AND NOT EXISTS (SELECT 1 FROM emails p WHERE p.contact_id = s.contact_id AND p.is_primary)`

// deleteUnusedCompaniesSQL deletes the companies of $1, created by this import,
// that no contact is in. The batches create the company of every row, also of
// rows that finish merges into a contact that already has a company.
const deleteUnusedCompaniesSQL = `
DELETE FROM companies co
WHERE co.id = ANY($1)
  AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = co.id)`

// writeResult is the outcome of an import's writes: how many contacts it
// created and the warnings found while matching rows with stored contacts.
type writeResult struct {
	created  int
	warnings []Issue
}

// stagedContact is a group that finish merges into a contact in the database:
// a stored contact, or the contact a batch wrote from the group's first row.
type stagedContact struct {
	contactID int64
	apply     bool
	own       bool
	// contact points into the groups plan was given.
	contact *contactRow
}

// mergePlan lists the changes finish makes.
type mergePlan struct {
	// deleteIDs are contacts the batches wrote for rows that belong to another
	// contact after all.
	deleteIDs []int64
	staged    []stagedContact
	created   int
	warnings  []Issue
}

// finish merges what the batches could not: rows that share a contact with an
// earlier row, and contacts written by a batch that a later row joins to
// another contact or to a stored one. It groups all valid rows as if the whole
// file had been read first, so the result does not depend on the batch size.
func (w *batchWriter) finish(ctx context.Context, rows []contactRow, rejected int, opts ImportOptions) (writeResult, error) {
	// When the batches wrote every row, no row shares a key with another or
	// with a stored contact, so every row is a contact of its own already.
	plan := mergePlan{created: len(rows)}
	if len(w.written) < len(rows) {
		var err error
		if plan, err = w.plan(groupRows(rows)); err != nil {
			return writeResult{}, err
		}
	}
	if len(plan.deleteIDs) > 0 {
		if _, err := w.tx.Exec(ctx, "DELETE FROM contacts WHERE id = ANY($1)", plan.deleteIDs); err != nil {
			return writeResult{}, fmt.Errorf("delete %d contacts merged into others: %w", len(plan.deleteIDs), err)
		}
	}
	if len(plan.staged) > 0 {
		warnings, err := w.compareNames(ctx, plan.staged)
		if err != nil {
			return writeResult{}, err
		}
		plan.warnings = append(plan.warnings, warnings...)
		slices.SortStableFunc(plan.warnings, func(a, b Issue) int { return a.Line - b.Line })

		if err := w.mergeStaged(ctx, plan.staged); err != nil {
			return writeResult{}, err
		}
		if len(w.newCompanies) > 0 {
			if _, err := w.tx.Exec(ctx, deleteUnusedCompaniesSQL, w.newCompanies); err != nil {
				return writeResult{}, fmt.Errorf("delete unused companies: %w", err)
			}
		}
	}
	if err := recordAudit(ctx, w.tx, len(rows), plan.created, rejected, opts); err != nil {
		return writeResult{}, err
	}
	return writeResult{created: plan.created, warnings: plan.warnings}, nil
}

// plan decides, for every group, which contact it ends up in. A group that
// matches no stored contact keeps the contact written for its first row, and
// the contacts written for its other rows are deleted. A group that matches
// stored contacts merges into the oldest of them (the lowest id), and every
// contact written for its rows is deleted. Groups matched to the same stored
// contact are merged into the first of them, because one UPDATE can apply only
// one source row to a contact.
func (w *batchWriter) plan(groups []contactGroup) (mergePlan, error) {
	var plan mergePlan
	firstStagedOf := map[int64]int{}
	var stored []int64
	for i := range groups {
		g := &groups[i]
		stored = stored[:0]
		for _, m := range g.members {
			if first := w.storedMatch[m]; first != 0 && !slices.Contains(stored, first) {
				stored = append(stored, first)
			}
			for _, id := range w.moreStoredMatches[m] {
				if !slices.Contains(stored, id) {
					stored = append(stored, id)
				}
			}
		}

		if len(stored) == 0 {
			plan.created++
			if len(g.members) == 1 {
				continue
			}
			first := w.contactIDs[g.members[0]]
			if first == 0 {
				return mergePlan{}, fmt.Errorf("%w: line %d", errFirstRowNotWritten, g.contact.line)
			}
			plan.deleteIDs = appendWritten(plan.deleteIDs, w.contactIDs, g.members[1:])
			plan.staged = append(plan.staged, stagedContact{contactID: first, apply: true, own: true, contact: &g.contact})
			continue
		}

		plan.deleteIDs = appendWritten(plan.deleteIDs, w.contactIDs, g.members)
		target := slices.Min(stored)
		if len(stored) > 1 {
			plan.warnings = append(plan.warnings, Issue{Line: g.contact.line, Code: CodeSeveralContacts, Count: len(stored)})
		}
		if first, ok := firstStagedOf[target]; ok {
			mergeInto(plan.staged[first].contact, g.contact)
			plan.staged = append(plan.staged, stagedContact{contactID: target, contact: &g.contact})
			continue
		}
		firstStagedOf[target] = len(plan.staged)
		plan.staged = append(plan.staged, stagedContact{contactID: target, apply: true, contact: &g.contact})
	}
	return plan, nil
}

// compareNames warns about every group merged into a stored contact of
// another name: both give a last name, or both a first name, and these differ
// beyond case and ё written as е. A number that has changed owner is the usual
// cause, and the merge then gives the new owner's phones, e-mails and notes to
// the old one.
func (w *batchWriter) compareNames(ctx context.Context, staged []stagedContact) ([]Issue, error) {
	var ids []int64
	for _, s := range staged {
		if !s.own {
			ids = append(ids, s.contactID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := w.tx.Query(ctx, `SELECT id, last_name, first_name, middle_name FROM contacts WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("read the names of matched contacts: %w", err)
	}
	type name struct{ last, first, middle string }
	names := make(map[int64]name, len(ids))
	for rows.Next() {
		var id int64
		var n name
		if err := rows.Scan(&id, &n.last, &n.first, &n.middle); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read the names of matched contacts: %w", err)
		}
		names[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the names of matched contacts: %w", err)
	}

	var warnings []Issue
	for _, s := range staged {
		stored, ok := names[s.contactID]
		if s.own || !ok {
			continue
		}
		if namesDiffer(stored.last, s.contact.lastName) || namesDiffer(stored.first, s.contact.firstName) {
			full := strings.Join(strings.Fields(stored.last+" "+stored.first+" "+stored.middle), " ")
			warnings = append(warnings, Issue{Line: s.contact.line, Code: CodeNameDiffers, Value: full})
		}
	}
	return warnings, nil
}

// namesDiffer reports whether two name parts are both given and differ other
// than in case or in ё written as е.
func namesDiffer(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" || b == "" || strings.EqualFold(a, b) {
		return false
	}
	return !strings.EqualFold(strings.Map(yoAsYe, a), strings.Map(yoAsYe, b))
}

// yoAsYe writes ё as е, as Russian text often does.
func yoAsYe(r rune) rune {
	switch r {
	case 'ё':
		return 'е'
	case 'Ё':
		return 'Е'
	}
	return r
}

// errFirstRowNotWritten means a group that matches no stored contact has no
// contact for its first row, which writeBatch always writes for such a row.
var errFirstRowNotWritten = errors.New("no contact was written for the first row of a new contact")

// appendWritten appends the ids of the contacts written for rows members.
func appendWritten(ids, contactIDs []int64, members []int) []int64 {
	for _, m := range members {
		if id := contactIDs[m]; id != 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// mergeStaged stages the planned groups and merges each into its contact. It
// fills the contact's empty fields and adds the phones, e-mails and tags the
// contact lacks.
func (w *batchWriter) mergeStaged(ctx context.Context, staged []stagedContact) error {
	if _, err := w.tx.Exec(ctx, createStagingSQL); err != nil {
		return fmt.Errorf("create import staging tables: %w", err)
	}
	var contactRows, phoneRows, emailRows [][]any
	for grp, s := range staged {
		c := s.contact
		contactRows = append(contactRows, []any{int32(grp), s.contactID, s.apply, s.own,
			c.lastName, c.firstName, c.middleName, c.company, c.position, c.note, c.vip})
		for ord, p := range c.phones {
			phoneRows = append(phoneRows, []any{int32(grp), int32(ord + 1), p.number.E164, p.number.Extension, p.raw, p.kind})
		}
		for ord, address := range c.emails {
			emailRows = append(emailRows, []any{int32(grp), int32(ord + 1), address})
		}
	}
	// An empty staging table is skipped, which the statements below read as no rows.
	err := copyTables(ctx, w.tx, []copyTable{
		{"contactio_contacts", []string{"grp", "contact_id", "apply", "own", "last_name", "first_name", "middle_name", "company", "position", "note", "vip"}, contactRows},
		{"contactio_phones", []string{"grp", "ord", "e164", "extension", "raw", "kind"}, phoneRows},
		{"contactio_emails", []string{"grp", "ord", "address"}, emailRows},
	})
	if err != nil {
		return err
	}

	steps := []struct {
		name string
		sql  string
	}{
		{"update merged contacts", updateContactsSQL},
		{"insert phones of merged contacts", insertExistingPhonesSQL},
		{"insert e-mails of merged contacts", insertExistingEmailsSQL},
		{"set the primary e-mail of merged contacts", setPrimaryEmailSQL},
	}
	for _, step := range steps {
		if _, err := w.tx.Exec(ctx, step.sql); err != nil {
			return fmt.Errorf("%s: %w", step.name, err)
		}
	}

	// A group that is not applied still adds its tags, and several groups can
	// add the same tag to one contact.
	type link struct{ contactID, tagID int64 }
	seen := map[link]bool{}
	var contactIDs, linkedTagIDs []int64
	for _, s := range staged {
		for _, tag := range s.contact.tags {
			tagID, ok := w.tagIDs[tag]
			if !ok {
				return fmt.Errorf("tag merged contacts: %w: %q", errNameNotFound, tag)
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
	if _, err := w.tx.Exec(ctx, insertExistingTagLinksSQL, contactIDs, linkedTagIDs); err != nil {
		return fmt.Errorf("tag merged contacts: %w", err)
	}
	return nil
}

// recordAudit records the import in the audit log.
func recordAudit(ctx context.Context, tx pgx.Tx, rows, created, rejected int, opts ImportOptions) error {
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
