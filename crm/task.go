package crm

import (
	"fmt"
	"strings"
	"time"
)

// TaskKind separates plain to-dos from callbacks.
type TaskKind string

// Task kinds.
const (
	KindTask TaskKind = "task"
	// KindCallback is a call to Phone at DueAt, by the assignee or, with no assignee,
	// by the agents of Queue.
	KindCallback TaskKind = "callback"
)

// TaskStatus is the state of a task or callback.
type TaskStatus string

// Task statuses. Done, cancelled and failed are final.
const (
	TaskOpen       TaskStatus = "open"
	TaskInProgress TaskStatus = "in_progress"
	TaskDone       TaskStatus = "done"
	TaskCancelled  TaskStatus = "cancelled"
	// TaskFailed means a callback used up its attempts without reaching the contact.
	TaskFailed TaskStatus = "failed"
)

// Final reports whether s ends the task.
func (s TaskStatus) Final() bool { return s == TaskDone || s == TaskCancelled || s == TaskFailed }

// Valid reports whether s is a known status.
func (s TaskStatus) Valid() bool { return s.Final() || s == TaskOpen || s == TaskInProgress }

// Task is a to-do or a scheduled callback.
type Task struct {
	ID    int64
	Kind  TaskKind
	Title string
	Note  string
	// DueAt is zero for a task without a deadline; callbacks always have one.
	DueAt  time.Time
	Status TaskStatus
	// ContactID, AssigneeID, CreatedBy and InteractionID are 0 when unset.
	ContactID  int64
	AssigneeID int64
	CreatedBy  int64
	// Phone is the E.164 number to call back; empty for plain tasks.
	Phone         string
	Queue         string
	Attempts      int
	InteractionID int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// CompletedAt is set by storage when the status becomes final.
	CompletedAt time.Time
}

// Validate checks the task's fields; the error wraps ErrInvalid.
func (t Task) Validate() error {
	switch t.Kind {
	case KindTask:
		if strings.TrimSpace(t.Title) == "" {
			return fmt.Errorf("%w task: title is empty; say what needs doing", ErrInvalid)
		}
	case KindCallback:
		if t.Phone == "" || t.DueAt.IsZero() {
			return fmt.Errorf("%w callback %q: needs a phone number and a due time", ErrInvalid, t.Title)
		}
	default:
		return fmt.Errorf("%w task %q: kind %q; use task or callback", ErrInvalid, t.Title, t.Kind)
	}
	if t.Phone != "" && !e164Pattern.MatchString(t.Phone) {
		return fmt.Errorf("%w task %q: phone %q is not in E.164 form; normalise it with package crm/phone", ErrInvalid, t.Title, t.Phone)
	}
	if !t.Status.Valid() {
		return fmt.Errorf("%w task %q: status %q; use open, in_progress, done, cancelled or failed", ErrInvalid, t.Title, t.Status)
	}
	if t.Attempts < 0 {
		return fmt.Errorf("%w task %q: negative attempt count %d", ErrInvalid, t.Title, t.Attempts)
	}
	return nil
}
