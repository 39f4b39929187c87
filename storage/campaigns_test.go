package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func testCampaign(name string) storage.Campaign {
	return storage.Campaign{
		Name: name, Queue: "sales", Policy: storage.PolicyPredictive, AbandonTarget: 3, MaxLines: 4,
		WindowStart: 9 * time.Hour, WindowEnd: 21 * time.Hour, TimeZone: "Europe/Moscow",
		MaxAttempts: 3, RetryDelay: 30 * time.Minute,
	}
}

func TestCampaignsRoundTrip(t *testing.T) {
	ctx := testContext(t)
	campaigns := storage.NewCampaigns(pgtest.New(t))

	created, err := campaigns.Create(ctx, testCampaign("spring-sale"))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	got, err := campaigns.GetByName(ctx, "spring-sale")
	if err != nil {
		t.Fatalf("GetByName: %v", err)
	}
	want := testCampaign("spring-sale")
	want.ID, want.Status, want.CreatedAt, want.UpdatedAt = created.ID, storage.CampaignDraft, got.CreatedAt, got.UpdatedAt
	if got != want {
		t.Errorf("stored campaign\n got %+v\nwant %+v", got, want)
	}

	if _, err := campaigns.Create(ctx, testCampaign("spring-sale")); !errors.Is(err, crm.ErrConflict) {
		t.Errorf("second campaign with the same name: err = %v, want ErrConflict", err)
	}
	bad := testCampaign("bad,name")
	if _, err := campaigns.Create(ctx, bad); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("name with a comma: err = %v, want ErrInvalid", err)
	}
	bad = testCampaign("zone")
	bad.TimeZone = "Mars/Olympus"
	if _, err := campaigns.Create(ctx, bad); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("unknown time zone: err = %v, want ErrInvalid", err)
	}

	running, err := campaigns.SetStatus(ctx, "spring-sale", storage.CampaignRunning)
	if err != nil || running.Status != storage.CampaignRunning {
		t.Fatalf("SetStatus running = %v, %v", running.Status, err)
	}
	list, err := campaigns.List(ctx, storage.CampaignRunning)
	if err != nil || len(list) != 1 || list[0].Name != "spring-sale" {
		t.Errorf("List(running) = %+v, %v; want spring-sale", list, err)
	}
	if _, err := campaigns.SetStatus(ctx, "spring-sale", storage.CampaignDone); err != nil {
		t.Fatal(err)
	}
	if _, err := campaigns.SetStatus(ctx, "spring-sale", storage.CampaignRunning); !errors.Is(err, crm.ErrConflict) {
		t.Errorf("restart of a done campaign: err = %v, want ErrConflict", err)
	}
	if _, err := campaigns.SetStatus(ctx, "missing", storage.CampaignRunning); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("unknown campaign: err = %v, want ErrNotFound", err)
	}
}

