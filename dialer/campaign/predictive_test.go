package campaign_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/arisim"
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
	cn := startCampaignNode(ctx, t, pool, nodeSetup{
		rules: []arisim.Rule{
			{Pattern: "PJSIP/100[45]", Behaviour: arisim.Answer, AnswerAfter: 200 * time.Millisecond},
			// Every other number is busy, so the policy sees dials without a person too.
			{Pattern: "Local/+7495000002[13579]@outbound", Behaviour: arisim.Busy},
			{Pattern: "Local/*@outbound", Behaviour: arisim.Answer, AnswerAfter: 500 * time.Millisecond, HangupAfter: time.Second},
		},
		queue:  routing.QueueConfig{RingTimeout: 5 * time.Second, WrapUp: 100 * time.Millisecond, MaxWait: time.Minute},
		phones: []string{"PJSIP/1004", "PJSIP/1005"},
	})

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
	go func() { finished <- watchDials(watchCtx, cn.sim, 50*time.Second) }()
	waitFor(t, 50*time.Second, "campaign done", func() bool {
		got, err := campaigns.GetByName(ctx, "ahead")
		return err == nil && got.Status == storage.CampaignDone
	})
	stopWatch()
	if maxNumbers := <-finished; maxNumbers > 3 {
		t.Errorf("%d numbers dialed at once, want at most the campaign's 3 lines", maxNumbers)
	}
	cn.stop(t)

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
