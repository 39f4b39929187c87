package callflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/calllog"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/routing"
)

// The methods below implement api.AgentDesk and api.StateProvider: the desk's commands enter
// the loop through do, and their effects reach the desk as notifications.

var (
	_ api.AgentDesk     = (*Flow)(nil)
	_ api.StateProvider = (*Flow)(nil)
)

// SetStatus signs the agent in (available), pauses them with a reason, or signs them out.
// An endpoint with available moves a signed-in agent to that phone unless a call rings for
// them or they are on a call.
func (f *Flow) SetStatus(ctx context.Context, agentID string, s protocol.SetStatus) error {
	if s.Endpoint != "" {
		// The API validates the endpoint too. This check keeps any other caller from making
		// the node dial an arbitrary dial string.
		if err := protocol.ValidateEndpoint(s.Endpoint); err != nil {
			return fmt.Errorf("%w: agent %s: %w", api.ErrInvalid, agentID, err)
		}
	}

	var profile AgentProfile
	if s.Status == protocol.StateAvailable {
		p, err := f.opts.Directory.Agent(ctx, agentID)
		if err != nil {
			return fmt.Errorf("load agent %s: %w", agentID, err)
		}
		profile = p
	}

	var result error
	err := f.do(ctx, func() {
		v := f.view(agentID)
		signedIn := v.state.State != protocol.StateLoggedOut
		if profile.Name != "" {
			// The next agent.state carries the name to supervisors.
			v.state.Name = profile.Name
		}

		var in routing.Input
		switch s.Status {
		case protocol.StateAvailable:
			if signedIn {
				if err := f.changeEndpoint(v, s.Endpoint); err != nil {
					result = err
					return
				}
				in = routing.AgentReady{AgentID: agentID}
				break
			}
			endpoint := s.Endpoint
			if endpoint == "" {
				endpoint = profile.Endpoint
			}
			if endpoint == "" {
				result = fmt.Errorf("%w: agent %s has no fixed phone; choose the phone endpoint you sit at", api.Conflict(protocol.ReasonNoPhone), agentID)
				return
			}
			queues, err := f.signInQueues(agentID, profile.Queues)
			if err != nil {
				result = err
				return
			}
			v.state.Endpoint = endpoint
			in = routing.AgentSignIn{AgentID: agentID, Endpoint: endpoint, Skills: profile.Skills, Queues: queues}
		case protocol.StatePaused:
			if !signedIn {
				result = fmt.Errorf("%w: agent %s is signed out; become available first", api.Conflict(protocol.ReasonAgentSignedOut), agentID)
				return
			}
			in = routing.AgentPause{AgentID: agentID, Reason: s.Reason}
		case protocol.StateLoggedOut:
			if !signedIn {
				return
			}
			in = routing.AgentSignOut{AgentID: agentID}
		default:
			result = fmt.Errorf("%w: status %q", api.ErrInvalid, s.Status)
			return
		}
		result = deskError(rejection(f.route(in)), statusConflictReason(v.state.State))
	})
	if err != nil {
		return unavailable(err)
	}
	return result
}

// signInQueues returns the queues the agent signs in to. An agent with no assigned queue
// serves every configured queue. Otherwise the agent serves the assigned queues that this
// node serves. An assigned queue that the node does not serve (another node's, or one
// removed from the configuration since) is logged and skipped, so that it does not keep the
// agent from the other queues' calls. It runs on the loop.
func (f *Flow) signInQueues(agentID string, assigned []string) ([]string, error) {
	if len(assigned) == 0 {
		return f.opts.Queues, nil
	}
	var queues, unserved []string
	for _, q := range assigned {
		if slices.Contains(f.opts.Queues, q) {
			queues = append(queues, q)
		} else {
			unserved = append(unserved, q)
		}
	}
	if len(unserved) > 0 {
		f.log.Warn("agent is assigned to queues this node does not serve", "agent_id", agentID,
			"queues", unserved, "served", f.opts.Queues)
	}
	if len(queues) == 0 {
		return nil, fmt.Errorf("%w: agent %s is assigned to queues %q, none of which this node serves (%q); change the assignment with \"switchboard user set --queue\"",
			api.ErrConflict, agentID, assigned, f.opts.Queues)
	}
	return queues, nil
}

