package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Message types that the client sends. The server replies to each command with an ack or an
// error frame that carries the command's id.
const (
	TypePing            = "ping"
	TypeSetStatus       = "agent.set_status"
	TypeCallAnswer      = "call.answer"
	TypeCallHangup      = "call.hangup"
	TypeCallHold        = "call.hold"
	TypeCallUnhold      = "call.unhold"
	TypeCallTransfer    = "call.transfer"
	TypeCallDisposition = "call.disposition"
	TypeContactCreate   = "contact.create"
	TypeContactGet      = "contact.get"
	TypeContactHistory  = "contact.history"
	TypeContactSearch   = "contact.search"
)

// ClientTypes lists every message type a client may send.
func ClientTypes() []string {
	return []string{
		TypeSuperviseStart, TypeSuperviseMode, TypeSuperviseStop,
		TypePing, TypeSetStatus, TypeCallAnswer, TypeCallHangup, TypeCallHold, TypeCallUnhold,
		TypeCallTransfer, TypeCallDisposition, TypeContactCreate, TypeContactGet, TypeContactHistory,
		TypeContactSearch, TypeTransferTargets, TypeCallbacksList, TypeCallbacksDone,
	}
}

func isClientType(t string) bool { return NewCommand(t) != nil }

// Limits on command fields, so that one request cannot store unbounded text.
const (
	MaxNoteLength   = 4000 // characters
	MaxNameLength   = 200  // characters
	MaxCodeLength   = 64   // bytes, for reason and disposition codes and ids
	MaxPhones       = 10
	MaxHistoryLimit = 200
)

// Limits of contact.search. PostgreSQL reads and discards every row that an offset skips,
// so a deep page costs as much as all the pages before it. A search that needs more than the
// first 10,000 matches should be narrowed instead.
const (
	MaxSearchLength    = 200 // characters of the search text
	MaxSearchLimit     = 100 // contacts per page
	DefaultSearchLimit = 50
	MaxSearchOffset    = 10_000
)

// Command is a decoded, validated client command: one of the pointer types below.
type Command interface {
	// Validate checks the fields and returns an error that names the invalid value.
	Validate() error
}

// Ping requests a pong, which clients use to measure the round trip.
type Ping struct{}

// SetStatus changes the agent's own state. Status is available, paused or logged_out; Reason
// is required for paused. Endpoint is the phone the agent sits at, for hot-desking, and is
// allowed only with available: PJSIP/<resource> or SIP/<resource> (see ValidateEndpoint).
// Empty keeps the agent's current endpoint or, at sign-in, the fixed one. A signed-in agent
// who is not ringing or on a call moves to the new endpoint.
type SetStatus struct {
	Status   string `json:"status"`
	Reason   string `json:"reason,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
}

// CallRef names the call that call.answer, call.hangup, call.hold and call.unhold act on.
type CallRef struct {
	CallID string `json:"call_id"`
}

// Transfer hands the call to another agent or to a queue: exactly one of AgentID and Queue.
type Transfer struct {
	CallID  string `json:"call_id"`
	AgentID string `json:"agent_id,omitempty"`
	Queue   string `json:"queue,omitempty"`
}

// SaveDisposition records the outcome of a call. CallbackAt, when set, schedules a callback
// to the same caller.
type SaveDisposition struct {
	CallID     string     `json:"call_id"`
	Code       string     `json:"code"`
	Note       string     `json:"note,omitempty"`
	CallbackAt *time.Time `json:"callback_at,omitempty"`
}

// CreateContact creates a contact from the unknown-caller card. CallID links the new contact
// to the call in progress, so the call record and the history show it.
type CreateContact struct {
	CallID  string   `json:"call_id,omitempty"`
	Name    string   `json:"name"`
	Company string   `json:"company,omitempty"`
	Phones  []Phone  `json:"phones"`
	Emails  []string `json:"emails,omitempty"`
	Note    string   `json:"note,omitempty"`
}

// GetContact requests a contact card.
type GetContact struct {
	ContactID string `json:"contact_id"`
}

// GetHistory requests a contact's interactions, newest first. Before pages backwards: only
// interactions strictly older are returned. Limit defaults to 20.
type GetHistory struct {
	ContactID string     `json:"contact_id"`
	Limit     int        `json:"limit,omitempty"`
	Before    *time.Time `json:"before,omitempty"`
}

// History is the reply to contact.history.
type History struct {
	ContactID    string        `json:"contact_id"`
	Interactions []Interaction `json:"interactions"`
}

// SearchContacts requests a page of live contacts. Query matches contacts whose name has a
// word starting with each word of Query (any case, any order, ё the same as е), or who have
// the phone number Query in any written form. An empty Query matches every contact. Tag
// keeps the contacts with that tag (any case). Limit defaults to DefaultSearchLimit.
type SearchContacts struct {
	Query  string `json:"q,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Limit  int    `json:"limit,omitempty"`
	Offset int    `json:"offset,omitempty"`
}

