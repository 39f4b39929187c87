// Package ctitest runs a cti.Manager against an in-process arisim for tests of packages that
// consume cti's events and call control, such as the routing integration.
package ctitest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/cti/event"
)

// Options configures Start. The zero value works.
type Options struct {
	// Name of the Asterisk server; default "pbx1".
	Name string
	// Application is the Stasis application; default "switchboard".
	Application string
	// Scale multiplies every simulator delay; default 0.05, so an endpoint that answers
	// after 1 s answers after 50 ms.
	Scale float64
	// Rules replace arisim.DefaultRules when set.
	Rules []arisim.Rule
	// Logger receives cti's and arisim's logs; nil discards them.
	Logger *slog.Logger
}

// Env is a running simulator with a connected Manager. Start stops both when the test ends.
type Env struct {
	Sim     *arisim.Server
	Config  cti.ServerConfig
	Manager *cti.Manager
	Server  *cti.Server
	Events  *Recorder
}

// Start starts arisim on a loopback httptest server, connects a Manager with one server to it
// and records every event. It returns once the connection is reconciled.
func Start(t testing.TB, opts Options) *Env {
	t.Helper()

	if opts.Name == "" {
		opts.Name = "pbx1"
	}
	if opts.Application == "" {
		opts.Application = "switchboard"
	}
	if opts.Scale <= 0 {
		opts.Scale = 0.05
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}

	const user, password = "switchboard", "test+pass@word:1"
	sim := arisim.New(arisim.Options{
		Users:      []arisim.Credential{{Username: user, Password: password}},
		Clock:      arisim.RealClock{Scale: opts.Scale},
		Rules:      opts.Rules,
		DefaultApp: opts.Application,
		Logger:     opts.Logger,
	})
	ts := httptest.NewServer(sim.Handler())

	cfg := cti.ServerConfig{
		Name:         opts.Name,
		URL:          ts.URL + "/ari",
		Username:     user,
		Password:     password,
		Application:  opts.Application,
		ReconnectMin: 50 * time.Millisecond,
		ReconnectMax: time.Second,
	}

	m, err := cti.NewManager(cti.ManagerOptions{Logger: opts.Logger, Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatalf("ctitest: %v", err)
	}
	server, err := m.Add(cfg)
	if err != nil {
		t.Fatalf("ctitest: %v", err)
	}

	env := &Env{Sim: sim, Config: cfg, Manager: m, Server: server, Events: &Recorder{}}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	recordDone := make(chan struct{})

	go func() {
		defer close(runDone)
		_ = m.Run(ctx)
	}()
	go func() {
		defer close(recordDone)
		env.Events.record(m.Events(), runDone)
	}()

	t.Cleanup(func() {
		cancel()
		<-runDone
		<-recordDone
		ts.CloseClientConnections()
		sim.Close()
		ts.Close()
	})

	env.Events.WaitFor(t, "connection", func(e event.Event) bool {
		c, ok := e.(event.ConnectionState)
		return ok && c.Connected
	})

	return env
}

// ArriveCall makes a customer call arrive in the application and waits for its CallArrived.
func (env *Env) ArriveCall(t testing.TB, callerNumber, dialed string, args ...string) event.CallArrived {
	t.Helper()

	id, err := env.Sim.ArriveCall(arisim.Call{CallerNumber: callerNumber, Dialed: dialed, App: env.Config.Application, Args: args})
	if err != nil {
		t.Fatalf("ctitest: arrive call: %v", err)
	}

	return env.Events.WaitFor(t, "CallArrived "+id, func(e event.Event) bool {
		_, ok := e.(event.CallArrived)
		return ok && e.EventMeta().ChannelID == id
	}).(event.CallArrived)
}

// Recorder keeps every event of a Manager in order.
type Recorder struct {
	mu     sync.Mutex
	events []event.Event
}

func (r *Recorder) record(events <-chan event.Event, done <-chan struct{}) {
	for {
		select {
		case e := <-events:
			r.mu.Lock()
			r.events = append(r.events, e)
			r.mu.Unlock()
		case <-done:
			return
		}
	}
}

// All returns the events recorded so far.
func (r *Recorder) All() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()

	return append([]event.Event(nil), r.events...)
}

// WaitFor returns the first recorded event that matches, waiting up to 5 s before it fails
// the test with the events seen.
func (r *Recorder) WaitFor(t testing.TB, desc string, match func(event.Event) bool) event.Event {
	t.Helper()

	deadline := time.Now().Add(5 * time.Second)
	for {
		events := r.All()
		for _, e := range events {
			if match(e) {
				return e
			}
		}

		if time.Now().After(deadline) {
			var b strings.Builder
			for i, e := range events {
				fmt.Fprintf(&b, "%3d %T %+v\n", i, e, e)
			}
			t.Fatalf("ctitest: no %s event within 5 s; events:\n%s", desc, b.String())
		}

		time.Sleep(5 * time.Millisecond)
	}
}
