// Package storage keeps Switchboard's CRM data and call log in PostgreSQL through pgx.
//
// Open returns a *pgxpool.Pool; Migrate applies the schema embedded from
// storage/migrations (goose, up and down); CheckMigrations reports to /readyz whether the
// schema is current. Each table has a repository type in its own file (Users, Contacts,
// Companies, Tags, Interactions, Tickets, Tasks, AuditLog). A repository is built on a
// DBTX, the pool or a transaction, and holds no mutable state, so one built on the pool
// is safe for concurrent use by many goroutines.
//
// Caller lookup is Contacts.FindByPhone: it normalises any textual form of a number with
// package crm/phone and matches the E.164 form through an index. Contacts.Card returns
// the screen-pop card (contact, company, phones, e-mails, tags, recent calls, open tickets
// and tasks), and Contacts.CardByPhone the card of a caller, each in one round trip.
//
// Errors: a missing row is crm.ErrNotFound (wrapped), a withheld number phone.ErrWithheld,
// a unique or check constraint violation crm.ErrConflict or crm.ErrInvalid; callers test
// them with errors.Is.
package storage
