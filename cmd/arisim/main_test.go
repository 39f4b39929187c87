package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInvalidFlagsExitTwo(t *testing.T) {
	for _, args := range [][]string{{"-log-level", "loud"}, {"-no-such-flag"}} {
		if code := run(args); code != 2 {
			t.Errorf("run(%v) = %d, want 2", args, code)
		}
	}
	if code := run([]string{"-help"}); code != 0 {
		t.Errorf("run(-help) = %d, want 0", code)
	}
}

func TestServeAnswersAndStops(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	dir := t.TempDir()
	passwordFile := filepath.Join(dir, "password")
	if err := os.WriteFile(passwordFile, []byte("p+a@s:s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- serve(ctx, options{listen: addr, user: "sb", passwordFile: passwordFile, app: "switchboard", timeScale: 1}, slog.New(slog.DiscardHandler))
	}()

	var resp *http.Response
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		req, _ := http.NewRequest("GET", "http://"+addr+"/ari/asterisk/ping", nil)
		req.SetBasicAuth("sb", "p+a@s:s")
		if resp, err = http.DefaultClient.Do(req); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("arisim did not answer on %s: %v", addr, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"pong"`) {
		t.Fatalf("ping = %d %s, want 200 pong", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("serve returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of cancel")
	}
}

func TestServeRejectsBadRulesFile(t *testing.T) {
	rules := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(rules, []byte(`[{"pattern":"PJSIP/1*","behaviour":"explode"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	err := serve(context.Background(), options{listen: "127.0.0.1:0", user: "sb", password: "x", rulesFile: rules, timeScale: 1}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "explode") {
		t.Fatalf("serve with a bad rules file = %v, want an error naming the behaviour", err)
	}
}
