package node

import (
	"context"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/directory"
)

// linkedContacts is the desk's view of contacts: the directory's, except that a contact
// created from a call's unknown-caller card is also linked to that call's record.
type linkedContacts struct {
	*directory.Directory
	flow *callflow.Flow
}

var _ api.Contacts = linkedContacts{}

// Create creates the contact and links it to c.CallID when the desk names a call.
func (l linkedContacts) Create(ctx context.Context, agentID string, c protocol.CreateContact) (protocol.Card, error) {
	card, err := l.Directory.Create(ctx, agentID, c)
	if err != nil || c.CallID == "" {
		return card, err
	}
	if err := l.flow.LinkContact(ctx, agentID, c.CallID, card); err != nil {
		return card, err
	}
	return card, nil
}
