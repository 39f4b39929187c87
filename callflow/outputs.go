package callflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/routing"
)

func (f *Flow) handleOutput(out routing.Output) {
	switch o := out.(type) {
	case routing.RingAgent:
		f.ringAgent(o)
	case routing.CancelRing:
		f.cancelRing(o.CallID, o.AgentID)
	case routing.BridgeCall:
		f.bridgeCall(o)
	case routing.ReleaseAgent:
		f.releaseAgent(o)
	case routing.OfferCallback:
		f.offerCallback(o)
	case routing.OfferVoicemail:
		f.offerVoicemail(o)
	case routing.HangUp:
		if c, ok := f.calls[o.CallID]; ok {
			by := routing.PartySystem
			if o.Reason == routing.HangUpAgentRequest {
				by = routing.PartyAgent
			}
			f.hangUpCustomer(c, by)
		}
	case routing.PlayPosition:
		// Position announcements need recorded prompts; the desk and the wallboard show the
		// position instead.
	case routing.AgentStateChanged:
		f.agentStateChanged(o)
	case routing.CallOffered:
		f.callOffered(o)
	case routing.CallOfferWithdrawn:
		f.offerWithdrawn(o)
	case routing.CallAnswered:
		f.callAnswered(o)
	case routing.CallRecord:
		f.writeRecord(o)
	case routing.QueueStats:
		f.publish(f.opts.Notifier.PublishQueueStats(queueStats(o)))
	case routing.Rejected:
		f.log.Warn("routing rejected an input", "input", fmt.Sprintf("%T", o.Input), "error", o.Err)
	}
}

func (f *Flow) ringAgent(o routing.RingAgent) {
	c, ok := f.calls[o.CallID]
	if !ok {
		return
	}
	if l := c.adoptedLeg; l != nil {
		c.adoptedLeg = nil
		if l.agentID == o.AgentID {
			// The agent already talks to the caller: the offer is answered by that leg.
			c.leg = l
			f.route(routing.AgentAnswered{CallID: c.id, AgentID: l.agentID})
			return
		}
		f.log.Warn("adopted call offered to another agent; ending the old agent leg",
			"call_id", c.id, "agent_id", l.agentID, "offered_to", o.AgentID)
		l.cancelled = true
		f.hangUpLeg(c, l)
	}
	l := &leg{agentID: o.AgentID, endpoint: o.Endpoint, ringTimeout: o.Timeout, call: c}
	c.leg = l

	req := cti.OriginateRequest{
		Endpoint:   o.Endpoint,
		Timeout:    o.Timeout,
		CallerID:   callerID(c.caller),
		Args:       []string{"agent", o.AgentID, c.id},
		Originator: c.id,
	}
	c.worker.submit(func(ctx context.Context) {
		id, err := c.tel.Originate(ctx, req)
		f.post(func() { f.legOriginated(l, id, err) })
	})
}

func (f *Flow) legOriginated(l *leg, id string, err error) {
	c := l.call
	if err != nil {
		f.log.Warn("ring agent failed", "call_id", c.id, "agent_id", l.agentID, "endpoint", l.endpoint, "error", err)
		if !l.cancelled && !l.resolved {
			l.resolved = true
			f.route(routing.AgentLegFailed{CallID: c.id, AgentID: l.agentID, Reason: routing.LegFailed, Cause: err.Error()})
		}
		return
	}

	if l.id == "" {
		l.id = id
		f.legs[id] = l
	}
	if l.cancelled {
		f.hangUpLeg(c, l)
		return
	}
	if l.answerRequested && f.opts.PhoneAnswerer != nil {
		server := c.server
		c.worker.submit(func(ctx context.Context) {
			if err := f.opts.PhoneAnswerer.AnswerPhone(ctx, server, id); err != nil {
				f.log.Warn("answer agent phone failed", "call_id", c.id, "agent_id", l.agentID, "error", err)
			}
		})
	}
	f.adoptOrphans(id)
}

func (f *Flow) cancelRing(callID, agentID string) {
	c, ok := f.calls[callID]
	if !ok || c.leg == nil || c.leg.agentID != agentID {
		return
	}
	l := c.leg
	c.leg = nil
	l.cancelled = true
	if l.id != "" {
		f.hangUpLeg(c, l)
	}
	// Otherwise legOriginated hangs the leg up when its id is known.
}

