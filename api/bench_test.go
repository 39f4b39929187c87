package api_test

import (
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// BenchmarkScreenPopToTabs measures the gateway's share of the screen-pop latency: from
// PublishCallOffered to both tabs of the agent having read the frame, with 1,000 other
// connections open. It reports the median and p99 per pop.
func BenchmarkScreenPopToTabs(b *testing.B) {
	opts := testOptions()
	opts.PingInterval = 20 * time.Second
	opts.PongWait = 45 * time.Second
	h := newHarness(b, opts)

	others := h.login(b, "agent2")
	for range 1000 {
		if _, _, err := h.dialRaw(b, nil, others, testOrigin); err != nil {
			b.Fatalf("dial background connection: %v", err)
		}
	}

	cookie := h.login(b, "agent1")
	tabs := make([]*websocket.Conn, 2)
	for i := range tabs {
		tabs[i], _ = h.dial(b, cookie)
		_ = tabs[i].SetReadDeadline(time.Time{}) // dial left the hello's deadline
	}

	offer := ringingOffer()
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		offer.CallID = "bench-" + itoa(i)
		start := time.Now()
		if _, err := h.srv.Hub().PublishCallOffered("agent1", offer); err != nil {
			b.Fatalf("publish: %v", err)
		}
		for _, tab := range tabs {
			if _, _, err := tab.ReadMessage(); err != nil {
				b.Fatalf("read pop: %v", err)
			}
		}
		latencies = append(latencies, time.Since(start))
	}
	b.StopTimer()

	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkAgentStateToSupervisors measures one agent.state published to 200 supervisor
// connections, until the last of them has read it.
func BenchmarkAgentStateToSupervisors(b *testing.B) {
	opts := testOptions()
	opts.PingInterval = 20 * time.Second
	opts.PongWait = 45 * time.Second
	h := newHarness(b, opts)

	cookie := h.login(b, "super1")
	supervisors := make([]*websocket.Conn, 200)
	for i := range supervisors {
		supervisors[i], _ = h.dial(b, cookie)
		_ = supervisors[i].SetReadDeadline(time.Time{}) // dial left the hello's deadline
	}

	state := protocol.AgentState{AgentID: "agent1", State: protocol.StateOnCall, Since: time.Now()}
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := h.srv.Hub().PublishAgentState(state); err != nil {
			b.Fatalf("publish: %v", err)
		}
		for _, conn := range supervisors {
			if _, _, err := conn.ReadMessage(); err != nil {
				b.Fatalf("read state: %v", err)
			}
		}
		latencies = append(latencies, time.Since(start))
	}
	b.StopTimer()

	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds()), "p99-µs")
}
