package sipload

import (
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// Summary counts the calls of a run. Every attempted call ends in exactly one of
// Answered, Failed, Abandoned, Stopped, NoResponse and Errors. Calls still in
// progress when a periodic summary is taken are in InProgress.
type Summary struct {
	// Elapsed is the time since the first call was due, including the wait for the
	// last calls to end.
	Elapsed time.Duration
	// Placing is the time from the first call to the last one placed, so
	// Attempted/Placing is the rate the generator achieved.
	Placing time.Duration

	// Attempted counts calls whose first INVITE was sent or tried.
	Attempted int
	// Skipped counts calls that were due while MaxConcurrent calls were in progress.
	Skipped    int
	InProgress int

	// Answered counts calls that got a 2xx to their INVITE.
	Answered int
	// Failed counts calls that ended with a final response of 300 or more, by class.
	Failed StatusClasses
	// FinalStatus counts those final responses by status code.
	FinalStatus map[int]int
	// Abandoned counts calls cancelled with CANCEL after RingTimeout without an answer.
	Abandoned int
	// Stopped counts unanswered calls that the end of the run (ctx cancelled) ended.
	Stopped int
	// NoResponse counts calls that got no response at all before the INVITE
	// transaction timed out (RFC 3261 Timer B, 32 s over UDP).
	NoResponse int
	// Errors counts calls that failed inside the generator, such as a send error.
	Errors int

	// Challenged counts calls whose INVITE got a 401 or 407 and was sent again with
	// credentials.
	Challenged int
	// RemoteHangups counts answered calls that the target ended with BYE during the hold.
	RemoteHangups int
	// HangupFailures counts BYEs that got no 2xx in time.
	HangupFailures int
	// Responded counts calls that got any response, provisional or final.
	Responded int

	// Setup is the time from the first INVITE to its 2xx, over answered calls. It
	// includes the digest challenge round trip.
	Setup LatencySummary
}

// StatusClasses counts final responses by class.
type StatusClasses struct {
	Redirection   int `json:"3xx"`
	ClientError   int `json:"4xx"`
	ServerError   int `json:"5xx"`
	GlobalFailure int `json:"6xx"`
}

// Total returns the number of failed calls.
func (c StatusClasses) Total() int {
	return c.Redirection + c.ClientError + c.ServerError + c.GlobalFailure
}

// LatencySummary is a distribution of durations by nearest-rank percentiles.
type LatencySummary struct {
	Count              int
	P50, P90, P99, Max time.Duration
}

// MarshalJSON writes durations as milliseconds, which every JSON tool reads.
func (s Summary) MarshalJSON() ([]byte, error) {
	type latencyJSON struct {
		Count int     `json:"count"`
		P50   float64 `json:"p50_ms"`
		P90   float64 `json:"p90_ms"`
		P99   float64 `json:"p99_ms"`
		Max   float64 `json:"max_ms"`
	}
	milliseconds := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	finalStatus := s.FinalStatus
	if finalStatus == nil {
		finalStatus = map[int]int{}
	}
	return json.Marshal(struct {
		ElapsedSeconds float64       `json:"elapsed_s"`
		PlacingSeconds float64       `json:"placing_s"`
		Attempted      int           `json:"attempted"`
		Skipped        int           `json:"skipped"`
		InProgress     int           `json:"in_progress"`
		Answered       int           `json:"answered"`
		Failed         StatusClasses `json:"failed"`
		FinalStatus    map[int]int   `json:"final_status"`
		Abandoned      int           `json:"abandoned"`
		Stopped        int           `json:"stopped"`
		NoResponse     int           `json:"no_response"`
		Errors         int           `json:"errors"`
		Challenged     int           `json:"challenged"`
		RemoteHangups  int           `json:"remote_hangups"`
		HangupFailures int           `json:"hangup_failures"`
		Responded      int           `json:"responded"`
		Setup          latencyJSON   `json:"setup"`
	}{
		ElapsedSeconds: s.Elapsed.Seconds(),
		PlacingSeconds: s.Placing.Seconds(),
		Attempted:      s.Attempted,
		Skipped:        s.Skipped,
		InProgress:     s.InProgress,
		Answered:       s.Answered,
		Failed:         s.Failed,
		FinalStatus:    finalStatus,
		Abandoned:      s.Abandoned,
		Stopped:        s.Stopped,
		NoResponse:     s.NoResponse,
		Errors:         s.Errors,
		Challenged:     s.Challenged,
		RemoteHangups:  s.RemoteHangups,
		HangupFailures: s.HangupFailures,
		Responded:      s.Responded,
		Setup: latencyJSON{
			Count: s.Setup.Count,
			P50:   milliseconds(s.Setup.P50),
			P90:   milliseconds(s.Setup.P90),
			P99:   milliseconds(s.Setup.P99),
			Max:   milliseconds(s.Setup.Max),
		},
	})
}

// outcome is the end state of one call.
type outcome int

const (
	outcomeAnswered outcome = iota + 1
	outcomeFailed
	outcomeAbandoned
	outcomeStopped
	outcomeNoResponse
	outcomeError
)

// callResult is the report one call sends to the collector when it ends.
type callResult struct {
	outcome       outcome
	finalStatus   int
	setup         time.Duration
	challenged    bool
	responded     bool
	remoteHangup  bool
	hangupFailure bool
}

// collector owns the counters of a run. Calls report to it from their own goroutines,
// so every method takes the lock.
type collector struct {
	mu         sync.Mutex
	started    time.Time
	lastPlaced time.Time
	summary    Summary
	setupTimes []time.Duration
}

func newCollector(started time.Time) *collector {
	return &collector{started: started, summary: Summary{FinalStatus: map[int]int{}}}
}

func (c *collector) callStarted(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastPlaced = now
	c.summary.Attempted++
	c.summary.InProgress++
}

func (c *collector) callSkipped() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.summary.Skipped++
}