func TestCampaignWindow(t *testing.T) {
	c := testCampaign("window")
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 12, 5, 8, 59, 59, 0, moscow), false},
		{time.Date(2026, 12, 5, 9, 0, 0, 0, moscow), true},
		{time.Date(2026, 12, 5, 20, 59, 0, 0, moscow), true},
		{time.Date(2026, 12, 5, 21, 0, 0, 0, moscow), false},
		// 06:30 UTC is 09:30 in Moscow.
		{time.Date(2026, 12, 5, 6, 30, 0, 0, time.UTC), true},
	}
	for _, tc := range cases {
		if got := c.InWindow(tc.at); got != tc.want {
			t.Errorf("InWindow(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
	c.WindowStart, c.WindowEnd = 22*time.Hour, 2*time.Hour
	if !c.InWindow(time.Date(2026, 12, 5, 23, 0, 0, 0, moscow)) || !c.InWindow(time.Date(2026, 12, 5, 1, 0, 0, 0, moscow)) {
		t.Error("a window across midnight must include 23:00 and 01:00")
	}
	if c.InWindow(time.Date(2026, 12, 5, 12, 0, 0, 0, moscow)) {
		t.Error("a window across midnight must exclude noon")
	}
}

func TestLeadsImportClaimAndDNC(t *testing.T) {
	ctx := testContext(t)
	pool := pgtest.New(t)
	campaigns, leads, dnc := storage.NewCampaigns(pool), storage.NewLeads(pool), storage.NewDNC(pool)

	c, err := campaigns.Create(ctx, testCampaign("autumn"))
	if err != nil {
		t.Fatal(err)
	}
	contact := mustContact(t, storage.NewContacts(pool, nil), crm.Contact{FirstName: "Анна",
		Phones: []crm.Phone{mustPhone(t, "+7 495 000-00-01", crm.PhoneWork)}})
	if _, err := dnc.Add(ctx, "+74950000003", "asked not to be called"); err != nil {
		t.Fatalf("dnc Add: %v", err)
	}
	results, err := leads.Add(ctx, c.ID, []storage.Lead{
		{Phone: "+74950000001", PhoneRaw: "8 495 000-00-01", Name: "Анна"},
		{Phone: "+74950000002", PhoneRaw: "+7 495 000 00 02"},
		{Phone: "+74950000003", PhoneRaw: "84950000003"},
		{Phone: "+74950000001", PhoneRaw: "74950000001"},
	})
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	wantResults := []storage.AddResult{storage.LeadAdded, storage.LeadAdded, storage.LeadAddedDNC, storage.LeadDuplicate}
	for i, want := range wantResults {
		if results[i] != want {
			t.Errorf("lead %d: result %d, want %d", i, results[i], want)
		}
	}

	list, err := leads.List(ctx, c.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %d leads, %v; want 3", len(list), err)
	}
	if list[0].PhoneRaw != "8 495 000-00-01" || list[0].Name != "Анна" || list[0].Status != storage.LeadNew {
		t.Errorf("first lead = %+v", list[0])
	}
	if list[0].ContactID != contact.ID || list[1].ContactID != 0 {
		t.Errorf("contact links = %d and %d, want %d (the stored contact with that number) and none",
			list[0].ContactID, list[1].ContactID, contact.ID)
	}

	// The second number joins the list after the import: it is never claimed.
	if _, err := dnc.Add(ctx, "+74950000002", ""); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	claimed, err := leads.ClaimDue(ctx, c.ID, now, 10)
	if err != nil {
		t.Fatalf("ClaimDue: %v", err)
	}
	if len(claimed) != 1 || claimed[0].Phone != "+74950000001" || claimed[0].Attempts != 1 || claimed[0].Status != storage.LeadDialing {
		t.Fatalf("claimed = %+v, want only +74950000001 dialing with 1 attempt", claimed)
	}
	if err := leads.AddAttempt(ctx, storage.Attempt{CallID: "ch-1", CampaignID: c.ID, LeadID: claimed[0].ID, DialedAt: now}); err != nil {
		t.Fatalf("AddAttempt: %v", err)
	}
	if err := leads.EndAttempt(ctx, "ch-1", "busy", now.Add(time.Second)); err != nil {
		t.Fatalf("EndAttempt: %v", err)
	}
	retry := now.Add(time.Hour)
	if err := leads.Finish(ctx, claimed[0].ID, storage.LeadBusy, "busy", retry); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if again, err := leads.ClaimDue(ctx, c.ID, now, 10); err != nil || len(again) != 0 {
		t.Errorf("claim before the retry is due = %+v, %v; want none", again, err)
	}
	if again, err := leads.ClaimDue(ctx, c.ID, retry, 10); err != nil || len(again) != 1 || again[0].Attempts != 2 {
		t.Errorf("claim when the retry is due = %+v, %v; want the lead with 2 attempts", again, err)
	}
	if n, err := leads.ReleaseDialing(ctx, c.ID, retry); err != nil || n != 1 {
		t.Errorf("ReleaseDialing = %d, %v; want 1", n, err)
	}

	counts, err := leads.Counts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts[storage.LeadDNC] != 2 || counts[storage.LeadNoAnswer] != 1 {
		t.Errorf("counts = %v, want 2 dnc and 1 no_answer", counts)
	}
	attempts, err := leads.Attempts(ctx, c.ID)
	if err != nil || len(attempts) != 1 || attempts[0].Outcome != "busy" || attempts[0].EndedAt.IsZero() {
		t.Errorf("attempts = %+v, %v; want one busy attempt with an end", attempts, err)
	}

	entries, err := dnc.List(ctx)
	if err != nil || len(entries) != 2 || entries[1].Reason != "asked not to be called" {
		t.Errorf("dnc List = %+v, %v", entries, err)
	}
	if err := dnc.Remove(ctx, "+74950000003"); err != nil {
		t.Errorf("dnc Remove: %v", err)
	}
	if err := dnc.Remove(ctx, "+74950000003"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("second Remove: err = %v, want ErrNotFound", err)
	}
}
