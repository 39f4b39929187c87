package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/switchboard-cc/switchboard/sipload"
)

// writeSummary prints the final summary as a table, or as one JSON object with -json.
func writeSummary(w io.Writer, msg *messages, asJSON bool, s sipload.Summary) {
	if asJSON {
		writeJSON(w, s)
		return
	}

	rate := 0.0
	if s.Placing > 0 {
		// Call 0 is placed at time 0, so n calls span n-1 intervals.
		rate = float64(s.Attempted-1) / s.Placing.Seconds()
	}
	fmt.Fprintf(w, msg.summaryTitle, s.Attempted, s.Placing.Round(100*time.Millisecond), rate, s.Elapsed.Round(100*time.Millisecond))

	table := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label string, value any) { fmt.Fprintf(table, "  %s\t%v\n", label, value) }
	row(msg.answered, s.Answered)
	row(msg.failed, fmt.Sprintf("%d / %d / %d / %d", s.Failed.Redirection, s.Failed.ClientError, s.Failed.ServerError, s.Failed.GlobalFailure))
	if len(s.FinalStatus) > 0 {
		row(msg.finalStatus, formatStatusCounts(s.FinalStatus))
	}
	row(msg.abandoned, s.Abandoned)
	row(msg.stopped, s.Stopped)
	row(msg.noResponse, s.NoResponse)
	row(msg.errors, s.Errors)
	row(msg.skipped, s.Skipped)
	row(msg.challenged, s.Challenged)
	row(msg.remoteHangups, s.RemoteHangups)
	row(msg.hangupFailures, s.HangupFailures)
	table.Flush()

	if s.Setup.Count == 0 {
		fmt.Fprintln(w, msg.setupNone)
		return
	}
	fmt.Fprintf(w, msg.setupTitle+" p50 %s, p90 %s, p99 %s, max %s\n", s.Setup.Count,
		formatLatency(s.Setup.P50), formatLatency(s.Setup.P90), formatLatency(s.Setup.P99), formatLatency(s.Setup.Max))
}

// formatStatusCounts writes "486: 3, 503: 1" in status order.
func formatStatusCounts(counts map[int]int) string {
	statuses := make([]int, 0, len(counts))
	for status := range counts {
		statuses = append(statuses, status)
	}
	slices.Sort(statuses)
	parts := make([]string, 0, len(statuses))
	for _, status := range statuses {
		parts = append(parts, fmt.Sprintf("%d: %d", status, counts[status]))
	}
	return strings.Join(parts, ", ")
}

// formatLatency rounds a latency to three significant figures in ms, the unit SIP
// setup times are usually quoted in.
func formatLatency(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 100:
		return fmt.Sprintf("%.0f ms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.2f ms", ms)
}
