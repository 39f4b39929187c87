package callflow

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/calllog"
	"github.com/switchboard-cc/switchboard/routing"
)

// call is a customer call from its arrival in Stasis until its record is written and its
// channel is gone. Only the loop goroutine touches it.
type call struct {
	id     string // the customer channel id, also the routing call id
	server string
	tel    Telephony
	worker *worker

	caller  protocol.Caller
	dialed  string
	queue   string
	card    *protocol.Card // nil for an unknown caller
	arrived time.Time
	// received is the time this node learned of the call, on its own clock. Routing counts
	// the caller's wait from it.
	received time.Time
	routed   bool // the routing engine tracks the call

	leg      *leg   // the agent leg ringing or talking, if any
	agentID  string // the agent talking to the caller
	bridgeID string
	offer    protocol.CallOffered
	// answeredAt is when the current agent answered; zero while nobody talks to the caller.
	answeredAt time.Time

	// endedBy is who ended the call when this node hung the caller up; the caller otherwise.
	endedBy    routing.Party
	hangingUp  bool
	cause      int
	causeText  string
	customerUp bool // the customer channel still exists
	recorded   bool // the routing engine emitted the call's record
	recordedAt time.Time
	// spooled is closed once the record is in the spool, so that a disposition, which
	// must follow the record, waits for it.
	spooled chan struct{}
	// pending holds dispositions saved by agents who transferred the call away before it
	// ended; they are written right after the record.
	pending []calllog.Disposition

	// adopted marks a call found in Stasis after a (re)start; adoptedLeg is its agent leg,
	// when one was found talking to the caller.
	adopted    bool
	adoptedLeg *leg

	// campaign and lead are set for a dial of the dialer that a person answered, and
	// leadName when the call list named the lead.
	campaign, lead    string
	leadName          string
	campaignConnected bool // an agent answered the campaign call
	campaignAbandoned bool // no agent answered in time, so this node hung it up
}

// leg is an agent's phone leg, originated for a call.
type leg struct {
	id       string // channel id; empty until the originate request returns
	agentID  string
	endpoint string
	call     *call
	// ringTimeout is how long routing lets the phone ring, shown on the desk's ringing card.
	ringTimeout time.Duration

	answered  bool // the leg entered Stasis, so the agent picked up
	cancelled bool // this node withdrew the offer and hangs the leg up
	released  bool // the leg is hung up for a transfer, not by the agent
	resolved  bool // the leg's failure was reported to routing
	// answerRequested records a desk Answer that came before the leg's id was known.
	answerRequested bool
	// adopted marks a leg found talking after a (re)start; it is already bridged.
	adopted bool
}

// worker runs one call's REST requests in order.
type worker struct {
	flow     *Flow
	jobs     chan job
	quit     chan struct{}
	once     sync.Once
	finished bool // set by finish; only the loop reads and writes it
}

// job is one request of a call. keep marks work that must happen even when the node stops,
// such as spooling the call's record.
type job struct {
	run  func(ctx context.Context)
	keep bool
}

func (f *Flow) startWorker() *worker {
	w := &worker{flow: f, jobs: make(chan job, 256), quit: make(chan struct{})}
	f.workers.Add(1)
	go func() {
		defer f.workers.Done()
		for {
			// A stop wins over queued jobs, which select alone would pick at random.
			select {
			case <-w.quit:
				w.drainKept()
				return
			default:
			}

			select {
			case j, ok := <-w.jobs:
				if !ok {
					return
				}
				f.runJob(j)
			case <-w.quit:
				w.drainKept()
				return
			}
		}
	}()
	return w
}

func (f *Flow) runJob(j job) {
	ctx, cancel := context.WithTimeout(context.Background(), f.opts.RequestTimeout)
	defer cancel()
	j.run(ctx)
}

// drainKept runs the queued jobs that must not be lost, on shutdown, and drops the rest:
// requests to Asterisk are pointless once the node stops handling the call.
func (w *worker) drainKept() {
	for {
		select {
		case j, ok := <-w.jobs:
			if !ok {
				return
			}
			if j.keep {
				w.flow.runJob(j)
			}
		default:
			return
		}
	}
}

// submit queues a request for the call; only the loop calls it. A request for a call that is
// already finished, such as hanging up an agent leg whose originate returned late, runs on
// its own goroutine so that it still happens.
func (w *worker) submit(run func(ctx context.Context)) { w.enqueue(job{run: run}) }

// submitKept queues work that runs even if the node stops before the worker reaches it.
func (w *worker) submitKept(run func(ctx context.Context)) { w.enqueue(job{run: run, keep: true}) }

func (w *worker) enqueue(j job) {
	if !w.finished {
		w.jobs <- j
		return
	}
	f := w.flow
	f.workers.Add(1)
	go func() {
		defer f.workers.Done()
		f.runJob(j)
	}()
}

// finish lets the worker run what is queued and exit.
func (w *worker) finish() {
	if !w.finished {
		w.finished = true
		close(w.jobs)
	}
}

// stop makes the worker exit after its current request and the kept jobs, on shutdown.
func (w *worker) stop() { w.once.Do(func() { close(w.quit) }) }

// agentView is what the desk shows for an agent, kept for the hello frame after a reload.
type agentView struct {
	state protocol.AgentState
	call  *protocol.CallState
	// recent are the calls the agent answered, oldest first, kept so that their outcome can
	// be saved until DispositionWindow after they end; see rememberCall.
	recent []*call
}

// maxRecentCalls bounds an agent's recent calls whatever the window, so that short calls in
// a long window cannot grow the list without limit.
const maxRecentCalls = 50

// rememberCall adds c to the agent's recent calls and drops those that ended longer than
// DispositionWindow ago.
func (f *Flow) rememberCall(v *agentView, c *call) {
	cutoff := f.now().Add(-f.opts.DispositionWindow)
	kept := v.recent[:0]
	for _, r := range v.recent {
		if r != c && (!r.recorded || r.recordedAt.After(cutoff)) {
			kept = append(kept, r)
		}
	}
	clear(v.recent[len(kept):])
	v.recent = append(kept, c)
	if n := len(v.recent) - maxRecentCalls; n > 0 {
		v.recent = slices.Delete(v.recent, 0, n)
	}
}

// recentCall returns the agent's recent call with the id if the agent may still save its
// outcome: the call goes on or ended within DispositionWindow.
func (f *Flow) recentCall(v *agentView, callID string) (*call, bool) {
	cutoff := f.now().Add(-f.opts.DispositionWindow)
	for i := len(v.recent) - 1; i >= 0; i-- {
		c := v.recent[i]
		if c.id != callID {
			continue
		}
		if c.recorded && c.recordedAt.Before(cutoff) {
			return nil, false
		}
		return c, true
	}
	return nil, false
}

func (f *Flow) view(agentID string) *agentView {
	v, ok := f.agents[agentID]
	if !ok {
		v = &agentView{state: protocol.AgentState{AgentID: agentID, State: protocol.StateLoggedOut, Since: f.now()}}
		f.agents[agentID] = v
	}
	return v
}

// finishIfDone forgets a call once its record is out and its channel is gone.
func (f *Flow) finishIfDone(c *call) {
	if !c.recorded || c.customerUp {
		return
	}
	if _, ok := f.calls[c.id]; !ok {
		return
	}
	delete(f.calls, c.id)
	c.worker.finish()
}