// DecodeCommand decodes the data of an envelope that DecodeEnvelope accepted into the
// command of its type and validates it. Unknown fields are rejected, so a misspelt field is an
// error instead of a silently missing value. The returned error is always a *DecodeError.
func DecodeCommand(env Envelope) (Command, error) {
	cmd := NewCommand(env.Type)
	if cmd == nil {
		return nil, &DecodeError{Code: CodeUnknownType, Detail: fmt.Sprintf("unknown message type %q", truncate(env.Type, 64)), ID: env.ID}
	}

	if err := DecodeData(env.Data, cmd); err != nil {
		return nil, &DecodeError{Code: CodeInvalidRequest, Detail: err.Error(), ID: env.ID}
	}

	if err := cmd.Validate(); err != nil {
		return nil, &DecodeError{Code: CodeInvalidRequest, Reason: ValidationReason(err), Detail: err.Error(), ID: env.ID}
	}
	return cmd, nil
}

// NewCommand returns a zero command for a client message type, or nil for an unknown type.
func NewCommand(msgType string) Command {
	switch msgType {
	case TypePing:
		return &Ping{}
	case TypeSuperviseStart:
		return &SuperviseStart{}
	case TypeSuperviseMode:
		return &SuperviseMode{}
	case TypeSuperviseStop:
		return &SuperviseStop{}
	case TypeSetStatus:
		return &SetStatus{}
	case TypeCallAnswer, TypeCallHangup, TypeCallHold, TypeCallUnhold:
		return &CallRef{}
	case TypeCallTransfer:
		return &Transfer{}
	case TypeCallDisposition:
		return &SaveDisposition{}
	case TypeContactCreate:
		return &CreateContact{}
	case TypeContactGet:
		return &GetContact{}
	case TypeContactHistory:
		return &GetHistory{}
	case TypeContactSearch:
		return &SearchContacts{}
	case TypeTransferTargets:
		return &GetTransferTargets{}
	case TypeCallbacksList:
		return &ListCallbacks{}
	case TypeCallbacksDone:
		return &CompleteCallback{}
	}
	return nil
}

// DecodeData strictly decodes a JSON object into dst: unknown fields and trailing data are
// errors. Absent or null data leaves dst at its zero value.
func DecodeData(data []byte, dst any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return nil
	}

	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("invalid data: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("invalid data: unexpected content after the JSON object")
	}
	return nil
}

// Validate implements Command.
func (*Ping) Validate() error { return nil }

// Validate implements Command.
func (c *SetStatus) Validate() error {
	switch c.Status {
	case StateAvailable, StateLoggedOut:
		if c.Reason != "" {
			return fmt.Errorf("reason %q is only allowed with status %q", truncate(c.Reason, 64), StatePaused)
		}
	case StatePaused:
		if err := checkCode("reason", c.Reason); err != nil {
			return err
		}
	case "":
		return fmt.Errorf("missing status: send %q, %q or %q", StateAvailable, StatePaused, StateLoggedOut)
	default:
		return fmt.Errorf("invalid status %q: send %q, %q or %q", truncate(c.Status, 64), StateAvailable, StatePaused, StateLoggedOut)
	}

	if c.Endpoint != "" {
		if c.Status != StateAvailable {
			return fmt.Errorf("endpoint %q is only allowed with status %q", truncate(c.Endpoint, 64), StateAvailable)
		}
		return ValidateEndpoint(c.Endpoint)
	}
	return nil
}

// Validate implements Command.
func (c *CallRef) Validate() error { return checkCode("call_id", c.CallID) }

// Validate implements Command.
func (c *Transfer) Validate() error {
	if err := checkCode("call_id", c.CallID); err != nil {
		return err
	}

	switch {
	case c.AgentID != "" && c.Queue != "":
		return fmt.Errorf("both agent_id and queue are set: transfer to one of them")
	case c.AgentID != "":
		return checkCode("agent_id", c.AgentID)
	case c.Queue != "":
		return checkCode("queue", c.Queue)
	}
	return fmt.Errorf("missing transfer target: set agent_id or queue")
}

