package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// write inserts the dataset. Rows that others refer to are inserted with a batch of
// INSERT ... RETURNING id (identity columns are GENERATED ALWAYS, which COPY cannot
// fill); the rest are loaded with COPY.
func write(ctx context.Context, tx pgx.Tx, data dataset, hashes []string) (Counts, error) {
	users, err := insertUsers(ctx, tx, data.users, hashes)
	if err != nil {
		return Counts{}, err
	}
	companies, err := insertCompanies(ctx, tx, data)
	if err != nil {
		return Counts{}, err
	}
	contacts, err := insertContacts(ctx, tx, data, companies)
	if err != nil {
		return Counts{}, err
	}
	phones, emails, err := copyContactDetails(ctx, tx, data, contacts)
	if err != nil {
		return Counts{}, err
	}
	interactions, err := insertInteractions(ctx, tx, data, users, contacts)
	if err != nil {
		return Counts{}, err
	}
	if err := copyTickets(ctx, tx, data, users, contacts, interactions); err != nil {
		return Counts{}, err
	}
	if err := copyTasks(ctx, tx, data, users, contacts, interactions); err != nil {
		return Counts{}, err
	}

	return Counts{
		Users:        len(users),
		Companies:    len(companies),
		Contacts:     len(contacts),
		Phones:       phones,
		Emails:       emails,
		Interactions: len(interactions),
		Tickets:      len(data.tickets),
		Tasks:        len(data.tasks),
	}, nil
}

// insertReturningIDs runs one INSERT ... RETURNING id per row of args in a single batch
// and returns the ids in order.
func insertReturningIDs(ctx context.Context, tx pgx.Tx, table, sql string, args [][]any) ([]int64, error) {
	batch := &pgx.Batch{}
	for _, row := range args {
		batch.Queue(sql, row...)
	}
	results := tx.SendBatch(ctx, batch)
	ids := make([]int64, len(args))
	for i := range args {
		if err := results.QueryRow().Scan(&ids[i]); err != nil {
			_ = results.Close()
			return nil, fmt.Errorf("insert demo %s row %d: %w", table, i+1, err)
		}
	}
	if err := results.Close(); err != nil {
		return nil, fmt.Errorf("insert demo %s: %w", table, err)
	}
	return ids, nil
}

func copyRows(ctx context.Context, tx pgx.Tx, table string, columns []string, rows [][]any) error {
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy demo %s: %w", table, err)
	}
	return nil
}

