package campaign_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// TestCampaignScreenPopNamesLead dials two leads of a call list through a real node, arisim
// and PostgreSQL, and reads the screen-pop the agent is offered for each. A number no
// contact has gets the lead's name from the list, and a contact's number gets the card.
func TestCampaignScreenPopNamesLead(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pool := pgtest.New(t)

	cn := startCampaignNode(ctx, t, pool, nodeSetup{
		rules: []arisim.Rule{
			{Pattern: "PJSIP/1001", Behaviour: arisim.Answer, AnswerAfter: 300 * time.Millisecond},
			{Pattern: "Local/*@outbound", Behaviour: arisim.Answer, AnswerAfter: 300 * time.Millisecond, HangupAfter: 1500 * time.Millisecond},
		},
		queue:  routing.QueueConfig{RingTimeout: 5 * time.Second, WrapUp: 100 * time.Millisecond, MaxWait: time.Minute},
		phones: []string{"PJSIP/1001"},
	})
	defer cn.stop(t)

	const strangerPhone, contactPhone = "+74950000011", "+74950000012"
	anna, err := crm.NewPhone(nil, contactPhone, crm.PhoneMobile)
	if err != nil {
		t.Fatal(err)
	}
	contact, err := storage.NewContacts(pool, nil).Create(ctx, crm.Contact{FirstName: "Анна", LastName: "Козлова", Phones: []crm.Phone{anna}})
	if err != nil {
		t.Fatal(err)
	}

	campaigns, leads := storage.NewCampaigns(pool), storage.NewLeads(pool)
	c, err := campaigns.Create(ctx, storage.Campaign{
		Name: "spring", Queue: "outreach", Policy: storage.PolicyProgressive, AbandonTarget: 3, MaxLines: 1,
		TimeZone: "UTC", MaxAttempts: 1, RetryDelay: time.Second,
	})
	if err != nil {
		t.Fatalf("create campaign: %v", err)
	}
	if _, err := leads.Add(ctx, c.ID, []storage.Lead{
		{Phone: strangerPhone, Name: "Пётр Смирнов"},
		{Phone: contactPhone, Name: "Anna (list)"},
	}); err != nil {
		t.Fatalf("add leads: %v", err)
	}
	stored, err := leads.List(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	leadIDs := make(map[string]string)
	for _, l := range stored {
		leadIDs[l.Phone] = strconv.FormatInt(l.ID, 10)
	}

	// The desk state that hello sends keeps the offer while the call rings, talks and wraps
	// up, so sampling it every 20 ms catches each call's offer.
	desk, ok := cn.node.Desk().(api.StateProvider)
	if !ok {
		t.Fatalf("the node's desk %T does not provide agent state", cn.node.Desk())
	}
	var (
		mu     sync.Mutex
		offers = make(map[string]protocol.CallOffered) // by dialed number
	)
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for watchCtx.Err() == nil {
			_, call, err := desk.AgentState(watchCtx, cn.agents[0])
			if err == nil && call != nil {
				mu.Lock()
				offers[call.Offer.Caller.Number] = call.Offer
				mu.Unlock()
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()

	if _, err := campaigns.SetStatus(ctx, "spring", storage.CampaignRunning); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "both leads offered to the agent", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(offers) == 2
	})
	stopWatch()
	<-watched

	stranger, ok := offers[strangerPhone]
	if !ok {
		t.Fatalf("no offer of %s; offers: %+v", strangerPhone, offers)
	}
	if !stranger.Unknown || stranger.Contact != nil {
		t.Errorf("offer of %s: unknown %v, contact %+v; want an unknown caller without a card", strangerPhone, stranger.Unknown, stranger.Contact)
	}
	wantStranger := protocol.CampaignCall{Campaign: "spring", LeadID: leadIDs[strangerPhone], LeadName: "Пётр Смирнов"}
	if stranger.Campaign == nil || *stranger.Campaign != wantStranger {
		t.Errorf("offer of %s: campaign %+v, want %+v", strangerPhone, stranger.Campaign, wantStranger)
	}

	known, ok := offers[contactPhone]
	if !ok {
		t.Fatalf("no offer of %s; offers: %+v", contactPhone, offers)
	}
	if known.Unknown || known.Contact == nil {
		t.Fatalf("offer of %s: unknown %v, contact %+v; want the contact's card", contactPhone, known.Unknown, known.Contact)
	}
	if want := strconv.FormatInt(contact.ID, 10); known.Contact.ContactID != want {
		t.Errorf("offer of %s: contact %s, want %s", contactPhone, known.Contact.ContactID, want)
	}
	if known.Contact.Name != "Козлова Анна" {
		t.Errorf("offer of %s: card name %q, want the contact's name Козлова Анна", contactPhone, known.Contact.Name)
	}
	wantKnown := protocol.CampaignCall{Campaign: "spring", LeadID: leadIDs[contactPhone], LeadName: "Anna (list)"}
	if known.Campaign == nil || *known.Campaign != wantKnown {
		t.Errorf("offer of %s: campaign %+v, want %+v", contactPhone, known.Campaign, wantKnown)
	}
}
