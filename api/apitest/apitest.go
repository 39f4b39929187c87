// Package apitest provides in-memory implementations of the api package's dependencies, for
// tests and for running the desk without a routing engine or database. They record every
// call and are safe for concurrent use.
package apitest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

// Users is an Authenticator over a fixed set of users with plain-text passwords. For tests
// only: real passwords are stored hashed.
type Users struct {
	mu    sync.Mutex
	users map[string]userEntry // by login
}

type userEntry struct {
	password  string
	user      protocol.User
	disabled  bool
	validFrom time.Time
}

// NewUsers returns an empty user set.
func NewUsers() *Users {
	return &Users{users: make(map[string]userEntry)}
}

// Add adds or replaces a user.
func (u *Users) Add(login, password string, user protocol.User) {
	u.mu.Lock()
	defer u.mu.Unlock()

	u.users[login] = userEntry{password: password, user: user}
}

// Authenticate implements api.Authenticator.
func (u *Users) Authenticate(_ context.Context, login, password string) (protocol.User, error) {
	u.mu.Lock()
	defer u.mu.Unlock()

	e, ok := u.users[login]
	if !ok || e.password != password || e.disabled {
		return protocol.User{}, fmt.Errorf("authenticate %q: %w", login, api.ErrInvalidCredentials)
	}
	user := e.user
	user.Roles = slices.Clone(user.Roles)
	return user, nil
}

// SetDisabled disables or enables the user with the id userID.
func (u *Users) SetDisabled(userID string, disabled bool) {
	u.mu.Lock()
	defer u.mu.Unlock()

	for login, e := range u.users {
		if e.user.ID == userID {
			e.disabled = disabled
			u.users[login] = e
		}
	}
}

// SetPassword changes the password of the user with the id userID and voids the sessions
// created before at.
func (u *Users) SetPassword(userID, password string, at time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()

	for login, e := range u.users {
		if e.user.ID == userID {
			e.password, e.validFrom = password, at
			u.users[login] = e
		}
	}
}

// AccountStatus implements api.AccountChecker: a user is active unless disabled or unknown.
func (u *Users) AccountStatus(_ context.Context, userID string) (api.AccountStatus, error) {
	u.mu.Lock()
	defer u.mu.Unlock()

	for _, e := range u.users {
		if e.user.ID == userID {
			return api.AccountStatus{Active: !e.disabled, SessionsValidFrom: e.validFrom}, nil
		}
	}
	return api.AccountStatus{}, nil
}

// Command is one call that Desk received.
type Command struct {
	Method  string // SetStatus, Answer, Hangup, Hold, Unhold, Transfer, SaveDisposition
	AgentID string
	CallID  string
	Data    any // the protocol struct for SetStatus, Transfer and SaveDisposition
}

// Desk is an AgentDesk that records commands. Err, when set, is returned by every call.
// OnCommand, when set, runs after recording and before returning, for example to publish the
// notification that the routing engine would send.
type Desk struct {
	mu        sync.Mutex
	commands  []Command
	err       error
	onCommand func(Command)
	called    chan Command
}

// NewDesk returns a desk that records commands and also sends each one on Called. That
// channel has room for 1024 commands and drops the ones beyond, which Commands still lists.
func NewDesk() *Desk {
	return &Desk{called: make(chan Command, 1024)}
}

// Called returns the channel on which every command is sent after it is recorded.
func (d *Desk) Called() <-chan Command { return d.called }

// SetError makes every later call return err (nil to succeed again).
func (d *Desk) SetError(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()

	d.err = err
}

// OnCommand sets a hook that runs for every command.
func (d *Desk) OnCommand(f func(Command)) {
	d.mu.Lock()
	defer d.mu.Unlock()

	d.onCommand = f
}

// Commands returns a copy of the recorded commands.
func (d *Desk) Commands() []Command {
	d.mu.Lock()
	defer d.mu.Unlock()

	return slices.Clone(d.commands)
}

func (d *Desk) record(c Command) error {
	d.mu.Lock()
	d.commands = append(d.commands, c)
	err, hook := d.err, d.onCommand
	d.mu.Unlock()

	select {
	case d.called <- c:
	default:
	}
	if err != nil {
		return err
	}
	if hook != nil {
		hook(c)
	}
	return nil
}

// SetStatus implements api.AgentDesk.
func (d *Desk) SetStatus(_ context.Context, agentID string, s protocol.SetStatus) error {
	return d.record(Command{Method: "SetStatus", AgentID: agentID, Data: s})
}

// Answer implements api.AgentDesk.
func (d *Desk) Answer(_ context.Context, agentID, callID string) error {
	return d.record(Command{Method: "Answer", AgentID: agentID, CallID: callID})
}

// Hangup implements api.AgentDesk.
func (d *Desk) Hangup(_ context.Context, agentID, callID string) error {
	return d.record(Command{Method: "Hangup", AgentID: agentID, CallID: callID})
}

// Hold implements api.AgentDesk.
func (d *Desk) Hold(_ context.Context, agentID, callID string, onHold bool) error {
	method := "Hold"
	if !onHold {
		method = "Unhold"
	}
	return d.record(Command{Method: method, AgentID: agentID, CallID: callID})
}

// Transfer implements api.AgentDesk.
func (d *Desk) Transfer(_ context.Context, agentID string, t protocol.Transfer) error {
	return d.record(Command{Method: "Transfer", AgentID: agentID, CallID: t.CallID, Data: t})
}

// SaveDisposition implements api.AgentDesk.
func (d *Desk) SaveDisposition(_ context.Context, agentID string, s protocol.SaveDisposition) error {
	return d.record(Command{Method: "SaveDisposition", AgentID: agentID, CallID: s.CallID, Data: s})
}

