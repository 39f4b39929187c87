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
// and the open tasks and callbacks. Everything is read from one snapshot in one batch.
// An unknown id gives crm.ErrNotFound.
func (s *Contacts) Card(ctx context.Context, id int64, historyLimit int) (crm.ContactCard, error) {
	historyLimit = min(max(historyLimit, 0), MaxCardHistory)

	var card crm.ContactCard
	err := inTx(ctx, s.db, func(tx pgx.Tx) error {
		// REPEATABLE READ gives all statements one snapshot, so the card never mixes
		// states from before and after a concurrent write. Inside a caller's transaction
		// (a savepoint here) the caller's isolation level applies instead.
		if _, nested := s.db.(pgx.Tx); !nested {
			if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY`); err != nil {
				return dbError("start card snapshot", err)
			}
		}

		var (
			found        bool
			cardContacts []crm.Contact
		)
		batch := &pgx.Batch{}
		batch.Queue(`SELECT `+contactColumns+` FROM contacts c WHERE c.id = $1`, id).
			Query(func(rows pgx.Rows) error {
				contacts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Contact, error) {
					return scanContact(row)
				})
				if len(contacts) == 1 {
					found = true
				}
				cardContacts = contacts
				return err
			})
		batch.Queue(`SELECT `+companyColumns+` FROM companies WHERE id = (SELECT company_id FROM contacts WHERE id = $1)`, id).
			Query(func(rows pgx.Rows) error {
				companies, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Company, error) {
					return scanCompany(row)
				})
				if len(companies) == 1 {
					card.Company = &companies[0]
				}
				return err
			})
		batch.Queue(`SELECT `+interactionColumns+` FROM interactions WHERE contact_id = $1
			ORDER BY arrived_at DESC, id DESC LIMIT $2`, id, historyLimit).
			Query(func(rows pgx.Rows) error {
				var err error
				card.Recent, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Interaction, error) {
					return scanInteraction(row)
				})
				return err
			})
		batch.Queue(`SELECT `+ticketColumns+` FROM tickets WHERE contact_id = $1 AND status NOT IN ('resolved', 'closed')
			ORDER BY `+ticketPriorityOrder+`, sla_due_at NULLS LAST, created_at DESC LIMIT $2`, id, MaxCardHistory).
			Query(func(rows pgx.Rows) error {
				var err error
				card.OpenTickets, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Ticket, error) {
					return scanTicket(row)
				})
				return err
			})
		batch.Queue(`SELECT `+taskColumns+` FROM tasks WHERE contact_id = $1 AND status IN ('open', 'in_progress')
			ORDER BY due_at NULLS LAST, id LIMIT $2`, id, MaxCardHistory).
			Query(func(rows pgx.Rows) error {
				var err error
				card.OpenTasks, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Task, error) {
					return scanTask(row)
				})
				return err
			})
		queueParts(batch, &cardContacts, `SELECT $1::bigint`, id)
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return dbError(fmt.Sprintf("read card of contact %d", id), err)
		}
		if !found {
			return fmt.Errorf("read card of contact %d: %w", id, crm.ErrNotFound)
		}
		card.Contact = cardContacts[0]
		return nil
	})
	if err != nil {
		return crm.ContactCard{}, err
	}
	return card, nil
}
