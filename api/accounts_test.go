package api_test

import (
	"net/http"
	"testing"
	"time"
)

// A disabled user keeps working for at most the account check's 30 s, then every request
// gets 401 and the session is gone, so enabling the account again does not revive it.
func TestDisabledAccountLosesSession(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")
	me := func() int {
		t.Helper()
		resp, _ := h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: cookie})
		return resp.StatusCode
	}

	if code := me(); code != http.StatusOK {
		t.Fatalf("/me before disabling = %d, want 200", code)
	}
	h.users.SetDisabled("agent1", true)
	if code := me(); code != http.StatusOK {
		t.Errorf("/me right after disabling = %d, want 200 from the cached check", code)
	}

	h.clock.Advance(31 * time.Second)
	if code := me(); code != http.StatusUnauthorized {
		t.Errorf("/me 31 s after disabling = %d, want 401", code)
	}
	h.users.SetDisabled("agent1", false)
	h.clock.Advance(31 * time.Second)
	if code := me(); code != http.StatusUnauthorized {
		t.Errorf("/me after enabling again = %d, want 401: the session was deleted", code)
	}

	// Signing in again works once the account is enabled, and a disabled one cannot.
	h.login(t, "agent1")
	h.users.SetDisabled("agent2", true)
	resp, _ := h.do(t, request{
		method: http.MethodPost, path: "/api/v1/session", origin: testOrigin,
		body: `{"login":"agent2","password":"agent2"}`,
	})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("login of a disabled user = %d, want 401", resp.StatusCode)
	}
}

// A new password ends the sessions signed in before it, within the account check's 30 s, and
// leaves later ones alone.
func TestNewPasswordEndsOlderSessions(t *testing.T) {
	h := newHarness(t, testOptions())
	old := h.login(t, "agent1")
	me := func(cookie *http.Cookie) int {
		t.Helper()
		resp, _ := h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: cookie})
		return resp.StatusCode
	}

	h.clock.Advance(time.Minute)
	h.users.SetPassword("agent1", "agent1", h.clock.Now())
	h.clock.Advance(time.Second)
	fresh := h.login(t, "agent1")

	h.clock.Advance(31 * time.Second)
	if code := me(old); code != http.StatusUnauthorized {
		t.Errorf("/me with a session older than the new password = %d, want 401", code)
	}
	if code := me(fresh); code != http.StatusOK {
		t.Errorf("/me with a session signed in after the new password = %d, want 200", code)
	}
}
