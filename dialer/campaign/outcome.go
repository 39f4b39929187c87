package campaign

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/cti/event"
	"github.com/switchboard-cc/switchboard/dialer/pacing"
	"github.com/switchboard-cc/switchboard/storage"
)

func (r *Runner) onOriginated(ctx context.Context, m originated) {
	d := m.d
	if m.err != nil {
		r.log.Warn("originate failed", "campaign", d.camp.c.Name, "lead", d.lead.ID, "error", m.err)
		r.observe(d, pacing.Outcome{Kind: pacing.NoLiveAnswer, Duration: r.opts.Now().Sub(d.placedAt)})
		r.finish(ctx, d, storage.LeadFailed, "failed")
		return
	}
	d.id = m.id
	if !d.ended {
		r.dials[d.id] = d
	}
	r.write(ctx, "add attempt", func(ctx context.Context) error {
		return r.leads.AddAttempt(ctx, storage.Attempt{CallID: d.id, CampaignID: d.camp.c.ID, LeadID: d.lead.ID, DialedAt: d.placedAt})
	})

	// Events that arrived before the request returned.
	evs := r.orphans[d.id]
	delete(r.orphans, d.id)
	for _, o := range evs {
		r.onChannelEvent(ctx, o.ev)
	}
}

// onChannelEvent ends an unanswered dial on its originate result or hang-up. Answered dials
// end with callflow's CampaignEnded, which carries the call's record.
func (r *Runner) onChannelEvent(ctx context.Context, ev event.Event) {
	id := ev.EventMeta().ChannelID
	d, ok := r.dials[id]
	if !ok {
		if id != "" {
			r.orphans[id] = append(r.orphans[id], orphan{ev: ev, at: time.Now()})
		}
		return
	}
	if d.answered || d.ended {
		return
	}

	status := ""
	switch e := ev.(type) {
	case event.OriginateResult:
		status = dialOutcome(string(e.Status), e.DialStatus)
		if e.Status == event.OriginateAnswered {
			// callflow reports the answer once the call is queued, but the dial is not over.
			return
		}
	case event.HungUp:
		status = dialOutcome("", e.DialStatus)
	}
	r.observe(d, pacing.Outcome{Kind: pacing.NoLiveAnswer, Duration: r.opts.Now().Sub(d.placedAt)})

	switch status {
	case "busy", "no_answer":
		r.retryOrDone(ctx, d, status)
	default:
		r.finish(ctx, d, storage.LeadFailed, status)
	}
}

// dialOutcome maps an originate status or a Dial status to a lead outcome.
func dialOutcome(status, dialStatus string) string {
	switch {
	case status == "busy" || strings.EqualFold(dialStatus, "BUSY"):
		return "busy"
	case status == "noanswer" || strings.EqualFold(dialStatus, "NOANSWER"):
		return "no_answer"
	}
	return "failed"
}

// retryOrDone schedules the next dial of a busy or unanswered lead, or makes the lead done
// when its attempts are used up.
func (r *Runner) retryOrDone(ctx context.Context, d *dial, outcome string) {
	c := d.camp.c
	if d.lead.Attempts >= c.MaxAttempts {
		r.finishAt(ctx, d, storage.LeadDone, outcome, time.Time{})
		return
	}
	r.finishAt(ctx, d, storage.LeadStatus(outcome), outcome, r.opts.Now().Add(c.RetryDelay))
}

func (r *Runner) onCallEvent(ctx context.Context, e callflow.CampaignCallEvent) {
	d, ok := r.byLead[e.Campaign+"/"+e.Lead]
	if !ok || d.ended {
		return
	}
	now := r.opts.Now()
	switch e.Kind {
	case callflow.CampaignAnswered:
		d.answered, d.answeredAt = true, now
		if d.id == "" {
			d.id = e.CallID
		}
		r.observe(d, pacing.Outcome{Kind: pacing.LiveAnswer, Duration: now.Sub(d.placedAt)})
	case callflow.CampaignConnected:
		d.connected = true
		r.observe(d, pacing.Outcome{Kind: pacing.Connected, Duration: now.Sub(d.answeredAt)})
	case callflow.CampaignAbandoned:
		d.abandoned = true
		r.observe(d, pacing.Outcome{Kind: pacing.Abandoned, Duration: now.Sub(d.answeredAt)})
	case callflow.CampaignEnded:
		if d.connected {
			// NOTE: handle time here is talk time only. The agent's wrap-up is not added.
			r.observe(d, pacing.Outcome{Kind: pacing.HandleDone, Duration: e.Talk})
			r.finish(ctx, d, storage.LeadAnswered, "answered")
			return
		}
		if !d.abandoned {
			// The person hung up before an agent answered: abandoned all the same.
			r.observe(d, pacing.Outcome{Kind: pacing.Abandoned, Duration: now.Sub(d.answeredAt)})
		}
		r.finish(ctx, d, storage.LeadAbandoned, "abandoned")
	}
}

func (r *Runner) observe(d *dial, o pacing.Outcome) {
	o.At = r.opts.Now().Sub(r.started[d.camp.c.Name])
	d.camp.policy.Observe(o)
}

func (r *Runner) finish(ctx context.Context, d *dial, status storage.LeadStatus, outcome string) {
	r.finishAt(ctx, d, status, outcome, time.Time{})
}

// finishAt ends the dial: the lead gets its status (and its next attempt time for a retry),
// the attempt its outcome, and the dial's line is free again.
func (r *Runner) finishAt(ctx context.Context, d *dial, status storage.LeadStatus, outcome string, next time.Time) {
	if d.ended {
		return
	}
	d.ended = true
	d.camp.dials--
	key := leadKey(d.camp.c.Name, d.lead.ID)
	delete(r.byLead, key)
	if d.id != "" {
		delete(r.dials, d.id)
	}
	r.mu.Lock()
	delete(r.placed, key)
	r.mu.Unlock()

	r.log.Info("dial ended", "campaign", d.camp.c.Name, "lead", d.lead.ID, "call_id", d.id,
		"outcome", outcome, "lead_status", status)
	r.write(ctx, "finish lead", func(ctx context.Context) error {
		return r.leads.Finish(ctx, d.lead.ID, status, outcome, next)
	})
	if d.id != "" {
		r.write(ctx, "end attempt", func(ctx context.Context) error {
			return r.leads.EndAttempt(ctx, d.id, outcome, r.opts.Now())
		})
	}
}

// write runs one database write with the request timeout and logs its failure.
// NOTE: a failed write is not retried. A lead left "dialing" returns to the list at the
// node's next start.
func (r *Runner) write(ctx context.Context, what string, fn func(ctx context.Context) error) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.opts.RequestTimeout)
	defer cancel()
	if err := fn(wctx); err != nil {
		r.log.Error("dialer database write failed", "operation", what, "error", err)
	}
}
