package event

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the current output")

// traceLine is one line of a recorded ARI trace (testdata/ari-traces/README is the trace
// format: events, requests and responses in the order they happened on Asterisk 22.10.1).
type traceLine struct {
	Dir    string          `json:"dir"`
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Query  string          `json:"query"`
	Body   json.RawMessage `json:"body"`
	Status int             `json:"status"`
}

var (
	playPath  = regexp.MustCompile(`^/ari/channels/([^/]+)/play/([^/]+)$`)
	snoopPath = regexp.MustCompile(`^/ari/channels/([^/]+)/snoop/([^/]+)$`)
)

// replayTrace feeds a trace through a translator the way cti uses it: every request that
// creates a channel or playback with a client-chosen id registers that id before the events
// that follow it, and a failed request removes it again.
func replayTrace(t testing.TB, path string) []Event {
	t.Helper()

	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open trace: %v", err)
	}
	defer f.Close()

	tr := NewTranslator("pbx1")
	var events []Event
	var pending string

	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line traceLine
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("trace line: %v", err)
		}

		switch line.Dir {
		case "request":
			pending = expectFromRequest(tr, line)
		case "response":
			if pending != "" && line.Status >= 300 {
				tr.Forget(pending)
			}
			pending = ""
		case "event":
			events, err = tr.Translate(line.Body, events)
			if err != nil {
				t.Fatalf("translate %s: %v", line.Body, err)
			}
		}
	}

	if err := sc.Err(); err != nil {
		t.Fatalf("read trace: %v", err)
	}

	return events
}

// traceMessages returns the raw event bodies of a trace.
func traceMessages(t testing.TB, path string) [][]byte {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read trace: %v", err)
	}

	var bodies [][]byte
	for _, raw := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var line traceLine
		if err := json.Unmarshal([]byte(raw), &line); err != nil {
			t.Fatalf("trace line: %v", err)
		}
		if line.Dir == "event" {
			bodies = append(bodies, line.Body)
		}
	}

	return bodies
}

func expectFromRequest(tr *Translator, line traceLine) string {
	if line.Method != "POST" {
		return ""
	}

	if line.Path == "/ari/channels" || line.Path == "/ari/channels/create" {
		var body struct {
			ChannelID string `json:"channelId"`
		}
		if json.Unmarshal(line.Body, &body) == nil && body.ChannelID != "" {
			tr.Expect(body.ChannelID, true)
			return body.ChannelID
		}
	}

	if m := snoopPath.FindStringSubmatch(line.Path); m != nil {
		tr.Expect(m[2], false)
		return m[2]
	}

	if m := playPath.FindStringSubmatch(line.Path); m != nil {
		tr.ExpectPlayback(m[2], m[1])
	}

	return ""
}

// render prints an event on one line without its timestamp and server, for golden files.
func render(e Event) string {
	m := e.EventMeta()
	switch e := e.(type) {
	case CallArrived:
		return fmt.Sprintf("CallArrived %s name=%s state=%s caller=%q<%s> dialed=%s args=%s originated=%t adopted=%t",
			m.ChannelID, e.ChannelName, e.State, e.CallerName, e.CallerNumber, e.Dialed, strings.Join(e.Args, ","), e.Originated, e.Adopted)
	case Ringing:
		return "Ringing " + m.ChannelID
	case Answered:
		return "Answered " + m.ChannelID
	case LeftApplication:
		return "LeftApplication " + m.ChannelID
	case HungUp:
		return fmt.Sprintf("HungUp %s cause=%d %q dialstatus=%s missed=%t", m.ChannelID, e.Cause, e.CauseText, e.DialStatus, e.Missed)
	case OriginateResult:
		return fmt.Sprintf("OriginateResult %s %s dialstatus=%s cause=%d", m.ChannelID, e.Status, e.DialStatus, e.Cause)
	case DTMF:
		return fmt.Sprintf("DTMF %s %s %s", m.ChannelID, e.Digit, e.Duration)
	case Held:
		return fmt.Sprintf("Held %s class=%s", m.ChannelID, e.MusicClass)
	case Unheld:
		return "Unheld " + m.ChannelID
	case PlaybackFinished:
		return fmt.Sprintf("PlaybackFinished %s %s %s %s", m.ChannelID, e.PlaybackID, e.MediaURI, e.State)
	case RecordingFinished:
		return fmt.Sprintf("RecordingFinished %s %s failed=%t %s", m.ChannelID, e.Name, e.Failed, e.Cause)
	case BridgeCreated:
		return fmt.Sprintf("BridgeCreated %s name=%s type=%s", e.BridgeID, e.Name, e.Type)
	case ChannelEnteredBridge:
		return fmt.Sprintf("ChannelEnteredBridge %s %s", m.ChannelID, e.BridgeID)
	case ChannelLeftBridge:
		return fmt.Sprintf("ChannelLeftBridge %s %s", m.ChannelID, e.BridgeID)
	case BridgeDestroyed:
		return "BridgeDestroyed " + e.BridgeID
	case ConnectionState:
		return fmt.Sprintf("ConnectionState connected=%t replaced=%t %s", e.Connected, e.Replaced, e.Reason)
	}

	return fmt.Sprintf("unknown %T", e)
}

func renderAll(events []Event) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(render(e))
		b.WriteByte('\n')
	}

	return b.String()
}

// TestTracesGolden compares the domain events of every recorded trace with its reviewed golden
// file. Run with -update after a deliberate change and review the diff.
func TestTracesGolden(t *testing.T) {
	traces, err := filepath.Glob("testdata/ari-traces/*.jsonl")
	if err != nil || len(traces) == 0 {
		t.Fatalf("no traces in testdata/ari-traces: %v", err)
	}

	for _, trace := range traces {
		name := strings.TrimSuffix(filepath.Base(trace), ".jsonl")
		t.Run(name, func(t *testing.T) {
			got := renderAll(replayTrace(t, trace))
			golden := filepath.Join("testdata", "golden", name+".txt")

			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}

			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run go test -update to create it): %v", err)
			}

			if got != string(want) {
				t.Errorf("events differ from %s:\n got:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}
