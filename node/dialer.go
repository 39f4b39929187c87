package node

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/cti/event"
	"github.com/switchboard-cc/switchboard/dialer/campaign"
)

// DialerOptions configure the node's outbound dialer.
type DialerOptions struct {
	// Disabled keeps the node from dialing campaigns; campaign calls that reach it are hung up.
	Disabled bool
	// Now is the clock of calling windows and retries; nil means time.Now.
	Now func() time.Time
	// Interval is the pacing period; 0 means the dialer's default of 500 ms.
	Interval time.Duration
}

// flowAgents lets the dialer read queue activity from the call flow, which is built after
// the dialer because the flow takes the dialer as an option.
type flowAgents struct {
	flow *callflow.Flow
}

func (a *flowAgents) QueueActivity(ctx context.Context, queue, campaign string) (callflow.QueueActivity, error) {
	return a.flow.QueueActivity(ctx, queue, campaign)
}

// teeEvents forwards every event to the call flow and shows the dialer those of its dials'
// channels. The dialer only queues what it is shown, so the flow never waits for it.
func teeEvents(ctx context.Context, in <-chan event.Event, dialer *campaign.Runner) <-chan event.Event {
	out := make(chan event.Event)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-in:
				if !ok {
					return
				}
				dialer.Observe(ev)
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// Desk returns the node's agent desk, which tests and embedding programs use to sign agents
// in without the HTTP API.
func (n *Node) Desk() api.AgentDesk { return n.flow }
