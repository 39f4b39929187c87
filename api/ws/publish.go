package ws

import (
	"fmt"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// The Publish methods are what the integration layer calls when the routing engine reports
// a change. Each encodes the frame once and queues it without blocking. They return the
// number of connections the frame was queued on, so a caller can log a screen-pop that
// reached nobody, and an error only when the payload cannot be encoded.

// PublishAgentState sends agent.state to every connection of the agent and to every
// supervisor.
func (h *Hub) PublishAgentState(s protocol.AgentState) (int, error) {
	frame, err := protocol.Encode(protocol.TypeAgentState, "", s)
	if err != nil {
		return 0, fmt.Errorf("publish agent state of %s: %w", s.AgentID, err)
	}
	return h.sendToUserAndRole(s.AgentID, protocol.RoleSupervisor, frame), nil
}

// PublishCallOffered sends the screen-pop to every connection of the agent who is reserved
// for the call.
func (h *Hub) PublishCallOffered(agentID string, offer protocol.CallOffered) (int, error) {
	return h.publish(agentID, protocol.TypeCallOffered, offer.CallID, offer)
}

// PublishCallAnswered sends call.answered to every connection of the agent; tabs other than
// the one that answered stop ringing.
func (h *Hub) PublishCallAnswered(agentID string, a protocol.CallAnswered) (int, error) {
	return h.publish(agentID, protocol.TypeCallAnswered, a.CallID, a)
}

// PublishCallHeld sends call.held to every connection of the agent.
func (h *Hub) PublishCallHeld(agentID string, held protocol.CallHeld) (int, error) {
	return h.publish(agentID, protocol.TypeCallHeld, held.CallID, held)
}

// PublishCallEnded sends call.ended to every connection of the agent.
func (h *Hub) PublishCallEnded(agentID string, e protocol.CallEnded) (int, error) {
	return h.publish(agentID, protocol.TypeCallEnded, e.CallID, e)
}

// PublishWrapupStarted sends wrapup.started to every connection of the agent.
func (h *Hub) PublishWrapupStarted(agentID string, w protocol.WrapupStarted) (int, error) {
	return h.publish(agentID, protocol.TypeWrapupStarted, w.CallID, w)
}

func (h *Hub) publish(agentID, msgType, callID string, data any) (int, error) {
	frame, err := protocol.Encode(msgType, "", data)
	if err != nil {
		return 0, fmt.Errorf("publish %s for call %s to agent %s: %w", msgType, callID, agentID, err)
	}

	n := h.SendToUser(agentID, frame)
	h.log.Debug("published", "type", msgType, "agent_id", agentID, "call_id", callID, "connections", n)
	return n, nil
}

// PublishQueueStats sends queue.stats to every supervisor.
func (h *Hub) PublishQueueStats(q protocol.QueueStats) (int, error) {
	frame, err := protocol.Encode(protocol.TypeQueueStats, "", q)
	if err != nil {
		return 0, fmt.Errorf("publish stats of queue %s: %w", q.Queue, err)
	}
	return h.SendToRole(protocol.RoleSupervisor, frame), nil
}
