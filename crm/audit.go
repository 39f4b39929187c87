package crm

import (
	"encoding/json"
	"time"
)

// ActorSystem is the actor of changes made by Switchboard itself (imports, the dialer).
const ActorSystem = "system"

// AuditEntry records who did what to which record.
type AuditEntry struct {
	ID int64
	At time.Time
	// ActorID is the user's id, or 0 for the system.
	ActorID int64
	// Actor is the user's login at the time, or ActorSystem.
	Actor string
	// Action is a verb phrase such as "contact.update" or "user.login".
	Action   string
	Entity   string
	EntityID string
	// Details is a JSON object; nil is stored as {}.
	Details json.RawMessage
}

// ContactCard is the screen-pop shown to an agent when a call rings: the contact, its
// company, recent calls and the work still open for it.
type ContactCard struct {
	Contact Contact
	// Company is nil when the contact belongs to no company.
	Company *Company
	// Recent holds the latest interactions, newest first.
	Recent      []Interaction
	OpenTickets []Ticket
	// OpenTasks holds open tasks and callbacks for the contact, soonest due first.
	OpenTasks []Task
}
