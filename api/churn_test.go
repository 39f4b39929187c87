package api_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// TestPublishDuringConnectionChurn publishes from several goroutines while tabs connect and
// disconnect, so that the race detector covers registration, fan-out and unregistration
// running together. Every connection must end, and the hub must end up empty.
func TestPublishDuringConnectionChurn(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	agent := h.login(t, "agent1")
	super := h.login(t, "super1")
	hub := h.srv.Hub()

	stop := make(chan struct{})
	var published atomic.Int64
	var publishers sync.WaitGroup
	for p := range 4 {
		publishers.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				if p%2 == 0 {
					_, err = hub.PublishCallOffered("agent1", protocol.CallOffered{CallID: "c" + itoa(i)})
				} else {
					_, err = hub.PublishAgentState(protocol.AgentState{AgentID: "agent1", State: protocol.StateAvailable})
				}
				if err != nil {
					t.Errorf("publish: %v", err)
					return
				}
				published.Add(1)
				time.Sleep(100 * time.Microsecond)
			}
		})
	}

	var tabs sync.WaitGroup
	for i := range 20 {
		cookie := agent
		if i%4 == 0 {
			cookie = super
		}
		tabs.Go(func() {
			for range 5 {
				conn, _, err := h.dialRaw(t, nil, cookie, testOrigin)
				if err != nil {
					t.Errorf("dial: %v", err)
					return
				}
				// Read a little, then leave; some tabs leave without reading at all.
				for range i % 3 * 5 {
					_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
					if _, _, err := conn.ReadMessage(); err != nil {
						break
					}
				}
				conn.Close()
			}
		})
	}
	tabs.Wait()
	close(stop)
	publishers.Wait()

	if published.Load() == 0 {
		t.Fatal("nothing was published")
	}
	deadline := time.Now().Add(5 * time.Second)
	for hub.Clients() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("hub has %d clients after every tab closed, want 0", hub.Clients())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := metricValue(t, h.reg, "switchboard_ws_clients", nil); got != 0 {
		t.Errorf("clients gauge = %v, want 0", got)
	}
}
