package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

func TestLoginSetsSecureCookie(t *testing.T) {
	tests := []struct {
		name         string
		secure       bool
		strict       bool
		wantName     string
		wantSameSite http.SameSite
	}{
		{name: "development", secure: false, wantName: "switchboard_session", wantSameSite: http.SameSiteLaxMode},
		{name: "production", secure: true, wantName: "__Host-switchboard_session", wantSameSite: http.SameSiteLaxMode},
		{name: "strict same-site", secure: true, strict: true, wantName: "__Host-switchboard_session", wantSameSite: http.SameSiteStrictMode},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.SecureCookie = tt.secure
			opts.SameSiteStrict = tt.strict
			opts.SessionTTL = 8 * time.Hour
			h := newHarness(t, opts)

			resp, body := h.do(t, request{method: http.MethodPost, path: "/api/v1/session", origin: testOrigin,
				body: `{"login":"agent1","password":"agent1"}`})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
			}

			cookies := resp.Cookies()
			if len(cookies) != 1 {
				t.Fatalf("got %d cookies, want 1: %v", len(cookies), resp.Header["Set-Cookie"])
			}
			c := cookies[0]
			if c.Name != tt.wantName {
				t.Errorf("cookie name = %q, want %q", c.Name, tt.wantName)
			}
			if !c.HttpOnly {
				t.Error("cookie is not HttpOnly")
			}
			if c.Secure != tt.secure {
				t.Errorf("cookie Secure = %v, want %v", c.Secure, tt.secure)
			}
			if c.SameSite != tt.wantSameSite {
				t.Errorf("cookie SameSite = %v, want %v", c.SameSite, tt.wantSameSite)
			}
			if c.Path != "/" {
				t.Errorf("cookie path = %q, want /", c.Path)
			}
			if c.Domain != "" {
				t.Errorf("cookie domain = %q, want none", c.Domain)
			}
			if c.MaxAge != int((8 * time.Hour).Seconds()) {
				t.Errorf("cookie MaxAge = %d, want %d", c.MaxAge, int((8 * time.Hour).Seconds()))
			}
			if len(c.Value) != 43 {
				t.Errorf("session id %q has %d characters, want 43 (256 random bits)", c.Value, len(c.Value))
			}

			var me api.MeResponse
			if err := json.Unmarshal(body, &me); err != nil {
				t.Fatalf("decode login body %s: %v", body, err)
			}
			if me.User.ID != "agent1" || me.User.Name != "Анна" || me.ProtocolVersion != protocol.Version {
				t.Errorf("login body = %+v, want agent1, Анна, protocol %d", me, protocol.Version)
			}
		})
	}
}

func TestLoginRejectsBadInput(t *testing.T) {
	h := newHarness(t, testOptions())

	tests := []struct {
		name       string
		body       string
		lang       string
		wantStatus int
		wantCode   string
		wantText   string
	}{
		{name: "wrong password ru", body: `{"login":"agent1","password":"nope"}`, lang: "ru-RU,ru;q=0.9",
			wantStatus: 401, wantCode: protocol.CodeInvalidCredentials, wantText: "Неверный логин или пароль."},
		{name: "wrong password en", body: `{"login":"agent1","password":"nope"}`, lang: "en-US,en;q=0.9",
			wantStatus: 401, wantCode: protocol.CodeInvalidCredentials, wantText: "Wrong login or password."},
		{name: "unknown language falls back to ru", body: `{"login":"ghost","password":"x"}`, lang: "de",
			wantStatus: 401, wantCode: protocol.CodeInvalidCredentials, wantText: "Неверный логин или пароль."},
		{name: "empty password", body: `{"login":"agent1","password":""}`,
			wantStatus: 400, wantCode: protocol.CodeInvalidRequest},
		{name: "not JSON", body: `login=agent1`, wantStatus: 400, wantCode: protocol.CodeBadJSON},
		{name: "unknown field", body: `{"login":"agent1","password":"agent1","admin":true}`, wantStatus: 400, wantCode: protocol.CodeBadJSON},
		{name: "body over limit", body: `{"login":"agent1","password":"` + strings.Repeat("x", api.DefaultMaxBodyBytes) + `"}`,
			wantStatus: 413, wantCode: protocol.CodeTooLarge},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := h.do(t, request{method: http.MethodPost, path: "/api/v1/session", origin: testOrigin,
				body: tt.body, headers: map[string]string{"Accept-Language": tt.lang}})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			e := decodeErrorBody(t, body)
			if e.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", e.Code, tt.wantCode)
			}
			if tt.wantText != "" && e.Message != tt.wantText {
				t.Errorf("message = %q, want %q", e.Message, tt.wantText)
			}
			if len(resp.Cookies()) != 0 {
				t.Errorf("failed login set cookies %v", resp.Header["Set-Cookie"])
			}
		})
	}
}

