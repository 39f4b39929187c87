package routing

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// gatheredValue returns the value of the gauge or counter series name{label=value} in reg.
func gatheredValue(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if !hasLabel(m, label, value) {
				continue
			}
			if m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("series %s{%s=%q} not gathered", name, label, value)
	return 0
}

// gatheredHistogramCount returns the sample count of the unlabelled histogram name in reg.
func gatheredHistogramCount(t *testing.T, reg *prometheus.Registry, name string) uint64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() == name && len(f.GetMetric()) == 1 {
			return f.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	t.Fatalf("histogram %s not gathered", name)
	return 0
}

func hasLabel(m *dto.Metric, label, value string) bool {
	if label == "" {
		return true
	}
	for _, l := range m.GetLabel() {
		if l.GetName() == label && l.GetValue() == value {
			return true
		}
	}
	return false
}

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no queues", Config{}, "no queues"},
		{"empty name", Config{Queues: []QueueConfig{{}}}, "empty name"},
		{"duplicate", Config{Queues: []QueueConfig{{Name: "a"}, {Name: "a"}}}, "twice"},
		{"strategy", Config{Queues: []QueueConfig{{Name: "a", Strategy: "random"}}}, "unknown strategy"},
		{"negative wait", Config{Queues: []QueueConfig{{Name: "a", MaxWait: -time.Second}}}, "MaxWait is negative"},
		{"overflow target", Config{Queues: []QueueConfig{{Name: "a", Overflow: Overflow{Kind: OverflowQueue, Queue: "b"}}}}, "not configured"},
		{"overflow self", Config{Queues: []QueueConfig{{Name: "a", Overflow: Overflow{Kind: OverflowQueue, Queue: "a"}}}}, "itself"},
		{"overflow cycle", Config{Queues: []QueueConfig{
			{Name: "a", Overflow: Overflow{Kind: OverflowQueue, Queue: "b"}},
			{Name: "b", Overflow: Overflow{Kind: OverflowQueue, Queue: "c"}},
			{Name: "c", Overflow: Overflow{Kind: OverflowQueue, Queue: "a"}},
		}}, "returns to queue"},
		{"skill level", Config{Queues: []QueueConfig{{Name: "a", Skills: []SkillLevel{{"x", 101}}}}}, "level 101"},
		{"priority", Config{Queues: []QueueConfig{{Name: "a"}}, Priorities: &Priorities{VIP: 500}}, "priority 500"},
		{"time zone", Config{Queues: []QueueConfig{{Name: "a", Hours: &BusinessHours{TimeZone: "Mars/Olympus"}}}}, "Mars/Olympus"},
		{"range", Config{Queues: []QueueConfig{{Name: "a", Hours: &BusinessHours{
			TimeZone: "Europe/Moscow", Weekly: [7][]TimeRange{1: {{Start: "22:00", End: "06:00"}}},
		}}}}, "crosses midnight"},
		{"holiday", Config{Queues: []QueueConfig{{Name: "a", Hours: &BusinessHours{
			TimeZone: "Europe/Moscow", Holidays: []string{"01.01.2026"},
		}}}}, "YYYY-MM-DD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, Options{})
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want ErrInvalidConfig mentioning %q", err, tc.want)
			}
		})
	}
}

func TestBusinessHoursMoscow(t *testing.T) {
	weekdays := []TimeRange{{Start: "09:00", End: "18:00"}}
	hours := &BusinessHours{
		TimeZone: "Europe/Moscow",
		Weekly:   [7][]TimeRange{time.Monday: weekdays, time.Tuesday: weekdays, time.Saturday: {{Start: "10:00", End: "24:00"}}},
		Holidays: []string{"2026-03-03"},
	}
	s, err := compileHours(hours)
	if err != nil {
		t.Fatal(err)
	}
	msk := time.FixedZone("MSK", 3*3600)
	for _, tc := range []struct {
		at   time.Time
		open bool
	}{
		{time.Date(2026, 3, 2, 8, 59, 0, 0, msk), false},      // Monday before opening
		{time.Date(2026, 3, 2, 9, 0, 0, 0, msk), true},        // Monday opening minute
		{time.Date(2026, 3, 2, 17, 59, 0, 0, msk), true},      // Monday last minute
		{time.Date(2026, 3, 2, 18, 0, 0, 0, msk), false},      // Monday closing
		{time.Date(2026, 3, 3, 12, 0, 0, 0, msk), false},      // Tuesday holiday
		{time.Date(2026, 3, 4, 12, 0, 0, 0, msk), false},      // Wednesday has no hours
		{time.Date(2026, 3, 7, 23, 59, 0, 0, msk), true},      // Saturday until midnight
		{time.Date(2026, 3, 2, 6, 30, 0, 0, time.UTC), true},  // 09:30 in Moscow
		{time.Date(2026, 3, 2, 5, 30, 0, 0, time.UTC), false}, // 08:30 in Moscow
	} {
		if got := s.open(tc.at); got != tc.open {
			t.Errorf("open(%s) = %v, want %v", tc.at, got, tc.open)
		}
	}
}