// changeEndpoint moves a signed-in agent to endpoint, when it is set and differs from the
// current one, and notifies the desks. It runs on the loop.
func (f *Flow) changeEndpoint(v *agentView, endpoint string) error {
	if endpoint == "" || endpoint == v.state.Endpoint {
		return nil
	}
	agentID := v.state.AgentID
	if err := rejection(f.route(routing.AgentChangeEndpoint{AgentID: agentID, Endpoint: endpoint})); err != nil {
		return deskError(err, statusConflictReason(v.state.State))
	}
	f.log.Info("agent moved to another phone", "agent_id", agentID, "from", v.state.Endpoint, "to", endpoint)
	v.state.Endpoint = endpoint
	// AgentReady publishes the state only when it changes, so an available agent's desk and
	// the supervisors learn of the new phone here.
	f.publish(f.opts.Notifier.PublishAgentState(v.state))
	return nil
}

// statusConflictReason explains why the routing engine rejects a status change of an agent in
// state: an agent cannot sign out during a call or become available while a call rings.
func statusConflictReason(state string) string {
	switch state {
	case protocol.StateOnCall:
		return protocol.ReasonAgentOnCall
	case protocol.StateReserved:
		return protocol.ReasonAgentRinging
	}
	return ""
}

// Answer picks up the agent's ringing phone through the PhoneAnswerer. Without one the
// agent answers on the phone itself.
func (f *Flow) Answer(ctx context.Context, agentID, callID string) error {
	var server, legID string
	var result error
	err := f.do(ctx, func() {
		c, ok := f.calls[callID]
		switch {
		case !ok:
			result = fmt.Errorf("%w: call %s", api.ErrNotFound, callID)
		case c.leg == nil || c.leg.agentID != agentID:
			result = fmt.Errorf("%w: call %s is not ringing for agent %s", api.Conflict(protocol.ReasonCallNotRinging), callID, agentID)
		case c.leg.answered:
			result = fmt.Errorf("%w: call %s is already answered", api.Conflict(protocol.ReasonCallAlreadyAnswered), callID)
		case c.leg.id == "" && f.opts.PhoneAnswerer != nil:
			// The originate request has not returned yet; legOriginated answers the phone.
			c.leg.answerRequested = true
		default:
			server, legID = c.server, c.leg.id
		}
	})
	if err != nil {
		return unavailable(err)
	}
	if result != nil || legID == "" && f.opts.PhoneAnswerer != nil {
		return result
	}
	if f.opts.PhoneAnswerer == nil {
		return fmt.Errorf("%w: pick up your phone to answer call %s", api.Conflict(protocol.ReasonAnswerOnPhone), callID)
	}
	if err := f.opts.PhoneAnswerer.AnswerPhone(ctx, server, legID); err != nil {
		return fmt.Errorf("%w: answer the phone of agent %s: %v", api.ErrUnavailable, agentID, err)
	}
	return nil
}

// Hangup ends the agent's call.
func (f *Flow) Hangup(ctx context.Context, agentID, callID string) error {
	var result error
	err := f.do(ctx, func() {
		result = deskError(rejection(f.route(routing.HangUpRequest{CallID: callID, AgentID: agentID})), protocol.ReasonNotOnCall)
	})
	if err != nil {
		return unavailable(err)
	}
	return result
}

// Hold puts the caller on hold with ARI's hold, which plays music to them, or takes them off.
// ARI's hold emits no event (Asterisk 22), so this method notifies the desk itself.
func (f *Flow) Hold(ctx context.Context, agentID, callID string, onHold bool) error {
	var c *call
	var result error
	err := f.do(ctx, func() {
		found, ok := f.calls[callID]
		switch {
		case !ok:
			result = fmt.Errorf("%w: call %s", api.ErrNotFound, callID)
		case found.agentID != agentID || found.answeredAt.IsZero():
			result = fmt.Errorf("%w: agent %s is not talking on call %s", api.Conflict(protocol.ReasonNotOnCall), agentID, callID)
		default:
			c = found
		}
	})
	if err != nil {
		return unavailable(err)
	}
	if result != nil {
		return result
	}

	hold := c.tel.Hold
	if !onHold {
		hold = c.tel.Unhold
	}
	if err := hold(ctx, c.id); err != nil {
		return telephonyError(err)
	}
	return unavailable(f.do(ctx, func() { f.setHeld(c, agentID, onHold) }))
}

