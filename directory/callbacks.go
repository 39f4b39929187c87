package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/nyaruka/phonenumbers"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

// Callbacks implements api.Callbacks over the directory's store. An agent's list contains
// the callbacks assigned to the agent and the unassigned callbacks of the queues in the
// agent's profile. An agent whose profile lists no queues serves every configured queue,
// and also gets the unassigned callbacks that have no queue.
type Callbacks struct {
	dir *Directory
	// queues lists the configured queues.
	queues []string
}

var _ api.Callbacks = (*Callbacks)(nil)

// Callbacks returns the callbacks of the directory's agents. queues lists the configured
// queues.
func (d *Directory) Callbacks(queues []string) *Callbacks {
	return &Callbacks{dir: d, queues: slices.Clone(queues)}
}

// ListCallbacks returns up to protocol.MaxCallbacks open callbacks of the agent, soonest due
// first, with the names of linked contacts.
func (c *Callbacks) ListCallbacks(ctx context.Context, agentID string) (protocol.CallbackList, error) {
	filter, err := c.filter(ctx, agentID)
	if err != nil {
		return protocol.CallbackList{}, err
	}
	filter.Limit = protocol.MaxCallbacks

	tasks, err := c.dir.tasks.ListAgentCallbacks(ctx, filter)
	if err != nil {
		return protocol.CallbackList{}, apiError(err)
	}

	list := protocol.CallbackList{Callbacks: make([]protocol.Callback, 0, len(tasks))}
	names := make(map[int64]string)
	for _, t := range tasks {
		cb := protocol.Callback{
			TaskID: strconv.FormatInt(t.ID, 10), Status: string(t.Status),
			Phone: t.Phone, PhoneDisplay: displayPhone(t.Phone),
			Queue: t.Queue, DueAt: t.DueAt, Note: t.Note, Attempts: t.Attempts,
			Assigned: t.AssigneeID == filter.AssigneeID,
		}
		if t.ContactID != 0 {
			name, ok := names[t.ContactID]
			if !ok {
				if name, err = c.contactName(ctx, t.ContactID); err != nil {
					return protocol.CallbackList{}, err
				}
				names[t.ContactID] = name
			}
			cb.ContactID, cb.ContactName = strconv.FormatInt(t.ContactID, 10), name
		}
		list.Callbacks = append(list.Callbacks, cb)
	}
	return list, nil
}

// CompleteCallback marks the callback done when the agent may see it.
func (c *Callbacks) CompleteCallback(ctx context.Context, agentID, taskID string) error {
	filter, err := c.filter(ctx, agentID)
	if err != nil {
		return err
	}
	id, err := parseID("task", taskID)
	if err != nil {
		return err
	}
	if _, err := c.dir.tasks.CompleteAgentCallback(ctx, id, filter); err != nil {
		return apiError(err)
	}
	return nil
}

// filter returns what the agent may see, from the agent's profile.
func (c *Callbacks) filter(ctx context.Context, agentID string) (storage.AgentCallbacks, error) {
	profile, err := c.dir.Agent(ctx, agentID)
	if err != nil {
		return storage.AgentCallbacks{}, err
	}
	id, err := parseID("agent", agentID)
	if err != nil {
		return storage.AgentCallbacks{}, err
	}

	queues := profile.Queues
	if len(queues) == 0 {
		queues = append(slices.Clone(c.queues), "")
	}
	return storage.AgentCallbacks{AssigneeID: id, Queues: queues}, nil
}

// contactName returns the contact's full name. A contact soft-deleted since the callback
// was scheduled keeps its name, and a contact that no longer exists has none.
func (c *Callbacks) contactName(ctx context.Context, id int64) (string, error) {
	contact, err := c.dir.contacts.Get(ctx, id)
	if errors.Is(err, crm.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", apiError(fmt.Errorf("read contact %d of a callback: %w", id, err))
	}
	return fullName(contact), nil
}

// displayPhone formats an E.164 number in the international format, or returns it unchanged
// when it does not parse.
func displayPhone(e164 string) string {
	parsed, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(parsed, phonenumbers.INTERNATIONAL)
}
