package campaign

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/cti/event"
	"github.com/switchboard-cc/switchboard/dialer/pacing"
	"github.com/switchboard-cc/switchboard/storage"
)

// Telephony places dials on one Asterisk server. *cti.Server implements it.
type Telephony interface {
	Originate(ctx context.Context, req cti.OriginateRequest) (string, error)
}

// Agents reports a queue's agents and a campaign's waiting calls. *callflow.Flow implements it.
type Agents interface {
	QueueActivity(ctx context.Context, queue, campaign string) (callflow.QueueActivity, error)
}

// Options configure a Runner.
type Options struct {
	DB        storage.DBTX
	Telephony Telephony
	Agents    Agents
	// Interval is the pacing period. Default 500 ms.
	Interval time.Duration
	// RingTimeout is the time a customer's number rings before the dial counts as
	// unanswered. Default 25 s.
	RingTimeout time.Duration
	// OutboundContext is the dialplan context that dials customers' numbers. Default
	// "outbound", as in asterisk-config/extensions.conf.
	OutboundContext string
	// RequestTimeout bounds each database query and each originate. Default 5 s.
	RequestTimeout time.Duration
	// Now is the clock of calling windows and retry times. Nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Runner dials the running campaigns of one node. Create it with New, pass it to callflow
// as Options.Campaigns, feed it cti's events with Observe and start it with Run.
type Runner struct {
	opts      Options
	log       *slog.Logger
	campaigns *storage.Campaigns
	leads     *storage.Leads

	// mu guards the fields below it, which other goroutines write or read.
	mu      sync.Mutex
	news    []any                            // events, callflow steps and originate results for the owner
	placed  map[string]callflow.CampaignDial // campaign/lead of a dial in flight → its queue and lead
	wake    chan struct{}
	stopped bool

	originates sync.WaitGroup

	// The fields below belong to the Run goroutine.
	active  map[string]*running  // by campaign name
	dials   map[string]*dial     // by channel id, once the originate returned
	byLead  map[string]*dial     // by campaign/lead
	orphans map[string][]orphan  // cti events of channels not yet known, by channel id
	started map[string]time.Time // when this node started pacing each campaign
}

type running struct {
	c      storage.Campaign
	policy pacing.Policy
	dials  int // dials in flight, answered ones included, for the line limit
	// lastDial is the time this node last placed a dial. Whether the campaign is done is
	// checked only after a quiet period.
	lastDial time.Time
}

type dial struct {
	camp       *running
	lead       storage.Lead
	id         string // channel id, also the call id; empty until the originate returns
	placedAt   time.Time
	answeredAt time.Time
	answered   bool
	connected  bool
	abandoned  bool
	ended      bool
}

type orphan struct {
	ev event.Event
	at time.Time
}

// originated is the result of an originate request, posted to the owner.
type originated struct {
	d   *dial
	id  string
	err error
}

const orphanTTL = 10 * time.Second

// New returns a Runner.
func New(opts Options) (*Runner, error) {
	switch {
	case opts.DB == nil:
		return nil, errors.New("campaign: Options.DB is nil")
	case opts.Telephony == nil || opts.Agents == nil:
		return nil, errors.New("campaign: Options.Telephony and Options.Agents are required")
	}
	if opts.Interval <= 0 {
		opts.Interval = 500 * time.Millisecond
	}
	if opts.RingTimeout <= 0 {
		opts.RingTimeout = 25 * time.Second
	}
	if opts.OutboundContext == "" {
		opts.OutboundContext = "outbound"
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{
		opts: opts, log: opts.Logger.With("component", "dialer"),
		campaigns: storage.NewCampaigns(opts.DB), leads: storage.NewLeads(opts.DB),
		placed: make(map[string]callflow.CampaignDial), wake: make(chan struct{}, 1),
		active: make(map[string]*running), dials: make(map[string]*dial), byLead: make(map[string]*dial),
		orphans: make(map[string][]orphan), started: make(map[string]time.Time),
	}, nil
}

func leadKey(campaign string, leadID int64) string {
	return campaign + "/" + strconv.FormatInt(leadID, 10)
}

// CampaignDial implements callflow.CampaignCalls.
func (r *Runner) CampaignDial(campaign, lead string) (callflow.CampaignDial, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.placed[campaign+"/"+lead]
	return d, ok
}

// CampaignCallEvent implements callflow.CampaignCalls.
func (r *Runner) CampaignCallEvent(e callflow.CampaignCallEvent) { r.send(e) }

// Observe queues cti's originate results and hang-ups for the owner goroutine, which matches
// them to its dials' channels. It never blocks.
func (r *Runner) Observe(ev event.Event) {
	switch ev.(type) {
	case event.OriginateResult, event.HungUp:
		r.send(ev)
	}
}

func (r *Runner) send(v any) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return
	}
	r.news = append(r.news, v)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run dials until ctx ends, then waits for the originate requests in flight. Leads whose dial
// was in flight stay "dialing" and return to the list at the next start.
func (r *Runner) Run(ctx context.Context) error {
	r.log.Info("dialer started")
	defer r.log.Info("dialer stopped")
	defer r.originates.Wait()
	defer func() {
		r.mu.Lock()
		r.stopped = true
		r.news = nil
		r.mu.Unlock()
	}()

	r.releaseDialing(ctx)

	ticker := time.NewTicker(r.opts.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-r.wake:
			r.handleNews(ctx)
		case <-ticker.C:
			r.handleNews(ctx)
			r.dropStaleOrphans()
			r.pace(ctx)
		}
	}
}

// releaseDialing returns leads left dialing by an earlier run of this node to their lists.
// NOTE: with several nodes dialing the same campaign this would release other nodes' dials
// too. Each campaign must be dialed by one node until attempts record their node.
func (r *Runner) releaseDialing(ctx context.Context) {
	qctx, cancel := context.WithTimeout(ctx, r.opts.RequestTimeout)
	defer cancel()
	list, err := r.campaigns.List(qctx, "")
	if err != nil {
		r.log.Error("list campaigns failed", "error", err)
		return
	}
	for _, c := range list {
		n, err := r.leads.ReleaseDialing(qctx, c.ID, r.opts.Now())
		if err != nil {
			r.log.Error("release dialing leads failed", "campaign", c.Name, "error", err)
			continue
		}
		if n > 0 {
			r.log.Info("leads interrupted by a stop returned to the list", "campaign", c.Name, "leads", n)
		}
	}
}

func (r *Runner) handleNews(ctx context.Context) {
	r.mu.Lock()
	news := r.news
	r.news = nil
	r.mu.Unlock()
	for _, v := range news {
		switch m := v.(type) {
		case originated:
			r.onOriginated(ctx, m)
		case callflow.CampaignCallEvent:
			r.onCallEvent(ctx, m)
		case event.Event:
			r.onChannelEvent(ctx, m)
		}
	}
}

func (r *Runner) dropStaleOrphans() {
	cutoff := time.Now().Add(-orphanTTL)
	for id, list := range r.orphans {
		if list[len(list)-1].at.Before(cutoff) {
			delete(r.orphans, id)
		}
	}
}

// newPolicy builds the campaign's pacing policy.
func newPolicy(c storage.Campaign) (pacing.Policy, error) {
	if c.Policy == storage.PolicyPredictive {
		p, err := pacing.NewPredictive(pacing.PredictiveConfig{Target: c.AbandonTarget / 100})
		if err != nil {
			return nil, fmt.Errorf("campaign %s: predictive policy: %w", c.Name, err)
		}
		return p, nil
	}
	return pacing.NewProgressive(), nil
}
