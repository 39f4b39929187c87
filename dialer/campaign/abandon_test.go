package campaign_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// TestAnsweredCallWithoutAgentIsAbandoned checks the 2-second rule: the only agent's phone
// rings and is never picked up, so the person who answered is hung up after 2 s, and the
// lead, the dial and the call record all say abandoned.
func TestAnsweredCallWithoutAgentIsAbandoned(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pool := pgtest.New(t)
	// PJSIP/1003 rings until the control API answers it (arisim's default rule), which no
	// one does here.
	cn := startCampaignNode(ctx, t, pool, nodeSetup{
		rules: []arisim.Rule{
			{Pattern: "Local/*@outbound", Behaviour: arisim.Answer, AnswerAfter: 500 * time.Millisecond, HangupAfter: 20 * time.Second},
		},
		queue:  routing.QueueConfig{RingTimeout: 10 * time.Second, MaxWait: time.Minute},
		phones: []string{"PJSIP/1003"},
	})

	campaigns, leads := storage.NewCampaigns(pool), storage.NewLeads(pool)
	c, err := campaigns.Create(ctx, storage.Campaign{
		Name: "lonely", Queue: "outreach", Policy: storage.PolicyProgressive, AbandonTarget: 3, MaxLines: 1,
		TimeZone: "UTC", MaxAttempts: 1, RetryDelay: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leads.Add(ctx, c.ID, []storage.Lead{{Phone: "+74950000010"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := campaigns.SetStatus(ctx, "lonely", storage.CampaignRunning); err != nil {
		t.Fatal(err)
	}

	waitFor(t, 20*time.Second, "campaign done", func() bool {
		got, err := campaigns.GetByName(ctx, "lonely")
		return err == nil && got.Status == storage.CampaignDone
	})
	cn.stop(t)

	list, err := leads.List(ctx, c.ID)
	if err != nil || len(list) != 1 || list[0].Status != storage.LeadAbandoned {
		t.Fatalf("leads = %+v, %v; want one abandoned lead", list, err)
	}
	live, abandoned, err := leads.Abandonment(ctx, c.ID)
	if err != nil || live != 1 || abandoned != 1 {
		t.Errorf("abandonment = %d of %d, %v; want 1 of 1", abandoned, live, err)
	}
	attempts, err := leads.Attempts(ctx, c.ID)
	if err != nil || len(attempts) != 1 {
		t.Fatalf("attempts = %+v, %v", attempts, err)
	}
	var rec crm.Interaction
	waitFor(t, 10*time.Second, "call record", func() bool {
		rec, err = storage.NewInteractions(pool).GetByCallID(ctx, attempts[0].CallID)
		return err == nil
	})
	if rec.Outcome != crm.OutcomeAbandoned || rec.Campaign != "lonely" || rec.AgentID != 0 {
		t.Errorf("record: %s, campaign %q, agent %d; want abandoned in lonely with no agent", rec.Outcome, rec.Campaign, rec.AgentID)
	}
	// The person was hung up 2 s after the answer, not when they would have hung up (20 s).
	if wait := rec.EndedAt.Sub(rec.ArrivedAt); wait < 2*time.Second || wait > 4*time.Second {
		t.Errorf("call lasted %s after the answer, want about 2 s", wait)
	}
	waitFor(t, 10*time.Second, "simulator empty", func() bool { return len(cn.sim.Channels()) == 0 })
}
