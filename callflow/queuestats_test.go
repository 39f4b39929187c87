package callflow

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/routing"
)

func TestQueueStatsServiceLevelField(t *testing.T) {
	// Calls refused by a closed queue count as overflowed on the wallboard but never waited,
	// so they give the queue no service level.
	closedOnly := queueStats(routing.QueueStats{Queue: "night", Closed: 2})
	if closedOnly.ServiceLevel != nil {
		t.Errorf("service level with only closed calls = %v, want absent", *closedOnly.ServiceLevel)
	}
	frame, err := json.Marshal(closedOnly)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(frame), "service_level") {
		t.Errorf("frame %s has service_level, want it omitted", frame)
	}

	known := queueStats(routing.QueueStats{Queue: "sales", Answered: 4, AnsweredInSL: 3, ServiceLevel: 0.75, ServiceLevelKnown: true})
	if known.ServiceLevel == nil || *known.ServiceLevel != 0.75 {
		t.Errorf("service level = %v, want 0.75", known.ServiceLevel)
	}
}
