package callflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/cti/event"
	"github.com/switchboard-cc/switchboard/routing"
)

// Options configure a Flow.
type Options struct {
	// Servers returns the Telephony of the named Asterisk server.
	Servers   func(name string) (Telephony, bool)
	Directory Directory
	// Numbers normalises callers' numbers to E.164; numbers it rejects (withheld, invalid)
	// are kept as received.
	Numbers  *phone.Normalizer
	Notifier Notifier
	Recorder Recorder
	// PhoneAnswerer is optional; without it the desk's Answer button returns a conflict
	// that tells the agent to pick up the phone.
	PhoneAnswerer PhoneAnswerer
	// Queues are the names of the configured queues, which an agent without a queue list
	// serves.
	Queues []string
	// MusicClass is the music-on-hold class for waiting callers; default "default".
	MusicClass string
	// VoicemailContext is the dialplan context that takes callers a queue overflows to
	// voicemail, at the extension named like the queue. Default DefaultVoicemailContext.
	VoicemailContext string
	// Dispositions offered in wrap-up, in the agent's language by the desk.
	Dispositions []protocol.Disposition
	// DispositionWindow is how long after a call ends its agent may still save the call's
	// outcome, also after wrap-up ended and while the next call is handled. Default
	// DefaultDispositionWindow.
	DispositionWindow time.Duration
	// RequestTimeout bounds each REST request to Asterisk and each directory query.
	// Default 5 s.
	RequestTimeout time.Duration
	// Campaigns is the dialer of this node. When it is nil, the node hangs up every campaign
	// call that enters Stasis.
	Campaigns CampaignCalls
	// CampaignAbandonDelay is how long an answered campaign call may wait for an agent before
	// it counts as abandoned and is hung up. Default DefaultCampaignAbandonDelay.
	CampaignAbandonDelay time.Duration
	Logger               *slog.Logger
	// Now is the clock; nil means time.Now. The routing engine's timers follow it.
	Now func() time.Time
}

// DefaultDispositionWindow is the default Options.DispositionWindow.
const DefaultDispositionWindow = 15 * time.Minute

// DefaultVoicemailContext is the voicemail context of asterisk-config/extensions.conf.
const DefaultVoicemailContext = "switchboard-voicemail"

// Flow is one node's call handling. Create it with New and start it with Run.
type Flow struct {
	opts   Options
	engine *routing.Engine
	log    *slog.Logger
	now    func() time.Time

	inbox chan func()
	done  chan struct{}

	// The fields below belong to the loop goroutine.
	calls   map[string]*call         // by call id, which is the customer channel id
	legs    map[string]*leg          // agent leg channel id → leg
	agents  map[string]*agentView    // by agent id
	orphans map[string][]orphanEvent // events of channels not yet known, by channel id
	// adoptedLegs are agent legs found after a (re)start before their caller's channel, by
	// call id.
	adoptedLegs map[string]*leg
	// followUps are inputs that outputs of the engine request. route hands them to the engine
	// after it has carried out the outputs of the input that caused them.
	followUps []routing.Input
	// supervisions are supervisors' sessions by supervisor id, and supervisorLegs the same
	// sessions by the channel id of the supervisor's phone leg.
	supervisions   map[string]*supervision
	supervisorLegs map[string]*supervision
	workers        sync.WaitGroup
}

// orphanEvent is an event for a channel whose originate request has not returned yet: ARI
// can report a leg's fate before the REST response that created it.
type orphanEvent struct {
	ev event.Event
	at time.Time
}

const orphanTTL = 10 * time.Second

// New returns a Flow over the routing engine. The engine must not be used by anyone else.
func New(engine *routing.Engine, opts Options) (*Flow, error) {
	switch {
	case engine == nil:
		return nil, errors.New("callflow: routing engine is nil")
	case opts.Servers == nil:
		return nil, errors.New("callflow: Options.Servers is nil")
	case opts.Directory == nil || opts.Recorder == nil || opts.Numbers == nil:
		return nil, errors.New("callflow: Directory, Recorder and Numbers are required")
	}
	if opts.MusicClass == "" {
		opts.MusicClass = "default"
	}
	if opts.VoicemailContext == "" {
		opts.VoicemailContext = DefaultVoicemailContext
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 5 * time.Second
	}
	if opts.DispositionWindow <= 0 {
		opts.DispositionWindow = DefaultDispositionWindow
	}
	if opts.CampaignAbandonDelay <= 0 {
		opts.CampaignAbandonDelay = DefaultCampaignAbandonDelay
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}

	return &Flow{
		opts:    opts,
		engine:  engine,
		log:     opts.Logger.With("component", "callflow"),
		now:     opts.Now,
		inbox:   make(chan func(), 1024),
		done:    make(chan struct{}),
		calls:   make(map[string]*call),
		legs:    make(map[string]*leg),
		agents:  make(map[string]*agentView),
		orphans: make(map[string][]orphanEvent),

		adoptedLegs:    make(map[string]*leg),
		supervisions:   make(map[string]*supervision),
		supervisorLegs: make(map[string]*supervision),
	}, nil
}