// Transfer hands the call to another agent or a queue.
func (f *Flow) Transfer(ctx context.Context, agentID string, t protocol.Transfer) error {
	var in routing.Input = routing.TransferToQueue{CallID: t.CallID, FromAgentID: agentID, Queue: t.Queue}
	if t.AgentID != "" {
		in = routing.TransferToAgent{CallID: t.CallID, FromAgentID: agentID, ToAgentID: t.AgentID}
	}
	var rejected error
	var reason string
	err := f.do(ctx, func() {
		rejected = rejection(f.route(in))
		reason = f.transferConflictReason(agentID, t, rejected)
	})
	if err != nil {
		return unavailable(err)
	}

	switch {
	case reason == protocol.ReasonTransferTargetUnavailable && errors.Is(rejected, routing.ErrUnknownAgent) &&
		f.unknownTransferAgent(ctx, agentID, t.AgentID):
		reason = protocol.ReasonTransferAgentUnknown
	case reason == protocol.ReasonTransferQueueUnknown:
	default:
		return deskError(rejected, reason)
	}
	// deskError would make an unknown queue or agent an invalid request without a reason.
	return fmt.Errorf("%w: %v", api.Conflict(reason), rejected)
}

// transferConflictReason explains a transfer that the routing engine rejected: the agent is
// not talking on the call, the target agent is not available, or the target queue is closed
// or not configured.
// It runs in the loop right after the rejection, so the views match the engine's state.
func (f *Flow) transferConflictReason(agentID string, t protocol.Transfer, rejected error) string {
	if rejected == nil {
		return ""
	}
	v := f.view(agentID)
	talking := v.call != nil && v.call.Offer.CallID == t.CallID &&
		(v.call.Phase == protocol.PhaseTalking || v.call.Phase == protocol.PhaseHeld)
	switch {
	case !talking:
		return protocol.ReasonNotOnCall
	case t.AgentID != "":
		// The engine deletes signed-out agents, so a transfer to one fails as an unknown
		// agent. Transfer queries the directory whether such an agent exists at all.
		return protocol.ReasonTransferTargetUnavailable
	case errors.Is(rejected, routing.ErrUnknownQueue):
		return protocol.ReasonTransferQueueUnknown
	case errors.Is(rejected, routing.ErrInvalidState):
		return protocol.ReasonQueueClosed
	}
	return ""
}

// SaveDisposition spools the outcome behind the call's record and ends the agent's wrap-up of
// that call. It is accepted for a call the agent answered once the agent's part of it ended,
// until DispositionWindow after the call ended, also while the agent handles the next call.
func (f *Flow) SaveDisposition(ctx context.Context, agentID string, d protocol.SaveDisposition) error {
	if len(f.opts.Dispositions) > 0 && !slices.ContainsFunc(f.opts.Dispositions, func(x protocol.Disposition) bool { return x.Code == d.Code }) {
		return fmt.Errorf("%w: disposition %q is not configured", api.ErrInvalid, d.Code)
	}

	entry := calllog.Disposition{CallID: d.CallID, Code: d.Code, Note: d.Note, AgentID: agentID}
	if d.CallbackAt != nil {
		entry.CallbackAt = *d.CallbackAt
	}

	var c *call
	var result error
	err := f.do(ctx, func() {
		found, ok := f.recentCall(f.view(agentID), d.CallID)
		switch {
		case !ok:
			result = fmt.Errorf("%w: call %s is not a call that agent %s handled in the last %v",
				api.Conflict(protocol.ReasonDispositionWindowOver), d.CallID, agentID, f.opts.DispositionWindow)
		case !found.recorded && found.agentID == agentID:
			result = fmt.Errorf("%w: call %s is still in progress; save its outcome after it ends", api.Conflict(protocol.ReasonCallInProgress), d.CallID)
		case !found.recorded:
			// The agent handed the call on with a transfer and wraps up while it goes on; the
			// disposition is written right after the call's record.
			found.pending = append(found.pending, entry)
		default:
			c = found
		}
	})
	if err != nil {
		return unavailable(err)
	}
	if result != nil {
		return result
	}

	if c != nil {
		// The record is on its way to the spool; the disposition must land after it.
		select {
		case <-c.spooled:
		case <-ctx.Done():
			return fmt.Errorf("%w: the record of call %s is not written yet; try again", api.ErrUnavailable, d.CallID)
		}
		if err := f.opts.Recorder.WriteDisposition(ctx, entry); err != nil {
			return fmt.Errorf("%w: save disposition of call %s: %v", api.ErrUnavailable, d.CallID, err)
		}
	}

	return unavailable(f.do(ctx, func() {
		v := f.view(agentID)
		// The outcome of an earlier call, saved late, must not end the wrap-up of the next.
		if v.state.State == protocol.StateWrapup && (v.state.Call == nil || v.state.Call.CallID == d.CallID) {
			f.route(routing.WrapUpDone{AgentID: agentID})
		}
		if v.call != nil && v.call.Offer.CallID == d.CallID && v.call.Phase == protocol.PhaseWrapup {
			v.call = nil
		}
	}))
}

