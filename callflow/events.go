package callflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/cti/event"
	"github.com/switchboard-cc/switchboard/routing"
)

func (f *Flow) handleEvent(ev event.Event) {
	if f.handleSupervisionEvent(ev) {
		return
	}
	switch e := ev.(type) {
	case event.CallArrived:
		f.onArrived(e)
	case event.OriginateResult:
		f.onOriginateResult(e)
	case event.HungUp:
		f.onHungUp(e)
	case event.ChannelEnteredBridge:
		if c, ok := f.calls[e.ChannelID]; ok {
			c.bridgeID = e.BridgeID
		}
	case event.Held:
		f.onPhoneHold(e.ChannelID, true)
	case event.Unheld:
		f.onPhoneHold(e.ChannelID, false)
	case event.ConnectionState:
		if e.Connected {
			f.log.Info("Asterisk connected", "server", e.Server)
		} else {
			f.log.Warn("Asterisk disconnected", "server", e.Server, "reason", e.Reason, "replaced", e.Replaced)
		}
	}
}

func (f *Flow) onArrived(e event.CallArrived) {
	kind := ""
	if len(e.Args) > 0 {
		kind = e.Args[0]
	}

	switch kind {
	case "inbound":
		f.onCustomerArrived(e)
	case "agent":
		f.onLegArrived(e)
	case "dialer":
		f.onCampaignArrived(e)
	case "snoop":
		// Supervisor snoop channels are driven by their own commands.
	default:
		f.log.Warn("channel entered Stasis with arguments this node does not route; hanging it up",
			"server", e.Server, "channel_id", e.ChannelID, "args", strings.Join(e.Args, ","))
		tel, err := f.telephony(e.Server)
		if err != nil {
			return
		}
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), f.opts.RequestTimeout)
			defer cancel()
			_ = tel.Hangup(ctx, e.ChannelID, cti.ReasonNormal)
		}()
	}
}

// onCustomerArrived answers the caller, starts music on hold, looks the caller up and then
// queues the call. A call adopted after a reconnect that this node already tracks is skipped.
func (f *Flow) onCustomerArrived(e event.CallArrived) {
	if _, ok := f.calls[e.ChannelID]; ok {
		return
	}
	tel, err := f.telephony(e.Server)
	if err != nil {
		f.log.Error("call from an unknown Asterisk server", "server", e.Server, "call_id", e.ChannelID)
		return
	}

	queue := ""
	if len(e.Args) > 1 {
		queue = e.Args[1]
	}
	c := &call{
		id: e.ChannelID, server: e.Server, tel: tel, worker: f.startWorker(),
		caller:  protocol.Caller{Number: f.normalize(e.CallerNumber), Name: e.CallerName},
		spooled: make(chan struct{}),
		dialed:  e.Dialed, queue: queue, arrived: e.Time, customerUp: true, endedBy: routing.PartyCaller,
	}
	c.received = f.now()
	if c.arrived.IsZero() {
		c.arrived = c.received
	}
	f.calls[c.id] = c
	f.log.Info("call arrived", "call_id", c.id, "queue", queue, "caller", e.CallerNumber, "adopted", e.Adopted)

	if e.Adopted {
		f.adoptCustomer(c, e)
		return
	}

	answered := e.State == "Up"
	c.worker.submit(func(ctx context.Context) {
		if !answered {
			if err := tel.Answer(ctx, c.id); err != nil {
				f.log.Warn("answer caller failed", "call_id", c.id, "error", err)
			}
		}
		if err := tel.StartMOH(ctx, c.id, f.opts.MusicClass); err != nil {
			f.log.Warn("start music on hold failed", "call_id", c.id, "error", err)
		}

		card, found, err := f.opts.Directory.LookupCaller(ctx, e.CallerNumber)
		if err != nil {
			// The call is routed without a card rather than lost; the desk shows an unknown caller.
			f.log.Error("caller lookup failed", "call_id", c.id, "caller", e.CallerNumber, "error", err)
		}
		f.post(func() { f.queueCall(c, card, found) })
	})
}

