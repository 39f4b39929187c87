package arisim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// traceLine is one line of a recorded ARI trace: an event as Asterisk sent it on the WebSocket, a
// REST request, or the response to the request above it.
type traceLine struct {
	Dir    string          `json:"dir"`
	TMS    int64           `json:"t_ms"`
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Query  string          `json:"query"`
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`

	event map[string]any // decoded Body of an event line
}

// traceDir returns the directory of recorded traces: SWITCHBOARD_ARI_TRACES, or ../shared/ari-traces
// next to the module root.
func traceDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("SWITCHBOARD_ARI_TRACES"); dir != "" {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("get working directory: %v", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "ari-traces")
		}
		if filepath.Dir(dir) == dir {
			t.Fatalf("no go.mod above %s: set SWITCHBOARD_ARI_TRACES to the directory of recorded ARI traces", wd)
		}
	}
}

// traceFiles lists the *.jsonl traces, failing clearly when there are none.
func traceFiles(t *testing.T) []string {
	t.Helper()
	dir := traceDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		t.Fatalf("list recorded ARI traces in %s: %v", dir, err)
	}
	if len(files) == 0 {
		t.Fatalf("no recorded ARI traces (*.jsonl) in %s: set SWITCHBOARD_ARI_TRACES to their directory", dir)
	}
	sort.Strings(files)
	return files
}

func loadTrace(t *testing.T, file string) []traceLine {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("open trace: %v", err)
	}
	defer f.Close()
	var lines []traceLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var l traceLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s line %d: %v", file, n, err)
		}
		if l.Dir == "event" {
			if err := json.Unmarshal(l.Body, &l.event); err != nil {
				t.Fatalf("%s line %d: event body: %v", file, n, err)
			}
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read trace %s: %v", file, err)
	}
	return lines
}

var (
	// asteriskIDPattern matches channel ids Asterisk chooses ("1796413948.1").
	asteriskIDPattern = regexp.MustCompile(`\b\d{6,}\.\d+\b`)
	uuidPattern       = regexp.MustCompile(`\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	// nameCounterPattern matches the per-process counter in channel names (Local/...-0000001e;1).
	nameCounterPattern = regexp.MustCompile(`-[0-9a-f]{8}(;[12])?$`)
)

// labeler gives every channel a label that is the same in a trace and in arisim's run of it: its
// name without Asterisk's counter, and its rank among channels of that name in order of creation.
// Snoop channels are named after the snooped channel's label.
type labeler struct {
	byID   map[string]string
	byName map[string]int
	ids    map[string]string // label → id
}

func newLabeler() *labeler {
	return &labeler{byID: map[string]string{}, byName: map[string]int{}, ids: map[string]string{}}
}

// observe records the channels an event mentions.
func (l *labeler) observe(ev map[string]any) {
	for _, k := range []string{"channel", "peer", "replace_channel"} {
		ch, ok := ev[k].(map[string]any)
		if !ok {
			continue
		}
		id, _ := ch["id"].(string)
		name, _ := ch["name"].(string)
		l.add(id, name)
	}
}

func (l *labeler) add(id, name string) {
	if id == "" {
		return
	}
	if _, ok := l.byID[id]; ok {
		return
	}
	canonical := l.canonicalName(name)
	n := l.byName[canonical]
	l.byName[canonical] = n + 1
	label := fmt.Sprintf("<%s#%d>", canonical, n)
	l.byID[id] = label
	l.ids[label] = id
}

func (l *labeler) canonicalName(name string) string {
	if strings.HasPrefix(name, "Snoop/") {
		target := nameCounterPattern.ReplaceAllString(strings.TrimPrefix(name, "Snoop/"), "")
		if lbl, ok := l.byID[target]; ok {
			return "Snoop/" + lbl
		}
		return "Snoop/?"
	}
	return nameCounterPattern.ReplaceAllString(name, "$1")
}

// normalize replaces channel ids with labels and server-chosen UUIDs with a placeholder, and drops
// channel-name counters.
func (l *labeler) normalize(s string) string {
	if lbl, ok := l.byID[s]; ok {
		return lbl
	}
	s = asteriskIDPattern.ReplaceAllStringFunc(s, func(id string) string {
		if lbl, ok := l.byID[id]; ok {
			return lbl
		}
		return id
	})
	s = uuidPattern.ReplaceAllString(s, "<uuid>")
	return nameCounterPattern.ReplaceAllString(s, "$1")
}
