package routing

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRejectionLogNamesIDs(t *testing.T) {
	var buf bytes.Buffer
	e, err := New(oneQueue(QueueConfig{}), Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.Handle(t0, AgentAnswered{CallID: "call-9", AgentID: "agent-3"})
	line := buf.String()
	for _, want := range []string{"routing input rejected", "call_id=call-9", "agent_id=agent-3", "unknown agent"} {
		if !strings.Contains(line, want) {
			t.Errorf("log %q lacks %q", line, want)
		}
	}
}
