package cti

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/switchboard-cc/switchboard/cti/event"
)

// traceEvents returns the raw event bodies of a recorded trace.
func traceEvents(t testing.TB, path string) [][]byte {
	t.Helper()

	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open trace: %v", err)
	}
	defer f.Close()

	var bodies [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Dir  string          `json:"dir"`
			Body json.RawMessage `json:"body"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("trace line: %v", err)
		}
		if line.Dir == "event" {
			bodies = append(bodies, bytes.Clone(line.Body))
		}
	}

	return bodies
}

func traceFiles(t testing.TB) []string {
	t.Helper()

	files, err := filepath.Glob("event/testdata/ari-traces/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no traces in event/testdata/ari-traces: %v", err)
	}

	return files
}

func counterValue(t testing.TB, c prometheus.Counter) float64 {
	t.Helper()

	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatalf("read counter: %v", err)
	}

	return m.GetCounter().GetValue()
}

// newOfflineServer returns a Server that is never connected, for feeding messages to handle.
func newOfflineServer(t testing.TB, log *slog.Logger, out chan event.Event) (*Server, *metrics) {
	t.Helper()

	m, err := newMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}

	cfg := ServerConfig{Name: "pbx1", URL: "http://127.0.0.1:1/ari", Username: "u", Password: "p", Application: "crm"}

	return newServer(cfg, log, m, out), m
}

// FuzzTranslateEvents feeds sequences of ARI messages, one per line, through the event path of
// a Server. Whatever the input, nothing panics, every undecodable message is counted, and no
// event follows the HungUp of its channel.
func FuzzTranslateEvents(f *testing.F) {
	for _, file := range traceFiles(f) {
		bodies := traceEvents(f, file)
		f.Add(bytes.Join(bodies, []byte("\n")))

		for i, body := range bodies {
			if i%7 == 0 {
				f.Add(body)
				f.Add(body[:len(body)/2])
				f.Add(body[:len(body)-1])
			}
		}
	}

	f.Fuzz(func(t *testing.T, input []byte) {
		out := make(chan event.Event, 64)
		s, m := newOfflineServer(t, slog.New(slog.DiscardHandler), out)

		var events []event.Event
		collected := make(chan struct{})
		go func() {
			defer close(collected)
			for e := range out {
				events = append(events, e)
			}
		}()
		reference := event.NewTranslator("pbx1")

		wantErrors := 0
		for _, line := range bytes.Split(input, []byte("\n")) {
			if _, err := reference.Translate(line, nil); err != nil {
				if !errors.Is(err, event.ErrMalformed) {
					t.Fatalf("translate error does not wrap ErrMalformed: %v", err)
				}
				wantErrors++
			}

			if err := s.handle(context.Background(), line); err != nil && !errors.Is(err, errReplaced) {
				t.Fatalf("handle: %v", err)
			}
		}
		close(out)
		<-collected

		if got := counterValue(t, m.translationErrors.WithLabelValues("pbx1")); int(got) != wantErrors {
			t.Errorf("translation errors counted = %v, want %d", got, wantErrors)
		}

		ended := map[string]bool{}
		for _, e := range events {
			meta := e.EventMeta()
			if meta.Server != "pbx1" {
				t.Errorf("event without server name: %#v", e)
			}
			if meta.ChannelID != "" && ended[meta.ChannelID] {
				t.Errorf("event %T after HungUp of channel %s", e, meta.ChannelID)
			}
			if _, ok := e.(event.HungUp); ok {
				ended[meta.ChannelID] = true
			}
		}
	})
}

func TestMalformedEventCountedAndLogged(t *testing.T) {
	var logs bytes.Buffer
	out := make(chan event.Event, 16)
	s, m := newOfflineServer(t, slog.New(slog.NewTextHandler(&logs, nil)), out)

	if err := s.handle(context.Background(), []byte(`{"type":"StasisStart","timestamp":"2026-12-04T19:52`)); err != nil {
		t.Fatalf("handle: %v", err)
	}

	if got := counterValue(t, m.translationErrors.WithLabelValues("pbx1")); got != 1 {
		t.Errorf("translation errors = %v, want 1", got)
	}

	if got := counterValue(t, m.ariEvents.WithLabelValues("pbx1", "invalid")); got != 1 {
		t.Errorf("ari_events_total{type=invalid} = %v, want 1", got)
	}

	if !strings.Contains(logs.String(), "ARI event dropped") || !strings.Contains(logs.String(), "asterisk_node=pbx1") {
		t.Errorf("log does not report the dropped event with the server name:\n%s", logs.String())
	}

	if len(out) != 0 {
		t.Errorf("malformed message produced %d events", len(out))
	}
}

func TestTracesThroughServerPath(t *testing.T) {
	for _, file := range traceFiles(t) {
		out := make(chan event.Event, 4096)
		s, m := newOfflineServer(t, slog.New(slog.DiscardHandler), out)

		bodies := traceEvents(t, file)
		for _, body := range bodies {
			if err := s.handle(context.Background(), body); err != nil {
				t.Fatalf("%s: handle: %v", file, err)
			}
		}

		if got := counterValue(t, m.translationErrors.WithLabelValues("pbx1")); got != 0 {
			t.Errorf("%s: %v translation errors on recorded Asterisk traffic", file, got)
		}

		var total float64
		for _, typ := range []string{"StasisStart", "ChannelVarset", "DeviceStateChanged", "ChannelDestroyed"} {
			total += counterValue(t, m.ariEvents.WithLabelValues("pbx1", typ))
		}
		if total == 0 {
			t.Errorf("%s: ARI events were not counted by type", file)
		}
	}
}