// Contacts is an in-memory api.Contacts.
type Contacts struct {
	mu      sync.Mutex
	cards   map[string]protocol.Card
	history map[string][]protocol.Interaction // newest first
	nextID  int
}

// NewContacts returns an empty contact set.
func NewContacts() *Contacts {
	return &Contacts{cards: make(map[string]protocol.Card), history: make(map[string][]protocol.Interaction)}
}

// Put adds or replaces a card and its full history, newest first.
func (c *Contacts) Put(card protocol.Card, history []protocol.Interaction) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.cards[card.ContactID] = card
	c.history[card.ContactID] = slices.Clone(history)
}

// Card implements api.Contacts.
func (c *Contacts) Card(_ context.Context, contactID string) (protocol.Card, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	card, ok := c.cards[contactID]
	if !ok {
		return protocol.Card{}, fmt.Errorf("contact %s: %w", contactID, api.ErrNotFound)
	}
	return card, nil
}

// History implements api.Contacts.
func (c *Contacts) History(_ context.Context, q protocol.GetHistory) ([]protocol.Interaction, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	if _, ok := c.cards[q.ContactID]; !ok {
		return nil, fmt.Errorf("history of contact %s: %w", q.ContactID, api.ErrNotFound)
	}
	var out []protocol.Interaction
	for _, it := range c.history[q.ContactID] {
		if q.Before != nil && !it.At.Before(*q.Before) {
			continue
		}
		if len(out) == q.Limit {
			break
		}
		out = append(out, it)
	}
	return out, nil
}

// Create implements api.Contacts.
func (c *Contacts) Create(_ context.Context, _ string, n protocol.CreateContact) (protocol.Card, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.nextID++
	card := protocol.Card{
		ContactID:    fmt.Sprintf("new-%d", c.nextID),
		Name:         n.Name,
		Company:      n.Company,
		Phones:       slices.Clone(n.Phones),
		Emails:       slices.Clone(n.Emails),
		Tags:         []string{},
		Interactions: []protocol.Interaction{},
		OpenTickets:  []protocol.Ticket{},
	}
	c.cards[card.ContactID] = card
	return card, nil
}

// Search implements api.Contacts over the stored cards, ordered by name. It follows the
// real store's rules loosely. Each word of the query must start a word of the name (any
// case, ё the same as е), or the query's digits must equal a phone's digits. So "+7 495
// 123-45-67" finds +74951234567, but the national form "8 495 …" does not.
func (c *Contacts) Search(_ context.Context, q protocol.SearchContacts) (protocol.ContactList, error) {
	c.mu.Lock()
	defer c.mu.Unlock()

	var matched []protocol.Card
	for _, card := range c.cards {
		if q.Tag != "" && !slices.ContainsFunc(card.Tags, func(t string) bool { return strings.EqualFold(t, q.Tag) }) {
			continue
		}
		if matchesName(card.Name, q.Query) || matchesPhone(card.Phones, q.Query) {
			matched = append(matched, card)
		}
	}
	slices.SortFunc(matched, func(a, b protocol.Card) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ContactID, b.ContactID))
	})

	list := protocol.ContactList{Contacts: []protocol.ContactSummary{}}
	for i, card := range matched {
		if i < q.Offset {
			continue
		}
		if len(list.Contacts) == q.Limit {
			list.More = true
			break
		}
		summary := protocol.ContactSummary{
			ContactID: card.ContactID, Name: card.Name, Company: card.Company, VIP: card.VIP,
			Phones: []protocol.ContactPhone{}, Emails: slices.Clone(card.Emails), Tags: slices.Clone(card.Tags),
		}
		for j, p := range card.Phones {
			summary.Phones = append(summary.Phones, protocol.ContactPhone{Number: p.Number, Entered: p.Number, Label: p.Label, Primary: j == 0})
		}
		list.Contacts = append(list.Contacts, summary)
	}
	return list, nil
}

func matchesName(name, query string) bool {
	fold := strings.NewReplacer("ё", "е", "Ё", "е")
	words := strings.Fields(strings.ToLower(fold.Replace(name)))
	for _, w := range strings.Fields(strings.ToLower(fold.Replace(query))) {
		if !slices.ContainsFunc(words, func(n string) bool { return strings.HasPrefix(n, w) }) {
			return false
		}
	}
	return true
}

func matchesPhone(phones []protocol.Phone, query string) bool {
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	want := digits(query)
	return want != "" && slices.ContainsFunc(phones, func(p protocol.Phone) bool { return digits(p.Number) == want })
}

// State is an in-memory api.StateProvider. Agents never set are not found.
type State struct {
	mu     sync.Mutex
	agents map[string]agentEntry
}

type agentEntry struct {
	state protocol.AgentState
	call  *protocol.CallState
}

// NewState returns a state with no agents.
func NewState() *State {
	return &State{agents: make(map[string]agentEntry)}
}

// Set sets an agent's state and call (nil for none).
func (s *State) Set(state protocol.AgentState, call *protocol.CallState) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if state.Since.IsZero() {
		state.Since = time.Now().UTC()
	}
	s.agents[state.AgentID] = agentEntry{state: state, call: call}
}

// AgentState implements api.StateProvider.
func (s *State) AgentState(_ context.Context, agentID string) (protocol.AgentState, *protocol.CallState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	e, ok := s.agents[agentID]
	if !ok {
		return protocol.AgentState{}, nil, fmt.Errorf("agent %s: %w", agentID, api.ErrNotFound)
	}
	if e.call == nil {
		return e.state, nil, nil
	}
	call := *e.call
	return e.state, &call, nil
}
