// Package directory adapts the CRM store to the parts of a node that need it: sign-in for the
// API, contact cards and history for the desk, caller lookup and agents' profiles for the call
// flow, and the call-log writes behind the spool.
package directory

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/calllog"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage"
)

// HistoryLimit is how many past interactions a screen-pop card carries.
const HistoryLimit = 10

// Directory implements api.Authenticator, api.Contacts, callflow.Directory and calllog.Store
// over one PostgreSQL pool.
type Directory struct {
	users        *storage.Users
	contacts     *storage.Contacts
	companies    *storage.Companies
	interactions *storage.Interactions
	tasks        *storage.Tasks
	numbers      *phone.Normalizer
}

var (
	_ api.Authenticator  = (*Directory)(nil)
	_ api.Contacts       = (*Directory)(nil)
	_ callflow.Directory = (*Directory)(nil)
	_ calllog.Store      = (*Directory)(nil)
)

// New returns a Directory over the pool; numbers normalises callers' numbers.
func New(db *pgxpool.Pool, numbers *phone.Normalizer) *Directory {
	return &Directory{
		users:        storage.NewUsers(db),
		contacts:     storage.NewContacts(db, numbers),
		companies:    storage.NewCompanies(db),
		interactions: storage.NewInteractions(db),
		tasks:        storage.NewTasks(db),
		numbers:      numbers,
	}
}

// Authenticate checks the login and password.
func (d *Directory) Authenticate(ctx context.Context, login, password string) (protocol.User, error) {
	u, err := d.users.Authenticate(ctx, login, password)
	if errors.Is(err, crm.ErrInvalidCredentials) {
		return protocol.User{}, fmt.Errorf("%w: %v", api.ErrInvalidCredentials, err)
	}
	if err != nil {
		return protocol.User{}, apiError(err)
	}

	roles := make([]protocol.Role, 0, len(u.Roles))
	for _, r := range u.Roles {
		roles = append(roles, protocol.Role(r))
	}
	return protocol.User{ID: strconv.FormatInt(u.ID, 10), Name: u.DisplayName, Roles: roles, Locale: string(u.Locale)}, nil
}

// Card returns the contact's card with recent interactions and open tickets.
func (d *Directory) Card(ctx context.Context, contactID string) (protocol.Card, error) {
	id, err := parseID("contact", contactID)
	if err != nil {
		return protocol.Card{}, err
	}
	card, err := d.contacts.Card(ctx, id, HistoryLimit)
	if err != nil {
		return protocol.Card{}, apiError(err)
	}
	return toCard(card), nil
}

// History returns the contact's interactions, newest first, older than q.Before when set.
func (d *Directory) History(ctx context.Context, q protocol.GetHistory) ([]protocol.Interaction, error) {
	id, err := parseID("contact", q.ContactID)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}

	var list []crm.Interaction
	if q.Before != nil {
		list, err = d.interactions.ListByContactBefore(ctx, id, *q.Before, limit)
	} else {
		list, err = d.interactions.ListByContact(ctx, id, limit)
	}
	if err != nil {
		return nil, apiError(err)
	}

	out := make([]protocol.Interaction, 0, len(list))
	for _, i := range list {
		out = append(out, toInteraction(i))
	}
	return out, nil
}

// Create creates a contact from the desk's new-contact form.
//
// The name is split by word count: one word is a first name, two are "first last" as the
// desk's form sends them, and three or more are "last first middle", the Russian order of
// a full name.
func (d *Directory) Create(ctx context.Context, agentID string, c protocol.CreateContact) (protocol.Card, error) {
	contact := crm.Contact{Note: c.Note}
	contact.FirstName, contact.LastName, contact.MiddleName = splitName(c.Name)
	for _, p := range c.Phones {
		number, err := crm.NewPhone(d.numbers, p.Number, phoneKind(p.Label))
		if err != nil {
			return protocol.Card{}, fmt.Errorf("%w: phone %q: %v", api.ErrInvalid, p.Number, err)
		}
		contact.Phones = append(contact.Phones, number)
	}
	for _, e := range c.Emails {
		contact.Emails = append(contact.Emails, crm.Email{Address: e})
	}
	if name := strings.TrimSpace(c.Company); name != "" {
		company, err := d.companies.Ensure(ctx, name)
		if err != nil {
			return protocol.Card{}, apiError(err)
		}
		contact.CompanyID = company.ID
	}

	stored, err := d.contacts.Create(ctx, contact)
	if err != nil {
		return protocol.Card{}, apiError(err)
	}

	if c.CallID != "" {
		// The call's record is written only when the call ends, so it may not exist yet. The
		// call flow's LinkContact, which the node calls after Create, covers that case.
		if _, err := d.interactions.SetContact(ctx, c.CallID, stored.ID); err != nil && !errors.Is(err, crm.ErrNotFound) {
			return protocol.Card{}, apiError(err)
		}
	}
	return d.Card(ctx, strconv.FormatInt(stored.ID, 10))
}

