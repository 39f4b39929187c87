package main

import (
	"testing"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestDemoCampaignCallsDemoContacts(t *testing.T) {
	pool := pgtest.New(t)
	contacts := storage.NewContacts(pool, nil)
	for _, raw := range []string{"+7 495 000-00-41", "+7 495 000-00-42"} {
		p, err := crm.NewPhone(nil, raw, crm.PhoneWork)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := contacts.Create(t.Context(), crm.Contact{FirstName: "Demo", Phones: []crm.Phone{p}}); err != nil {
			t.Fatal(err)
		}
	}

	if err := seedDemoCampaign(t.Context(), pool); err != nil {
		t.Fatalf("seedDemoCampaign: %v", err)
	}
	c, err := storage.NewCampaigns(pool).GetByName(t.Context(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != storage.CampaignDraft || c.Queue != "sales" {
		t.Errorf("demo campaign = %s in %s, want draft in sales", c.Status, c.Queue)
	}
	leads, err := storage.NewLeads(pool).List(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(leads) != 2 || leads[0].ContactID == 0 || leads[1].ContactID == 0 {
		t.Errorf("demo leads = %+v, want the 2 contacts' numbers linked to them", leads)
	}
}
