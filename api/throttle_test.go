package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

func TestLoginThrottlesRepeatedFailures(t *testing.T) {
	h := newHarness(t, testOptions())
	attempt := func(login, password string) (*http.Response, []byte) {
		return h.do(t, request{method: http.MethodPost, path: "/api/v1/session", origin: testOrigin,
			body: fmt.Sprintf(`{"login":%q,"password":%q}`, login, password)})
	}

	for i := range 5 {
		if resp, body := attempt("agent1", "wrong"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401; body %s", i+1, resp.StatusCode, body)
		}
	}

	// The sixth attempt is refused even with the right password, and says when to retry.
	resp, body := attempt("Agent1", "agent1")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after 5 failures: status %d, want 429; body %s", resp.StatusCode, body)
	}
	if e := decodeErrorBody(t, body); e.Code != protocol.CodeTooManyAttempts || e.Message == "" {
		t.Errorf("error = %+v, want code %s with a message", e, protocol.CodeTooManyAttempts)
	}
	if retry, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || retry <= 0 || retry > 301 {
		t.Errorf("Retry-After = %q, want whole seconds within the 5-minute window", resp.Header.Get("Retry-After"))
	}

	// Another account from the same address still signs in.
	h.login(t, "agent2")

	// Once the failures leave the window, the right password works again and clears them.
	h.clock.Advance(5*time.Minute + time.Second)
	if resp, body := attempt("agent1", "agent1"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the window: status %d, want 200; body %s", resp.StatusCode, body)
	}
	if resp, _ := attempt("agent1", "wrong"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("one failure after a success: status %d, want 401", resp.StatusCode)
	}
}
