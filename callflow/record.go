package callflow

import (
	"context"
	"strconv"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/routing"
)

// writeRecord turns the routing engine's record into the call-log row and spools it on the
// call's worker, so the loop never waits for the disk.
func (f *Flow) writeRecord(r routing.CallRecord) {
	c, ok := f.calls[r.CallID]
	if !ok {
		f.log.Error("call record for an unknown call; writing it without channel details", "call_id", r.CallID)
		c = &call{id: r.CallID}
	}
	rec := interaction(r, c)
	if c.campaign != "" && f.opts.Campaigns != nil {
		f.opts.Campaigns.CampaignCallEvent(CampaignCallEvent{
			Kind: CampaignEnded, CallID: c.id, Campaign: c.campaign, Lead: c.lead, AgentID: r.AgentID,
			At: r.EndedAt, Talk: max(r.Talk, 0),
		})
	}

	write := func(ctx context.Context) {
		if err := f.opts.Recorder.WriteRecord(ctx, rec); err != nil {
			// The spool is local disk; failing here means the disk failed, which an operator
			// must see.
			f.log.Error("call record could not be spooled", "call_id", r.CallID, "error", err)
		}
	}
	if !ok {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), f.opts.RequestTimeout)
			defer cancel()
			write(ctx)
		}()
		return
	}

	c.recorded = true
	c.recordedAt = f.now()
	pending := c.pending
	c.pending = nil
	c.worker.submitKept(func(ctx context.Context) {
		write(ctx)
		for _, d := range pending {
			if err := f.opts.Recorder.WriteDisposition(ctx, d); err != nil {
				f.log.Error("disposition could not be spooled", "call_id", r.CallID, "agent_id", d.AgentID, "error", err)
			}
		}
		close(c.spooled)
	})
	f.finishIfDone(c)
}

// interaction builds the call-log row. Routing times are authoritative; the hang-up cause
// comes from Asterisk's ChannelDestroyed for the caller's channel.
func interaction(r routing.CallRecord, c *call) crm.Interaction {
	rec := crm.Interaction{
		CallID:          r.CallID,
		Direction:       crm.Inbound,
		Queue:           r.Queue,
		CallerNumber:    r.CallerNumber,
		CalleeNumber:    c.dialed,
		ArrivedAt:       r.ArrivedAt,
		OfferedAt:       r.OfferedAt,
		AnsweredAt:      r.AnsweredAt,
		EndedAt:         r.EndedAt,
		Wait:            max(r.Wait, 0),
		Talk:            max(r.Talk, 0),
		Outcome:         outcome(r.Outcome),
		HangupCause:     c.cause,
		HangupCauseText: c.causeText,
	}
	if r.Kind == routing.CallCampaign {
		rec.Direction = crm.Outbound
	}
	rec.Campaign = c.campaign
	if c.campaignAbandoned {
		// The node hung up a person who waited too long for an agent: that is an abandoned
		// call under the 2-second rule, not a failure.
		rec.Outcome = crm.OutcomeAbandoned
	}
	if rec.CallerNumber == "" {
		rec.CallerNumber = c.caller.Number
	}
	rec.AgentID, _ = strconv.ParseInt(r.AgentID, 10, 64)
	rec.ContactID, _ = strconv.ParseInt(r.ContactID, 10, 64)
	if c.card != nil {
		// An agent may have created the contact during the call.
		rec.ContactID, _ = strconv.ParseInt(c.card.ContactID, 10, 64)
	}
	if rec.EndedAt.IsZero() {
		rec.EndedAt = time.Now()
	}
	if rec.HangupCause < 0 || rec.HangupCause > 127 {
		rec.HangupCause = 0
	}
	return rec
}

func outcome(o routing.Outcome) crm.Outcome {
	switch o {
	case routing.OutcomeAnswered:
		return crm.OutcomeAnswered
	case routing.OutcomeAbandoned:
		return crm.OutcomeAbandoned
	case routing.OutcomeOverflowed:
		return crm.OutcomeOverflowed
	case routing.OutcomeNoAgent:
		return crm.OutcomeNoAgent
	case routing.OutcomeClosed:
		return crm.OutcomeClosed
	}
	return crm.OutcomeFailed
}
