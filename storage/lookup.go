package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
)

// MaxPhoneMatches bounds FindAllByPhone: a number shared by more contacts than this is a
// switchboard line, not a person.
const MaxPhoneMatches = 20

// FindByPhone is the caller lookup every screen-pop uses. It normalises raw, which may
// be any textual form of a number: "+7 495 123-45-67", "8 (495) 123 45 67",
// "tel:+74951234567", a SIP URI, or a number with an extension (ignored). It returns
// the live contact with that number, with phones, e-mails and tags. When several contacts share the
// number, the one updated most recently is returned; FindAllByPhone returns them all.
//
// Errors: a withheld number ("anonymous", "Restricted", empty) wraps phone.ErrWithheld;
// text that is no phone number wraps both phone.ErrInvalid and crm.ErrNotFound; a number
// no live contact has wraps crm.ErrNotFound.
func (s *Contacts) FindByPhone(ctx context.Context, raw string) (crm.Contact, error) {
	contacts, err := s.findByPhone(ctx, raw, 1)
	if err != nil {
		return crm.Contact{}, err
	}
	return contacts[0], nil
}

// FindAllByPhone returns up to MaxPhoneMatches live contacts with the number raw, most
// recently updated first, with the errors of FindByPhone.
func (s *Contacts) FindAllByPhone(ctx context.Context, raw string) ([]crm.Contact, error) {
	return s.findByPhone(ctx, raw, MaxPhoneMatches)
}

// matchSQL selects the ids of up to $2 live contacts with the E.164 number $1, most
// recently updated first. firstMatchSQL selects the first of them only. The index
// phones_e164_idx finds the contact ids, and the contacts primary key does the rest.
const (
	matchSQL = `SELECT c.id FROM contacts c
		WHERE c.id IN (SELECT p.contact_id FROM phones p WHERE p.e164 = $1) AND c.deleted_at IS NULL
		ORDER BY c.updated_at DESC, c.id DESC LIMIT $2`
	firstMatchSQL = `SELECT c.id FROM contacts c
		WHERE c.id IN (SELECT p.contact_id FROM phones p WHERE p.e164 = $1) AND c.deleted_at IS NULL
		ORDER BY c.updated_at DESC, c.id DESC LIMIT 1`
)

// lookupNumber normalises raw for a caller lookup. The error wraps phone.ErrWithheld, or
// both phone.ErrInvalid and crm.ErrNotFound, because no contact has an invalid number.
func (s *Contacts) lookupNumber(raw string) (string, error) {
	num, err := s.numbers.Parse(raw)
	if errors.Is(err, phone.ErrInvalid) {
		return "", fmt.Errorf("find contact by phone: %w (%w)", err, crm.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("find contact by phone: %w", err)
	}
	return num.E164, nil
}

func (s *Contacts) findByPhone(ctx context.Context, raw string, limit int) ([]crm.Contact, error) {
	e164, err := s.lookupNumber(raw)
	if err != nil {
		return nil, err
	}

	// One round trip: the contact query and the three part queries go in one batch, the
	// part queries selecting the same contacts by the same number.
	var contacts []crm.Contact
	batch := &pgx.Batch{}
	batch.Queue(`SELECT `+contactColumns+` FROM contacts c WHERE c.id IN (`+matchSQL+`)
		ORDER BY c.updated_at DESC, c.id DESC`, e164, limit).
		Query(func(rows pgx.Rows) error {
			var err error
			contacts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Contact, error) {
				return scanContact(row)
			})
			return err
		})
	queueParts(batch, &contacts, matchSQL, e164, limit)
	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return nil, dbError(fmt.Sprintf("find contact by phone %s", e164), err)
	}

	if len(contacts) == 0 {
		return nil, fmt.Errorf("find contact by phone %s: %w", e164, crm.ErrNotFound)
	}
	return contacts, nil
}