func TestClosedQueueHangsUp(t *testing.T) {
	cfg := oneQueue(QueueConfig{Hours: &BusinessHours{
		TimeZone: "Europe/Moscow",
		Weekly:   [7][]TimeRange{time.Monday: {{Start: "09:00", End: "18:00"}}},
	}})
	h := newHarness(t, cfg)
	h.signIn("alice", []string{"sales"})
	h.now = time.Date(2026, 3, 2, 15, 30, 0, 0, time.UTC) // 18:30 in Moscow
	out := h.arrive("late", "sales")
	if hu := find[HangUp](out); len(hu) != 1 || hu[0].Reason != HangUpClosed {
		t.Fatalf("outputs = %+v", out)
	}
	if rec := recordOf(t, out); rec.Outcome != OutcomeClosed {
		t.Fatalf("record = %+v", rec)
	}
}

func TestMetricsUseGivenRegisterer(t *testing.T) {
	reg := prometheus.NewRegistry()
	e, err := New(oneQueue(QueueConfig{}), Options{Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	e.Handle(t0, AgentSignIn{AgentID: "a", Endpoint: "e", Queues: []string{"sales"}})
	e.Handle(t0, CallArrived{CallID: "c1", Queue: "sales"})
	e.Handle(t0, CallArrived{CallID: "c2", Queue: "sales"})

	if got := gatheredValue(t, reg, "switchboard_routing_queue_depth", "queue", "sales"); got != 1 {
		t.Fatalf("queue depth = %v, want 1", got)
	}
	if got := gatheredValue(t, reg, "switchboard_routing_agents", "state", "reserved"); got != 1 {
		t.Fatalf("reserved agents = %v, want 1", got)
	}
	if got := gatheredValue(t, reg, "switchboard_routing_decisions_total", "", ""); got != 1 {
		t.Fatalf("decisions = %v, want 1", got)
	}
	if got := gatheredHistogramCount(t, reg, "switchboard_routing_handle_seconds"); got != 3 {
		t.Fatalf("handle latency samples = %d, want one per input (3)", got)
	}

	if _, err := New(oneQueue(QueueConfig{}), Options{Registerer: reg}); err == nil {
		t.Fatalf("a second engine on the same registerer must fail")
	}
}

func TestExplicitPrioritiesReplaceDefaults(t *testing.T) {
	// Callbacks above VIP contacts, the reverse of the defaults.
	cfg := Config{Queues: []QueueConfig{{Name: "sales"}}, Priorities: &Priorities{VIP: 5, Callback: 30}}
	h := newHarness(t, cfg)
	h.do(CallArrived{CallID: "vip", Queue: "sales", VIP: true})
	h.do(CallArrived{CallID: "callback", Queue: "sales", Kind: CallCallback})
	if ring := ringOf(t, h.signIn("alice", []string{"sales"})); ring.CallID != "callback" {
		t.Fatalf("ring = %+v, want the callback first", ring)
	}
}

func TestConfigCopiedAtNew(t *testing.T) {
	skills := []SkillLevel{{"tech", 1}}
	priorities := &Priorities{VIP: 20}
	cfg := Config{Queues: []QueueConfig{{Name: "sales", Skills: skills}}, Priorities: priorities}
	h := newHarness(t, cfg)
	skills[0].Level = 9
	priorities.VIP = 0

	h.do(CallArrived{CallID: "plain", Queue: "sales"})
	h.do(CallArrived{CallID: "vip", Queue: "sales", VIP: true})
	ring := ringOf(t, h.signIn("alice", []string{"sales"}, SkillLevel{"tech", 1}))
	if ring.CallID != "vip" {
		t.Fatalf("ring = %+v; changing the caller's config after New must not affect the engine", ring)
	}
}