func (f *Flow) hangUpLeg(c *call, l *leg) {
	id := l.id
	c.worker.submit(func(ctx context.Context) {
		if err := c.tel.Hangup(ctx, id, cti.ReasonNormal); err != nil && !isGone(err) {
			f.log.Warn("hang up agent leg failed", "call_id", c.id, "channel_id", id, "error", err)
		}
	})
}

func (f *Flow) bridgeCall(o routing.BridgeCall) {
	c, ok := f.calls[o.CallID]
	if !ok || c.leg == nil || c.leg.agentID != o.AgentID {
		return
	}
	c.agentID = o.AgentID
	legID := c.leg.id
	if c.leg.adopted && c.bridgeID != "" {
		// Caller and agent still share the bridge they were in before the restart.
		return
	}

	c.worker.submit(func(ctx context.Context) {
		bridgeID, err := f.connect(ctx, c, legID)
		f.post(func() {
			if err != nil {
				f.log.Error("bridging caller and agent failed; ending the call", "call_id", c.id, "agent_id", o.AgentID, "error", err)
				f.hangUpCustomer(c, routing.PartySystem)
				return
			}
			c.bridgeID = bridgeID
		})
	})
}

// connect stops the caller's hold music and puts the caller and the agent leg in a new
// mixing bridge. It runs on the call's worker.
func (f *Flow) connect(ctx context.Context, c *call, legID string) (string, error) {
	if err := c.tel.StopMOH(ctx, c.id); err != nil && !isGone(err) {
		f.log.Warn("stop music on hold failed", "call_id", c.id, "error", err)
	}
	bridgeID, err := c.tel.CreateBridge(ctx, "call-"+c.id)
	if err != nil {
		return "", fmt.Errorf("create bridge: %w", err)
	}
	if err := c.tel.AddToBridge(ctx, bridgeID, c.id); err != nil {
		return bridgeID, fmt.Errorf("add caller to bridge %s: %w", bridgeID, err)
	}
	if err := c.tel.AddToBridge(ctx, bridgeID, legID); err != nil {
		return bridgeID, fmt.Errorf("add agent leg %s to bridge %s: %w", legID, bridgeID, err)
	}
	return bridgeID, nil
}

// releaseAgent hangs up the agent's leg of a call being transferred and plays hold music to
// the caller until the next agent answers.
func (f *Flow) releaseAgent(o routing.ReleaseAgent) {
	c, ok := f.calls[o.CallID]
	if !ok {
		return
	}
	l := c.leg
	bridgeID := c.bridgeID
	talk := 0.0
	if !c.answeredAt.IsZero() {
		talk = f.now().Sub(c.answeredAt).Seconds()
	}
	c.leg, c.agentID, c.bridgeID, c.answeredAt = nil, "", "", time.Time{}
	f.publish(f.opts.Notifier.PublishCallEnded(o.AgentID, protocol.CallEnded{
		CallID: c.id, Reason: protocol.EndTransferred, EndedAt: f.now(), TalkSeconds: max(talk, 0),
	}))

	c.worker.submit(func(ctx context.Context) {
		if l != nil && l.id != "" {
			if err := c.tel.Hangup(ctx, l.id, cti.ReasonNormal); err != nil && !isGone(err) {
				f.log.Warn("release agent leg failed", "call_id", c.id, "agent_id", o.AgentID, "error", err)
			}
		}
		if bridgeID != "" {
			if err := c.tel.DestroyBridge(ctx, bridgeID); err != nil && !isGone(err) {
				f.log.Warn("destroy bridge failed", "call_id", c.id, "bridge_id", bridgeID, "error", err)
			}
		}
		if err := c.tel.StartMOH(ctx, c.id, f.opts.MusicClass); err != nil && !isGone(err) {
			f.log.Warn("start music on hold failed", "call_id", c.id, "error", err)
		}
	})
	if l != nil {
		l.released = true
	}
}

