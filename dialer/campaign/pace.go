package campaign

import (
	"context"
	"strconv"
	"time"

	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/dialer/pacing"
	"github.com/switchboard-cc/switchboard/storage"
)

// quietBeforeDone is the time a campaign must have placed no dial before this node checks
// whether its list is finished, so the check does not query the database every period.
const quietBeforeDone = 2 * time.Second

// pace reloads the campaigns and places the dials each running one needs now.
func (r *Runner) pace(ctx context.Context) {
	qctx, cancel := context.WithTimeout(ctx, r.opts.RequestTimeout)
	defer cancel()
	list, err := r.campaigns.List(qctx, "")
	if err != nil {
		r.log.Error("list campaigns failed", "error", err)
		return
	}

	now := r.opts.Now()
	for _, c := range list {
		run := r.active[c.Name]
		if run == nil {
			if c.Status != storage.CampaignRunning {
				continue
			}
			policy, err := newPolicy(c)
			if err != nil {
				r.log.Error("campaign cannot be paced", "campaign", c.Name, "error", err)
				continue
			}
			run = &running{policy: policy}
			r.active[c.Name] = run
			if _, ok := r.started[c.Name]; !ok {
				r.started[c.Name] = now
			}
			r.log.Info("campaign dialing", "campaign", c.Name, "policy", policy.Name(), "queue", c.Queue)
		}
		run.c = c
		if c.Status != storage.CampaignRunning {
			// Pausing or stopping takes effect at this period, and dials in flight finish.
			if run.dials == 0 {
				delete(r.active, c.Name)
				r.log.Info("campaign no longer dialing", "campaign", c.Name, "status", c.Status)
			}
			continue
		}
		if !c.InWindow(now) {
			continue
		}
		r.paceCampaign(qctx, run, now)
	}
}

func (r *Runner) paceCampaign(ctx context.Context, run *running, now time.Time) {
	c := run.c
	activity, err := r.opts.Agents.QueueActivity(ctx, c.Queue, c.Name)
	if err != nil {
		r.log.Warn("read queue activity failed", "campaign", c.Name, "queue", c.Queue, "error", err)
		return
	}

	state := pacing.State{
		Now:        now.Sub(r.started[c.Name]),
		IdleAgents: activity.Idle,
		Talking:    activity.Talking,
		WrapUp:     activity.WrapUp,
		Waiting:    activity.Waiting,
		FreeLines:  max(c.MaxLines-run.dials, 0),
		// NOTE: the number of due leads is not counted each period. The line limit is used in
		// its place, and ClaimDue returns fewer leads when fewer are due.
		RemainingLeads: c.MaxLines,
	}
	for _, d := range r.byLead {
		if d.camp == run && !d.answered && !d.ended {
			state.Outstanding = append(state.Outstanding, now.Sub(d.placedAt))
		}
	}

	n := run.policy.Dials(&state)
	if n <= 0 {
		r.finishIfListDone(ctx, run, now)
		return
	}
	leads, err := r.leads.ClaimDue(ctx, c.ID, now, n)
	if err != nil {
		r.log.Error("claim due leads failed", "campaign", c.Name, "error", err)
		return
	}
	if len(leads) == 0 {
		r.finishIfListDone(ctx, run, now)
		return
	}
	for _, l := range leads {
		r.place(run, l, now)
	}
}

// finishIfListDone marks a running campaign done once no lead is left to dial and no dial
// is in flight.
func (r *Runner) finishIfListDone(ctx context.Context, run *running, now time.Time) {
	if run.dials > 0 || now.Sub(run.lastDial) < quietBeforeDone {
		return
	}
	counts, err := r.leads.Counts(ctx, run.c.ID)
	if err != nil {
		r.log.Error("count leads failed", "campaign", run.c.Name, "error", err)
		return
	}
	for _, s := range []storage.LeadStatus{storage.LeadNew, storage.LeadDialing, storage.LeadBusy, storage.LeadNoAnswer} {
		if counts[s] > 0 {
			return
		}
	}
	if _, err := r.campaigns.SetStatus(ctx, run.c.Name, storage.CampaignDone); err != nil {
		r.log.Error("mark campaign done failed", "campaign", run.c.Name, "error", err)
		return
	}
	delete(r.active, run.c.Name)
	r.log.Info("campaign done: every lead has a final status", "campaign", run.c.Name)
}

// place originates a dial of the lead on its own goroutine. The result comes back to the
// owner goroutine through the news queue.
func (r *Runner) place(run *running, l storage.Lead, now time.Time) {
	d := &dial{camp: run, lead: l, placedAt: now}
	key := leadKey(run.c.Name, l.ID)
	r.byLead[key] = d
	run.dials++
	run.lastDial = now

	// The queue and the lead's name are known before the originate, because the person may
	// answer and enter Stasis before the request returns.
	r.mu.Lock()
	r.placed[key] = callflow.CampaignDial{Queue: run.c.Queue, LeadName: l.Name}
	r.mu.Unlock()

	req := cti.OriginateRequest{
		Endpoint: "Local/" + l.Phone + "@" + r.opts.OutboundContext,
		Timeout:  r.opts.RingTimeout,
		Args:     []string{"dialer", run.c.Name, strconv.FormatInt(l.ID, 10)},
	}
	r.log.Info("dialing lead", "campaign", run.c.Name, "lead", l.ID, "attempt", l.Attempts)
	r.originates.Add(1)
	go func() {
		defer r.originates.Done()
		ctx, cancel := context.WithTimeout(context.Background(), r.opts.RequestTimeout)
		defer cancel()
		id, err := r.opts.Telephony.Originate(ctx, req)
		r.send(originated{d: d, id: id, err: err})
	}()
}
