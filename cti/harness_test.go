package cti

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/cti/event"
)

// testPassword contains the characters that break credentials put into URLs.
const testPassword = "p+ss@w:rd/?#%"

// simScale speeds up every delay of the simulator: a 1 s answer takes 50 ms.
const simScale = 0.05

// testRules make test endpoints deterministic: test-answer answers after 1 s (scaled) and stays
// up until hung up; the sim-* contexts behave as in the recorded Asterisk traffic.
func testRules() []arisim.Rule {
	return append([]arisim.Rule{
		{Pattern: "Local/*@test-answer", Behaviour: arisim.Answer, AnswerAfter: time.Second},
	}, arisim.DefaultRules()...)
}

// simServer is one running arisim instance.
type simServer struct {
	sim  *arisim.Server
	http *httptest.Server
}

func startSim(t testing.TB) *simServer {
	t.Helper()

	return startSimWith(t, func(*arisim.Options) {})
}

// startSimWith starts a simulator whose options change may adjust.
func startSimWith(t testing.TB, change func(*arisim.Options)) *simServer {
	t.Helper()

	opts := arisim.Options{
		Users:      []arisim.Credential{{Username: "switchboard", Password: testPassword}},
		Clock:      arisim.RealClock{Scale: simScale},
		Rules:      testRules(),
		DefaultApp: "crm",
	}
	change(&opts)
	sim := arisim.New(opts)
	ts := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		ts.CloseClientConnections()
		sim.Close()
		ts.Close()
	})

	return &simServer{sim: sim, http: ts}
}

func (s *simServer) config(name string) ServerConfig {
	return ServerConfig{
		Name:           name,
		URL:            s.http.URL + "/ari",
		Username:       "switchboard",
		Password:       testPassword,
		Application:    "crm",
		RequestTimeout: 2 * time.Second,
		ReconnectMin:   100 * time.Millisecond,
		ReconnectMax:   time.Second,
		PingInterval:   time.Second,
	}
}

// recorder collects every event of a Manager.
type recorder struct {
	mu     sync.Mutex
	events []event.Event
}

func (r *recorder) snapshot() []event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()

	return append([]event.Event(nil), r.events...)
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()

	return len(r.events)
}

// waitFor returns the first event at index from or later that matches, failing the test after
// a few seconds.
func (r *recorder) waitFor(t testing.TB, from int, desc string, match func(event.Event) bool) (event.Event, int) {
	t.Helper()

	deadline := time.Now().Add(5 * time.Second)
	for {
		events := r.snapshot()
		for i := from; i < len(events); i++ {
			if match(events[i]) {
				return events[i], i
			}
		}

		if time.Now().After(deadline) {
			t.Fatalf("no %s event within 5 s; events so far:\n%s", desc, describe(events))
		}

		time.Sleep(5 * time.Millisecond)
	}
}

func describe(events []event.Event) string {
	var b strings.Builder
	for i, e := range events {
		fmt.Fprintf(&b, "%3d %T %+v\n", i, e, e)
	}

	return b.String()
}

func isEvent[T event.Event](channelID string) func(event.Event) bool {
	return func(e event.Event) bool {
		_, ok := e.(T)
		return ok && (channelID == "" || e.EventMeta().ChannelID == channelID)
	}
}

// harness runs a Manager against simulators until the test ends.
type harness struct {
	manager *Manager
	rec     *recorder
	reg     *prometheus.Registry
}

func startManager(t testing.TB, configs ...ServerConfig) *harness {
	t.Helper()

	reg := prometheus.NewRegistry()
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelDebug
	}

	m, err := NewManager(ManagerOptions{
		Logger:     slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
		Registerer: reg,
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, cfg := range configs {
		if _, err := m.Add(cfg); err != nil {
			t.Fatal(err)
		}
	}

	h := &harness{manager: m, rec: &recorder{}, reg: reg}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	collectDone := make(chan struct{})

	go func() {
		defer close(runDone)
		if err := m.Run(ctx); err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	go func() {
		defer close(collectDone)
		for {
			select {
			case e := <-m.Events():
				h.rec.mu.Lock()
				h.rec.events = append(h.rec.events, e)
				h.rec.mu.Unlock()
			case <-runDone:
				return
			}
		}
	}()

	t.Cleanup(func() {
		cancel()
		<-runDone
		<-collectDone
	})

	for _, cfg := range configs {
		h.rec.waitFor(t, 0, "connected "+cfg.Name, func(e event.Event) bool {
			c, ok := e.(event.ConnectionState)
			return ok && c.Connected && c.Server == cfg.Name
		})
	}

	return h
}

func (h *harness) server(t testing.TB, name string) *Server {
	t.Helper()

	s, ok := h.manager.Server(name)
	if !ok {
		t.Fatalf("no server %q", name)
	}

	return s
}

// testContext returns a context that ends with the test.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)

	return ctx
}

// arriveCall makes a customer call arrive and waits for its CallArrived.
func arriveCall(t testing.TB, sim *simServer, h *harness, number string, args ...string) string {
	t.Helper()

	id, err := sim.sim.ArriveCall(arisim.Call{CallerNumber: number, CallerName: "Ivan Petrov", Dialed: "100", App: "crm", Args: args})
	if err != nil {
		t.Fatalf("arrive call: %v", err)
	}

	h.rec.waitFor(t, 0, "CallArrived "+id, isEvent[event.CallArrived](id))

	return id
}

func simChannel(t testing.TB, sim *simServer, id string) arisim.ChannelInfo {
	t.Helper()

	for _, ch := range sim.sim.Channels() {
		if ch.ID == id {
			return ch
		}
	}

	t.Fatalf("channel %s not in the simulator", id)
	return arisim.ChannelInfo{}
}

func simBridge(sim *simServer, id string) (arisim.BridgeInfo, bool) {
	for _, b := range sim.sim.Bridges() {
		if b.ID == id {
			return b, true
		}
	}

	return arisim.BridgeInfo{}, false
}
