package callflow

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

var _ api.TransferTargetsProvider = (*Flow)(nil)

// TransferTargets returns every configured queue with its waiting calls and available
// agents, and every signed-in agent but agentID, read in one turn of the loop like the
// wallboard.
func (f *Flow) TransferTargets(ctx context.Context, agentID string) (protocol.TransferTargets, error) {
	var targets protocol.TransferTargets
	err := f.do(ctx, func() { targets = f.transferTargets(agentID) })
	if err != nil {
		return protocol.TransferTargets{}, unavailable(err)
	}
	return targets, nil
}

// transferTargets runs on the loop.
func (f *Flow) transferTargets(agentID string) protocol.TransferTargets {
	board := f.wallboard()

	targets := protocol.TransferTargets{
		Queues: make([]protocol.TransferQueue, 0, len(board.Queues)),
		Agents: make([]protocol.TransferAgent, 0, len(board.Agents)),
	}
	for _, q := range board.Queues {
		targets.Queues = append(targets.Queues, protocol.TransferQueue{
			Name: q.Queue, Waiting: q.Waiting, Available: q.Agents[protocol.StateAvailable],
		})
	}
	for _, a := range board.Agents {
		if a.AgentID == agentID {
			continue
		}
		targets.Agents = append(targets.Agents, protocol.TransferAgent{
			AgentID: a.AgentID, Name: a.Name, State: a.State, Reason: a.Reason,
		})
	}
	slices.SortStableFunc(targets.Agents, func(a, b protocol.TransferAgent) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.AgentID, b.AgentID))
	})
	return targets
}

// unknownTransferAgent reports whether no agent has the id targetID. The routing engine
// forgets agents when they sign out and rejects both kinds of target as unknown, so this asks
// the directory, off the loop. When the directory fails, the caller keeps its reason
// "not available".
func (f *Flow) unknownTransferAgent(ctx context.Context, agentID, targetID string) bool {
	_, err := f.opts.Directory.Agent(ctx, targetID)
	switch {
	case err == nil:
		return false
	case errors.Is(err, api.ErrNotFound), errors.Is(err, api.ErrInvalid):
		return true
	}
	f.log.Warn("look up transfer target failed", "agent_id", agentID, "target_agent_id", targetID, "error", err)
	return false
}
