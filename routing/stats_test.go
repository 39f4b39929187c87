package routing

import (
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// statsOf returns the QueueStats of queue among outs.
func statsOf(t *testing.T, outs []Output, queue string) QueueStats {
	t.Helper()
	for _, s := range find[QueueStats](outs) {
		if s.Queue == queue {
			return s
		}
	}
	t.Fatalf("no QueueStats for %s in %+v", queue, outs)
	return QueueStats{}
}

func TestServiceLevelUnknownBeforeCalls(t *testing.T) {
	cfg := Config{
		Queues: []QueueConfig{
			{Name: "sales", ServiceLevelThreshold: 10 * time.Second},
			// Open on Sundays only, and t0 is a Monday: every arrival is closed.
			{Name: "night", Hours: &BusinessHours{TimeZone: "Europe/Moscow", Weekly: [7][]TimeRange{time.Sunday: {{Start: "00:00", End: "24:00"}}}}},
		},
	}
	reg := prometheus.NewRegistry()
	e, err := New(cfg, Options{Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	const gauge = "switchboard_routing_service_level_ratio"

	for _, queue := range []string{"sales", "night"} {
		if got := gatheredValue(t, reg, gauge, "queue", queue); !math.IsNaN(got) {
			t.Errorf("%s gauge before any call = %v, want NaN", queue, got)
		}
	}
	stats := statsOf(t, e.Handle(t0.Add(time.Minute), QueryQueues{}), "sales")
	if stats.ServiceLevelKnown {
		t.Errorf("sales service level before any call = %v, want unknown", stats.ServiceLevel)
	}

	// A call refused by a closed queue never waited, so it gives no service level either.
	e.Handle(t0.Add(time.Minute), CallArrived{CallID: "late", Queue: "night"})
	if got := gatheredValue(t, reg, gauge, "queue", "night"); !math.IsNaN(got) {
		t.Errorf("night gauge after a closed call = %v, want NaN", got)
	}
	stats = statsOf(t, e.Handle(t0.Add(2*time.Minute), QueryQueues{}), "night")
	if stats.Closed != 1 || stats.ServiceLevelKnown {
		t.Errorf("night stats after a closed call = %+v, want one closed call and no service level", stats)
	}

	e.Handle(t0.Add(2*time.Minute), AgentSignIn{AgentID: "alice", Endpoint: "PJSIP/alice", Queues: []string{"sales"}})
	e.Handle(t0.Add(2*time.Minute), CallArrived{CallID: "c1", Queue: "sales"})
	e.Handle(t0.Add(2*time.Minute+5*time.Second), AgentAnswered{CallID: "c1", AgentID: "alice"})
	if got := gatheredValue(t, reg, gauge, "queue", "sales"); got != 1 {
		t.Errorf("sales gauge after a call answered in 5 s = %v, want 1", got)
	}
	stats = statsOf(t, e.Handle(t0.Add(3*time.Minute), QueryQueues{}), "sales")
	if !stats.ServiceLevelKnown || stats.ServiceLevel != 1 {
		t.Errorf("sales stats after a call answered in 5 s = %+v, want a known service level of 1", stats)
	}
}
