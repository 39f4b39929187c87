package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

func TestRESTCommandsReachDesk(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")

	tests := []struct {
		path       string
		body       string
		wantMethod string
		wantCall   string
		wantData   any
	}{
		{path: "/api/v1/agent/status", body: `{"status":"paused","reason":"training"}`, wantMethod: "SetStatus",
			wantData: protocol.SetStatus{Status: "paused", Reason: "training"}},
		{path: "/api/v1/calls/c7/answer", wantMethod: "Answer", wantCall: "c7"},
		{path: "/api/v1/calls/c7/hold", wantMethod: "Hold", wantCall: "c7"},
		{path: "/api/v1/calls/c7/unhold", wantMethod: "Unhold", wantCall: "c7"},
		{path: "/api/v1/calls/c7/transfer", body: `{"agent_id":"agent2"}`, wantMethod: "Transfer", wantCall: "c7",
			wantData: protocol.Transfer{CallID: "c7", AgentID: "agent2"}},
		{path: "/api/v1/calls/c7/hangup", body: `{"call_id":"c7"}`, wantMethod: "Hangup", wantCall: "c7"},
		{path: "/api/v1/calls/c7/disposition", body: `{"code":"callback","note":"перезвонить утром","callback_at":"2026-03-02T09:00:00+03:00"}`,
			wantMethod: "SaveDisposition", wantCall: "c7"},
	}

	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := h.do(t, request{method: http.MethodPost, path: tt.path, body: tt.body, cookie: cookie, origin: testOrigin})
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("status = %d, want 204; body %s", resp.StatusCode, body)
			}
			select {
			case c := <-h.desk.Called():
				if c.Method != tt.wantMethod || c.AgentID != "agent1" || c.CallID != tt.wantCall {
					t.Errorf("desk got %s(%s, %s), want %s(agent1, %s)", c.Method, c.AgentID, c.CallID, tt.wantMethod, tt.wantCall)
				}
				if tt.wantData != nil && !jsonEqual(t, c.Data, tt.wantData) {
					t.Errorf("desk data = %+v, want %+v", c.Data, tt.wantData)
				}
				if d, ok := c.Data.(protocol.SaveDisposition); ok {
					want := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)
					if d.CallbackAt == nil || !d.CallbackAt.Equal(want) || d.Note != "перезвонить утром" {
						t.Errorf("disposition = %+v, want callback at %v and the note", d, want)
					}
				}
			default:
				t.Fatal("no desk call")
			}
		})
	}
}

func TestRESTCommandRejections(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")

	tests := []struct {
		name       string
		path       string
		body       string
		wantStatus int
		wantCode   string
		wantDetail string
	}{
		{name: "body names another call", path: "/api/v1/calls/c7/hangup", body: `{"call_id":"c8"}`,
			wantStatus: 400, wantCode: protocol.CodeInvalidRequest, wantDetail: `"c8" in the body differs from "c7"`},
		{name: "paused without reason", path: "/api/v1/agent/status", body: `{"status":"paused"}`,
			wantStatus: 400, wantCode: protocol.CodeInvalidRequest, wantDetail: "missing reason"},
		{name: "not JSON", path: "/api/v1/agent/status", body: `status=available`,
			wantStatus: 400, wantCode: protocol.CodeBadJSON},
		{name: "transfer without target", path: "/api/v1/calls/c7/transfer", body: `{}`,
			wantStatus: 400, wantCode: protocol.CodeInvalidRequest, wantDetail: "set agent_id or queue"},
		{name: "body over limit", path: "/api/v1/calls/c7/disposition", body: `{"code":"x","note":"` + strings.Repeat("я", 40000) + `"}`,
			wantStatus: 413, wantCode: protocol.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := h.do(t, request{method: http.MethodPost, path: tt.path, body: tt.body, cookie: cookie, origin: testOrigin})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			e := decodeErrorBody(t, body)
			if e.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", e.Code, tt.wantCode)
			}
			if !strings.Contains(e.Detail, tt.wantDetail) {
				t.Errorf("detail = %q, want it to contain %q", e.Detail, tt.wantDetail)
			}
			if e.Message == "" {
				t.Error("message is empty")
			}
		})
	}
	if n := len(h.desk.Commands()); n != 0 {
		t.Errorf("rejected requests reached the desk %d times", n)
	}
}

func TestBackendErrorsMapToStatus(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent2") // English

	tests := []struct {
		err         error
		wantStatus  int
		wantCode    string
		wantMessage string
	}{
		{fmt.Errorf("call c1: %w", api.ErrNotFound), 404, protocol.CodeNotFound, "Not found."},
		{fmt.Errorf("call c1 already answered: %w", api.ErrConflict), 409, protocol.CodeConflict, "This cannot be done now: the state has changed."},
		{fmt.Errorf("reason code 'zzz': %w", api.ErrInvalid), 400, protocol.CodeInvalidRequest, "The request has an invalid or missing value."},
		{fmt.Errorf("routing engine: %w", api.ErrUnavailable), 503, protocol.CodeUnavailable, "The service is temporarily unavailable. Try again later."},
		{fmt.Errorf("routing engine: %w", context.DeadlineExceeded), 504, protocol.CodeTimeout, "The server did not answer in time. Try again."},
		{errors.New("pq: relation \"calls\" does not exist"), 500, protocol.CodeInternal, "Internal server error."},
	}
	for _, tt := range tests {
		t.Run(tt.wantCode, func(t *testing.T) {
			h.desk.SetError(tt.err)
			defer h.desk.SetError(nil)

			resp, body := h.do(t, request{method: http.MethodPost, path: "/api/v1/calls/c1/answer", cookie: cookie, origin: testOrigin})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.wantStatus, body)
			}
			e := decodeErrorBody(t, body)
			if e.Code != tt.wantCode || e.Message != tt.wantMessage {
				t.Errorf("error = %+v, want code %q message %q", e, tt.wantCode, tt.wantMessage)
			}
			if strings.Contains(string(body), tt.err.Error()) {
				t.Errorf("body %s leaks the backend error", body)
			}
		})
	}
}