// offerVoicemail hands the caller to the dialplan's voicemail context, at the extension named
// like the queue. The channel leaves the application there, so the call is over for routing.
// When the dialplan ends the channel, the caller's HungUp ends the call here as for any caller.
// If Asterisk rejects the hand-off, the caller is hung up rather than left in silence.
func (f *Flow) offerVoicemail(o routing.OfferVoicemail) {
	c, ok := f.calls[o.CallID]
	if !ok || c.hangingUp || !c.customerUp {
		return
	}
	c.hangingUp = true
	c.endedBy = routing.PartySystem

	dialplanContext := f.opts.VoicemailContext
	f.log.Info("caller goes to voicemail", "call_id", c.id, "queue", o.Queue, "context", dialplanContext)
	c.worker.submit(func(ctx context.Context) {
		if err := c.tel.StopMOH(ctx, c.id); err != nil && !isGone(err) {
			f.log.Warn("stop music on hold before voicemail failed", "call_id", c.id, "error", err)
		}
		err := c.tel.ContinueInDialplan(ctx, c.id, dialplanContext, o.Queue, 1)
		if err == nil || isGone(err) {
			return
		}
		f.log.Error("voicemail hand-off failed, hanging up", "call_id", c.id, "queue", o.Queue,
			"context", dialplanContext, "error", err)
		if err := c.tel.Hangup(ctx, c.id, cti.ReasonNormal); err != nil && !isGone(err) {
			f.log.Error("hang up caller failed", "call_id", c.id, "error", err)
		}
	})
}

func (f *Flow) offerCallback(o routing.OfferCallback) {
	c, ok := f.calls[o.CallID]
	if !ok {
		return
	}
	contactID := ""
	if c.card != nil {
		contactID = c.card.ContactID
	}
	number, queue := c.caller.Number, o.Queue
	if !strings.HasPrefix(number, "+") {
		f.log.Warn("no callback for a withheld or invalid number", "call_id", c.id, "caller", number)
		f.hangUpCustomer(c, routing.PartySystem)
		return
	}
	c.worker.submit(func(ctx context.Context) {
		if err := f.opts.Directory.ScheduleCallback(ctx, number, queue, contactID, f.now()); err != nil {
			f.log.Error("schedule callback failed", "call_id", c.id, "caller", number, "error", err)
		}
	})
	f.hangUpCustomer(c, routing.PartySystem)
}

func (f *Flow) agentStateChanged(o routing.AgentStateChanged) {
	v := f.view(o.AgentID)
	v.state = protocol.AgentState{
		AgentID: o.AgentID, Name: v.state.Name, State: protocolState(o.State), Reason: o.Reason, Since: o.At,
		Endpoint: v.state.Endpoint, Call: f.agentCall(v, o.CallID),
	}

	switch o.State {
	case routing.AgentWrapUp:
		if v.call != nil && v.call.Offer.CallID == o.CallID {
			until := o.Until
			v.call.Phase = protocol.PhaseWrapup
			v.call.WrapupUntil = &until
			v.call.Dispositions = f.opts.Dispositions
		}
	case routing.AgentAvailable, routing.AgentPaused, routing.AgentLoggedOut:
		v.call = nil
	}

	f.publish(f.opts.Notifier.PublishAgentState(v.state))
	// An agent who left the desk during a call was paused until the call and its wrap-up
	// ended. Now they leave the queues and free their phone.
	if o.State == routing.AgentPaused && o.Reason == api.LogoutPauseReason {
		f.followUps = append(f.followUps, routing.AgentSignOut{AgentID: o.AgentID})
	}
	if o.State == routing.AgentWrapUp {
		f.publish(f.opts.Notifier.PublishWrapupStarted(o.AgentID, protocol.WrapupStarted{
			CallID: o.CallID, Until: o.Until, Dispositions: f.opts.Dispositions,
		}))
	}
}

func (f *Flow) callOffered(o routing.CallOffered) {
	c, ok := f.calls[o.CallID]
	if !ok {
		return
	}
	offer := protocol.CallOffered{
		CallID: c.id, Queue: o.Queue, Caller: c.caller,
		WaitSeconds: o.At.Sub(c.arrived).Seconds(), OfferedAt: o.At,
		Unknown: c.card == nil, Withheld: phone.IsWithheld(c.caller.Number), Contact: c.card, Campaign: campaignOffer(c),
	}
	if c.leg != nil && c.leg.agentID == o.AgentID {
		offer.RingTimeoutSeconds = c.leg.ringTimeout.Seconds()
	}
	c.offer = offer

	v := f.view(o.AgentID)
	v.call = &protocol.CallState{Phase: protocol.PhaseRinging, Offer: offer}

	n, err := f.opts.Notifier.PublishCallOffered(o.AgentID, offer)
	f.publish(n, err)
	if err == nil && n == 0 {
		f.log.Warn("screen-pop reached no desk", "call_id", c.id, "agent_id", o.AgentID)
	}
}