func (f *Flow) queueCall(c *call, card protocol.Card, found bool) {
	if found {
		c.card = &card
	}
	if !c.customerUp {
		// The caller hung up during the lookup; routing never saw the call, so it gets a
		// record from routing only if it is queued. Queue it and end it at once.
		f.log.Info("caller hung up before the call was queued", "call_id", c.id)
	}

	in := routing.CallArrived{CallID: c.id, Queue: c.queue, CallerNumber: c.caller.Number}
	if !c.adopted {
		// The caller waited through the answer and the lookup too. An adopted call's wait
		// began before this node's restart, which it cannot know.
		in.ArrivedAt = c.received
	}
	if c.card != nil {
		in.ContactID = c.card.ContactID
		in.VIP = c.card.VIP
	}
	c.routed = true
	f.route(in)

	if !c.customerUp {
		f.route(routing.CallEnded{CallID: c.id, By: routing.PartyCaller, Cause: c.causeLabel()})
	}
}

// adoptCustomer takes over a call that was in Stasis before this node (re)started. The same
// reconcile reports its agent leg, if one is talking to the caller. The call is queued once
// the reconcile's events are in, so that routing can give it back to that agent.
func (f *Flow) adoptCustomer(c *call, e event.CallArrived) {
	c.adopted = true
	if l, ok := f.adoptedLegs[c.id]; ok {
		delete(f.adoptedLegs, c.id)
		l.call = c
		c.adoptedLeg = l
	}

	c.worker.submit(func(ctx context.Context) {
		card, found, err := f.opts.Directory.LookupCaller(ctx, e.CallerNumber)
		if err != nil {
			f.log.Error("caller lookup failed", "call_id", c.id, "caller", e.CallerNumber, "error", err)
		}
		// The reconcile's remaining events (the agent leg, bridge membership) reach the loop
		// within this pause.
		time.Sleep(adoptionPause)
		f.post(func() { f.requeueAdopted(c, card, found) })
	})
}

// adoptionPause is how long an adopted call waits for the rest of the reconcile's events.
const adoptionPause = 200 * time.Millisecond

// requeueAdopted queues an adopted call. A call with a talking agent goes back to that agent:
// the agent is signed in at the leg's endpoint if needed, and routing's offer to them is
// answered at once by the leg that already talks.
func (f *Flow) requeueAdopted(c *call, card protocol.Card, found bool) {
	if !c.customerUp {
		f.queueCall(c, card, found)
		return
	}

	l := c.adoptedLeg
	if l == nil {
		c.worker.submit(func(ctx context.Context) {
			if err := c.tel.StartMOH(ctx, c.id, f.opts.MusicClass); err != nil && !isGone(err) {
				f.log.Warn("start music on hold failed", "call_id", c.id, "error", err)
			}
		})
		f.queueCall(c, card, found)
		return
	}

	v := f.view(l.agentID)
	if v.state.State == protocol.StateLoggedOut {
		// NOTE: the adopted agent serves every configured queue, without skills, until they
		// sign out, because the profile with their assigned queues is not loaded here.
		queues := f.opts.Queues
		v.state.Endpoint = l.endpoint
		if err := rejection(f.route(routing.AgentSignIn{AgentID: l.agentID, Endpoint: l.endpoint, Queues: queues})); err != nil {
			f.log.Warn("adopted call's agent could not be signed in", "call_id", c.id, "agent_id", l.agentID, "error", err)
		} else {
			f.loadAgentName(c, l.agentID)
		}
	}
	// NOTE: routing takes the adoption as the call's arrival, so the record's arrival, wait and
	// answer times start at the restart; cti's reconcile does not report the channel's creation.
	f.log.Info("adopted call goes back to its agent", "call_id", c.id, "agent_id", l.agentID)
	f.queueCall(c, card, found)
}

