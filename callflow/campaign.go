package callflow

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/cti/event"
	"github.com/switchboard-cc/switchboard/routing"
)

// DefaultCampaignAbandonDelay is how long a person who answered a campaign call may wait for
// an agent. The FCC and Ofcom rules described in docs/dialer.md count a call as abandoned
// when no agent is connected within 2 s of the person's greeting.
const DefaultCampaignAbandonDelay = 2 * time.Second

// CampaignCalls is the dialer's side of its answered calls. The loop calls it, so its
// methods must return at once.
type CampaignCalls interface {
	// CampaignDial returns the dial of the lead that the campaign placed, or false for a
	// dial that this node did not place.
	CampaignDial(campaign, lead string) (dial CampaignDial, ok bool)
	// CampaignCallEvent reports a step of an answered dial.
	CampaignCallEvent(e CampaignCallEvent)
}

// CampaignDial is the dialer's record of a dial, read when the person answers it.
type CampaignDial struct {
	// Queue is the queue whose agents take the answered call.
	Queue string
	// LeadName is the lead's name from the call list, for the screen-pop of a number that
	// no contact has. It is empty when the list gave no name.
	LeadName string
}

// CampaignCallEventKind is a step of an answered campaign call.
type CampaignCallEventKind int

// Steps of an answered campaign call, in order. A call is either connected or abandoned,
// and always ends.
const (
	// CampaignAnswered is the person's answer: the dial entered Stasis and was queued.
	CampaignAnswered CampaignCallEventKind = iota + 1
	// CampaignConnected is an agent answering the call.
	CampaignConnected
	// CampaignAbandoned is a call that no agent answered within the abandon delay, which
	// this node then hangs up.
	CampaignAbandoned
	// CampaignEnded is the call's record being written; Talk and AgentID come from it.
	CampaignEnded
)

// CampaignCallEvent is one step of an answered campaign call. CallID is the dial's channel id.
type CampaignCallEvent struct {
	Kind     CampaignCallEventKind
	CallID   string
	Campaign string
	Lead     string
	AgentID  string
	At       time.Time
	Talk     time.Duration
}

// QueueActivity is the state of a queue's agents and of one campaign's answered calls, for
// the dialer's pacing.
type QueueActivity struct {
	// Idle counts signed-in agents of the queue who are available.
	Idle int
	// Talking contains, for each agent ringing or on a call, the time in that state.
	Talking []time.Duration
	// WrapUp contains, for each agent in wrap-up, the time since the wrap-up started.
	WrapUp []time.Duration
	// Waiting counts the campaign's answered calls that no agent has answered yet.
	Waiting int
}

// QueueActivity returns the activity of the queue's agents and the campaign's waiting calls,
// read in one turn of the loop.
func (f *Flow) QueueActivity(ctx context.Context, queue, campaign string) (QueueActivity, error) {
	var a QueueActivity
	err := f.do(ctx, func() { a = f.queueActivity(queue, campaign) })
	if err != nil {
		return QueueActivity{}, unavailable(err)
	}
	return a, nil
}

// queueActivity runs on the loop.
func (f *Flow) queueActivity(queue, campaign string) QueueActivity {
	var a QueueActivity
	now := f.now()
	for id, v := range f.agents {
		if v.state.State == protocol.StateLoggedOut {
			continue
		}
		var status routing.AgentStatus
		found := false
		for _, out := range f.engine.Handle(now, routing.QueryAgent{AgentID: id}) {
			if s, ok := out.(routing.AgentStatus); ok && s.AgentID == id {
				status, found = s, true
				continue
			}
			// Timers that fell due since the last turn fire first, and their outputs are carried out.
			f.handleOutput(out)
		}
		if !found || !slices.Contains(status.Queues, queue) {
			continue
		}
		since := max(now.Sub(status.Since), 0)
		switch status.State {
		case routing.AgentAvailable:
			a.Idle++
		case routing.AgentReserved, routing.AgentOnCall:
			a.Talking = append(a.Talking, since)
		case routing.AgentWrapUp:
			a.WrapUp = append(a.WrapUp, since)
		}
	}
	for _, c := range f.calls {
		if c.campaign == campaign && c.customerUp && !c.campaignConnected && !c.campaignAbandoned {
			a.Waiting++
		}
	}
	return a
}