func (f *Flow) offerWithdrawn(o routing.CallOfferWithdrawn) {
	v := f.view(o.AgentID)
	if v.call != nil && v.call.Offer.CallID == o.CallID {
		v.call = nil
	}
	reason := protocol.EndNoAnswer
	if o.Reason == "abandoned" {
		reason = protocol.EndAbandoned
	}
	f.publish(f.opts.Notifier.PublishCallEnded(o.AgentID, protocol.CallEnded{CallID: o.CallID, Reason: reason, EndedAt: f.now()}))
}

func (f *Flow) callAnswered(o routing.CallAnswered) {
	v := f.view(o.AgentID)
	if c, ok := f.calls[o.CallID]; ok {
		c.answeredAt = o.At
		f.rememberCall(v, c)
		f.campaignConnected(c, o.AgentID)
	}
	if v.call != nil && v.call.Offer.CallID == o.CallID {
		at := o.At
		v.call.Phase = protocol.PhaseTalking
		v.call.AnsweredAt = &at
	}
	f.publish(f.opts.Notifier.PublishCallAnswered(o.AgentID, protocol.CallAnswered{CallID: o.CallID, AgentID: o.AgentID, AnsweredAt: o.At}))
}

func (f *Flow) setHeld(c *call, agentID string, onHold bool) {
	v := f.view(agentID)
	if v.call != nil && v.call.Offer.CallID == c.id {
		v.call.Phase = protocol.PhaseTalking
		if onHold {
			v.call.Phase = protocol.PhaseHeld
		}
	}
	f.publish(f.opts.Notifier.PublishCallHeld(agentID, protocol.CallHeld{CallID: c.id, OnHold: onHold}))
}

func (f *Flow) publish(_ int, err error) {
	if err != nil {
		f.log.Error("publish to desks failed", "error", err)
	}
}

func protocolState(s routing.AgentState) string {
	switch s {
	case routing.AgentAvailable:
		return protocol.StateAvailable
	case routing.AgentReserved:
		return protocol.StateReserved
	case routing.AgentOnCall:
		return protocol.StateOnCall
	case routing.AgentWrapUp:
		return protocol.StateWrapup
	case routing.AgentPaused:
		return protocol.StatePaused
	}
	return protocol.StateLoggedOut
}

// callerID formats the caller for the agent's phone display, `"Name" <number>`.
func callerID(c protocol.Caller) string {
	if c.Number == "" {
		return ""
	}
	if c.Name == "" {
		return "<" + c.Number + ">"
	}
	return fmt.Sprintf("%q <%s>", c.Name, c.Number)
}

func isGone(err error) bool { return errors.Is(err, cti.ErrNotFound) }

// queueStats turns routing's snapshot into the wallboard's message.
func queueStats(o routing.QueueStats) protocol.QueueStats {
	q := protocol.QueueStats{
		Queue: o.Queue, At: o.At, Waiting: o.Waiting, LongestWaitSeconds: o.LongestWait.Seconds(),
		Agents: map[string]int{}, Answered: o.Answered, Abandoned: o.Abandoned,
		Overflowed: o.Overflowed + o.NoAgent + o.Closed, AbandonedRatio: o.AbandonedRatio,
	}
	if o.WaitKnown {
		wait := o.EstimatedWait.Seconds()
		q.EstimatedWaitSeconds = &wait
	}
	for state, n := range o.AgentsByState {
		if s := routing.AgentState(state); s != routing.AgentLoggedOut && n > 0 {
			q.Agents[protocolState(s)] = n
		}
	}
	if o.ServiceLevelKnown {
		sl := o.ServiceLevel
		q.ServiceLevel = &sl
	}
	return q
}
