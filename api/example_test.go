package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/apitest"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

// ExampleNew wires the API the way the server binary does, with the in-memory test
// implementations in place of routing and storage, and publishes a screen-pop.
func ExampleNew() {
	registry := prometheus.NewRegistry()

	srv, err := api.New(api.Deps{
		Auth:     apitest.NewUsers(),    // the user store in the server binary
		Desk:     apitest.NewDesk(),     // the routing engine's command input
		Contacts: apitest.NewContacts(), // the CRM storage
		State:    apitest.NewState(),    // the routing engine's agent snapshot
		Metrics:  registry,
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, nil)),
	}, api.Options{
		AllowedOrigins: []string{"https://desk.example.com"},
		SecureCookie:   true,
	})
	if err != nil {
		slog.Error("build api", "error", err)
		return
	}

	httpServer := &http.Server{Addr: "127.0.0.1:8080", Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = httpServer.ListenAndServe() }()

	// When the routing engine reserves an agent for a call:
	_, _ = srv.Hub().PublishCallOffered("agent-17", protocol.CallOffered{
		CallID: "1770112811.43", Queue: "sales",
		Caller: protocol.Caller{Number: "+79990001122"}, Unknown: true, OfferedAt: time.Now(),
	})

	// On shutdown: stop accepting requests, then end the WebSockets.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = httpServer.Shutdown(ctx)
	_ = srv.Close(ctx)
}