// onLegArrived marks an agent leg as answered: an originated leg enters Stasis only when the
// far end picks up (Asterisk 22).
func (f *Flow) onLegArrived(e event.CallArrived) {
	if len(e.Args) < 3 {
		f.log.Warn("agent leg without a call id", "channel_id", e.ChannelID, "args", strings.Join(e.Args, ","))
		return
	}
	agentID, callID := e.Args[1], e.Args[2]

	if e.Adopted && e.State == "Up" {
		f.adoptLeg(e, agentID, callID)
		return
	}

	c, ok := f.calls[callID]
	l := f.legs[e.ChannelID]
	if l == nil && ok && c.leg != nil && c.leg.agentID == agentID && c.leg.id == "" {
		l = c.leg
		l.id = e.ChannelID
		f.legs[l.id] = l
	}
	if l == nil || l.cancelled || l.answered {
		if l == nil {
			f.hangupStray(e.Server, e.ChannelID, "agent leg of an unknown or finished call")
		}
		return
	}

	l.answered = true
	f.route(routing.AgentAnswered{CallID: callID, AgentID: agentID})
}

// adoptLeg keeps an agent leg found talking after a (re)start, for its caller's adoption.
func (f *Flow) adoptLeg(e event.CallArrived, agentID, callID string) {
	endpoint := e.ChannelName
	if i := strings.LastIndex(endpoint, "-"); i > 0 && !strings.HasPrefix(endpoint, "Local/") {
		endpoint = endpoint[:i] // PJSIP/1001-00000004 is a channel of endpoint PJSIP/1001
	} else if i := strings.LastIndex(endpoint, ";"); i > 0 {
		endpoint = endpoint[:i]
	}
	l := &leg{id: e.ChannelID, agentID: agentID, endpoint: endpoint, answered: true, adopted: true}
	f.legs[l.id] = l

	if c, ok := f.calls[callID]; ok && c.adopted && c.adoptedLeg == nil {
		l.call = c
		c.adoptedLeg = l
		return
	}
	f.adoptedLegs[callID] = l
	f.log.Info("agent leg found after a restart", "call_id", callID, "agent_id", agentID, "channel_id", l.id)
}

func (f *Flow) onOriginateResult(e event.OriginateResult) {
	l, ok := f.legs[e.ChannelID]
	if !ok {
		f.keepOrphan(e.ChannelID, e)
		return
	}
	if l.answered || l.resolved || l.cancelled || e.Status == event.OriginateAnswered {
		return
	}

	l.resolved = true
	reason := routing.LegFailed
	switch e.Status {
	case event.OriginateBusy:
		reason = routing.LegBusy
	case event.OriginateNoAnswer:
		reason = routing.LegNoAnswer
	case event.OriginateCongestion:
		reason = routing.LegCongestion
	}
	f.log.Info("agent leg failed", "call_id", l.call.id, "agent_id", l.agentID, "status", e.Status, "dialstatus", e.DialStatus)
	f.route(routing.AgentLegFailed{
		CallID: l.call.id, AgentID: l.agentID, Reason: reason,
		Cause: strings.TrimSpace(fmt.Sprintf("%s %s", e.DialStatus, causeCode(e.Cause))),
	})
}

func (f *Flow) onHungUp(e event.HungUp) {
	if l, ok := f.legs[e.ChannelID]; ok {
		f.onLegHungUp(l, e)
		return
	}
	if c, ok := f.calls[e.ChannelID]; ok {
		f.onCustomerHungUp(c, e)
		return
	}
	f.keepOrphan(e.ChannelID, e)
}

func (f *Flow) onLegHungUp(l *leg, e event.HungUp) {
	delete(f.legs, l.id)
	c := l.call
	if c == nil {
		// An adopted leg whose caller was not adopted (yet): nothing else refers to it.
		for callID, adopted := range f.adoptedLegs {
			if adopted == l {
				delete(f.adoptedLegs, callID)
			}
		}
		return
	}
	if c.adoptedLeg == l {
		c.adoptedLeg = nil
	}

	if !l.answered {
		// OriginateResult normally reports the failure first; this covers a leg whose result
		// was lost, for example while the connection to Asterisk was down.
		if !l.resolved && !l.cancelled {
			l.resolved = true
			f.route(routing.AgentLegFailed{CallID: c.id, AgentID: l.agentID, Reason: routing.LegFailed, Cause: causeCode(e.Cause)})
		}
		return
	}
	if l.released || !c.customerUp || c.agentID != l.agentID {
		return
	}

	// The agent hung up first: end the caller's side too.
	f.log.Info("agent hung up", "call_id", c.id, "agent_id", l.agentID)
	f.hangUpCustomer(c, routing.PartyAgent)
}

