package api_test

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/apitest"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

// wantAccess is the access rule of every route, written out independently of the server's
// table: a route added to the server without a row here fails TestRouteTableComplete.
// nil roles means public.
var wantAccess = map[string][]protocol.Role{
	"POST /api/v1/session":                      nil,
	"GET /":                                     nil,
	"DELETE /api/v1/session":                    {protocol.RoleAgent, protocol.RoleSupervisor, protocol.RoleMarketer, protocol.RoleAdmin},
	"GET /api/v1/me":                            {protocol.RoleAgent, protocol.RoleSupervisor, protocol.RoleMarketer, protocol.RoleAdmin},
	"PATCH /api/v1/me":                          {protocol.RoleAgent, protocol.RoleSupervisor, protocol.RoleMarketer, protocol.RoleAdmin},
	"GET /api/v1/ws":                            {protocol.RoleAgent, protocol.RoleSupervisor},
	"GET /api/v1/agent/state":                   {protocol.RoleAgent},
	"POST /api/v1/agent/status":                 {protocol.RoleAgent},
	"POST /api/v1/calls/{call_id}/answer":       {protocol.RoleAgent},
	"POST /api/v1/calls/{call_id}/hangup":       {protocol.RoleAgent},
	"POST /api/v1/calls/{call_id}/hold":         {protocol.RoleAgent},
	"POST /api/v1/calls/{call_id}/unhold":       {protocol.RoleAgent},
	"POST /api/v1/calls/{call_id}/transfer":     {protocol.RoleAgent},
	"POST /api/v1/calls/{call_id}/disposition":  {protocol.RoleAgent},
	"POST /api/v1/contacts":                     {protocol.RoleAgent, protocol.RoleSupervisor},
	"GET /api/v1/contacts/{contact_id}":         {protocol.RoleAgent, protocol.RoleSupervisor},
	"GET /api/v1/contacts/{contact_id}/history": {protocol.RoleAgent, protocol.RoleSupervisor},
	"GET /api/v1/contacts":                      {protocol.RoleAgent, protocol.RoleSupervisor},
	"GET /api/v1/transfer-targets":              {protocol.RoleAgent},
	"GET /api/v1/callbacks":                     {protocol.RoleAgent},
	"POST /api/v1/callbacks/{task_id}/done":     {protocol.RoleAgent},
}

// roleUser is a test user holding exactly one role.
var roleUser = map[protocol.Role]string{
	protocol.RoleAgent:      "agent1",
	protocol.RoleSupervisor: "super1",
	protocol.RoleMarketer:   "market1",
	protocol.RoleAdmin:      "admin1",
}

func routeKey(r api.Route) string { return r.Method + " " + r.Pattern }

func TestRouteTableComplete(t *testing.T) {
	h := newHarness(t, testOptions())

	seen := make(map[string]bool)
	for _, r := range h.srv.Routes() {
		key := routeKey(r)
		seen[key] = true

		want, ok := wantAccess[key]
		if !ok {
			t.Errorf("route %s has no row in wantAccess: add its expected roles", key)
			continue
		}
		if r.Public != (want == nil) {
			t.Errorf("route %s: public = %v, want %v", key, r.Public, want == nil)
		}
		got := slices.Clone(r.Roles)
		slices.Sort(got)
		exp := slices.Clone(want)
		slices.Sort(exp)
		if !slices.Equal(got, exp) {
			t.Errorf("route %s: roles %v, want %v", key, got, exp)
		}
	}
	for key := range wantAccess {
		if !seen[key] {
			t.Errorf("wantAccess row %s matches no route", key)
		}
	}
}

