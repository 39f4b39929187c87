package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// writeParts makes the stored phones, e-mails and tags of contact stored.ID equal to
// those of c, keeping the ids of the rows that stay, and fills them into stored.
func writeParts(ctx context.Context, tx pgx.Tx, stored *crm.Contact, c crm.Contact) error {
	id := stored.ID

	keys := make([]string, len(c.Phones))
	for i, p := range c.Phones {
		keys[i] = p.E164 + ";" + p.Extension
	}
	if _, err := tx.Exec(ctx, `DELETE FROM phones WHERE contact_id = $1 AND NOT (e164 || ';' || extension = ANY($2))`, id, keys); err != nil {
		return dbError(fmt.Sprintf("replace phones of contact %d", id), err)
	}
	stored.Phones = make([]crm.Phone, 0, len(c.Phones))
	for _, p := range c.Phones {
		err := tx.QueryRow(ctx, `
			INSERT INTO phones (contact_id, e164, extension, raw, kind, is_primary) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (contact_id, e164, extension)
				DO UPDATE SET raw = EXCLUDED.raw, kind = EXCLUDED.kind, is_primary = EXCLUDED.is_primary
			RETURNING id`, id, p.E164, p.Extension, p.Raw, string(p.Kind), p.Primary).Scan(&p.ID)
		if err != nil {
			return dbError(fmt.Sprintf("store phone %s of contact %d", p.E164, id), err)
		}
		stored.Phones = append(stored.Phones, p)
	}

	addresses := make([]string, len(c.Emails))
	for i, e := range c.Emails {
		addresses[i] = strings.ToLower(e.Address)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM emails WHERE contact_id = $1 AND NOT (lower(address) = ANY($2))`, id, addresses); err != nil {
		return dbError(fmt.Sprintf("replace e-mails of contact %d", id), err)
	}
	stored.Emails = make([]crm.Email, 0, len(c.Emails))
	for _, e := range c.Emails {
		err := tx.QueryRow(ctx, `
			INSERT INTO emails (contact_id, address, kind, is_primary) VALUES ($1, $2, $3, $4)
			ON CONFLICT (contact_id, lower(address))
				DO UPDATE SET address = EXCLUDED.address, kind = EXCLUDED.kind, is_primary = EXCLUDED.is_primary
			RETURNING id`, id, e.Address, string(e.Kind), e.Primary).Scan(&e.ID)
		if err != nil {
			return dbError(fmt.Sprintf("store e-mail %s of contact %d", e.Address, id), err)
		}
		stored.Emails = append(stored.Emails, e)
	}

	tagIDs := make([]int64, 0, len(c.Tags))
	for _, name := range c.Tags {
		tagID, err := ensureTag(ctx, tx, name)
		if err != nil {
			return err
		}
		tagIDs = append(tagIDs, tagID)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM contact_tags WHERE contact_id = $1 AND NOT (tag_id = ANY($2))`, id, tagIDs); err != nil {
		return dbError(fmt.Sprintf("replace tags of contact %d", id), err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO contact_tags (contact_id, tag_id) SELECT $1, unnest($2::bigint[])
		ON CONFLICT DO NOTHING`, id, tagIDs); err != nil {
		return dbError(fmt.Sprintf("tag contact %d", id), err)
	}
	// Read the names back: an existing tag keeps its own spelling ("VIP" stays "VIP"
	// when the contact was tagged "vip").
	rows, err := tx.Query(ctx, `SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
		WHERE ct.contact_id = $1 ORDER BY lower(t.name)`, id)
	if err != nil {
		return dbError(fmt.Sprintf("read tags of contact %d", id), err)
	}
	stored.Tags, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return dbError(fmt.Sprintf("read tags of contact %d", id), err)
	}
	return nil
}

// loadParts fills the phones, e-mails and tags of contacts in one round trip.
func loadParts(ctx context.Context, db DBTX, contacts []crm.Contact) error {
	if len(contacts) == 0 {
		return nil
	}
	ids := make([]int64, len(contacts))
	for i, c := range contacts {
		ids[i] = c.ID
	}
	batch := &pgx.Batch{}
	queueParts(batch, &contacts, `SELECT unnest($1::bigint[])`, ids)
	if err := db.SendBatch(ctx, batch).Close(); err != nil {
		return dbError("load phones, e-mails and tags", err)
	}
	return nil
}

// queueParts queues the queries that fill the phones, e-mails and tags of *contacts,
// for the contact ids that idsSQL (a SELECT of one bigint column, using args) returns.
// An earlier query of the same batch may fill *contacts, because pgx runs the callbacks
// in queue order. Rows of ids not in *contacts are skipped.
func queueParts(batch *pgx.Batch, contacts *[]crm.Contact, idsSQL string, args ...any) {
	// The index is built when the first part query's result arrives, because only then
	// has the batch filled *contacts.
	var index map[int64]int
	buildIndex := func() {
		if index != nil {
			return
		}
		index = make(map[int64]int, len(*contacts))
		for i := range *contacts {
			c := &(*contacts)[i]
			index[c.ID] = i
			c.Phones, c.Emails, c.Tags = []crm.Phone{}, []crm.Email{}, []string{}
		}
	}
	contactOf := func(id int64) *crm.Contact {
		if i, ok := index[id]; ok {
			return &(*contacts)[i]
		}
		return nil
	}

	batch.Queue(`SELECT contact_id, id, e164, extension, raw, kind, is_primary FROM phones
		WHERE contact_id IN (`+idsSQL+`) ORDER BY contact_id, is_primary DESC, id`, args...).
		Query(func(rows pgx.Rows) error {
			buildIndex()
			var (
				contactID int64
				p         crm.Phone
				kind      string
			)
			_, err := pgx.ForEachRow(rows, []any{&contactID, &p.ID, &p.E164, &p.Extension, &p.Raw, &kind, &p.Primary}, func() error {
				if c := contactOf(contactID); c != nil {
					p.Kind = crm.PhoneKind(kind)
					c.Phones = append(c.Phones, p)
				}
				return nil
			})
			return err
		})
	batch.Queue(`SELECT contact_id, id, address, kind, is_primary FROM emails
		WHERE contact_id IN (`+idsSQL+`) ORDER BY contact_id, is_primary DESC, id`, args...).
		Query(func(rows pgx.Rows) error {
			buildIndex()
			var (
				contactID int64
				e         crm.Email
				kind      string
			)
			_, err := pgx.ForEachRow(rows, []any{&contactID, &e.ID, &e.Address, &kind, &e.Primary}, func() error {
				if c := contactOf(contactID); c != nil {
					e.Kind = crm.EmailKind(kind)
					c.Emails = append(c.Emails, e)
				}
				return nil
			})
			return err
		})
	batch.Queue(`SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
		WHERE ct.contact_id IN (`+idsSQL+`) ORDER BY ct.contact_id, lower(t.name)`, args...).
		Query(func(rows pgx.Rows) error {
			buildIndex()
			var (
				contactID int64
				name      string
			)
			_, err := pgx.ForEachRow(rows, []any{&contactID, &name}, func() error {
				if c := contactOf(contactID); c != nil {
					c.Tags = append(c.Tags, name)
				}
				return nil
			})
			return err
		})
}

// AddPhone adds p to the live contact contactID and returns it with its id. Adding a
// number the contact already has gives crm.ErrConflict.
func (s *Contacts) AddPhone(ctx context.Context, contactID int64, p crm.Phone) (crm.Phone, error) {
	if p.Kind == "" {
		p.Kind = crm.PhoneMobile
	}
	if err := p.Validate(); err != nil {
		return crm.Phone{}, err
	}
	err := inTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := touch(ctx, tx, contactID); err != nil {
			return err
		}
		if p.Primary {
			if _, err := tx.Exec(ctx, `UPDATE phones SET is_primary = false WHERE contact_id = $1`, contactID); err != nil {
				return dbError(fmt.Sprintf("add phone to contact %d", contactID), err)
			}
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO phones (contact_id, e164, extension, raw, kind, is_primary)
			VALUES ($1, $2, $3, $4, $5, $6 OR NOT EXISTS (SELECT 1 FROM phones WHERE contact_id = $1))
			RETURNING id, is_primary`,
			contactID, p.E164, p.Extension, p.Raw, string(p.Kind), p.Primary).Scan(&p.ID, &p.Primary)
		return dbError(fmt.Sprintf("add phone %s to contact %d", p.E164, contactID), err)
	})
	if err != nil {
		return crm.Phone{}, err
	}
	return p, nil
}

