package api

import (
	"context"
	"fmt"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// Callbacks lists and closes the callbacks an agent is to make: the open callbacks assigned
// to the agent and the unassigned ones of the queues the agent serves.
type Callbacks interface {
	// ListCallbacks returns the agent's open callbacks, soonest due first.
	ListCallbacks(ctx context.Context, agentID string) (protocol.CallbackList, error)
	// CompleteCallback marks the callback done. A callback the agent may not see returns an
	// error wrapping ErrNotFound.
	CompleteCallback(ctx context.Context, agentID, taskID string) error
}

// listCallbacks runs callbacks.list for the agent. A nil list becomes an empty one, so that
// clients always get an array.
func (s *Server) listCallbacks(ctx context.Context, agentID string) (protocol.CallbackList, error) {
	if s.deps.Callbacks == nil {
		return protocol.CallbackList{}, fmt.Errorf("%w: callbacks are not available on this server", ErrUnavailable)
	}
	list, err := s.deps.Callbacks.ListCallbacks(ctx, agentID)
	if err != nil {
		return protocol.CallbackList{}, fmt.Errorf("list callbacks of agent %s: %w", agentID, err)
	}
	if list.Callbacks == nil {
		list.Callbacks = []protocol.Callback{}
	}
	return list, nil
}

// completeCallback runs callbacks.done for the agent.
func (s *Server) completeCallback(ctx context.Context, agentID, taskID string) error {
	if s.deps.Callbacks == nil {
		return fmt.Errorf("%w: callbacks are not available on this server", ErrUnavailable)
	}
	if err := s.deps.Callbacks.CompleteCallback(ctx, agentID, taskID); err != nil {
		return fmt.Errorf("complete callback %s of agent %s: %w", taskID, agentID, err)
	}
	return nil
}
