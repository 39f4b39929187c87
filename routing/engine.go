package routing

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Engine owns every queue, waiting call and signed-in agent. It is not safe for concurrent
// use: one goroutine calls Handle, usually through Run. Handle is deterministic: the same
// configuration and the same sequence of (time, input) pairs give the same outputs.
type Engine struct {
	priorities    Priorities
	statsInterval time.Duration
	queues        map[string]*queue
	order         []*queue // configuration order, for deterministic statistics

	calls     map[string]*call
	agents    map[string]*agent // signed-in agents only
	endpoints map[string]*agent

	timers   timerHeap
	timerSeq uint64
	callSeq  uint64
	agentSeq uint64

	now     time.Time
	epoch   time.Time // time of the first input; ordering keys count from it
	started bool
	out     []Output

	log     *slog.Logger
	metrics *metrics

	// offerHook, when a test sets it, is called for every offer just before the agent is reserved.
	offerHook func(a *agent, c *call)
}

// Options are the engine's collaborators.
type Options struct {
	// Logger receives the engine's logs; nil discards them.
	Logger *slog.Logger
	// Registerer receives the engine's metrics; nil keeps them in a private registry.
	Registerer prometheus.Registerer
}

// New validates cfg and returns an engine with no calls and no agents.
func New(cfg Config, opts Options) (*Engine, error) {
	queueConfigs, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	// Hours are compiled before metrics are registered, so a rejected configuration leaves
	// the registerer untouched and the caller can retry with a corrected one.
	schedules := make([]*schedule, len(queueConfigs))
	for i, qc := range queueConfigs {
		if qc.Hours == nil {
			continue
		}
		if schedules[i], err = compileHours(qc.Hours); err != nil {
			return nil, configError("queue %q: %v", qc.Name, err)
		}
	}

	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	reg := opts.Registerer
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}

	e := &Engine{
		priorities:    cfg.priorities(),
		statsInterval: cfg.StatsInterval,
		queues:        make(map[string]*queue, len(queueConfigs)),
		calls:         make(map[string]*call),
		agents:        make(map[string]*agent),
		endpoints:     make(map[string]*agent),
		log:           logger,
		metrics:       m,
	}
	for i, qc := range queueConfigs {
		q := &queue{
			cfg:        qc,
			hours:      schedules[i],
			groups:     make(map[string]*callGroup),
			handleTime: qc.DefaultHandleTime,
			depthGauge: m.queueDepth.WithLabelValues(qc.Name),
			slGauge:    m.serviceLevel.WithLabelValues(qc.Name),
		}
		q.publishServiceLevel()
		e.queues[qc.Name] = q
		e.order = append(e.order, q)
	}
	return e, nil
}

// Handle applies one input at time now and returns the resulting outputs in order. Timers
// that fell due since the previous call fire first, each at its own deadline. A now earlier
// than a previous one is treated as the latest time seen, so time never runs backwards.
func (e *Engine) Handle(now time.Time, in Input) []Output {
	// The wall clock only feeds the latency histogram; no decision depends on it.
	started := time.Now()
	defer func() { e.metrics.decisionSeconds.Observe(time.Since(started).Seconds()) }()

	if !e.started {
		e.started = true
		e.now = now
		e.epoch = now
		if e.statsInterval > 0 {
			e.schedule(timer{at: now.Add(e.statsInterval), kind: timerStats})
		}
	}
	e.advance(now)

	switch in := in.(type) {
	case CallArrived:
		e.callArrived(in)
	case CallEnded:
		e.callEnded(in)
	case AgentSignIn:
		e.signIn(in)
	case AgentSignOut:
		e.signOutRequest(in)
	case AgentPause:
		e.pause(in)
	case AgentReady:
		e.ready(in)
	case AgentChangeEndpoint:
		e.changeEndpoint(in)
	case WrapUpDone:
		e.wrapUpDone(in)
	case AgentAnswered:
		e.agentAnswered(in)
	case AgentLegFailed:
		e.legFailed(in)
	case TransferToAgent:
		e.transferToAgent(in)
	case TransferToQueue:
		e.transferToQueue(in)
	case HangUpRequest:
		e.hangUpRequest(in)
	case QueryAgent:
		e.emit(e.agentStatus(in.AgentID))
	case QueryQueues:
		e.emitStats()
	case Tick:
	case nil:
		e.reject(in, fmt.Errorf("%w: nil input", ErrInvalidInput))
	default:
		e.reject(in, fmt.Errorf("%w: unsupported input type %T", ErrInvalidInput, in))
	}
	e.afterStep()

	out := e.out
	e.out = nil
	return out
}

func (e *Engine) emit(o Output) { e.out = append(e.out, o) }

func (e *Engine) reject(in Input, err error) {
	callID, agentID := inputIDs(in)
	e.log.Info("routing input rejected", "input", fmt.Sprintf("%T", in), "call_id", callID, "agent_id", agentID, "error", err)
	e.emit(Rejected{Input: in, Err: err})
}

// inputIDs returns the call and agent ids an input names, for logs.
func inputIDs(in Input) (callID, agentID string) {
	switch in := in.(type) {
	case CallArrived:
		return in.CallID, ""
	case CallEnded:
		return in.CallID, ""
	case AgentSignIn:
		return "", in.AgentID
	case AgentSignOut:
		return "", in.AgentID
	case AgentPause:
		return "", in.AgentID
	case AgentReady:
		return "", in.AgentID
	case AgentChangeEndpoint:
		return "", in.AgentID
	case WrapUpDone:
		return "", in.AgentID
	case AgentAnswered:
		return in.CallID, in.AgentID
	case AgentLegFailed:
		return in.CallID, in.AgentID
	case TransferToAgent:
		return in.CallID, in.FromAgentID
	case TransferToQueue:
		return in.CallID, in.FromAgentID
	case HangUpRequest:
		return in.CallID, in.AgentID
	case QueryAgent:
		return "", in.AgentID
	}
	return "", ""
}

// afterStep overflows the waiting calls of queues whose last agent signed out, when the queue
// has OverflowWhenNoAgents set. It runs after each input and timer so that overflow never interleaves with the
// state change that caused it.
func (e *Engine) afterStep() {
	for _, q := range e.order {
		if !q.noAgentsSeen {
			continue
		}
		q.noAgentsSeen = false
		if !q.cfg.OverflowWhenNoAgents || q.signedIn() > 0 || q.waiting == 0 {
			continue
		}
		var waiting []*call
		for _, g := range q.order {
			waiting = append(waiting, g.calls...)
		}
		for _, c := range waiting {
			e.overflow(c, "no_agents")
		}
	}
}