// DeletePhone removes phone phoneID from contact contactID.
func (s *Contacts) DeletePhone(ctx context.Context, contactID, phoneID int64) error {
	return s.deletePart(ctx, contactID, fmt.Sprintf("delete phone %d of contact %d", phoneID, contactID),
		`DELETE FROM phones WHERE id = $1 AND contact_id = $2`, phoneID)
}

// AddEmail adds e to the live contact contactID and returns it with its id.
func (s *Contacts) AddEmail(ctx context.Context, contactID int64, e crm.Email) (crm.Email, error) {
	if e.Kind == "" {
		e.Kind = crm.EmailWork
	}
	if err := e.Validate(); err != nil {
		return crm.Email{}, err
	}
	err := inTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := touch(ctx, tx, contactID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO emails (contact_id, address, kind, is_primary) VALUES ($1, $2, $3, $4)
			RETURNING id`, contactID, e.Address, string(e.Kind), e.Primary).Scan(&e.ID)
		return dbError(fmt.Sprintf("add e-mail %s to contact %d", e.Address, contactID), err)
	})
	if err != nil {
		return crm.Email{}, err
	}
	return e, nil
}

// DeleteEmail removes e-mail emailID from contact contactID.
func (s *Contacts) DeleteEmail(ctx context.Context, contactID, emailID int64) error {
	return s.deletePart(ctx, contactID, fmt.Sprintf("delete e-mail %d of contact %d", emailID, contactID),
		`DELETE FROM emails WHERE id = $1 AND contact_id = $2`, emailID)
}

// AddTag tags the live contact contactID with name, creating the tag when missing.
// Tagging twice is not an error.
func (s *Contacts) AddTag(ctx context.Context, contactID int64, name string) error {
	if err := crm.ValidateTagName(name); err != nil {
		return err
	}
	return inTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := touch(ctx, tx, contactID); err != nil {
			return err
		}
		tagID, err := ensureTag(ctx, tx, name)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO contact_tags (contact_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, contactID, tagID)
		return dbError(fmt.Sprintf("tag contact %d with %q", contactID, name), err)
	})
}

// RemoveTag removes tag name (any case) from contact contactID; the tag stays in the
// vocabulary.
func (s *Contacts) RemoveTag(ctx context.Context, contactID int64, name string) error {
	return s.deletePart(ctx, contactID, fmt.Sprintf("remove tag %q from contact %d", name, contactID),
		`DELETE FROM contact_tags ct USING tags t WHERE t.id = ct.tag_id AND lower(t.name) = lower($1) AND ct.contact_id = $2`, name)
}

// deletePart runs sql (with $1 = key, $2 = contactID) in a transaction that also marks
// the contact changed, and returns crm.ErrNotFound when it deleted nothing.
func (s *Contacts) deletePart(ctx context.Context, contactID int64, op, sql string, key any) error {
	return inTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := touch(ctx, tx, contactID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, sql, key, contactID)
		if err != nil {
			return dbError(op, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%s: %w", op, crm.ErrNotFound)
		}
		return nil
	})
}
