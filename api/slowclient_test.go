package api_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// TestStalledClientDoesNotDelayOthers opens three tabs of one agent, one of which never
// reads, and publishes a steady stream of screen-pops to the agent. The stalled tab's
// socket buffers fill, then its send queue, and it is dropped. The two reading tabs must get
// every message promptly throughout, and no publish call may block.
func TestStalledClientDoesNotDelayOthers(t *testing.T) {
	checkNoGoroutineLeak(t)
	opts := testOptions()
	// A long write timeout, so that a publisher or a tab held up by the stalled tab would
	// show delays of 20 s, far above the bounds below that allow for a loaded machine.
	opts.WriteWait = 20 * time.Second
	// The reading tabs run in this process, under the race detector, on a machine shared
	// with other builds. A queue of 256 lets them fall behind for a quarter second without
	// being dropped themselves, and the stalled tab overflows it all the same.
	opts.SendQueue = 256
	h := newHarness(t, opts)
	cookie := h.login(t, "agent1")
	hub := h.srv.Hub()

	// The stalled tab's socket buffers are shrunk on both ends, so that it backs up after a
	// few kilobytes instead of the megabytes that Linux autotuning allows.
	smallBuffer := &websocket.Dialer{
		HandshakeTimeout: 5 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if tcp, ok := conn.(*net.TCPConn); ok {
				_ = tcp.SetReadBuffer(4096)
			}
			return conn, nil
		},
	}
	stalled, _, err := h.dialRaw(t, smallBuffer, cookie, testOrigin)
	if err != nil {
		t.Fatalf("dial stalled tab: %v", err)
	}
	if tcp, ok := h.serverConn(t, stalled.LocalAddr()).(*net.TCPConn); ok {
		if err := tcp.SetWriteBuffer(4096); err != nil {
			t.Fatalf("shrink the stalled tab's send buffer: %v", err)
		}
	}

	const messages = 1500
	var sentMu sync.Mutex
	sentAt := make([]time.Time, messages) // by message number, written before publishing

	type result struct {
		received int
		latency  []time.Duration
		err      error
	}
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		conn, _ := h.dial(t, cookie)
		wg.Go(func() {
			r := &results[i]
			for r.received < messages {
				_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
				_, data, err := conn.ReadMessage()
				if err != nil {
					r.err = err
					return
				}
				n, ok := messageNumber(data)
				if !ok {
					continue
				}
				sentMu.Lock()
				r.latency = append(r.latency, time.Since(sentAt[n]))
				sentMu.Unlock()
				r.received++
			}
		})
	}

	padding := strings.Repeat("x", 1<<10)
	var publishTimes []time.Duration
	for i := range messages {
		offer := protocol.CallOffered{CallID: "m" + strconv.Itoa(i), Queue: "support", Caller: protocol.Caller{Number: "+70000000000", Name: padding}, Unknown: true}
		sentMu.Lock()
		sentAt[i] = time.Now()
		sentMu.Unlock()

		start := time.Now()
		if _, err := hub.PublishCallOffered("agent1", offer); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
		publishTimes = append(publishTimes, time.Since(start))
		time.Sleep(500 * time.Microsecond) // a steady stream rather than one burst
	}
	wg.Wait()

	for i, r := range results {
		if r.err != nil {
			t.Fatalf("reading tab %d failed after %d messages: %v", i, r.received, r.err)
		}
		if r.received != messages {
			t.Errorf("reading tab %d got %d messages, want %d", i, r.received, messages)
		}
		slices.Sort(r.latency)
		p50 := r.latency[len(r.latency)/2]
		p99 := r.latency[len(r.latency)*99/100]
		worst := r.latency[len(r.latency)-1]
		t.Logf("reading tab %d: latency p50 %v, p99 %v, max %v", i, p50, p99, worst)
		if worst > 5*time.Second {
			t.Errorf("reading tab %d: slowest message took %v, want under 5s", i, worst)
		}
	}

	slices.Sort(publishTimes)
	worstPublish := publishTimes[len(publishTimes)-1]
	t.Logf("publish: p50 %v, max %v", publishTimes[len(publishTimes)/2], worstPublish)
	if worstPublish > 2*time.Second {
		t.Errorf("slowest publish took %v, want under 2s: publishing must not block", worstPublish)
	}

	if got := metricValue(t, h.reg, "switchboard_ws_slow_clients_dropped_total", nil); got != 1 {
		t.Errorf("slow clients dropped = %v, want 1", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for hub.Clients() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("hub has %d clients 10 s after the drop, want 2", hub.Clients())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := metricValue(t, h.reg, "switchboard_ws_clients", nil); got != 2 {
		t.Errorf("clients gauge = %v, want 2", got)
	}

	// When the stalled tab finally reads, it finds the frames that fit in the buffers and
	// then the end of the connection: a 4000 close if the close frame got through, else EOF
	// or a reset.
	_ = stalled.SetReadDeadline(time.Now().Add(15 * time.Second))
	for {
		_, _, err := stalled.ReadMessage()
		if err == nil {
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("stalled tab still open 15 s after the drop: %v", err)
		}
		break
	}
}

// messageNumber extracts n from a call.offered frame with call id "m<n>", without decoding
// the whole frame, to keep the reading tabs fast under the race detector.
func messageNumber(frame []byte) (int, bool) {
	const marker = `"call_id":"m`
	i := bytes.Index(frame, []byte(marker))
	if i < 0 {
		return 0, false
	}
	rest := frame[i+len(marker):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(string(rest[:j]))
	return n, err == nil
}
