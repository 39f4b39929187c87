package campaign_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// busyNumber is the lead whose every dial is busy in the simulator.
const busyNumber = "+74950000002"

// nextAt returns the first time after now at hour:00 in loc.
func nextAt(now time.Time, loc *time.Location, hour int) time.Time {
	local := now.In(loc)
	t := time.Date(local.Year(), local.Month(), local.Day(), hour, 0, 0, 0, loc)
	for !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// TestProgressiveCampaignEndToEnd runs a progressive campaign of six leads for two agents
// through a real node, arisim and PostgreSQL: the calling window, pause and resume, at most
// two dials at a time, bridged calls with their records, busy retries and final statuses.
func TestProgressiveCampaignEndToEnd(t *testing.T) {
	goroutinesBefore := runtime.NumGoroutine()
	ctx, cancelTest := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancelTest()
	pool := pgtest.New(t)

	// The dialer's clock starts at 03:00 in Moscow, outside the 09:00-21:00 window.
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	var offset atomic.Int64
	offset.Store(int64(nextAt(time.Now(), moscow, 3).Sub(time.Now())))
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }

	// Two agents whose phones answer after 300 ms.
	cn := startCampaignNode(ctx, t, pool, nodeSetup{
		rules: []arisim.Rule{
			{Pattern: "Local/" + busyNumber + "@outbound", Behaviour: arisim.Busy},
			{Pattern: "PJSIP/100[12]", Behaviour: arisim.Answer, AnswerAfter: 300 * time.Millisecond},
			// Customers answer after 1 s and hang up 1.5 s later, which keeps the test short. The
			// default outbound rule answers after 3 s and talks for 15 s.
			{Pattern: "Local/*@outbound", Behaviour: arisim.Answer, AnswerAfter: time.Second, HangupAfter: 1500 * time.Millisecond},
		},
		queue:  routing.QueueConfig{RingTimeout: 5 * time.Second, WrapUp: 200 * time.Millisecond, MaxWait: time.Minute},
		phones: []string{"PJSIP/1001", "PJSIP/1002"},
		now:    clock,
	})
	sim := cn.sim

	// The first lead is a known contact, whose card the agent's screen-pop and the record get.
	knownPhone, err := crm.NewPhone(nil, "+74950000001", crm.PhoneWork)
	if err != nil {
		t.Fatal(err)
	}
	known, err := storage.NewContacts(pool, nil).Create(ctx, crm.Contact{FirstName: "Анна", Phones: []crm.Phone{knownPhone}})
	if err != nil {
		t.Fatal(err)
	}

	campaigns, leads := storage.NewCampaigns(pool), storage.NewLeads(pool)
	c, err := campaigns.Create(ctx, storage.Campaign{
		Name: "winter", Queue: "outreach", Policy: storage.PolicyProgressive, AbandonTarget: 3, MaxLines: 10,
		WindowStart: 9 * time.Hour, WindowEnd: 21 * time.Hour, TimeZone: "Europe/Moscow",
		MaxAttempts: 2, RetryDelay: time.Second,
	})
	if err != nil {
		t.Fatalf("create campaign: %v", err)
	}
	var list []storage.Lead
	for i := 1; i <= 6; i++ {
		list = append(list, storage.Lead{Phone: fmt.Sprintf("+7495000000%d", i)})
	}
	if _, err := leads.Add(ctx, c.ID, list); err != nil {
		t.Fatalf("add leads: %v", err)
	}
	if _, err := campaigns.SetStatus(ctx, "winter", storage.CampaignRunning); err != nil {
		t.Fatal(err)
	}

	attempts := func() []storage.Attempt {
		t.Helper()
		a, err := leads.Attempts(ctx, c.ID)
		if err != nil {
			t.Fatalf("attempts: %v", err)
		}
		return a
	}

	// Outside the calling window nothing is dialed.
	time.Sleep(time.Second)
	if a := attempts(); len(a) != 0 {
		t.Fatalf("%d dials placed at 03:00 Moscow time, outside the 09:00-21:00 window", len(a))
	}

	// Inside the window the dialer places one dial per idle agent.
	offset.Store(int64(nextAt(time.Now(), moscow, 12).Sub(time.Now())))
	waitFor(t, 5*time.Second, "first two dials", func() bool { return len(attempts()) >= 2 })
	if _, err := campaigns.SetStatus(ctx, "winter", storage.CampaignPaused); err != nil {
		t.Fatal(err)
	}
	// The pause takes effect within one pacing period. After that period no dial may follow,
	// even though the first calls end and free their agents.
	time.Sleep(200 * time.Millisecond)
	paused := len(attempts())
	maxInFlight := watchDials(ctx, sim, 4*time.Second)
	if got := len(attempts()); got != paused {
		t.Fatalf("%d dials placed while the campaign was paused", got-paused)
	}
	if paused > 2 {
		t.Errorf("%d dials placed before the pause, want at most 2 for 2 agents", paused)
	}

	if _, err := campaigns.SetStatus(ctx, "winter", storage.CampaignRunning); err != nil {
		t.Fatal(err)
	}
	finished := make(chan int)
	watchCtx, stopWatch := context.WithCancel(ctx)
	go func() { finished <- watchDials(watchCtx, sim, 45*time.Second) }()
	waitFor(t, 45*time.Second, "campaign done", func() bool {
		got, err := campaigns.GetByName(ctx, "winter")
		return err == nil && got.Status == storage.CampaignDone
	})
	stopWatch()
	cn.stop(t)
	maxInFlight = max(maxInFlight, <-finished)
	if maxInFlight > 2 {
		t.Errorf("%d customer numbers dialed at once, want at most 2 for 2 agents", maxInFlight)
	}

	// Every lead has a final status: five answered, the busy one done after two dials.
	final, err := leads.List(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range final {
		want, wantAttempts, wantOutcome := storage.LeadAnswered, 1, "answered"
		if l.Phone == busyNumber {
			want, wantAttempts, wantOutcome = storage.LeadDone, 2, "busy"
		}
		if l.Status != want || l.Attempts != wantAttempts || l.LastOutcome != wantOutcome {
			t.Errorf("lead %s: %s after %d attempts (%s), want %s after %d (%s)",
				l.Phone, l.Status, l.Attempts, l.LastOutcome, want, wantAttempts, wantOutcome)
		}
	}

	// Each answered dial has a call record carrying the campaign, joined to its lead by the
	// call id.
	interactions := storage.NewInteractions(pool)
	byLead := make(map[int64]storage.Lead)
	for _, l := range final {
		byLead[l.ID] = l
	}
	answered := 0
	for _, a := range attempts() {
		if a.Outcome != "answered" {
			if byLead[a.LeadID].Phone != busyNumber || a.Outcome != "busy" {
				t.Errorf("attempt %s of lead %s ended %q", a.CallID, byLead[a.LeadID].Phone, a.Outcome)
			}
			continue
		}
		answered++
		var rec crm.Interaction
		waitFor(t, 10*time.Second, "record of "+a.CallID, func() bool {
			rec, err = interactions.GetByCallID(ctx, a.CallID)
			return err == nil
		})
		if rec.Campaign != "winter" || rec.Direction != crm.Outbound || rec.Outcome != crm.OutcomeAnswered || rec.AgentID == 0 {
			t.Errorf("record %s: campaign %q, %s, %s, agent %d; want winter, outbound, answered, an agent",
				a.CallID, rec.Campaign, rec.Direction, rec.Outcome, rec.AgentID)
		}
		if rec.CallerNumber != byLead[a.LeadID].Phone {
			t.Errorf("record %s: number %q, want the lead's %q", a.CallID, rec.CallerNumber, byLead[a.LeadID].Phone)
		}
		if wantContact := byLead[a.LeadID].ContactID; rec.ContactID != wantContact {
			t.Errorf("record %s: contact %d, want the lead's %d", a.CallID, rec.ContactID, wantContact)
		}
		if byLead[a.LeadID].Phone == "+74950000001" && rec.ContactID != known.ID {
			t.Errorf("record %s of the known contact's number: contact %d, want %d", a.CallID, rec.ContactID, known.ID)
		}
	}
	if answered != 5 {
		t.Errorf("%d answered dials, want 5", answered)
	}

	// Nothing is left in the simulator and no goroutine outlives the node.
	waitFor(t, 10*time.Second, "simulator empty", func() bool { return len(sim.Channels()) == 0 && len(sim.Bridges()) == 0 })
	cn.simHTTP.Close()
	sim.Close()
	waitFor(t, 10*time.Second, "goroutines to end", func() bool { return runtime.NumGoroutine() <= goroutinesBefore+2 })
}

// watchDials samples the simulator's channels for d or until ctx ends, and returns the most
// customer numbers that were being dialed or talked to at once.
func watchDials(ctx context.Context, sim *arisim.Server, d time.Duration) int {
	maxNumbers := 0
	for end := time.Now().Add(d); time.Now().Before(end) && ctx.Err() == nil; time.Sleep(20 * time.Millisecond) {
		numbers := make(map[string]bool)
		for _, ch := range sim.Channels() {
			if strings.HasPrefix(ch.Name, "Local/") && strings.Contains(ch.Name, "@outbound") {
				numbers[strings.SplitN(ch.Name, "@", 2)[0]] = true
			}
		}
		maxNumbers = max(maxNumbers, len(numbers))
	}
	return maxNumbers
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
	}
}

// testLog sends the node's log to the test's output, shown when the test fails or with -v.
type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