func TestMeAndLogout(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "super1")

	resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: cookie})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("me status = %d, want 200; body %s", resp.StatusCode, body)
	}
	var me api.MeResponse
	if err := json.Unmarshal(body, &me); err != nil {
		t.Fatalf("decode me: %v", err)
	}
	if me.User.ID != "super1" || len(me.User.Roles) != 1 || me.User.Roles[0] != protocol.RoleSupervisor {
		t.Errorf("me = %+v, want super1 with role supervisor", me.User)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("me Cache-Control = %q, want no-store", cc)
	}

	resp, _ = h.do(t, request{method: http.MethodDelete, path: "/api/v1/session", cookie: cookie, origin: testOrigin})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("logout status = %d, want 204", resp.StatusCode)
	}
	cleared := resp.Cookies()
	if len(cleared) != 1 || cleared[0].MaxAge >= 0 {
		t.Errorf("logout cookies = %v, want one cookie with Max-Age<=0", resp.Header["Set-Cookie"])
	}

	resp, body = h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: cookie})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("me after logout status = %d, want 401", resp.StatusCode)
	}
	if e := decodeErrorBody(t, body); e.Code != protocol.CodeUnauthenticated {
		t.Errorf("code = %q, want %q", e.Code, protocol.CodeUnauthenticated)
	}
}

func TestSessionExpires(t *testing.T) {
	opts := testOptions()
	opts.SessionTTL = time.Hour
	h := newHarness(t, opts)
	cookie := h.login(t, "agent1")

	h.clock.Advance(59 * time.Minute)
	if resp, _ := h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: cookie}); resp.StatusCode != http.StatusOK {
		t.Fatalf("me before expiry status = %d, want 200", resp.StatusCode)
	}

	h.clock.Advance(time.Minute)
	if resp, _ := h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: cookie}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("me after expiry status = %d, want 401", resp.StatusCode)
	}
}

func TestLoginReplacesPreviousSession(t *testing.T) {
	h := newHarness(t, testOptions())
	planted := h.login(t, "agent2")

	resp, _ := h.do(t, request{method: http.MethodPost, path: "/api/v1/session", origin: testOrigin, cookie: planted,
		body: `{"login":"agent1","password":"agent1"}`})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login status = %d", resp.StatusCode)
	}
	if c := resp.Cookies(); len(c) != 1 || c[0].Value == planted.Value {
		t.Fatalf("login kept the previous session id")
	}
	if resp, _ := h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: planted}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("previous session after a new login: status %d, want 401", resp.StatusCode)
	}
}

func TestLogoutClosesWebSocket(t *testing.T) {
	checkNoGoroutineLeak(t)
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")
	conn, _ := h.dial(t, cookie)

	resp, _ := h.do(t, request{method: http.MethodDelete, path: "/api/v1/session", cookie: cookie, origin: testOrigin})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("logout status = %d, want 204", resp.StatusCode)
	}

	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, _, err := conn.ReadMessage()
	if !websocket.IsCloseError(err, protocol.CloseSessionEnded) {
		t.Fatalf("read after logout error = %v, want close %d", err, protocol.CloseSessionEnded)
	}
}

func TestExpiredSessionClosesWebSocket(t *testing.T) {
	checkNoGoroutineLeak(t)
	opts := testOptions()
	opts.SessionTTL = time.Hour
	h := newHarness(t, opts)
	cookie := h.login(t, "agent1")
	conn, _ := h.dial(t, cookie)

	h.clock.Advance(2 * time.Hour)

	// The session is checked at each ping, every 200 ms in tests.
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, _, err := conn.ReadMessage()
	if !websocket.IsCloseError(err, protocol.CloseSessionEnded) {
		t.Fatalf("read after expiry error = %v, want close %d", err, protocol.CloseSessionEnded)
	}
}

func TestUpdateLocale(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1") // Russian

	resp, body := h.do(t, request{method: http.MethodPatch, path: "/api/v1/me", cookie: cookie, origin: testOrigin, body: `{"locale":"en"}`})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
	}

	resp, body = h.do(t, request{method: http.MethodPost, path: "/api/v1/calls/c1/transfer", cookie: cookie, origin: testOrigin, body: `{}`})
	if e := decodeErrorBody(t, body); resp.StatusCode != http.StatusBadRequest || e.Message != "The request has an invalid or missing value." {
		t.Errorf("after switching to English: status %d message %q", resp.StatusCode, e.Message)
	}

	for _, bad := range []string{`{"locale":"de"}`, `{"locale":""}`, `{"lang":"en"}`} {
		resp, body := h.do(t, request{method: http.MethodPatch, path: "/api/v1/me", cookie: cookie, origin: testOrigin, body: bad})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("body %s: status %d, want 400; body %s", bad, resp.StatusCode, body)
		}
	}

	_, body = h.do(t, request{method: http.MethodGet, path: "/api/v1/me", cookie: cookie})
	var me api.MeResponse
	if err := json.Unmarshal(body, &me); err != nil || me.User.Locale != "en" {
		t.Errorf("me after update = %s, want locale en", body)
	}
}