func (c *collector) callEnded(r callResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.summary
	s.InProgress--

	switch r.outcome {
	case outcomeAnswered:
		s.Answered++
		c.setupTimes = append(c.setupTimes, r.setup)
	case outcomeFailed:
		s.FinalStatus[r.finalStatus]++
		switch r.finalStatus / 100 {
		case 3:
			s.Failed.Redirection++
		case 4:
			s.Failed.ClientError++
		case 5:
			s.Failed.ServerError++
		default:
			s.Failed.GlobalFailure++
		}
	case outcomeAbandoned:
		s.Abandoned++
	case outcomeStopped:
		s.Stopped++
	case outcomeNoResponse:
		s.NoResponse++
	default:
		s.Errors++
	}

	if r.challenged {
		s.Challenged++
	}
	if r.responded {
		s.Responded++
	}
	if r.remoteHangup {
		s.RemoteHangups++
	}
	if r.hangupFailure {
		s.HangupFailures++
	}
}

// snapshot returns the summary so far with its percentiles.
func (c *collector) snapshot(now time.Time) Summary {
	c.mu.Lock()
	s := c.summary
	s.FinalStatus = make(map[int]int, len(c.summary.FinalStatus))
	for status, n := range c.summary.FinalStatus {
		s.FinalStatus[status] = n
	}
	times := slices.Clone(c.setupTimes)
	lastPlaced := c.lastPlaced
	c.mu.Unlock()

	s.Elapsed = now.Sub(c.started)
	if !lastPlaced.IsZero() {
		s.Placing = lastPlaced.Sub(c.started)
	}
	s.Setup = summarizeLatency(times)
	return s
}

// summarizeLatency sorts times in place and returns nearest-rank percentiles.
func summarizeLatency(times []time.Duration) LatencySummary {
	if len(times) == 0 {
		return LatencySummary{}
	}
	slices.Sort(times)
	rank := func(p int) time.Duration {
		// Nearest rank: the smallest value with at least p% of the values at or below it.
		k := (p*len(times) + 99) / 100
		return times[max(k, 1)-1]
	}
	return LatencySummary{
		Count: len(times),
		P50:   rank(50),
		P90:   rank(90),
		P99:   rank(99),
		Max:   times[len(times)-1],
	}
}
