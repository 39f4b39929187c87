package routing

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGoldenDayInQueue replays a short day of one support line and compares every output,
// in order, with testdata/golden/day.txt. A change in any decision, notification or record
// shows up as a diff; rerun with -update after checking that the change is intended.
func TestGoldenDayInQueue(t *testing.T) {
	cfg := Config{
		Queues: []QueueConfig{
			{
				Name: "support", Strategy: StrategyLongestIdle, RingTimeout: 15 * time.Second, WrapUp: 20 * time.Second,
				MaxWait: 2 * time.Minute, Overflow: Overflow{Kind: OverflowQueue, Queue: "second-line"},
				AnnounceInterval: time.Minute,
				Hours:            &BusinessHours{TimeZone: "Europe/Moscow", Weekly: [7][]TimeRange{time.Monday: {{Start: "09:00", End: "18:00"}}}},
			},
			{Name: "second-line", Strategy: StrategySkillWeighted, Skills: []SkillLevel{{"tech", 2}}, MaxWait: time.Minute, Overflow: Overflow{Kind: OverflowVoicemail}},
		},
	}
	steps := []struct {
		after time.Duration
		in    Input
	}{
		{0, AgentSignIn{AgentID: "olga", Endpoint: "PJSIP/101", Queues: []string{"support"}}},
		{time.Second, AgentSignIn{AgentID: "ivan", Endpoint: "PJSIP/102", Queues: []string{"support", "second-line"}, Skills: []SkillLevel{{"tech", 3}}}},
		{time.Second, CallArrived{CallID: "c1", Queue: "support", CallerNumber: "+74951110001", ContactID: "k1"}},
		{time.Second, CallArrived{CallID: "c2", Queue: "support", CallerNumber: "+74951110002", ContactID: "k2", VIP: true}},
		{5 * time.Second, AgentAnswered{CallID: "c1", AgentID: "olga"}},
		{20 * time.Second, Tick{}}, // ivan misses c2
		{time.Second, CallArrived{CallID: "c3", Queue: "support", CallerNumber: "+74951110003"}},
		{time.Minute, TransferToQueue{CallID: "c1", FromAgentID: "olga", Queue: "second-line"}},
		{3 * time.Minute, Tick{}}, // c3 overflows, c1 and c3 reach second-line's limit
		{time.Second, AgentReady{AgentID: "ivan"}},
		{3 * time.Second, AgentLegFailed{CallID: "c2", AgentID: "ivan", Reason: LegBusy, Cause: "17"}},
		{time.Second, CallEnded{CallID: "c2", By: PartyCaller, Cause: "16"}},
		{10 * time.Minute, QueryQueues{}},
		{8 * time.Hour, CallArrived{CallID: "c4", Queue: "support", CallerNumber: "+74951110004"}},
	}

	e, err := New(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	var b strings.Builder
	for _, s := range steps {
		now = now.Add(s.after)
		fmt.Fprintf(&b, "%s %T %+v\n", now.Format(time.TimeOnly), s.in, s.in)
		for _, o := range e.Handle(now, s.in) {
			fmt.Fprintf(&b, "\t%T %+v\n", o, o)
		}
	}

	path := filepath.Join("testdata", "golden", "day.txt")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (create it with go test -run TestGoldenDayInQueue -update ./routing): %v", err)
	}
	if got := b.String(); got != string(want) {
		t.Fatalf("outputs differ from %s; rerun with -update if the change is intended\n--- got\n%s", path, got)
	}
}
