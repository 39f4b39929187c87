// Package cti is Switchboard's bridge to Asterisk over ARI: it keeps one events connection per
// Asterisk server, translates ARI events into the domain events of package event, and offers
// call control as methods with context deadlines and typed errors.
//
// REST requests go through the github.com/CyCoreSystems/ari/v5 native client, except the
// channel list of a reconcile: the client's channel type lacks the dialplan app_data that
// holds an adopted call's Stasis arguments, so that one GET is plain net/http. The events
// WebSocket is cti's own, because the client's listener reconnects after a fixed second with
// no way to learn about it (so no reconcile could follow), and turns an undecodable message
// into a reconnect. cti reconnects with capped, jittered exponential backoff and reconciles
// after every connect, so no call is forgotten or reported twice.
//
// cti contains no queue or agent logic: the application arguments a call arrives with are
// passed on as they are.
package cti

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/cti/event"
)

// ManagerOptions configures a Manager.
type ManagerOptions struct {
	// Logger receives the logs; nil discards them.
	Logger *slog.Logger
	// Registerer receives the metrics; nil keeps them unregistered.
	Registerer prometheus.Registerer
	// EventBuffer is the capacity of the events channel; default 1024. When it is full the
	// servers stop reading their WebSockets until the consumer catches up.
	EventBuffer int
}

// Manager runs the connections to several Asterisk servers, each with its own name, and
// merges their events into one channel. Events of one server keep their order.
type Manager struct {
	log     *slog.Logger
	metrics *metrics
	events  chan event.Event

	mu      sync.Mutex
	servers map[string]*Server
	order   []*Server
	running bool
}

// NewManager returns a Manager with no servers.
func NewManager(opts ManagerOptions) (*Manager, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	if opts.Registerer == nil {
		opts.Registerer = prometheus.NewRegistry()
	}

	if opts.EventBuffer <= 0 {
		opts.EventBuffer = 1024
	}

	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("register cti metrics: %w", err)
	}

	return &Manager{
		log:     opts.Logger.With("component", "cti"),
		metrics: m,
		events:  make(chan event.Event, opts.EventBuffer),
		servers: make(map[string]*Server),
	}, nil
}

// Add validates cfg and adds a server. Servers are added before Run.
func (m *Manager) Add(cfg ServerConfig) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("add Asterisk server: %w", err)
	}

	m.mu.Lock()
	defer m.mu.Unlock()

	if m.running {
		return nil, fmt.Errorf("add Asterisk server %q: the manager is already running", cfg.Name)
	}

	if _, dup := m.servers[cfg.Name]; dup {
		return nil, fmt.Errorf("add Asterisk server %q: the name is already used", cfg.Name)
	}

	s := newServer(cfg, m.log, m.metrics, m.events)
	m.servers[cfg.Name] = s
	m.order = append(m.order, s)

	return s, nil
}

// Server returns the server with the given name.
func (m *Manager) Server(name string) (*Server, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()

	s, ok := m.servers[name]
	return s, ok
}

// Servers returns every server in the order they were added.
func (m *Manager) Servers() []*Server {
	m.mu.Lock()
	defer m.mu.Unlock()

	return append([]*Server(nil), m.order...)
}

// Events returns the channel of domain events of every server. It is never closed; stop
// reading when Run has returned.
func (m *Manager) Events() <-chan event.Event {
	return m.events
}

// Run connects every server and keeps the connections up until ctx ends, then closes them and
// returns after every connection goroutine has stopped. It may be called once.
func (m *Manager) Run(ctx context.Context) error {
	m.mu.Lock()
	if m.running {
		m.mu.Unlock()
		return fmt.Errorf("run cti: already running")
	}
	m.running = true
	servers := append([]*Server(nil), m.order...)
	m.mu.Unlock()

	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.run(ctx)
		}()
	}

	wg.Wait()

	return nil
}
