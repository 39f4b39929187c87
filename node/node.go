// Package node assembles one Switchboard node: the ARI connections, the routing engine and
// call flow, the call-log spool and the HTTP API with its WebSocket gateway, over one
// PostgreSQL pool. The binary builds a Node from its configuration; tests build one directly.
package node

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/loginlimit"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/api/session"
	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/calllog"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/dialer/campaign"
	"github.com/switchboard-cc/switchboard/directory"
	"github.com/switchboard-cc/switchboard/routing"
)

// Options configure a Node.
type Options struct {
	Pool    *pgxpool.Pool
	Numbers *phone.Normalizer
	// ARI lists the Asterisk servers; a node with none serves the CRM and the desk but
	// receives no calls.
	ARI    []cti.ServerConfig
	Queues []routing.QueueConfig
	// Dispositions are the outcome codes agents may save; nil means DefaultDispositions.
	Dispositions []string
	// SpoolDir keeps call records while PostgreSQL is unreachable; it must survive restarts.
	SpoolDir string

	AllowedOrigins []string
	SecureCookie   bool
	UI             fs.FS
	// Sessions keeps logins; nil keeps them in memory, so a restart signs everyone out.
	Sessions session.Store
	// LoginFailures counts failed logins for the API's limits; nil counts them in memory,
	// per node.
	LoginFailures loginlimit.Counter

	// PhoneAnswerer answers simulated agent phones in the demo; nil in production.
	PhoneAnswerer callflow.PhoneAnswerer
	// Dialer configures the outbound campaign dialer, which dials through the first ARI
	// server.
	Dialer     DialerOptions
	Registerer prometheus.Registerer
	Logger     *slog.Logger
}

// DefaultQueues are the queues of a node whose configuration names none: the two the
// Asterisk configuration's dialplan sends calls to.
func DefaultQueues() []routing.QueueConfig {
	return []routing.QueueConfig{
		{Name: "support", RingTimeout: 20 * time.Second, WrapUp: 60 * time.Second, ServiceLevelThreshold: 20 * time.Second,
			MaxWait: 10 * time.Minute, Overflow: routing.Overflow{Kind: routing.OverflowCallback}},
		{Name: "sales", RingTimeout: 20 * time.Second, WrapUp: 30 * time.Second, ServiceLevelThreshold: 20 * time.Second,
			MaxWait: 5 * time.Minute, Overflow: routing.Overflow{Kind: routing.OverflowQueue, Queue: "support"}},
	}
}

// DefaultDispositions are the outcome codes the desk offers; the desk shows each in the
// agent's language.
func DefaultDispositions() []string {
	return []string{"resolved", "callback", "sale", "complaint", "wrong_number", "other"}
}

// Node is one running Switchboard node.
type Node struct {
	api     *api.Server
	manager *cti.Manager
	flow    *callflow.Flow
	dialer  *campaign.Runner // nil without ARI servers or when disabled
	spool   *calllog.Spool
	log     *slog.Logger
}

