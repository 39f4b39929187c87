package callflow

import (
	"cmp"
	"context"
	"slices"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/routing"
)

var _ api.WallboardProvider = (*Flow)(nil)

// Wallboard returns every queue's statistics and every signed-in agent, read in one turn of
// the loop. Notifications published after that turn are newer than the snapshot, so a
// supervisor who applies them in order stays current.
func (f *Flow) Wallboard(ctx context.Context) (protocol.Wallboard, error) {
	var board protocol.Wallboard
	err := f.do(ctx, func() { board = f.wallboard() })
	if err != nil {
		return protocol.Wallboard{}, unavailable(err)
	}
	return board, nil
}

// wallboard runs on the loop.
func (f *Flow) wallboard() protocol.Wallboard {
	// QueryQueues ends with one QueueStats per queue. Timers that fell due since the last turn
	// fire first and may add earlier outputs, among them a periodic QueueStats for every
	// queue, which still goes to all supervisors like any other.
	latest := make(map[string]routing.QueueStats)
	var order []string
	for _, out := range f.engine.Handle(f.now(), routing.QueryQueues{}) {
		stats, ok := out.(routing.QueueStats)
		if !ok {
			f.handleOutput(out)
			continue
		}
		if earlier, seen := latest[stats.Queue]; seen {
			f.handleOutput(earlier)
		} else {
			order = append(order, stats.Queue)
		}
		latest[stats.Queue] = stats
	}

	board := protocol.Wallboard{Queues: []protocol.QueueStats{}, Agents: []protocol.AgentState{}}
	for _, name := range order {
		board.Queues = append(board.Queues, queueStats(latest[name]))
	}
	for _, v := range f.agents {
		if v.state.State != protocol.StateLoggedOut {
			board.Agents = append(board.Agents, v.state)
		}
	}
	slices.SortFunc(board.Agents, func(a, b protocol.AgentState) int { return cmp.Compare(a.AgentID, b.AgentID) })
	return board
}

// agentCall describes the call callID of the agent for supervisors, or returns nil when
// callID is empty. It runs on the loop.
func (f *Flow) agentCall(v *agentView, callID string) *protocol.AgentCall {
	switch {
	case callID == "":
		return nil
	case v.call != nil && v.call.Offer.CallID == callID:
		return &protocol.AgentCall{CallID: callID, Queue: v.call.Offer.Queue, Caller: v.call.Offer.Caller}
	}
	c, ok := f.calls[callID]
	if !ok {
		return &protocol.AgentCall{CallID: callID}
	}
	queue := c.queue
	if c.offer.CallID == callID {
		queue = c.offer.Queue
	}
	return &protocol.AgentCall{CallID: callID, Queue: queue, Caller: c.caller}
}

// loadAgentName reads the display name of an agent whom the node signed in by itself (an
// adopted call's agent) on the call's worker, and publishes the agent's state again with
// it. It runs on the loop.
func (f *Flow) loadAgentName(c *call, agentID string) {
	c.worker.submit(func(ctx context.Context) {
		profile, err := f.opts.Directory.Agent(ctx, agentID)
		if err != nil {
			f.log.Warn("load adopted agent's name failed", "call_id", c.id, "agent_id", agentID, "error", err)
			return
		}
		f.post(func() {
			v := f.view(agentID)
			if v.state.Name == profile.Name || v.state.State == protocol.StateLoggedOut {
				return
			}
			v.state.Name = profile.Name
			f.publish(f.opts.Notifier.PublishAgentState(v.state))
		})
	})
}
