package campaign_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/password"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/node"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// TestPredictiveCampaignKeepsLineLimit runs a predictive campaign, which may dial ahead of
// its agents, and checks that it never uses more than its lines and that every lead and
// every dial ends with a final outcome.
func TestPredictiveCampaignKeepsLineLimit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pool := pgtest.New(t)
	numbers, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}
	users, err := storage.NewUsersWithParams(pool, password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	var agentIDs []string
	for i, endpoint := range []string{"PJSIP/1004", "PJSIP/1005"} {
		u, err := users.Create(ctx, crm.User{Login: fmt.Sprintf("agent%d", i+4), DisplayName: "Agent", Roles: []crm.Role{crm.RoleAgent},
			Locale: crm.LocaleEN, Endpoint: endpoint}, "secret-password-agent")
		if err != nil {
			t.Fatal(err)
		}
		agentIDs = append(agentIDs, strconv.FormatInt(u.ID, 10))
	}

	rules := append([]arisim.Rule{
		{Pattern: "PJSIP/100[45]", Behaviour: arisim.Answer, AnswerAfter: 200 * time.Millisecond},
		// Every other number is busy, so the policy sees dials without a person too.
		{Pattern: "Local/+7495000002[13579]@outbound", Behaviour: arisim.Busy},
		{Pattern: "Local/*@outbound", Behaviour: arisim.Answer, AnswerAfter: 500 * time.Millisecond, HangupAfter: time.Second},
	}, arisim.DefaultRules()...)
	sim := arisim.New(arisim.Options{Users: []arisim.Credential{{Username: "sb", Password: "secret:1"}}, Rules: rules})
	simHTTP := httptest.NewServer(sim.Handler())
	defer simHTTP.Close()
	defer sim.Close()

	n, err := node.New(node.Options{
		Pool: pool, Numbers: numbers, SpoolDir: t.TempDir(),
		ARI: []cti.ServerConfig{{Name: "pbx1", URL: simHTTP.URL + "/ari", Username: "sb", Password: "secret:1",
			Application: "switchboard", ReconnectMin: 20 * time.Millisecond}},
		Queues:         []routing.QueueConfig{{Name: "outreach", RingTimeout: 5 * time.Second, WrapUp: 100 * time.Millisecond, MaxWait: time.Minute}},
		AllowedOrigins: []string{"http://127.0.0.1"},
		Dialer:         node.DialerOptions{Interval: 100 * time.Millisecond},
		Logger:         slog.New(slog.NewTextHandler(testLog{t}, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stopNode := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- n.Run(runCtx) }()
	for _, id := range agentIDs {
		if err := n.Desk().SetStatus(ctx, id, protocol.SetStatus{Status: protocol.StateAvailable}); err != nil {
			t.Fatal(err)
		}
	}

	campaigns, leads := storage.NewCampaigns(pool), storage.NewLeads(pool)
	c, err := campaigns.Create(ctx, storage.Campaign{
		Name: "ahead", Queue: "outreach", Policy: storage.PolicyPredictive, AbandonTarget: 3, MaxLines: 3,
		TimeZone: "UTC", MaxAttempts: 1, RetryDelay: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	var list []storage.Lead
	for i := 20; i < 30; i++ {
		list = append(list, storage.Lead{Phone: fmt.Sprintf("+749500000%d", i)})
	}
	if _, err := leads.Add(ctx, c.ID, list); err != nil {
		t.Fatal(err)
	}
	if _, err := campaigns.SetStatus(ctx, "ahead", storage.CampaignRunning); err != nil {
		t.Fatal(err)
	}

	finished := make(chan int)
	watchCtx, stopWatch := context.WithCancel(ctx)
	go func() { finished <- watchDials(watchCtx, sim, 50*time.Second) }()
	waitFor(t, 50*time.Second, "campaign done", func() bool {
		got, err := campaigns.GetByName(ctx, "ahead")
		return err == nil && got.Status == storage.CampaignDone
	})
	stopWatch()
	if maxNumbers := <-finished; maxNumbers > 3 {
		t.Errorf("%d numbers dialed at once, want at most the campaign's 3 lines", maxNumbers)
	}
	stopNode()
	if err := <-done; err != nil {
		t.Errorf("node Run: %v", err)
	}

	final, err := leads.List(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range final {
		switch l.Status {
		case storage.LeadAnswered, storage.LeadAbandoned, storage.LeadDone:
		default:
			t.Errorf("lead %s ended %s, want answered, abandoned or done", l.Phone, l.Status)
		}
	}
	attempts, err := leads.Attempts(ctx, c.ID)
	if err != nil || len(attempts) != 10 {
		t.Fatalf("attempts = %d, %v; want 10", len(attempts), err)
	}
	for _, a := range attempts {
		if a.Outcome == "" || a.EndedAt.IsZero() {
			t.Errorf("attempt %s has no outcome", a.CallID)
		}
	}
}
