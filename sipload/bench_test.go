package sipload

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRate measures the rate the generator sustains against the in-process test
// PBX, which answers every call at once; each answered call holds for 1 s. It measures
// the generator (and the PBX sharing its process), not Asterisk. One iteration is one
// run of SIPLOAD_BENCH_DURATION (default 10s) at each rate of SIPLOAD_BENCH_RATES
// (default 200,500,1000 calls/s), so run it with -benchtime 1x:
//
//	go test -run '^$' -bench BenchmarkRate -benchtime 1x ./sipload
func BenchmarkRate(b *testing.B) {
	duration := 10 * time.Second
	if text := os.Getenv("SIPLOAD_BENCH_DURATION"); text != "" {
		var err error
		if duration, err = time.ParseDuration(text); err != nil {
			b.Fatalf("SIPLOAD_BENCH_DURATION %q: %v", text, err)
		}
	}

	rates := []float64{200, 500, 1000}
	if text := os.Getenv("SIPLOAD_BENCH_RATES"); text != "" {
		rates = nil
		for field := range strings.SplitSeq(text, ",") {
			rate, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
			if err != nil || rate <= 0 {
				b.Fatalf("SIPLOAD_BENCH_RATES %q: give positive numbers separated by commas", text)
			}
			rates = append(rates, rate)
		}
	}

	for _, rate := range rates {
		b.Run(fmt.Sprintf("rate=%.0f", rate), func(b *testing.B) {
			for b.Loop() {
				pbx := startPBX(b, answerAtOnce)
				pbx.lenient = true
				dropsBefore := udpReceiveBufferErrors(b)
				cpuBefore := processCPU(b)
				summary, err := Run(context.Background(), Config{
					Target:      pbx.target("74950001122"),
					Rate:        rate,
					Duration:    duration,
					Callers:     mustPool(b, "+74951000000-+74951999999"),
					Hold:        HoldTime{Mean: time.Second},
					RingTimeout: 5 * time.Second,
				})
				pbx.close()
				drops := udpReceiveBufferErrors(b) - dropsBefore
				cpu := processCPU(b) - cpuBefore
				if err != nil {
					b.Fatalf("Run: %v", err)
				}

				b.ReportMetric(float64(summary.Attempted), "attempted")
				b.ReportMetric(float64(summary.Answered), "answered")
				b.ReportMetric(float64(summary.Skipped), "skipped")
				b.ReportMetric(float64(summary.Attempted-summary.Answered), "not-answered")
				// Call 0 is placed at time 0, so n calls span n-1 intervals.
				b.ReportMetric(float64(summary.Attempted-1)/summary.Placing.Seconds(), "calls/s")
				b.ReportMetric(float64(summary.Setup.P50.Microseconds())/1000, "setup-p50-ms")
				b.ReportMetric(float64(summary.Setup.P99.Microseconds())/1000, "setup-p99-ms")
				b.ReportMetric(float64(summary.Setup.Max.Microseconds())/1000, "setup-max-ms")
				b.ReportMetric(float64(pbx.missedAcks), "pbx-missed-acks")
				b.ReportMetric(float64(drops), "udp-rcvbuf-drops")
				// CPU of the whole test process, so the PBX's share is included.
				b.ReportMetric(float64(cpu.Microseconds())/float64(summary.Attempted), "cpu-us/call")
			}
		})
	}
}

// udpReceiveBufferErrors returns the host's count of UDP datagrams dropped because a
// socket's receive buffer was full (RcvbufErrors in /proc/net/snmp, Linux only). Other
// processes' sockets count too, so the difference over a run is an upper bound.
func udpReceiveBufferErrors(b *testing.B) int {
	data, err := os.ReadFile("/proc/net/snmp")
	if err != nil {
		b.Logf("UDP drop counter unavailable: %v", err)
		return 0
	}
	var names []string
	for line := range strings.SplitSeq(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] != "Udp:" {
			continue
		}
		if names == nil {
			names = fields
			continue
		}
		for i, name := range names {
			if name == "RcvbufErrors" && i < len(fields) {
				n, _ := strconv.Atoi(fields[i])
				return n
			}
		}
	}
	return 0
}

// processCPU returns the user and system CPU time of this process so far.
func processCPU(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
