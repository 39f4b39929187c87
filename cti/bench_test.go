package cti

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/cti/event"
)

// BenchmarkEventsThroughArisim drives calls into arisim as fast as it accepts them and
// measures ARI events per second through cti's WebSocket reader and translator to a
// domain-event consumer: per wall-clock second, and per CPU second of the whole process
// (simulator, cti and consumer), which is the figure that survives a machine shared with other
// work. b.N is the number of calls; each produces 13 ARI events. Run it on one core:
//
//	go test -run '^$' -bench EventsThroughArisim -benchtime 20000x -cpu 1 ./cti/
func BenchmarkEventsThroughArisim(b *testing.B) {
	benchmarkEvents(b, 0)
}

// BenchmarkEventLatencyPaced offers calls at a fixed rate below saturation (800 calls/s, about
// 10,400 ARI events/s) and reports the latency from each simulator action (a call arriving, the
// customer hanging up) to each domain event it causes. At saturation the latency only
// measures how full the queues are.
//
//	go test -run '^$' -bench EventLatencyPaced -benchtime 8000x -cpu 1 ./cti/
func BenchmarkEventLatencyPaced(b *testing.B) {
	benchmarkEvents(b, 800)
}

// benchmarkEvents runs b.N calls through arisim and cti, callsPerSecond at a time (0 means
// without pacing).
func benchmarkEvents(b *testing.B, callsPerSecond int) {
	sim := startSim(b)
	reg := prometheus.NewRegistry()
	m, err := NewManager(ManagerOptions{Logger: slog.New(slog.DiscardHandler), Registerer: reg, EventBuffer: 4096})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.Add(sim.config("pbx1")); err != nil {
		b.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		_ = m.Run(ctx)
	}()
	defer func() {
		cancel()
		<-runDone
	}()

	var mu sync.Mutex
	arrivedAt := map[string]time.Time{} // caller number → time ArriveCall was called
	hangupAt := map[string]time.Time{}  // channel id → time Hangup was called
	latencies := make([]time.Duration, 0, 3*b.N)
	hungUp := make(chan struct{}, b.N)
	connected := make(chan struct{}, 1)

	consumerDone := make(chan struct{})
	go func() {
		defer close(consumerDone)
		for {
			var e event.Event
			select {
			case e = <-m.Events():
			case <-runDone:
				return
			}

			now := time.Now()
			mu.Lock()
			switch e := e.(type) {
			case event.ConnectionState:
				if e.Connected {
					select {
					case connected <- struct{}{}:
					default:
					}
				}
			case event.CallArrived:
				latencies = append(latencies, now.Sub(arrivedAt[e.CallerNumber]))
			case event.LeftApplication:
				latencies = append(latencies, now.Sub(hangupAt[e.ChannelID]))
			case event.HungUp:
				latencies = append(latencies, now.Sub(hangupAt[e.ChannelID]))
				hungUp <- struct{}{}
			}
			mu.Unlock()
		}
	}()
	<-connected

	const window = 64 // calls alive at once
	live := make([]string, 0, window)
	ariBefore := counterSum(b, reg, "switchboard_cti_ari_events_total")

	b.ResetTimer()
	cpuBefore := processCPU(b)
	start := time.Now()
	for i := range b.N {
		if callsPerSecond > 0 {
			due := start.Add(time.Duration(i) * time.Second / time.Duration(callsPerSecond))
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			}
		}

		number := fmt.Sprintf("7916%07d", i)
		mu.Lock()
		arrivedAt[number] = time.Now()
		mu.Unlock()

		id, err := sim.sim.ArriveCall(arisim.Call{CallerNumber: number, Dialed: "100", App: "crm", Args: []string{"inbound", "support"}})
		if err != nil {
			b.Fatalf("arrive call: %v", err)
		}
		live = append(live, id)

		// Keep a fixed number of calls alive: the oldest customer gives up for each new one.
		if len(live) > window {
			oldest := live[0]
			live = live[1:]
			mu.Lock()
			hangupAt[oldest] = time.Now()
			mu.Unlock()
			if err := sim.sim.Hangup(oldest, 19); err != nil {
				b.Fatalf("hangup: %v", err)
			}
		}
	}

	for _, id := range live {
		mu.Lock()
		hangupAt[id] = time.Now()
		mu.Unlock()
		if err := sim.sim.Hangup(id, 19); err != nil {
			b.Fatalf("hangup: %v", err)
		}
	}

	for range b.N {
		select {
		case <-hungUp:
		case <-time.After(30 * time.Second):
			b.Fatal("calls did not all hang up within 30 s")
		}
	}
	elapsed := time.Since(start)
	cpu := processCPU(b) - cpuBefore
	b.StopTimer()

	ariEvents := counterSum(b, reg, "switchboard_cti_ari_events_total") - ariBefore

	mu.Lock()
	defer mu.Unlock()
	slices.Sort(latencies)
	b.ReportMetric(ariEvents/elapsed.Seconds(), "ari-events/s")
	b.ReportMetric(ariEvents/cpu.Seconds(), "ari-events/cpu-s")
	b.ReportMetric(ariEvents/float64(b.N), "ari-events/call")
	b.ReportMetric(float64(percentile(latencies, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(latencies, 99).Microseconds()), "p99-µs")
}

// processCPU returns the user and system CPU time the process has used.
func processCPU(t testing.TB) time.Duration {
	t.Helper()

	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		t.Fatalf("getrusage: %v", err)
	}

	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}

	return sorted[(len(sorted)-1)*p/100]
}

// counterSum adds every series of a counter family in reg.
func counterSum(t testing.TB, reg *prometheus.Registry, name string) float64 {
	t.Helper()

	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}

	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, metric := range f.GetMetric() {
			sum += metric.GetCounter().GetValue()
		}
	}

	return sum
}