// TestRolesPerRoute sends every route a request as each role and as an anonymous user. A
// role outside the route's list gets 403, and an anonymous user gets 401 on a protected
// route. An allowed role passes the access check: any status but 401 and 403.
func TestRolesPerRoute(t *testing.T) {
	h := newHarness(t, testOptions())

	cookies := make(map[protocol.Role]*http.Cookie)
	for role, user := range roleUser {
		cookies[role] = h.login(t, user)
	}

	for _, r := range h.srv.Routes() {
		if r.Public {
			continue
		}
		path := concretePath(r.Pattern)

		t.Run(routeKey(r)+" anonymous", func(t *testing.T) {
			resp, body := h.do(t, request{method: r.Method, path: path, origin: testOrigin, body: "{}"})
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401; body %s", resp.StatusCode, body)
			}
		})

		for _, role := range protocol.AllRoles() {
			t.Run(fmt.Sprintf("%s as %s", routeKey(r), role), func(t *testing.T) {
				// Logging out would end the shared session; give it its own.
				cookie := cookies[role]
				if r.Method == http.MethodDelete && r.Pattern == "/api/v1/session" {
					cookie = h.login(t, roleUser[role])
				}

				resp, body := h.do(t, request{method: r.Method, path: path, origin: testOrigin, body: "{}", cookie: cookie})
				allowed := slices.Contains(r.Roles, role)
				switch {
				case allowed && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden):
					t.Errorf("allowed role got status %d; body %s", resp.StatusCode, body)
				case !allowed && resp.StatusCode != http.StatusForbidden:
					t.Errorf("status = %d, want 403; body %s", resp.StatusCode, body)
				case !allowed:
					if e := decodeErrorBody(t, body); e.Code != protocol.CodeForbidden {
						t.Errorf("code = %q, want %q", e.Code, protocol.CodeForbidden)
					}
				}
			})
		}
	}

	if n := len(h.desk.Commands()); n == 0 {
		t.Error("no command reached the desk: the allowed requests never ran their handlers")
	}
}

// concretePath fills the path parameters of a pattern.
func concretePath(pattern string) string {
	r := strings.ReplaceAll(pattern, "{call_id}", "x1")
	r = strings.ReplaceAll(r, "{task_id}", "1")
	return strings.ReplaceAll(r, "{contact_id}", "x1")
}

func TestOriginCheckOnStateChanges(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")

	tests := []struct {
		name       string
		method     string
		path       string
		origin     string
		wantStatus int
		wantCode   string
		wantDetail string
	}{
		{name: "command from allowed origin", method: http.MethodPost, path: "/api/v1/calls/c1/answer", origin: testOrigin, wantStatus: http.StatusNoContent},
		{name: "command from foreign origin", method: http.MethodPost, path: "/api/v1/calls/c1/answer", origin: "http://evil.test", wantStatus: http.StatusForbidden,
			wantCode: protocol.CodeOriginRejected, wantDetail: `foreign origin "http://evil.test"`},
		{name: "command without origin", method: http.MethodPost, path: "/api/v1/calls/c1/answer", wantStatus: http.StatusForbidden,
			wantCode: protocol.CodeOriginMissing, wantDetail: "missing Origin header: send Origin: " + testOrigin},
		{name: "origin differing in port", method: http.MethodPost, path: "/api/v1/calls/c1/hangup", origin: testOrigin + ":8080", wantStatus: http.StatusForbidden,
			wantCode: protocol.CodeOriginRejected, wantDetail: "foreign origin"},
		{name: "origin differing in scheme", method: http.MethodPost, path: "/api/v1/calls/c1/hangup", origin: "https://desk.test", wantStatus: http.StatusForbidden,
			wantCode: protocol.CodeOriginRejected, wantDetail: "foreign origin"},
		{name: "logout from foreign origin", method: http.MethodDelete, path: "/api/v1/session", origin: "http://evil.test", wantStatus: http.StatusForbidden,
			wantCode: protocol.CodeOriginRejected, wantDetail: "foreign origin"},
		{name: "logout without origin", method: http.MethodDelete, path: "/api/v1/session", wantStatus: http.StatusForbidden,
			wantCode: protocol.CodeOriginMissing, wantDetail: "missing Origin header"},
		{name: "read from foreign origin", method: http.MethodGet, path: "/api/v1/me", origin: "http://evil.test", wantStatus: http.StatusOK},
		{name: "read without origin", method: http.MethodGet, path: "/api/v1/me", wantStatus: http.StatusOK},
	}

	messages := map[string]string{} // by error code

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.desk.Commands())
			resp, body := h.do(t, request{method: tt.method, path: tt.path, origin: tt.origin, cookie: cookie})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			if tt.wantStatus != http.StatusForbidden {
				return
			}
			e := decodeErrorBody(t, body)
			if e.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", e.Code, tt.wantCode)
			}
			if !strings.HasPrefix(e.Detail, tt.wantDetail) {
				t.Errorf("detail = %q, want it to start with %q", e.Detail, tt.wantDetail)
			}
			if e.Message == "" {
				t.Error("message is empty")
			}
			messages[e.Code] = e.Message
			if after := len(h.desk.Commands()); after != before {
				t.Errorf("a rejected request reached the desk: %d commands, want %d", after, before)
			}
		})
	}

	if missing, foreign := messages[protocol.CodeOriginMissing], messages[protocol.CodeOriginRejected]; missing == foreign {
		t.Errorf("missing and foreign origin share the message %q", missing)
	}

	t.Run("websocket upgrade without origin", func(t *testing.T) {
		_, resp, err := h.dialRaw(t, nil, cookie, "")
		if err == nil {
			t.Fatal("upgrade without Origin succeeded")
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("upgrade without Origin: response %v, want 403", resp)
		}
		body, _ := io.ReadAll(resp.Body)
		if e := decodeErrorBody(t, body); e.Code != protocol.CodeOriginMissing {
			t.Errorf("code = %q, want %q", e.Code, protocol.CodeOriginMissing)
		}
	})

	t.Run("login from foreign origin", func(t *testing.T) {
		resp, body := h.do(t, request{method: http.MethodPost, path: "/api/v1/session", origin: "http://evil.test",
			body: `{"login":"agent1","password":"agent1"}`})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status = %d, want 403; body %s", resp.StatusCode, body)
		}
		if len(resp.Cookies()) != 0 {
			t.Error("rejected login set a cookie")
		}
	})
}