// New builds the node; Run starts its ARI connections and call handling.
func New(opts Options) (*Node, error) {
	switch {
	case opts.Pool == nil || opts.Numbers == nil:
		return nil, errors.New("node: Pool and Numbers are required")
	case opts.SpoolDir == "":
		return nil, errors.New("node: SpoolDir is empty; give a folder that survives restarts")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	reg := opts.Registerer
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	queues := opts.Queues
	if len(queues) == 0 {
		queues = DefaultQueues()
	}
	codes := opts.Dispositions
	if len(codes) == 0 {
		codes = DefaultDispositions()
	}

	dir := directory.New(opts.Pool, opts.Numbers)

	manager, err := cti.NewManager(cti.ManagerOptions{Logger: logger, Registerer: reg})
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	for _, s := range opts.ARI {
		if _, err := manager.Add(s); err != nil {
			return nil, fmt.Errorf("node: ARI server %q: %w", s.Name, err)
		}
	}

	engine, err := routing.New(routing.Config{Queues: queues, StatsInterval: 5 * time.Second}, routing.Options{Logger: logger, Registerer: reg})
	if err != nil {
		return nil, fmt.Errorf("node: routing: %w", err)
	}

	spool, err := calllog.Open(dir, calllog.Options{Dir: opts.SpoolDir, Logger: logger, Registerer: reg})
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}

	names := make([]string, 0, len(queues))
	for _, q := range queues {
		names = append(names, q.Name)
	}
	dispositions := make([]protocol.Disposition, 0, len(codes))
	for _, c := range codes {
		dispositions = append(dispositions, protocol.Disposition{Code: c, Label: c})
	}
	agents := &flowAgents{}
	var dialer *campaign.Runner
	if len(opts.ARI) > 0 && !opts.Dialer.Disabled {
		tel, _ := manager.Server(opts.ARI[0].Name)
		dialer, err = campaign.New(campaign.Options{
			DB: opts.Pool, Telephony: tel, Agents: agents, Interval: opts.Dialer.Interval, Now: opts.Dialer.Now, Logger: logger,
		})
		if err != nil {
			spool.Close()
			return nil, fmt.Errorf("node: %w", err)
		}
	}
	var campaigns callflow.CampaignCalls
	if dialer != nil {
		campaigns = dialer
	}

	flow, err := callflow.New(engine, callflow.Options{
		Servers: func(name string) (callflow.Telephony, bool) {
			s, ok := manager.Server(name)
			return s, ok
		},
		Directory:     dir,
		Numbers:       opts.Numbers,
		Recorder:      spool,
		PhoneAnswerer: opts.PhoneAnswerer,
		Queues:        names,
		Campaigns:     campaigns,
		Dispositions:  dispositions,
		Logger:        logger,
	})
	if err != nil {
		spool.Close()
		return nil, fmt.Errorf("node: %w", err)
	}

	server, err := api.New(
		api.Deps{Auth: dir, Desk: flow, Contacts: linkedContacts{Directory: dir, flow: flow}, State: flow, Wallboard: flow, Callbacks: dir.Callbacks(names),
			Sessions: opts.Sessions, LoginFailures: opts.LoginFailures, Metrics: reg, Logger: logger},
		api.Options{AllowedOrigins: opts.AllowedOrigins, SecureCookie: opts.SecureCookie, UI: opts.UI},
	)
	if err != nil {
		spool.Close()
		return nil, fmt.Errorf("node: %w", err)
	}
	flow.SetNotifier(server.Hub())
	agents.flow = flow

	return &Node{api: server, manager: manager, flow: flow, dialer: dialer, spool: spool, log: logger}, nil
}

// Handler serves the API, the WebSocket gateway and the desk.
func (n *Node) Handler() http.Handler { return n.api }

// Run connects to Asterisk and handles calls until ctx ends, then closes the desks'
// connections and the spool. Records still spooled stay on disk for the next start.
func (n *Node) Run(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Add(2)
	go func() {
		defer wg.Done()
		// With no servers the manager returns at once; the flow still serves the desks.
		err := n.manager.Run(runCtx)
		if len(n.manager.Servers()) > 0 {
			errs <- err
		}
	}()
	events := n.manager.Events()
	if n.dialer != nil {
		events = teeEvents(runCtx, events, n.dialer)
		wg.Add(1)
		go func() { defer wg.Done(); errs <- n.dialer.Run(runCtx) }()
	}
	go func() { defer wg.Done(); errs <- n.flow.Run(runCtx, events) }()

	err := <-errs
	cancel()
	wg.Wait()

	closeCtx, stop := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer stop()
	if cerr := n.api.Close(closeCtx); cerr != nil {
		n.log.Warn("close desk connections", "error", cerr)
	}
	n.spool.Close()

	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("node: %w", err)
	}
	return nil
}