func (f *Flow) onCustomerHungUp(c *call, e event.HungUp) {
	c.customerUp = false
	c.cause, c.causeText = e.Cause, e.CauseText
	f.log.Info("caller channel ended", "call_id", c.id, "cause", e.Cause, "cause_text", e.CauseText, "by", c.endedBy)

	// Drop the agent side: a ringing leg, or the agent's leg and the bridge of a live call.
	// A call still being adopted after a restart has only the leg found talking before it.
	l := c.leg
	if l == nil {
		l = c.adoptedLeg
	}
	if l != nil && l.id != "" {
		l.cancelled = !l.answered
		id, bridgeID := l.id, c.bridgeID
		c.worker.submit(func(ctx context.Context) {
			if err := c.tel.Hangup(ctx, id, cti.ReasonNormal); err != nil && !isGone(err) {
				f.log.Warn("hang up agent leg failed", "call_id", c.id, "channel_id", id, "error", err)
			}
			if bridgeID != "" {
				if err := c.tel.DestroyBridge(ctx, bridgeID); err != nil && !isGone(err) {
					f.log.Warn("destroy bridge failed", "call_id", c.id, "bridge_id", bridgeID, "error", err)
				}
			}
		})
	}
	if c.agentID != "" {
		reason := protocol.EndCallerHangup
		if c.endedBy == routing.PartyAgent {
			reason = protocol.EndAgentHangup
		}
		talk := 0.0
		if !c.answeredAt.IsZero() {
			talk = f.now().Sub(c.answeredAt).Seconds()
		}
		f.publish(f.opts.Notifier.PublishCallEnded(c.agentID, protocol.CallEnded{
			CallID: c.id, Reason: reason, Cause: e.Cause, EndedAt: f.now(), TalkSeconds: max(talk, 0),
		}))
	}

	if c.routed {
		f.route(routing.CallEnded{CallID: c.id, By: c.endedBy, Cause: c.causeLabel()})
	}
	f.finishIfDone(c)
}

func (f *Flow) onPhoneHold(channelID string, onHold bool) {
	l, ok := f.legs[channelID]
	if !ok || !l.answered {
		return
	}
	f.setHeld(l.call, l.agentID, onHold)
}

// hangUpCustomer hangs the caller up on behalf of by; the caller's HungUp event then ends
// the call in routing.
func (f *Flow) hangUpCustomer(c *call, by routing.Party) {
	if c.hangingUp || !c.customerUp {
		return
	}
	c.hangingUp = true
	c.endedBy = by
	c.worker.submit(func(ctx context.Context) {
		if err := c.tel.Hangup(ctx, c.id, cti.ReasonNormal); err != nil && !isGone(err) {
			f.log.Error("hang up caller failed", "call_id", c.id, "error", err)
		}
	})
}

func (f *Flow) hangupStray(server, channelID, reason string) {
	tel, err := f.telephony(server)
	if err != nil {
		return
	}
	f.log.Info("hanging up a stray channel", "server", server, "channel_id", channelID, "reason", reason)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), f.opts.RequestTimeout)
		defer cancel()
		if err := tel.Hangup(ctx, channelID, cti.ReasonNormal); err != nil && !isGone(err) {
			f.log.Warn("hang up stray channel failed", "channel_id", channelID, "error", err)
		}
	}()
}

func (f *Flow) keepOrphan(channelID string, ev event.Event) {
	if channelID == "" {
		return
	}
	f.orphans[channelID] = append(f.orphans[channelID], orphanEvent{ev: ev, at: f.now()})
}

// adoptOrphans replays the events that arrived for a leg before its originate returned.
func (f *Flow) adoptOrphans(channelID string) {
	evs := f.orphans[channelID]
	delete(f.orphans, channelID)
	for _, o := range evs {
		f.handleEvent(o.ev)
	}
}

func (c *call) causeLabel() string {
	if c.cause == 0 && c.causeText == "" {
		return ""
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", c.cause, c.causeText))
}

func causeCode(cause int) string {
	if cause == 0 {
		return ""
	}
	return fmt.Sprintf("cause %d", cause)
}
