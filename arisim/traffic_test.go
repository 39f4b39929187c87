package arisim

import (
	"strings"
	"testing"
	"time"
)

func TestTrafficArrivesAndDrains(t *testing.T) {
	s, url, clock := newManualServer(t)
	ev := dialEvents(t, url, "app=switchboard")
	callers := []Caller{{Number: "79161234567", Name: "Ivan Petrov"}, {Number: "79035556677", Name: "Sergey Ivanov"}}
	traffic, err := s.StartTraffic(TrafficOptions{
		CallsPerMinute: 30, App: "switchboard", Callers: callers, UnknownShare: 0.25, Seed: 7,
		Patience: Span{Min: 10 * time.Second, Max: 20 * time.Second},
	})
	if err != nil {
		t.Fatalf("StartTraffic: %v", err)
	}
	for i := 0; i < 120; i++ {
		clock.Advance(time.Second)
	}
	traffic.Stop()
	traffic.Stop()
	stats := traffic.Stats()
	// 60 expected in 2 minutes; a Poisson count below 30 or above 100 has a negligible chance.
	if stats.Arrived < 30 || stats.Arrived > 100 || stats.Failed != 0 {
		t.Fatalf("stats after 2 minutes at 30 calls/min = %+v", stats)
	}

	ev.sync()
	known, unknown := 0, 0
	for _, e := range ev.snapshot() {
		if e.typ() != "StasisStart" {
			continue
		}
		number := str(e.body, "channel", "caller", "number")
		if number == callers[0].Number || number == callers[1].Number {
			known++
		} else {
			unknown++
		}
		args := e.body["args"].([]any)
		if len(args) != 2 || args[0] != "inbound" || (args[1] != "support" && args[1] != "sales") {
			t.Errorf("StasisStart args = %v, want inbound and a default queue", args)
		}
	}
	if known == 0 || unknown == 0 || known+unknown != stats.Arrived {
		t.Fatalf("%d calls from listed callers and %d unknown, %d arrived", known, unknown, stats.Arrived)
	}

	// Nobody answers, so every customer gives up within its 20 s patience.
	clock.Advance(30 * time.Second)
	if n := len(s.Channels()); n != 0 {
		t.Fatalf("%d channels left after every customer's patience ran out", n)
	}
	before := traffic.Stats().Arrived
	clock.Advance(5 * time.Minute)
	if after := traffic.Stats().Arrived; after != before {
		t.Fatalf("calls kept arriving after Stop: %d then %d", before, after)
	}
}

func TestStartTrafficRejectsBadOptions(t *testing.T) {
	s, _, _ := newManualServer(t)
	for name, opts := range map[string]TrafficOptions{
		"zero rate":     {},
		"share above 1": {CallsPerMinute: 1, UnknownShare: 2},
		"negative talk": {CallsPerMinute: 1, TalkTime: Span{Min: -time.Second}},
	} {
		if _, err := s.StartTraffic(opts); err == nil {
			t.Errorf("%s: StartTraffic succeeded", name)
		}
	}
}

func TestParseCallers(t *testing.T) {
	callers, err := ParseCallers("# demo contacts\n79161234567,Ivan Petrov\n\n+79035556677\n")
	if err != nil {
		t.Fatalf("ParseCallers: %v", err)
	}
	if len(callers) != 2 || callers[0].Name != "Ivan Petrov" || callers[1].Number != "+79035556677" || callers[1].Name != "" {
		t.Fatalf("callers = %+v", callers)
	}
	if _, err := ParseCallers("7916 123,Ivan"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("ParseCallers of a number with a space = %v, want an error naming line 1", err)
	}
}
