package sipload

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// testLogger shows the generator's warnings in the test output when -v is given.
func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func mustPool(t testing.TB, text string) *CallerPool {
	t.Helper()
	pool, err := ParseCallerPool(text)
	if err != nil {
		t.Fatalf("ParseCallerPool(%q): %v", text, err)
	}
	return pool
}

// checkNoGoroutineLeak fails the test when more goroutines run than before it, after
// giving timers of finished transactions time to fire.
func checkNoGoroutineLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		now := runtime.NumGoroutine()
		if now <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d before the run, %d after it\n%s", before, now, buf[:n])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRunMixedAnswers(t *testing.T) {
	before := runtime.NumGoroutine()
	pbx := startPBX(t, answerAfterAuth, ringThenAnswer, busy, unavailable, neverAnswer, decline)

	const calls = 24
	summary, err := Run(context.Background(), Config{
		Target:      pbx.target("74950001122"),
		Rate:        100,
		Calls:       calls,
		Callers:     mustPool(t, "+74951230000-9999"),
		Seed:        7,
		Username:    pbx.username,
		Password:    pbx.password,
		Hold:        HoldTime{Mean: 100 * time.Millisecond},
		RingTimeout: 400 * time.Millisecond,
		Logger:      testLogger(),
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	pbx.close()
	pbxCalls := pbx.snapshot()

	per := calls / 6
	checks := []struct {
		name      string
		got, want int
	}{
		{"attempted", summary.Attempted, calls},
		{"answered", summary.Answered, 2 * per},
		{"4xx", summary.Failed.ClientError, per},
		{"5xx", summary.Failed.ServerError, per},
		{"3xx", summary.Failed.Redirection, 0},
		{"6xx", summary.Failed.GlobalFailure, per},
		{"486", summary.FinalStatus[486], per},
		{"503", summary.FinalStatus[503], per},
		{"603", summary.FinalStatus[603], per},
		{"abandoned", summary.Abandoned, per},
		{"challenged", summary.Challenged, per},
		{"stopped", summary.Stopped, 0},
		{"no response", summary.NoResponse, 0},
		{"errors", summary.Errors, 0},
		{"skipped", summary.Skipped, 0},
		{"in progress", summary.InProgress, 0},
		{"remote hangups", summary.RemoteHangups, 0},
		{"hangup failures", summary.HangupFailures, 0},
		{"responded", summary.Responded, calls},
		{"setup samples", summary.Setup.Count, 2 * per},
		{"calls seen by the PBX", len(pbxCalls), calls},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if summary.Setup.P50 <= 0 || summary.Setup.P50 > summary.Setup.P99 || summary.Setup.P99 > summary.Setup.Max {
		t.Errorf("setup percentiles out of order: %+v", summary.Setup)
	}
	// The ringing calls answer after ringDelay, so at least half the answered calls
	// took that long.
	if summary.Setup.Max < pbx.ringDelay {
		t.Errorf("setup max %v is below the PBX's ring delay %v", summary.Setup.Max, pbx.ringDelay)
	}

	for _, c := range pbxCalls {
		switch c.behavior {
		case answerAfterAuth:
			if c.invites != 2 || !c.digestOK || c.digestFailed != 0 {
				t.Errorf("authenticated call from %s: %d INVITEs, digest valid %v, %d invalid digests; want 2, true, 0",
					c.caller, c.invites, c.digestOK, c.digestFailed)
			}
			if !c.ackedFinal {
				t.Errorf("authenticated call from %s: the 401 was not acknowledged", c.caller)
			}
			fallthrough
		case ringThenAnswer:
			if !c.answered || !c.ackedAnswer || !c.bye {
				t.Errorf("answered call from %s: answered %v, ACK %v, BYE %v; want all true", c.caller, c.answered, c.ackedAnswer, c.bye)
			}
		case busy, unavailable, decline:
			if !c.ackedFinal || c.bye || c.cancelled {
				t.Errorf("rejected call from %s: ACK %v, BYE %v, CANCEL %v; want true, false, false", c.caller, c.ackedFinal, c.bye, c.cancelled)
			}
		case neverAnswer:
			if !c.cancelled || !c.ackedFinal || c.bye {
				t.Errorf("unanswered call from %s: CANCEL %v, ACK of 487 %v, BYE %v; want true, true, false", c.caller, c.cancelled, c.ackedFinal, c.bye)
			}
		}
		if !strings.HasPrefix(c.caller, "+7495123") || len(c.caller) != 12 {
			t.Errorf("caller id %q is outside +74951230000-9999", c.caller)
		}
	}

	checkNoGoroutineLeak(t, before)
}

func TestRunWrongPassword(t *testing.T) {
	pbx := startPBX(t, answerAfterAuth)

	summary, err := Run(context.Background(), Config{
		Target:   pbx.target("74950001122"),
		Rate:     50,
		Calls:    2,
		Callers:  mustPool(t, "+74951234567"),
		Username: pbx.username,
		Password: "wrong",
		Logger:   testLogger(),
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if summary.Answered != 0 || summary.FinalStatus[401] != 2 || summary.Challenged != 2 {
		t.Errorf("answered %d, final 401 %d, challenged %d; want 0, 2, 2", summary.Answered, summary.FinalStatus[401], summary.Challenged)
	}
	pbx.close()
	for _, c := range pbx.snapshot() {
		if c.digestOK || c.digestFailed == 0 {
			t.Errorf("call from %s: digest valid %v, invalid digests %d; want false and at least 1", c.caller, c.digestOK, c.digestFailed)
		}
	}
}

func TestRunChallengeWithoutPassword(t *testing.T) {
	pbx := startPBX(t, answerAfterAuth)
	summary, err := Run(context.Background(), Config{
		Target:  pbx.target("74950001122"),
		Rate:    50,
		Calls:   2,
		Callers: mustPool(t, "+74951234567"),
		Logger:  testLogger(),
	})
	pbx.close()
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if summary.Failed.ClientError != 2 || summary.FinalStatus[401] != 2 || summary.Challenged != 0 {
		t.Errorf("4xx %d, final 401 %d, challenged %d; want 2, 2, 0", summary.Failed.ClientError, summary.FinalStatus[401], summary.Challenged)
	}
	for _, c := range pbx.snapshot() {
		if c.invites != 1 {
			t.Errorf("call from %s sent %d INVITEs without a password, want 1", c.caller, c.invites)
		}
	}
}

func TestRunStopHangsUp(t *testing.T) {
	before := runtime.NumGoroutine()
	pbx := startPBX(t, ringThenAnswer, neverAnswer)

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan time.Time, 1)
	go func() {
		// Stop once every call has been placed, the answered ones are up and the others
		// ring.
		pbx.waitFor("5 calls are up and 5 ring", func(calls []pbxCall) bool {
			up, ringing := 0, 0
			for _, c := range calls {
				if c.ackedAnswer {
					up++
				}
				if c.behavior == neverAnswer {
					ringing++
				}
			}
			return up == 5 && ringing == 5
		})
		// Give the generator time to process the last 180 Ringing, so it sends CANCEL.
		time.Sleep(100 * time.Millisecond)
		stopped <- time.Now()
		cancel()
	}()
	summary, err := Run(ctx, Config{
		Target:      pbx.target("100"),
		Rate:        40,
		Duration:    time.Minute,
		Calls:       10,
		Callers:     mustPool(t, "+74951234567,+74951234568"),
		Hold:        HoldTime{Mean: time.Minute},
		RingTimeout: time.Minute,
		Logger:      testLogger(),
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if elapsed := time.Since(<-stopped); elapsed > 5*time.Second {
		t.Errorf("Run took %v after the stop; want the calls ended at once", elapsed)
	}
	pbx.close()
	pbxCalls := pbx.snapshot()

	if summary.Attempted != 10 || summary.Answered != 5 || summary.Stopped != 5 || summary.Abandoned != 0 {
		t.Errorf("attempted %d, answered %d, stopped %d, abandoned %d; want 10, 5, 5, 0",
			summary.Attempted, summary.Answered, summary.Stopped, summary.Abandoned)
	}
	for _, c := range pbxCalls {
		if c.behavior == ringThenAnswer && (!c.ackedAnswer || !c.bye) {
			t.Errorf("answered call from %s: ACK %v, BYE %v; want both", c.caller, c.ackedAnswer, c.bye)
		}
		if c.behavior == neverAnswer && !c.cancelled {
			t.Errorf("ringing call from %s was not cancelled", c.caller)
		}
	}
	checkNoGoroutineLeak(t, before)
}

func TestRunLateAnswerHungUp(t *testing.T) {
	// The answered call holds for 1 s, so the run is still on when the late answers
	// come 300 ms after their INVITEs.
	pbx := startPBX(t, answerLate, busy, answerAtOnce, answerLate)
	summary, err := Run(context.Background(), Config{
		Target:      pbx.target("100"),
		Rate:        50,
		Calls:       4,
		Callers:     mustPool(t, "+74951234567"),
		Hold:        HoldTime{Mean: time.Second},
		RingTimeout: 100 * time.Millisecond,
		Logger:      testLogger(),
	})
	// Run has waited for the BYEs of the late answers, so the PBX has seen them.
	pbx.close()
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	if summary.NoResponse != 2 || summary.Failed.ClientError != 1 || summary.Answered != 1 {
		t.Errorf("no response %d, 4xx %d, answered %d; want 2, 1, 1", summary.NoResponse, summary.Failed.ClientError, summary.Answered)
	}
	late := 0
	for _, c := range pbx.snapshot() {
		if c.behavior != answerLate {
			continue
		}
		late++
		if !c.ackedAnswer || !c.bye || c.cancelled {
			t.Errorf("late answer to %s: ACK %v, BYE %v, CANCEL %v; want true, true, false", c.caller, c.ackedAnswer, c.bye, c.cancelled)
		}
	}
	if late != 2 {
		t.Errorf("PBX answered %d calls late, want 2", late)
	}
}

func TestRunUnreachableTarget(t *testing.T) {
	// A port that was free a moment ago: nothing answers there.
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := conn.LocalAddr().String()
	conn.Close()

	_, err = Run(context.Background(), Config{
		Target:       "sip:100@" + addr,
		Rate:         10,
		Calls:        1,
		Callers:      mustPool(t, "+74951234567"),
		ProbeTimeout: 300 * time.Millisecond,
		Logger:       testLogger(),
	})
	if !errors.Is(err, ErrTargetUnreachable) {
		t.Fatalf("Run error = %v, want ErrTargetUnreachable", err)
	}
}

func TestRunSameSeedSameCallers(t *testing.T) {
	callers := func(seed uint64) []string {
		pbx := startPBX(t, busy)
		_, err := Run(context.Background(), Config{
			Target:  pbx.target("100"),
			Rate:    200,
			Calls:   10,
			Callers: mustPool(t, "+74951230000-+74951239999,+78120000000-99"),
			Seed:    seed,
			Logger:  testLogger(),
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		pbx.close()
		var out []string
		for _, c := range pbx.snapshot() {
			out = append(out, c.caller)
		}
		slices.Sort(out)
		return out
	}
	first, second := callers(42), callers(42)
	if !slices.Equal(first, second) {
		t.Errorf("caller ids differ between runs with one seed:\n%v\n%v", first, second)
	}
	if len(first) != 10 {
		t.Errorf("PBX saw %d calls, want 10", len(first))
	}
}

func TestRunInvalidConfig(t *testing.T) {
	_, err := Run(context.Background(), Config{Target: "100@127.0.0.1", Rate: 0})
	if err == nil {
		t.Fatal("Run accepted an invalid configuration")
	}
	for _, want := range []string{"target", "rate", "neither a duration", "caller id pool"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