func TestUnknownPathsAndMethods(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")

	resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/nothing", cookie: cookie})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown API path status = %d, want 404", resp.StatusCode)
	}
	if e := decodeErrorBody(t, body); e.Code != protocol.CodeNotFound {
		t.Errorf("unknown API path code = %q, want %q", e.Code, protocol.CodeNotFound)
	}

	resp, body = h.do(t, request{method: http.MethodPut, path: "/api/v1/me", cookie: cookie, origin: testOrigin})
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT /api/v1/me status = %d, want 405", resp.StatusCode)
	}
	if allow := resp.Header.Get("Allow"); allow != "GET, HEAD, PATCH" {
		t.Errorf("Allow = %q, want \"GET, HEAD, PATCH\"", allow)
	}
	if e := decodeErrorBody(t, body); e.Code != protocol.CodeMethodNotAllowed {
		t.Errorf("code = %q, want %q", e.Code, protocol.CodeMethodNotAllowed)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	deps := api.Deps{Auth: apitest.NewUsers(), Desk: apitest.NewDesk(), Contacts: apitest.NewContacts(), State: apitest.NewState()}
	if _, err := api.New(deps, api.Options{AllowedOrigins: []string{testOrigin}}); err != nil {
		t.Fatalf("New with valid options: %v", err)
	}

	tests := []struct {
		name string
		opts api.Options
	}{
		{name: "no origins", opts: api.Options{}},
		{name: "origin with path", opts: api.Options{AllowedOrigins: []string{"https://desk.example.com/app"}}},
		{name: "origin without scheme", opts: api.Options{AllowedOrigins: []string{"desk.example.com"}}},
		{name: "origin in upper case", opts: api.Options{AllowedOrigins: []string{"https://Desk.example.com"}}},
		{name: "pong wait below ping", opts: api.Options{AllowedOrigins: []string{testOrigin}, PingInterval: 30e9, PongWait: 20e9}},
		{name: "unknown locale", opts: api.Options{AllowedOrigins: []string{testOrigin}, DefaultLocale: "de"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.New(deps, tt.opts)
			if err == nil {
				t.Fatal("New succeeded, want an error")
			}
		})
	}
}