// LookupCaller finds the contact with the caller's number and returns its card, in one
// database round trip.
func (d *Directory) LookupCaller(ctx context.Context, number string) (protocol.Card, bool, error) {
	card, err := d.contacts.CardByPhone(ctx, number, HistoryLimit)
	if errors.Is(err, crm.ErrNotFound) || errors.Is(err, phone.ErrWithheld) {
		return protocol.Card{}, false, nil
	}
	if err != nil {
		return protocol.Card{}, false, err
	}
	return toCard(card), true, nil
}

// Agent returns the agent's phone, skills and queues. An agent assigned to no queue gets
// an empty Queues, which the call flow and Callbacks read as every configured queue.
func (d *Directory) Agent(ctx context.Context, agentID string) (callflow.AgentProfile, error) {
	id, err := parseID("agent", agentID)
	if err != nil {
		return callflow.AgentProfile{}, err
	}
	u, err := d.users.Get(ctx, id)
	if err != nil {
		return callflow.AgentProfile{}, apiError(err)
	}

	p := callflow.AgentProfile{AgentID: agentID, Name: u.DisplayName, Endpoint: u.Endpoint, Queues: u.Queues}
	for _, s := range u.Skills {
		p.Skills = append(p.Skills, routing.SkillLevel{Skill: s.Name, Level: s.Level})
	}
	return p, nil
}

// ScheduleCallback creates an open callback task for the number.
func (d *Directory) ScheduleCallback(ctx context.Context, number, queue, contactID string, due time.Time) error {
	task := crm.Task{
		Kind: crm.KindCallback, Title: "Callback " + number, DueAt: due, Status: crm.TaskOpen,
		Phone: number, Queue: queue,
	}
	task.ContactID, _ = strconv.ParseInt(contactID, 10, 64)
	if _, err := d.tasks.Create(ctx, task); err != nil {
		return fmt.Errorf("schedule callback to %s: %w", number, err)
	}
	return nil
}

// InsertInteraction stores a call record; a record whose call id exists is left as it is.
func (d *Directory) InsertInteraction(ctx context.Context, record crm.Interaction) error {
	// Storage's error already names the call.
	_, _, err := d.interactions.Record(ctx, record)
	return err
}

// SetContact links the call's record to the contact.
func (d *Directory) SetContact(ctx context.Context, link calllog.ContactLink) error {
	if _, err := d.interactions.SetContact(ctx, link.CallID, link.ContactID); err != nil {
		return fmt.Errorf("link call %s to contact %d: %w", link.CallID, link.ContactID, err)
	}
	return nil
}

// SetDisposition stores the wrap-up of a call and, when asked, a callback to the caller.
func (d *Directory) SetDisposition(ctx context.Context, disp calllog.Disposition) error {
	rec, err := d.interactions.SetDisposition(ctx, disp.CallID, disp.Code, disp.Note)
	if err != nil {
		return err
	}
	if disp.CallbackAt.IsZero() {
		return nil
	}

	// A replayed spool batch must not schedule the callback twice.
	open, err := d.tasks.ListOpen(ctx, storage.TaskFilter{Kind: crm.KindCallback, InteractionID: rec.ID})
	if err != nil {
		return fmt.Errorf("list callbacks of call %s: %w", disp.CallID, err)
	}
	if len(open) > 0 {
		return nil
	}

	task := crm.Task{
		Kind: crm.KindCallback, Title: "Callback " + rec.CallerNumber, Note: disp.Note, DueAt: disp.CallbackAt,
		Status: crm.TaskOpen, ContactID: rec.ContactID, Phone: rec.CallerNumber, Queue: rec.Queue,
		InteractionID: rec.ID,
	}
	task.AssigneeID, _ = strconv.ParseInt(disp.AgentID, 10, 64)
	task.CreatedBy = task.AssigneeID
	if _, err := d.tasks.Create(ctx, task); err != nil {
		return fmt.Errorf("schedule callback of call %s: %w", disp.CallID, err)
	}
	return nil
}

func parseID(kind, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%w: %s id %q is not a positive number", api.ErrInvalid, kind, s)
	}
	return id, nil
}

// apiError keeps the storage error's text and maps its kind to the API's.
func apiError(err error) error {
	switch {
	case errors.Is(err, crm.ErrNotFound):
		return fmt.Errorf("%w: %v", api.ErrNotFound, err)
	case errors.Is(err, crm.ErrConflict):
		return fmt.Errorf("%w: %v", api.ErrConflict, err)
	case errors.Is(err, crm.ErrInvalid), errors.Is(err, phone.ErrInvalid):
		return fmt.Errorf("%w: %v", api.ErrInvalid, err)
	case errors.Is(err, crm.ErrUnavailable):
		return fmt.Errorf("%w: %v", api.ErrUnavailable, err)
	}
	return err
}
