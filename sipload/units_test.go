package sipload

import (
	"math"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"
)

func TestSummarizeLatencyNearestRank(t *testing.T) {
	var times []time.Duration
	for i := 100; i >= 1; i-- {
		times = append(times, time.Duration(i)*time.Millisecond)
	}
	got := summarizeLatency(times)
	want := LatencySummary{Count: 100, P50: 50 * time.Millisecond, P90: 90 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("summarizeLatency(1..100 ms) = %+v, want %+v", got, want)
	}

	single := summarizeLatency([]time.Duration{7 * time.Millisecond})
	if single.P50 != 7*time.Millisecond || single.P99 != 7*time.Millisecond || single.Max != 7*time.Millisecond {
		t.Errorf("summarizeLatency(one value) = %+v, want every percentile 7ms", single)
	}
	if empty := summarizeLatency(nil); empty != (LatencySummary{}) {
		t.Errorf("summarizeLatency(nil) = %+v, want zero", empty)
	}
}

func TestHoldTimeSample(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fixed := HoldTime{Mean: 30 * time.Second}
	if got := fixed.sample(rng); got != 30*time.Second {
		t.Errorf("fixed hold sample = %v, want 30s", got)
	}

	exponential := HoldTime{Mean: 30 * time.Second, Distribution: HoldExponential}
	const n = 20000
	var sum time.Duration
	for range n {
		sum += exponential.sample(rng)
	}
	// The standard error of the mean of n exponential samples is mean/sqrt(n), about
	// 0.7 % here, so 3 % is over four standard errors.
	mean := sum / n
	if math.Abs(float64(mean-30*time.Second)) > 0.03*float64(30*time.Second) {
		t.Errorf("exponential hold mean over %d samples = %v, want 30s within 3%%", n, mean)
	}
}

func TestParseHoldDistribution(t *testing.T) {
	for text, want := range map[string]HoldDistribution{"fixed": HoldFixed, "exp": HoldExponential, "exponential": HoldExponential} {
		got, err := ParseHoldDistribution(text)
		if err != nil || got != want {
			t.Errorf("ParseHoldDistribution(%q) = %v, %v; want %v", text, got, err, want)
		}
	}
	if _, err := ParseHoldDistribution("normal"); err == nil {
		t.Error("ParseHoldDistribution accepted \"normal\"")
	}
}

func TestSDPOffer(t *testing.T) {
	offer := string(sdpOffer(&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40002}, 42))
	if !strings.HasSuffix(offer, "\r\n") || strings.Contains(strings.ReplaceAll(offer, "\r\n", ""), "\n") {
		t.Errorf("offer lines do not all end with CRLF: %q", offer)
	}
	lines := strings.Split(strings.TrimSuffix(offer, "\r\n"), "\r\n")
	if lines[0] != "v=0" {
		t.Errorf("first line = %q, want v=0", lines[0])
	}
	for _, want := range []string{
		"o=- 42 42 IN IP4 127.0.0.1",
		"c=IN IP4 127.0.0.1",
		"t=0 0",
		"m=audio 40002 RTP/AVP 8 0 101",
		"a=rtpmap:8 PCMA/8000",
		"a=rtpmap:0 PCMU/8000",
		"a=rtpmap:101 telephone-event/8000",
		"a=sendrecv",
	} {
		found := false
		for _, line := range lines {
			found = found || line == want
		}
		if !found {
			t.Errorf("offer lacks %q:\n%s", want, offer)
		}
	}

	v6 := string(sdpOffer(&net.UDPAddr{IP: net.IPv6loopback, Port: 40002}, 1))
	if !strings.Contains(v6, "c=IN IP6 ::1\r\n") {
		t.Errorf("IPv6 offer lacks c=IN IP6 ::1:\n%s", v6)
	}
}