// onCampaignArrived queues a dial that a person answered, without IVR or lookup delay, as a
// campaign call in the campaign's queue, and hangs it up if no agent answers within the
// abandon delay. The arguments are dialer,<campaign>,<lead>.
func (f *Flow) onCampaignArrived(e event.CallArrived) {
	if _, ok := f.calls[e.ChannelID]; ok {
		return
	}
	var (
		campaign, lead string
		dial           CampaignDial
	)
	ok := len(e.Args) >= 3 && f.opts.Campaigns != nil
	if ok {
		campaign, lead = e.Args[1], e.Args[2]
		dial, ok = f.opts.Campaigns.CampaignDial(campaign, lead)
	}
	if !ok {
		f.hangupStray(e.Server, e.ChannelID, "campaign call that this node did not dial")
		return
	}
	tel, err := f.telephony(e.Server)
	if err != nil {
		f.log.Error("campaign call from an unknown Asterisk server", "server", e.Server, "call_id", e.ChannelID)
		return
	}

	number := dialedNumber(e.ChannelName)
	if number == "" {
		number = e.CallerNumber
	}
	c := &call{
		id: e.ChannelID, server: e.Server, tel: tel, worker: f.startWorker(),
		caller:  protocol.Caller{Number: f.normalize(number)},
		spooled: make(chan struct{}),
		dialed:  number, queue: dial.Queue, arrived: e.Time, customerUp: true, endedBy: routing.PartyCaller,
		campaign: campaign, lead: lead, leadName: dial.LeadName,
	}
	c.received = f.now()
	if c.arrived.IsZero() {
		c.arrived = c.received
	}
	f.calls[c.id] = c
	f.log.Info("campaign call answered", "call_id", c.id, "campaign", campaign, "lead", lead, "queue", dial.Queue)
	f.campaignEvent(c, CampaignAnswered, "")

	// The abandon delay runs from the answer, so a slow lookup counts against it.
	delay := f.opts.CampaignAbandonDelay
	time.AfterFunc(delay, func() { f.post(func() { f.abandonIfWaiting(c) }) })

	c.worker.submit(func(ctx context.Context) {
		// The lookup gets a share of the abandon delay: a person waiting for a card would
		// rather reach an agent without one.
		lookupCtx, cancel := context.WithTimeout(ctx, delay/4)
		defer cancel()
		card, found, err := f.opts.Directory.LookupCaller(lookupCtx, number)
		if err != nil {
			f.log.Warn("campaign call lookup failed; queueing it without a card", "call_id", c.id, "campaign", campaign, "error", err)
		}
		f.post(func() { f.queueCampaignCall(c, card, found) })
	})
}

// queueCampaignCall puts the answered dial in its queue with the contact's card, if one was
// found, for the agent's screen-pop. Without a card the screen-pop names the lead as the
// call list does (see campaignOffer).
func (f *Flow) queueCampaignCall(c *call, card protocol.Card, found bool) {
	if found {
		c.card = &card
	}
	in := routing.CallArrived{CallID: c.id, Queue: c.queue, CallerNumber: c.caller.Number, Kind: routing.CallCampaign, ArrivedAt: c.received}
	if c.card != nil {
		in.ContactID = c.card.ContactID
	}
	c.routed = true
	f.route(in)

	if !c.customerUp {
		// The person hung up during the lookup, so routing records the call as abandoned.
		f.route(routing.CallEnded{CallID: c.id, By: c.endedBy, Cause: c.causeLabel()})
	}
}

// abandonIfWaiting hangs up a campaign call that no agent answered in time. The person hears
// nothing before the hang-up.
// TODO: play the information message that Ofcom and the FCC require on an abandoned call
// (who called and a number to call back) before hanging up. No recording exists yet.
func (f *Flow) abandonIfWaiting(c *call) {
	if c.campaignConnected || !c.customerUp || c.hangingUp || c.campaignAbandoned {
		return
	}
	c.campaignAbandoned = true
	f.log.Info("campaign call abandoned: no agent within the delay", "call_id", c.id, "campaign", c.campaign,
		"lead", c.lead, "delay", f.opts.CampaignAbandonDelay)
	f.campaignEvent(c, CampaignAbandoned, "")
	f.hangUpCustomer(c, routing.PartySystem)
}

// campaignConnected marks the campaign call answered by the agent. It runs on the loop.
func (f *Flow) campaignConnected(c *call, agentID string) {
	if c.campaign == "" || c.campaignConnected || c.campaignAbandoned {
		return
	}
	c.campaignConnected = true
	f.campaignEvent(c, CampaignConnected, agentID)
}

func (f *Flow) campaignEvent(c *call, kind CampaignCallEventKind, agentID string) {
	if c.campaign == "" || f.opts.Campaigns == nil {
		return
	}
	f.opts.Campaigns.CampaignCallEvent(CampaignCallEvent{
		Kind: kind, CallID: c.id, Campaign: c.campaign, Lead: c.lead, AgentID: agentID, At: f.now(),
	})
}

// dialedNumber returns the number of a Local channel such as Local/+74951234567@outbound-0001;1,
// or "" for another channel name.
func dialedNumber(channelName string) string {
	rest, ok := strings.CutPrefix(channelName, "Local/")
	if !ok {
		return ""
	}
	number, _, _ := strings.Cut(rest, "@")
	return number
}

// campaignOffer returns the campaign and lead of a campaign call for its screen-pop, or nil
// for any other call.
func campaignOffer(c *call) *protocol.CampaignCall {
	if c.campaign == "" {
		return nil
	}
	return &protocol.CampaignCall{Campaign: c.campaign, LeadID: c.lead, LeadName: c.leadName}
}
