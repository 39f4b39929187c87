package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

// A disabled user keeps working while the account check's result is cached, then every request
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

// A new password ends the sessions signed in before it, once the cached result expires, and
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

// statusCommands returns the SetStatus commands the desk received for agentID.
func statusCommands(h *harness, agentID string) []protocol.SetStatus {
	var out []protocol.SetStatus
	for _, c := range h.desk.Commands() {
		if c.Method == "SetStatus" && c.AgentID == agentID {
			out = append(out, c.Data.(protocol.SetStatus))
		}
	}
	return out
}

// Signing out of the desk signs an agent out of the queues, so calls stop ringing at their
// phone. An agent on a call, whom routing cannot sign out, is paused instead.
func TestLogoutSignsAgentOutOfQueues(t *testing.T) {
	h := newHarness(t, testOptions())
	logout := func(cookie *http.Cookie) {
		t.Helper()
		resp, _ := h.do(t, request{method: http.MethodDelete, path: "/api/v1/session", cookie: cookie, origin: testOrigin})
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("logout = %d, want 204", resp.StatusCode)
		}
	}

	logout(h.login(t, "agent1"))
	if got := statusCommands(h, "agent1"); len(got) != 1 || got[0].Status != protocol.StateLoggedOut {
		t.Errorf("status commands after logout = %+v, want one logged_out", got)
	}

	h.desk.SetError(fmt.Errorf("%w: on a call", api.ErrConflict))
	logout(h.login(t, "agent2"))
	got := statusCommands(h, "agent2")
	if len(got) != 2 || got[1].Status != protocol.StatePaused || got[1].Reason != api.LogoutPauseReason {
		t.Errorf("status commands after logout during a call = %+v, want logged_out then paused %s", got, api.LogoutPauseReason)
	}
	h.desk.SetError(nil)

	logout(h.login(t, "super1"))
	if got := statusCommands(h, "super1"); len(got) != 0 {
		t.Errorf("a supervisor's logout sent %+v; supervisors are not in the queues", got)
	}
}

// A disabled agent leaves the queues when the account check ends their session.
func TestDisabledAgentSignedOutOfQueues(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")
	h.users.SetDisabled("agent1", true)
	h.clock.Advance(31 * time.Second)
	resp, _ := h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: cookie})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("/me of a disabled agent = %d, want 401", resp.StatusCode)
	}
	if got := statusCommands(h, "agent1"); len(got) != 1 || got[0].Status != protocol.StateLoggedOut {
		t.Errorf("status commands after disabling = %+v, want one logged_out", got)
	}
}