func insertUsers(ctx context.Context, tx pgx.Tx, users []userRow, hashes []string) ([]int64, error) {
	args := make([][]any, len(users))
	for i, u := range users {
		args[i] = []any{u.login, u.displayName, hashes[i], []string{u.role}, u.locale, nullString(u.endpoint)}
	}
	ids, err := insertReturningIDs(ctx, tx, "users",
		`INSERT INTO users (login, display_name, password_hash, roles, locale, endpoint)
		 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, args)
	if err != nil {
		return nil, err
	}

	var skills, queues [][]any
	for i, u := range users {
		for _, s := range u.skills {
			skills = append(skills, []any{ids[i], s.name, int16(s.level)})
		}
		for _, q := range u.queues {
			queues = append(queues, []any{ids[i], q})
		}
	}
	if err := copyRows(ctx, tx, "user_skills", []string{"user_id", "skill", "level"}, skills); err != nil {
		return nil, err
	}
	return ids, copyRows(ctx, tx, "user_queues", []string{"user_id", "queue"}, queues)
}

func insertCompanies(ctx context.Context, tx pgx.Tx, data dataset) ([]int64, error) {
	args := make([][]any, len(data.companies))
	for i, c := range data.companies {
		args[i] = []any{c.name, c.taxID, c.website}
	}
	return insertReturningIDs(ctx, tx, "companies",
		"INSERT INTO companies (name, tax_id, website) VALUES ($1, $2, $3) RETURNING id", args)
}

func insertContacts(ctx context.Context, tx pgx.Tx, data dataset, companies []int64) ([]int64, error) {
	args := make([][]any, len(data.contacts))
	for i, c := range data.contacts {
		// Contacts were entered over the year before the call history starts.
		created := data.now.AddDate(0, 0, -historyDays-(i*7)%365)
		args[i] = []any{c.firstName, c.lastName, c.middleName, ref(companies, c.company), c.position, c.vip, c.note, created}
	}
	ids, err := insertReturningIDs(ctx, tx, "contacts",
		`INSERT INTO contacts (first_name, last_name, middle_name, company_id, position, vip, note, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`, args)
	if err != nil {
		return nil, err
	}

	tagArgs := make([][]any, len(tags))
	for i, t := range tags {
		tagArgs[i] = []any{t.name, t.color}
	}
	tagIDs, err := insertReturningIDs(ctx, tx, "tags", "INSERT INTO tags (name, color) VALUES ($1, $2) RETURNING id", tagArgs)
	if err != nil {
		return nil, err
	}
	var contactTags [][]any
	for i, c := range data.contacts {
		for _, t := range c.tags {
			contactTags = append(contactTags, []any{ids[i], tagIDs[t]})
		}
	}
	return ids, copyRows(ctx, tx, "contact_tags", []string{"contact_id", "tag_id"}, contactTags)
}

func copyContactDetails(ctx context.Context, tx pgx.Tx, data dataset, contacts []int64) (int, int, error) {
	var phones, emails [][]any
	for i, c := range data.contacts {
		for _, p := range c.phones {
			phones = append(phones, []any{contacts[i], p.e164, p.raw, p.kind, p.primary})
		}
		for _, e := range c.emails {
			emails = append(emails, []any{contacts[i], e.address, e.kind, e.primary})
		}
	}
	if err := copyRows(ctx, tx, "phones", []string{"contact_id", "e164", "raw", "kind", "is_primary"}, phones); err != nil {
		return 0, 0, err
	}
	if err := copyRows(ctx, tx, "emails", []string{"contact_id", "address", "kind", "is_primary"}, emails); err != nil {
		return 0, 0, err
	}
	return len(phones), len(emails), nil
}

func insertInteractions(ctx context.Context, tx pgx.Tx, data dataset, users, contacts []int64) ([]int64, error) {
	args := make([][]any, len(data.interactions))
	for i, c := range data.interactions {
		var cause any
		if c.hangupCause != 0 {
			cause = int16(c.hangupCause)
		}
		args[i] = []any{
			c.callID, c.direction, c.queue, ref(users, c.agent), ref(contacts, c.contact), c.caller, c.callee,
			c.arrived, nullTime(c.offered), nullTime(c.answered), nullTime(c.ended),
			c.waitSeconds, c.talkSeconds, c.outcome, cause, c.hangupCauseText, c.disposition, c.note, c.campaign,
			lastTime(c.arrived, c.ended),
		}
	}
	return insertReturningIDs(ctx, tx, "interactions",
		`INSERT INTO interactions (call_id, direction, queue, agent_id, contact_id, caller_number, callee_number,
		     arrived_at, offered_at, answered_at, ended_at, wait_seconds, talk_seconds, outcome,
		     hangup_cause, hangup_cause_text, disposition, note, campaign, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
		 RETURNING id`, args)
}

func copyTickets(ctx context.Context, tx pgx.Tx, data dataset, users, contacts, interactions []int64) error {
	rows := make([][]any, len(data.tickets))
	for i, t := range data.tickets {
		rows[i] = []any{
			t.subject, t.description, t.priority, t.status, t.slaDue,
			ref(contacts, t.contact), ref(users, t.assignee), ref(users, t.createdBy), ref(interactions, t.interaction),
			t.created, lastTime(t.created, t.resolved), nullTime(t.resolved),
		}
	}
	return copyRows(ctx, tx, "tickets", []string{
		"subject", "description", "priority", "status", "sla_due_at",
		"contact_id", "assignee_id", "created_by", "interaction_id",
		"created_at", "updated_at", "resolved_at",
	}, rows)
}

func copyTasks(ctx context.Context, tx pgx.Tx, data dataset, users, contacts, interactions []int64) error {
	rows := make([][]any, len(data.tasks))
	for i, t := range data.tasks {
		rows[i] = []any{
			t.kind, t.title, t.note, t.due, t.status,
			ref(contacts, t.contact), ref(users, t.assignee), ref(users, t.createdBy),
			nullString(t.phone), t.queue, int32(t.attempts), ref(interactions, t.interaction),
			t.created, lastTime(t.created, t.completed), nullTime(t.completed),
		}
	}
	return copyRows(ctx, tx, "tasks", []string{
		"kind", "title", "note", "due_at", "status",
		"contact_id", "assignee_id", "created_by",
		"phone_e164", "queue", "attempts", "interaction_id",
		"created_at", "updated_at", "completed_at",
	}, rows)
}

// ref returns the database id of the row at index, or nil (SQL NULL) for noRef.
func ref(ids []int64, index int) any {
	if index == noRef {
		return nil
	}
	return ids[index]
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// lastTime returns the later of two times, ignoring a zero second one.
func lastTime(first, second time.Time) time.Time {
	if second.After(first) {
		return second
	}
	return first
}
