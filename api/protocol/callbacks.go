package protocol

import (
	"fmt"
	"strconv"
	"time"
)

// Callback commands. Only agents may send them. The ack of callbacks.list carries
// CallbackList, and callbacks.done has an empty ack.
const (
	TypeCallbacksList = "callbacks.list"
	TypeCallbacksDone = "callbacks.done"
)

// ListCallbacks requests the agent's open callbacks. It has no fields.
type ListCallbacks struct{}

// Validate implements Command.
func (*ListCallbacks) Validate() error { return nil }

// CompleteCallback marks one of the agent's callbacks done. A callback the agent may not
// see (another agent's, another queue's, already closed or unknown) fails with not_found.
type CompleteCallback struct {
	TaskID string `json:"task_id"`
}

// Validate implements Command.
func (c *CompleteCallback) Validate() error {
	if c.TaskID == "" {
		return fmt.Errorf("missing task_id: send the task_id of a callback from callbacks.list")
	}
	if id, err := strconv.ParseInt(c.TaskID, 10, 64); err != nil || id <= 0 {
		return fmt.Errorf("invalid task_id %q: send the positive decimal task_id of a callback from callbacks.list", truncate(c.TaskID, 64))
	}
	return nil
}

// CallbackList is the reply to callbacks.list: the open and in-progress callbacks assigned
// to the agent, and the unassigned ones of the agent's queues, soonest due first. The list
// holds at most MaxCallbacks entries.
type CallbackList struct {
	Callbacks []Callback `json:"callbacks"`
}

// MaxCallbacks is the maximum number of callbacks that callbacks.list returns.
const MaxCallbacks = 200

// Callback is a callback that an agent is to make. The desk shows it under its own
// translated label, because the stored title is English.
type Callback struct {
	TaskID string `json:"task_id"`
	// Status is open, or in_progress while the dialler is calling it.
	Status string `json:"status"`
	// ContactID and ContactName are empty when no contact is linked.
	ContactID   string `json:"contact_id,omitempty"`
	ContactName string `json:"contact_name,omitempty"`
	// Phone is the number in E.164. PhoneDisplay is the same number in the international
	// format for people to read, such as "+7 495 123-45-67".
	Phone        string `json:"phone"`
	PhoneDisplay string `json:"phone_display"`
	// Queue is empty for a callback assigned to an agent outside any queue.
	Queue string    `json:"queue,omitempty"`
	DueAt time.Time `json:"due_at"`
	Note  string    `json:"note,omitempty"`
	// Attempts counts the dialling attempts made so far.
	Attempts int `json:"attempts"`
	// Assigned is true for a callback assigned to the agent, false for a queue's callback.
	Assigned bool `json:"assigned"`
}