// SetNotifier sets the desks' notifier when it could not be passed to New, because the API
// server that owns it needs the Flow first. It must be called before Run.
func (f *Flow) SetNotifier(n Notifier) { f.opts.Notifier = n }

// Run handles events until ctx ends or events is closed, then waits for the calls' workers to
// finish their current request. It must be called once.
func (f *Flow) Run(ctx context.Context, events <-chan event.Event) error {
	defer close(f.done)
	defer f.workers.Wait()
	if f.opts.Notifier == nil {
		return errors.New("callflow: no Notifier: pass Options.Notifier or call SetNotifier before Run")
	}

	f.log.Info("call flow started")
	defer f.log.Info("call flow stopped")

	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	sweep := time.NewTicker(orphanTTL)
	defer sweep.Stop()

	for {
		f.armTimer(timer)

		select {
		case <-ctx.Done():
			f.stopWorkers()
			return ctx.Err()
		case ev, ok := <-events:
			if !ok {
				f.stopWorkers()
				return nil
			}
			f.handleEvent(ev)
		case fn := <-f.inbox:
			fn()
		case <-timer.C:
			f.route(routing.Tick{})
		case <-sweep.C:
			f.dropStaleOrphans()
		}
	}
}

func (f *Flow) armTimer(timer *time.Timer) {
	next, ok := f.engine.NextDeadline()
	if !ok {
		timer.Stop()
		return
	}
	timer.Reset(max(next.Sub(f.now()), 0))
}

// do runs fn on the loop and waits for it; desk commands and state queries use it.
func (f *Flow) do(ctx context.Context, fn func()) error {
	finished := make(chan struct{})
	select {
	case f.inbox <- func() { fn(); close(finished) }:
	case <-f.done:
		return errStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-finished:
		return nil
	case <-f.done:
		return errStopped
	}
}

// post queues fn for the loop without waiting; workers report results with it.
func (f *Flow) post(fn func()) {
	select {
	case f.inbox <- fn:
	case <-f.done:
	}
}

var errStopped = errors.New("callflow: stopped")

// route hands one input to the routing engine and carries out its outputs.
func (f *Flow) route(in routing.Input) []routing.Output {
	outs := f.engine.Handle(f.now(), in)
	for _, out := range outs {
		f.handleOutput(out)
	}
	for len(f.followUps) > 0 {
		next := f.followUps[0]
		f.followUps = f.followUps[1:]
		if err := rejection(f.route(next)); err != nil {
			f.log.Warn("follow-up input rejected", "input", fmt.Sprintf("%T%+v", next, next), "error", err)
		}
	}
	return outs
}

// rejection returns the error of the first Rejected output, if any.
func rejection(outs []routing.Output) error {
	for _, o := range outs {
		if r, ok := o.(routing.Rejected); ok {
			return r.Err
		}
	}
	return nil
}

func (f *Flow) dropStaleOrphans() {
	cutoff := f.now().Add(-orphanTTL)
	for id, evs := range f.orphans {
		if len(evs) > 0 && evs[len(evs)-1].at.Before(cutoff) {
			delete(f.orphans, id)
		}
	}
}

func (f *Flow) stopWorkers() {
	f.endSupervisions(protocol.SuperviseEndServerStopped)
	for _, c := range f.calls {
		c.worker.stop()
	}
}

func (f *Flow) telephony(server string) (Telephony, error) {
	tel, ok := f.opts.Servers(server)
	if !ok {
		return nil, fmt.Errorf("callflow: unknown Asterisk server %q", server)
	}
	return tel, nil
}

// normalize returns the number in E.164, or as received when it is withheld or invalid.
func (f *Flow) normalize(raw string) string {
	n, err := f.opts.Numbers.Parse(raw)
	if err != nil {
		return raw
	}
	return n.E164
}
