package node_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/node"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestNodeLogsAnUnansweredCall(t *testing.T) {
	pool := pgtest.New(t)
	numbers, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}

	sim := arisim.New(arisim.Options{Users: []arisim.Credential{{Username: "sb", Password: "secret:1"}}})
	simHTTP := httptest.NewServer(sim.Handler())
	defer simHTTP.Close()
	defer sim.Close()

	n, err := node.New(node.Options{
		Pool: pool, Numbers: numbers, SpoolDir: t.TempDir(),
		ARI: []cti.ServerConfig{{Name: "pbx1", URL: simHTTP.URL + "/ari", Username: "sb", Password: "secret:1",
			Application: "switchboard", ReconnectMin: 20 * time.Millisecond}},
		AllowedOrigins: []string{"http://127.0.0.1"},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()

	// The API refuses anonymous requests.
	rec := httptest.NewRecorder()
	n.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/me", nil))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("GET /api/v1/me without a session: status %d, want 401", rec.Code)
	}

	// With no agent signed in, a caller to the default sales queue waits and gives up.
	var callID string
	deadline := time.Now().Add(5 * time.Second)
	for {
		callID, err = sim.ArriveCall(arisim.Call{CallerNumber: "74951234567", Dialed: "200", App: "switchboard", Args: []string{"inbound", "sales"}})
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond) // until the node's ARI connection is up
	}
	if err != nil {
		t.Fatalf("arrive call: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if err := sim.Hangup(callID, 16); err != nil {
		t.Fatal(err)
	}

	interactions := storage.NewInteractions(pool)
	var got crm.Interaction
	for deadline := time.Now().Add(10 * time.Second); ; {
		got, err = interactions.GetByCallID(context.Background(), callID)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("record of call %s: %v", callID, err)
	}
	if got.Outcome != crm.OutcomeAbandoned || got.Queue != "sales" || !strings.HasPrefix(got.CallerNumber, "+7495") {
		t.Errorf("record = %s in %q from %q, want abandoned in sales from +7495…", got.Outcome, got.Queue, got.CallerNumber)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}
