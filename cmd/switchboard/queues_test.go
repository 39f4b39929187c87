package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestRoutingQueues(t *testing.T) {
	got := routingQueues([]config.Queue{
		{
			Name: "support", Strategy: "skill_weighted", Skills: []string{"russian:2"},
			RingTimeout: config.Duration(15 * time.Second), WrapUp: config.Duration(time.Minute),
			MaxWait: config.Duration(5 * time.Minute), MaxLength: 30, Overflow: "queue:sales",
			ServiceLevelThreshold: config.Duration(30 * time.Second),
			Hours:                 config.Hours{TimeZone: "Europe/Moscow", Monday: []string{"09:00-13:00", "14:00-18:00"}, Holidays: []string{"2027-01-01"}},
		},
		{Name: "sales", Overflow: "voicemail", OverflowWhenNoAgents: true},
		{Name: "vip", Overflow: "callback"},
	})

	var monday [7][]routing.TimeRange
	monday[time.Monday] = []routing.TimeRange{{Start: "09:00", End: "13:00"}, {Start: "14:00", End: "18:00"}}
	want := []routing.QueueConfig{
		{
			Name: "support", Strategy: routing.StrategySkillWeighted, Skills: []routing.SkillLevel{{Skill: "russian", Level: 2}},
			RingTimeout: 15 * time.Second, WrapUp: time.Minute, MaxWait: 5 * time.Minute, MaxLength: 30,
			Overflow:              routing.Overflow{Kind: routing.OverflowQueue, Queue: "sales"},
			ServiceLevelThreshold: 30 * time.Second,
			Hours:                 &routing.BusinessHours{TimeZone: "Europe/Moscow", Weekly: monday, Holidays: []string{"2027-01-01"}},
		},
		{Name: "sales", Overflow: routing.Overflow{Kind: routing.OverflowVoicemail}, OverflowWhenNoAgents: true},
		{Name: "vip", Overflow: routing.Overflow{Kind: routing.OverflowCallback}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("routingQueues =\n%+v\nwant\n%+v", got, want)
	}
	if routingQueues(nil) != nil {
		t.Error("no configured queues must give nil, the node's defaults")
	}
}

// The node serves the queues of the configuration instead of its defaults.
func TestComposeUsesConfiguredQueues(t *testing.T) {
	t.Parallel()
	cfg := config.Default()
	cfg.CallLog.SpoolDir = t.TempDir()
	cfg.Queues = []config.Queue{{Name: "billing"}, {Name: "retention", Overflow: "queue:billing"}}
	app, err := compose(dependencies{
		cfg:      cfg,
		logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		registry: prometheus.NewRegistry(),
		pool:     pgtest.New(t),
		build:    buildInfo{Version: "test"},
	})
	if err != nil {
		t.Fatalf("compose: %v", err)
	}
	server := httptest.NewServer(app.handler)
	t.Cleanup(server.Close)

	code, body := get(t, server.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics status = %d", code)
	}
	for _, queue := range []string{"billing", "retention"} {
		if !strings.Contains(body, `queue="`+queue+`"`) {
			t.Errorf("/metrics has no series of configured queue %s", queue)
		}
	}
	if strings.Contains(body, `queue="support"`) {
		t.Error("/metrics has the default queue support although the configuration names its own")
	}
}