// LinkContact records that the caller of callID is the contact of card, created by the agent
// from the unknown-caller card. A live call's record will carry the contact; for a call whose
// record is already written the link follows it through the spool.
func (f *Flow) LinkContact(ctx context.Context, agentID, callID string, card protocol.Card) error {
	contactID, err := strconv.ParseInt(card.ContactID, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: contact id %q", api.ErrInvalid, card.ContactID)
	}

	var c *call
	var result error
	err = f.do(ctx, func() {
		found, ok := f.calls[callID]
		if !ok {
			found, ok = f.recentCall(f.view(agentID), callID)
		}
		switch {
		case !ok:
			result = fmt.Errorf("%w: call %s is not a call of agent %s", api.ErrNotFound, callID, agentID)
		case !found.recorded:
			linked := card
			found.card = &linked
		default:
			c = found
		}
	})
	if err != nil {
		return unavailable(err)
	}
	if result != nil || c == nil {
		return result
	}

	select {
	case <-c.spooled:
	case <-ctx.Done():
		return fmt.Errorf("%w: the record of call %s is not written yet; try again", api.ErrUnavailable, callID)
	}
	if err := f.opts.Recorder.WriteContactLink(ctx, calllog.ContactLink{CallID: callID, ContactID: contactID}); err != nil {
		return fmt.Errorf("%w: link call %s to contact %d: %v", api.ErrUnavailable, callID, contactID, err)
	}
	return nil
}

// AgentState returns the agent's state and the call on the desk, for the hello frame.
func (f *Flow) AgentState(ctx context.Context, agentID string) (protocol.AgentState, *protocol.CallState, error) {
	var state protocol.AgentState
	var cs *protocol.CallState
	err := f.do(ctx, func() {
		v := f.view(agentID)
		state = v.state
		if v.call != nil {
			copied := *v.call
			cs = &copied
		}
	})
	return state, cs, unavailable(err)
}

// deskError maps a routing rejection to the API's error kinds. A conflict carries reason, the
// caller's explanation of the rejection in the current state ("" when it has none).
func deskError(err error, reason string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, routing.ErrUnknownCall):
		return fmt.Errorf("%w: %v", api.ErrNotFound, err)
	case errors.Is(err, routing.ErrInvalidInput), errors.Is(err, routing.ErrUnknownQueue):
		return fmt.Errorf("%w: %v", api.ErrInvalid, err)
	case errors.Is(err, routing.ErrEndpointInUse):
		return fmt.Errorf("%w: %v", api.Conflict(protocol.ReasonEndpointInUse), err)
	case reason != "":
		return fmt.Errorf("%w: %v", api.Conflict(reason), err)
	}
	return fmt.Errorf("%w: %v", api.ErrConflict, err)
}

func telephonyError(err error) error {
	switch {
	case errors.Is(err, cti.ErrNotFound):
		return fmt.Errorf("%w: %v", api.ErrNotFound, err)
	case errors.Is(err, cti.ErrConflict):
		return fmt.Errorf("%w: %v", api.ErrConflict, err)
	}
	return fmt.Errorf("%w: %v", api.ErrUnavailable, err)
}

func unavailable(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: call flow: %v", api.ErrUnavailable, err)
}
