package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// demoOrigin is the public origin the demo tests run under; the API accepts logins only
// from an allowed origin.
const demoOrigin = "http://demo.test"

// login posts a login to the API and returns the status code.
func login(t *testing.T, addr, user, password string) int {
	t.Helper()
	body := fmt.Sprintf(`{"login":%q,"password":%q}`, user, password)
	request, err := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/session", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	request.Header.Set("Content-Type", "application/json")
	request.Header.Set("Origin", demoOrigin)
	resp, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// demoLogins extracts "role login password" lines from the demo's output.
func demoLogins(t *testing.T, stdout string) map[string]string {
	t.Helper()
	pattern := regexp.MustCompile(`(?m)^  (admin|supervisor|marketer|agent) +(\S+) +(\S+)$`)
	logins := map[string]string{}
	for _, match := range pattern.FindAllStringSubmatch(stdout, -1) {
		logins[match[2]] = match[3]
	}
	return logins
}

func TestDemoServesAndKeepsLogins(t *testing.T) {
	t.Parallel()
	_, databaseURL := pgtest.NewEmpty(t)
	loginsPath := filepath.Join(t.TempDir(), ".run", "demo-logins.txt")
	args := []string{"demo", "--logins", loginsPath}
	environ := []string{"SWITCHBOARD_DATABASE_URL=" + databaseURL, "SWITCHBOARD_HTTP_PUBLIC_ORIGINS=" + demoOrigin}

	// First run: migrate, seed, print the logins, serve.
	addr, stdout, stderr, stop := startRun(t, args, environ...)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if code, body := get(t, "http://"+addr+path); code != http.StatusOK {
			t.Errorf("%s = %d %s, want 200", path, code, body)
		}
	}
	first := demoLogins(t, stdout.String())
	if len(first) != 8 || first["admin"] == "" || first["agent1"] == "" {
		t.Fatalf("first demo printed logins %v, want 8 including admin and agent1", first)
	}
	// The printed password signs the agent in to the API that the node serves.
	if code := login(t, addr, "agent1", first["agent1"]); code != http.StatusOK {
		t.Errorf("login as agent1 with the printed password = %d, want 200", code)
	}
	if code := login(t, addr, "agent1", first["agent1"]+"x"); code != http.StatusUnauthorized {
		t.Errorf("login as agent1 with a wrong password = %d, want 401", code)
	}

	if code := stop(); code != exitOK {
		t.Fatalf("first demo exited with %d; stderr:\n%s", code, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "Demo data loaded: 320 contacts") || !strings.Contains(out, "http://"+addr+"/") {
		t.Errorf("first demo output lacks the seeding summary or the URL:\n%s", out)
	}
	if !strings.Contains(out, "export SWITCHBOARD_DATABASE_URL=$(scripts/services/postgres.sh url)") {
		t.Errorf("first demo output lacks the command that points other commands at its database:\n%s", out)
	}

	info, err := os.Stat(loginsPath)
	if err != nil {
		t.Fatalf("logins file: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("logins file mode = %o, want 600", mode)
	}
	saved, err := os.ReadFile(loginsPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(saved), "admin\tadmin\t"+first["admin"]) {
		t.Errorf("logins file does not hold the printed admin password:\n%s", saved)
	}
	if strings.Contains(stderr.String(), first["admin"]) {
		t.Error("the log contains a demo password")
	}

	// Second run: nothing reseeded, the saved passwords are still valid and printed again.
	_, stdout, stderr, stop = startRun(t, args, environ...)
	if code := stop(); code != exitOK {
		t.Fatalf("second demo exited with %d; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Demo data is already loaded") {
		t.Errorf("second demo output:\n%s", stdout.String())
	}
	if second := demoLogins(t, stdout.String()); second["admin"] != first["admin"] {
		t.Errorf("second demo changed the admin password from %q to %q", first["admin"], second["admin"])
	}

	// Third run without the file (another clone on the same database): new passwords.
	if err := os.Remove(loginsPath); err != nil {
		t.Fatal(err)
	}
	_, stdout, stderr, stop = startRun(t, append(args, "--lang", "ru"), environ...)
	if code := stop(); code != exitOK {
		t.Fatalf("third demo exited with %d; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Демо-данные уже загружены") || !strings.Contains(stdout.String(), "заданы новые пароли") {
		t.Errorf("third demo output:\n%s", stdout.String())
	}
	third := demoLogins(t, stdout.String())
	if third["admin"] == "" || third["admin"] == first["admin"] {
		t.Errorf("third demo admin password = %q, want a new one", third["admin"])
	}
}

func TestDemoRefusesForeignDatabase(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	if _, err := pool.Exec(t.Context(), "INSERT INTO contacts (first_name) VALUES ('Real')"); err != nil {
		t.Fatal(err)
	}
	env, _, stderr := testEnv("SWITCHBOARD_DATABASE_URL="+pool.Config().ConnString(), "SWITCHBOARD_HTTP_LISTEN=127.0.0.1:0",
		"SWITCHBOARD_CALL_LOG_SPOOL_DIR="+t.TempDir())
	if code := run([]string{"demo", "--logins", filepath.Join(t.TempDir(), "l.txt")}, env); code != exitError {
		t.Fatalf("exit code %d, want %d", code, exitError)
	}
	if !strings.Contains(stderr.String(), "the demo loads only an empty database") {
		t.Errorf("stderr %q does not explain the refusal", stderr.String())
	}
}