// Validate implements Command.
func (c *SaveDisposition) Validate() error {
	if err := checkCode("call_id", c.CallID); err != nil {
		return err
	}
	if err := checkCode("code", c.Code); err != nil {
		return err
	}
	if err := checkText("note", c.Note, MaxNoteLength); err != nil {
		return err
	}
	if c.CallbackAt != nil && c.CallbackAt.IsZero() {
		return fmt.Errorf("invalid callback_at: send an RFC 3339 time or leave it out")
	}
	return nil
}

// Validate implements Command.
func (c *CreateContact) Validate() error {
	if c.CallID != "" {
		if err := checkCode("call_id", c.CallID); err != nil {
			return err
		}
	}

	if strings.TrimSpace(c.Name) == "" {
		return fmt.Errorf("missing name")
	}
	if err := checkText("name", c.Name, MaxNameLength); err != nil {
		return err
	}
	if err := checkText("company", c.Company, MaxNameLength); err != nil {
		return err
	}
	if err := checkText("note", c.Note, MaxNoteLength); err != nil {
		return err
	}

	if len(c.Phones) == 0 {
		return fmt.Errorf("missing phones: send at least one number")
	}
	if len(c.Phones) > MaxPhones {
		return fmt.Errorf("%d phones given, the maximum is %d", len(c.Phones), MaxPhones)
	}
	for i, p := range c.Phones {
		if strings.TrimSpace(p.Number) == "" {
			return fmt.Errorf("phones[%d]: missing number", i)
		}
		if err := checkText(fmt.Sprintf("phones[%d].number", i), p.Number, MaxCodeLength); err != nil {
			return err
		}
		if err := checkText(fmt.Sprintf("phones[%d].label", i), p.Label, MaxCodeLength); err != nil {
			return err
		}
	}

	if len(c.Emails) > MaxPhones {
		return fmt.Errorf("%d emails given, the maximum is %d", len(c.Emails), MaxPhones)
	}
	for i, e := range c.Emails {
		if err := checkText(fmt.Sprintf("emails[%d]", i), e, MaxNameLength); err != nil {
			return err
		}
	}
	return nil
}

// Validate implements Command.
func (c *GetContact) Validate() error { return checkCode("contact_id", c.ContactID) }

// Validate implements Command. It also sets Limit to its default of 20 when it is zero.
func (c *GetHistory) Validate() error {
	if err := checkCode("contact_id", c.ContactID); err != nil {
		return err
	}
	if c.Limit < 0 || c.Limit > MaxHistoryLimit {
		return fmt.Errorf("invalid limit %d: send 1 to %d, or leave it out for 20", c.Limit, MaxHistoryLimit)
	}
	if c.Limit == 0 {
		c.Limit = 20
	}
	return nil
}

// Validate implements Command. It also sets Limit to DefaultSearchLimit when it is zero.
func (c *SearchContacts) Validate() error {
	if err := checkText("q", c.Query, MaxSearchLength); err != nil {
		return err
	}
	if hasControl(c.Query) {
		return fmt.Errorf("invalid q %q: control characters are not allowed", truncate(c.Query, 64))
	}
	if c.Tag != "" {
		if err := checkCode("tag", c.Tag); err != nil {
			return err
		}
	}
	if c.Limit < 0 || c.Limit > MaxSearchLimit {
		return fmt.Errorf("invalid limit %d: send 1 to %d, or leave it out for %d", c.Limit, MaxSearchLimit, DefaultSearchLimit)
	}
	if c.Offset < 0 || c.Offset > MaxSearchOffset {
		return fmt.Errorf("invalid offset %d: send 0 to %d, and narrow the search to reach contacts beyond it", c.Offset, MaxSearchOffset)
	}
	if c.Limit == 0 {
		c.Limit = DefaultSearchLimit
	}
	return nil
}

// hasControl reports whether s contains an ASCII control character.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// checkCode checks an identifier or code: present, at most MaxCodeLength bytes, printable.
func checkCode(field, v string) error {
	if v == "" {
		return fmt.Errorf("missing %s", field)
	}
	if len(v) > MaxCodeLength {
		return fmt.Errorf("invalid %s: %d bytes long, the maximum is %d", field, len(v), MaxCodeLength)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("invalid %s: not valid UTF-8", field)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("invalid %s %q: control characters are not allowed", field, v)
		}
	}
	return nil
}

// checkText checks free text: valid UTF-8 of at most maxChars characters.
func checkText(field, v string, maxChars int) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("invalid %s: not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(v); n > maxChars {
		return fmt.Errorf("invalid %s: %d characters long, the maximum is %d", field, n, maxChars)
	}
	return nil
}
