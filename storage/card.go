package storage

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// MaxCardHistory bounds the history Card returns.
const MaxCardHistory = 100

// Card returns the screen-pop card of contact id. The card holds the contact (soft-deleted
// or not) with its phones, e-mails, tags and VIP flag, and its company. It also holds the
// last historyLimit calls, newest first with dispositions and notes, the open tickets,
// and the open tasks and callbacks. An unknown id gives crm.ErrNotFound.
//
// The card is read in one round trip, a pgx batch whose statements each see the data as
// committed when that statement starts, so a write landing mid-batch may show in part.
func (s *Contacts) Card(ctx context.Context, id int64, historyLimit int) (crm.ContactCard, error) {
	return s.card(ctx, fmt.Sprintf("read card of contact %d", id), `$1::bigint`, id, historyLimit)
}

// CardByPhone returns the card of the contact FindByPhone would return for raw, in the
// same single round trip as Card, with the errors of FindByPhone. It is the screen-pop
// for a ringing call.
func (s *Contacts) CardByPhone(ctx context.Context, raw string, historyLimit int) (crm.ContactCard, error) {
	e164, err := s.lookupNumber(raw)
	if err != nil {
		return crm.ContactCard{}, err
	}
	return s.card(ctx, fmt.Sprintf("read card of caller %s", e164), `(`+firstMatchSQL+`)`, e164, historyLimit)
}

// card reads the card of the contact whose id idExpr yields; idExpr refers to key as $1.
func (s *Contacts) card(ctx context.Context, op, idExpr string, key any, historyLimit int) (crm.ContactCard, error) {
	historyLimit = min(max(historyLimit, 0), MaxCardHistory)

	var (
		card     crm.ContactCard
		contacts []crm.Contact
	)
	batch := &pgx.Batch{}
	batch.Queue(`SELECT `+contactColumns+` FROM contacts c WHERE c.id = `+idExpr, key).
		Query(func(rows pgx.Rows) error {
			var err error
			contacts, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Contact, error) {
				return scanContact(row)
			})
			return err
		})
	batch.Queue(`SELECT `+companyColumns+` FROM companies WHERE id = (SELECT c.company_id FROM contacts c WHERE c.id = `+idExpr+`)`, key).
		Query(func(rows pgx.Rows) error {
			companies, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Company, error) {
				return scanCompany(row)
			})
			if len(companies) == 1 {
				card.Company = &companies[0]
			}
			return err
		})
	batch.Queue(`SELECT `+interactionColumns+` FROM interactions WHERE contact_id = `+idExpr+`
		ORDER BY arrived_at DESC, id DESC LIMIT $2`, key, historyLimit).
		Query(func(rows pgx.Rows) error {
			var err error
			card.Recent, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Interaction, error) {
				return scanInteraction(row)
			})
			return err
		})
	batch.Queue(`SELECT `+ticketColumns+` FROM tickets WHERE contact_id = `+idExpr+` AND status NOT IN ('resolved', 'closed')
		ORDER BY `+ticketPriorityOrder+`, sla_due_at NULLS LAST, created_at DESC LIMIT $2`, key, MaxCardHistory).
		Query(func(rows pgx.Rows) error {
			var err error
			card.OpenTickets, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Ticket, error) {
				return scanTicket(row)
			})
			return err
		})
	batch.Queue(`SELECT `+taskColumns+` FROM tasks WHERE contact_id = `+idExpr+` AND status IN ('open', 'in_progress')
		ORDER BY due_at NULLS LAST, id LIMIT $2`, key, MaxCardHistory).
		Query(func(rows pgx.Rows) error {
			var err error
			card.OpenTasks, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Task, error) {
				return scanTask(row)
			})
			return err
		})
	queueParts(batch, &contacts, `SELECT `+idExpr, key)

	if err := s.db.SendBatch(ctx, batch).Close(); err != nil {
		return crm.ContactCard{}, dbError(op, err)
	}
	if len(contacts) == 0 {
		return crm.ContactCard{}, fmt.Errorf("%s: %w", op, crm.ErrNotFound)
	}
	card.Contact = contacts[0]
	return card, nil
}