func TestContactEndpoints(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "super1")

	day := func(d int) time.Time { return time.Date(2026, 1, d, 12, 0, 0, 0, time.UTC) }
	var history []protocol.Interaction
	for d := 30; d >= 1; d-- {
		history = append(history, protocol.Interaction{ID: fmt.Sprintf("i%d", d), At: day(d), Channel: "call"})
	}
	h.contacts.Put(protocol.Card{ContactID: "k1", Name: "Олег", Phones: []protocol.Phone{{Number: "+74950000002"}}}, history)

	t.Run("card", func(t *testing.T) {
		resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/contacts/k1", cookie: cookie})
		var card protocol.Card
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &card) != nil || card.Name != "Олег" {
			t.Fatalf("status %d body %s, want 200 with Олег", resp.StatusCode, body)
		}
	})

	t.Run("history page", func(t *testing.T) {
		resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/contacts/k1/history?limit=5&before=2026-01-20T00:00:00Z", cookie: cookie})
		var page protocol.History
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &page) != nil {
			t.Fatalf("status %d body %s, want 200 with a page", resp.StatusCode, body)
		}
		if len(page.Interactions) != 5 || page.Interactions[0].ID != "i19" || page.Interactions[4].ID != "i15" {
			t.Errorf("page = %+v, want i19 to i15", page.Interactions)
		}
	})

	t.Run("history default limit", func(t *testing.T) {
		_, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/contacts/k1/history", cookie: cookie})
		var page protocol.History
		if err := json.Unmarshal(body, &page); err != nil || len(page.Interactions) != 20 {
			t.Errorf("got %d interactions (%v), want the default 20", len(page.Interactions), err)
		}
	})

	t.Run("history bad query", func(t *testing.T) {
		for _, q := range []string{"limit=ten", "limit=0x10", "limit=500", "before=yesterday"} {
			resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/contacts/k1/history?" + q, cookie: cookie})
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("query %s: status %d, want 400; body %s", q, resp.StatusCode, body)
			}
		}
	})

	t.Run("missing contact", func(t *testing.T) {
		resp, _ := h.do(t, request{method: http.MethodGet, path: "/api/v1/contacts/nobody", cookie: cookie})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})

	t.Run("create", func(t *testing.T) {
		resp, body := h.do(t, request{method: http.MethodPost, path: "/api/v1/contacts", cookie: cookie, origin: testOrigin,
			body: `{"call_id":"c1","name":"Новый клиент","company":"ИП Петров","phones":[{"number":"+79991234567","label":"mobile"}]}`})
		var card protocol.Card
		if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &card) != nil {
			t.Fatalf("status %d body %s, want 201 with a card", resp.StatusCode, body)
		}
		if card.ContactID == "" || card.Company != "ИП Петров" || len(card.Phones) != 1 {
			t.Errorf("card = %+v", card)
		}

		resp, _ = h.do(t, request{method: http.MethodGet, path: "/api/v1/contacts/" + card.ContactID, cookie: cookie})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("new contact read back: status %d, want 200", resp.StatusCode)
		}
	})
}

func TestAgentStateEndpoint(t *testing.T) {
	h := newHarness(t, testOptions())
	h.state.Set(protocol.AgentState{AgentID: "agent1", State: protocol.StatePaused, Reason: "missed"}, nil)

	resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/agent/state", cookie: h.login(t, "agent1")})
	var hello protocol.Hello
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &hello) != nil {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
	if hello.Agent == nil || hello.Agent.State != protocol.StatePaused || hello.Agent.Reason != "missed" || hello.Call != nil {
		t.Errorf("state = %+v call %+v, want paused (missed) and no call", hello.Agent, hello.Call)
	}
}

func TestHTTPMetricsByRoute(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")

	h.do(t, request{method: http.MethodPost, path: "/api/v1/calls/c1/answer", cookie: cookie, origin: testOrigin})
	h.do(t, request{method: http.MethodPost, path: "/api/v1/calls/c2/answer", cookie: cookie, origin: testOrigin})
	h.do(t, request{method: http.MethodPost, path: "/api/v1/calls/c3/answer", cookie: cookie, origin: "http://evil.test"})

	ok := metricValue(t, h.reg, "switchboard_http_requests_total",
		map[string]string{"route": "/api/v1/calls/{call_id}/answer", "method": "POST", "code": "204"})
	if ok != 2 {
		t.Errorf("answered requests counted = %v, want 2 under the route pattern", ok)
	}
	rejected := metricValue(t, h.reg, "switchboard_http_requests_total",
		map[string]string{"route": "/api/v1/calls/{call_id}/answer", "method": "POST", "code": "403"})
	if rejected != 1 {
		t.Errorf("rejected requests counted = %v, want 1", rejected)
	}
	login := metricValue(t, h.reg, "switchboard_http_requests_total",
		map[string]string{"route": "/api/v1/session", "method": "POST", "code": "200"})
	if login != 1 {
		t.Errorf("logins counted = %v, want 1", login)
	}
}
