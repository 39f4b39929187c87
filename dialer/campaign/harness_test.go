package campaign_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/password"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/node"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage"
)

// campaignNode is a running node with its dialer, the arisim it talks to and the agents it
// signed in, for the campaign tests.
type campaignNode struct {
	node    *node.Node
	agents  []string // user ids of the signed-in agents, one per phone of nodeSetup
	sim     *arisim.Server
	simHTTP *httptest.Server
	done    chan error
	stopRun context.CancelFunc
}

// nodeSetup describes the node of a test: arisim rules that come before arisim's defaults, the
// campaign queue "outreach", the agents' phones and the dialer's clock (nil is time.Now).
type nodeSetup struct {
	rules  []arisim.Rule
	queue  routing.QueueConfig
	phones []string
	now    func() time.Time
}

// startCampaignNode creates one agent per phone, starts arisim and a node whose dialer paces
// every 100 ms, and signs the agents in.
func startCampaignNode(ctx context.Context, t *testing.T, pool *pgxpool.Pool, setup nodeSetup) *campaignNode {
	t.Helper()
	users, err := storage.NewUsersWithParams(pool, password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	var agentIDs []string
	for _, endpoint := range setup.phones {
		login := "agent-" + strings.ToLower(strings.ReplaceAll(endpoint, "/", "-"))
		u, err := users.Create(ctx, crm.User{Login: login, DisplayName: "Agent", Roles: []crm.Role{crm.RoleAgent},
			Locale: crm.LocaleEN, Endpoint: endpoint}, "secret-password-agent")
		if err != nil {
			t.Fatalf("create agent at %s: %v", endpoint, err)
		}
		agentIDs = append(agentIDs, strconv.FormatInt(u.ID, 10))
	}

	numbers, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}
	rules := append(append([]arisim.Rule(nil), setup.rules...), arisim.DefaultRules()...)
	sim := arisim.New(arisim.Options{Users: []arisim.Credential{{Username: "sb", Password: "secret:1"}}, Rules: rules})
	simHTTP := httptest.NewServer(sim.Handler())
	t.Cleanup(func() {
		simHTTP.Close()
		sim.Close()
	})

	queue := setup.queue
	queue.Name = "outreach"
	n, err := node.New(node.Options{
		Pool: pool, Numbers: numbers, SpoolDir: t.TempDir(),
		ARI: []cti.ServerConfig{{Name: "pbx1", URL: simHTTP.URL + "/ari", Username: "sb", Password: "secret:1",
			Application: "switchboard", ReconnectMin: 20 * time.Millisecond}},
		Queues:         []routing.QueueConfig{queue},
		AllowedOrigins: []string{"http://127.0.0.1"},
		Dialer:         node.DialerOptions{Now: setup.now, Interval: 100 * time.Millisecond},
		Logger:         slog.New(slog.NewTextHandler(testLog{t}, nil)),
	})
	if err != nil {
		t.Fatalf("node.New: %v", err)
	}
	runCtx, stopRun := context.WithCancel(ctx)
	cn := &campaignNode{node: n, agents: agentIDs, sim: sim, simHTTP: simHTTP, done: make(chan error, 1), stopRun: stopRun}
	go func() { cn.done <- n.Run(runCtx) }()

	for _, id := range agentIDs {
		if err := n.Desk().SetStatus(ctx, id, protocol.SetStatus{Status: protocol.StateAvailable}); err != nil {
			t.Fatalf("sign in agent %s: %v", id, err)
		}
	}
	return cn
}

// stop cancels the node's Run and reports its error, failing the test if Run does not return.
func (cn *campaignNode) stop(t *testing.T) {
	t.Helper()
	cn.stopRun()
	select {
	case err := <-cn.done:
		if err != nil {
			t.Errorf("node Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("node Run did not return after cancel")
	}
}
