package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// startBusyTarget starts a SIP UAS on loopback that responds to OPTIONS with 200 and to
// every INVITE with 486 Busy Here, and returns its address.
func startBusyTarget(t *testing.T) string {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ua, err := sipgo.NewUA()
	if err != nil {
		t.Fatal(err)
	}
	server, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	server.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
	})
	server.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		tx.Respond(sip.NewResponseFromRequest(req, sip.StatusBusyHere, "Busy Here", nil))
		<-tx.Acks()
	})
	served := make(chan error, 1)
	go func() { served <- server.ServeUDP(conn) }()
	t.Cleanup(func() {
		conn.Close()
		<-served
		ua.Close()
	})
	return conn.LocalAddr().String()
}

type result struct {
	code           int
	stdout, stderr string
}

func runCallgen(t *testing.T, environ map[string]string, args ...string) result {
	t.Helper()
	return runCallgenContext(context.Background(), environ, args...)
}

// runCallgenContext runs callgen until ctx ends, as main does until SIGINT or SIGTERM.
func runCallgenContext(ctx context.Context, environ map[string]string, args ...string) result {
	var stdout, stderr bytes.Buffer
	env := processEnv{stdout: &stdout, stderr: &stderr, getenv: func(name string) string { return environ[name] }}
	code := run(ctx, args, env)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func TestCallgenJSONSummary(t *testing.T) {
	addr := startBusyTarget(t)
	r := runCallgen(t, nil, "-target", "sip:100@"+addr, "-calls", "3", "-rate", "50", "-json")
	if r.code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}

	var summary struct {
		Attempted   int            `json:"attempted"`
		Answered    int            `json:"answered"`
		Failed      map[string]int `json:"failed"`
		FinalStatus map[string]int `json:"final_status"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &summary); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout)
	}
	if summary.Attempted != 3 || summary.Answered != 0 || summary.Failed["4xx"] != 3 || summary.FinalStatus["486"] != 3 {
		t.Errorf("summary = %+v, want 3 attempted, 0 answered, 3 failed with 486", summary)
	}
}

func TestCallgenRussianSummary(t *testing.T) {
	addr := startBusyTarget(t)
	r := runCallgen(t, map[string]string{"LANG": "ru_RU.UTF-8"}, "-target", "sip:100@"+addr, "-calls", "2", "-rate", "50")
	if r.code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"Вызовы: 2 за", "отказ 3xx / 4xx / 5xx / 6xx", "0 / 2 / 0 / 0", "486: 2", "ни один вызов не отвечен"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestCallgenStopPrintsSummary(t *testing.T) {
	addr := startBusyTarget(t)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()

	started := time.Now()
	r := runCallgenContext(ctx, nil, "-target", "sip:100@"+addr, "-duration", "1m", "-rate", "20")
	if elapsed := time.Since(started); elapsed > 5*time.Second {
		t.Errorf("callgen ran %v after the stop, want it to end at once", elapsed)
	}
	if r.code != exitOK {
		t.Errorf("exit code %d, want %d; stderr:\n%s", r.code, exitOK, r.stderr)
	}
	if !strings.Contains(r.stdout, "Calls: ") || !strings.Contains(r.stdout, "failed 3xx / 4xx / 5xx / 6xx") {
		t.Errorf("no summary after the stop:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "Calls: 0 ") || strings.Contains(r.stdout, "Calls: 1200 ") {
		t.Errorf("summary after 0.5 s of a 1 min run at 20 calls/s shows no calls or all of them:\n%s", r.stdout)
	}
}

func TestCallgenUnreachableExitsWithError(t *testing.T) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := conn.LocalAddr().String()
	conn.Close()

	r := runCallgen(t, nil, "-target", "sip:100@"+addr, "-calls", "1", "-probe-timeout", "200ms", "-lang", "ru")
	if r.code != exitError {
		t.Errorf("exit code %d, want %d", r.code, exitError)
	}
	if !strings.Contains(r.stderr, "не ответила ни на OPTIONS за 200ms") {
		t.Errorf("stderr lacks the Russian message:\n%s", r.stderr)
	}
}

func TestCallgenUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-calls", "1"}, "-target is missing"},
		{[]string{"-target", "100@host", "-calls", "1"}, `invalid -target "100@host"`},
		{[]string{"-target", "sip:1@127.0.0.1", "-calls", "1", "-rate", "0"}, `invalid -rate "0"`},
		{[]string{"-target", "sip:1@127.0.0.1"}, "neither -duration nor -calls"},
		{[]string{"-target", "sip:1@127.0.0.1", "-calls", "1", "-from", "+7495-+74"}, "the end has more digits"},
		{[]string{"-target", "sip:1@127.0.0.1", "-calls", "1", "-hold-dist", "normal"}, `invalid -hold-dist "normal"`},
		{[]string{"-target", "sip:1@127.0.0.1", "-calls", "1", "-local", "0.0.0.0:5060"}, `invalid -local "0.0.0.0:5060"`},
		{[]string{"-target", "sip:1@127.0.0.1", "-calls", "1", "-lang", "de"}, `invalid -lang "de"`},
		{[]string{"-target", "sip:1@127.0.0.1", "-calls", "1", "extra"}, `unexpected argument "extra"`},
		{[]string{"-no-such-flag"}, "flag provided but not defined"},
	}
	for _, c := range cases {
		r := runCallgen(t, nil, c.args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit code %d, want %d", c.args, r.code, exitUsage)
		}
		if !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", c.args, c.want, r.stderr)
		}
	}
}

func TestCallgenPasswordNeedsUser(t *testing.T) {
	r := runCallgen(t, map[string]string{"CALLGEN_PASSWORD": "secret", "LANG": "ru_RU.UTF-8"}, "-target", "sip:1@127.0.0.1", "-calls", "1")
	if r.code != exitUsage || !strings.Contains(r.stderr, "пароль задан, а -user нет") {
		t.Errorf("exit code %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "secret") {
		t.Errorf("the password appears in the output")
	}
}

func TestCallgenHelpInBothLanguages(t *testing.T) {
	en := runCallgen(t, nil, "-h")
	ru := runCallgen(t, nil, "-lang", "ru", "-h")
	if en.code != exitOK || !strings.Contains(en.stdout, "-ring-timeout D    time from INVITE to CANCEL") {
		t.Errorf("English help: exit %d\n%s", en.code, en.stdout)
	}
	if ru.code != exitOK || !strings.Contains(ru.stdout, "-ring-timeout D    время от INVITE до CANCEL") {
		t.Errorf("Russian help: exit %d\n%s", ru.code, ru.stdout)
	}
}
