package api

import (
	"context"
	"fmt"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// TransferTargetsProvider lists what an agent can transfer a call to, read from the owner of
// the queues' and agents' state so that the list matches what call.transfer accepts at that
// moment.
type TransferTargetsProvider interface {
	// TransferTargets returns every configured queue and every signed-in agent except
	// agentID.
	TransferTargets(ctx context.Context, agentID string) (protocol.TransferTargets, error)
}

// transferTargets runs transfer.targets for the agent. Nil lists become empty ones, so that
// clients always get arrays.
func (s *Server) transferTargets(ctx context.Context, agentID string) (protocol.TransferTargets, error) {
	provider := s.deps.TransferTargets
	if provider == nil {
		return protocol.TransferTargets{}, fmt.Errorf("%w: transfer targets are not available on this server", ErrUnavailable)
	}

	targets, err := provider.TransferTargets(ctx, agentID)
	if err != nil {
		return protocol.TransferTargets{}, fmt.Errorf("list transfer targets of agent %s: %w", agentID, err)
	}
	if targets.Queues == nil {
		targets.Queues = []protocol.TransferQueue{}
	}
	if targets.Agents == nil {
		targets.Agents = []protocol.TransferAgent{}
	}
	return targets, nil
}
