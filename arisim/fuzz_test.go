package arisim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzRequestDecoding feeds arbitrary bodies and query strings to the REST parameter decoder, the
// control API decoder and the full handler: no panic, every answer is an HTTP status with a JSON
// body, and the simulator's channel and bridge tables stay consistent.
func FuzzRequestDecoding(f *testing.F) {
	seeds := []struct{ query, body string }{
		{"", `{"app":"crm","appArgs":"agent,1001,1796413948.1","callerId":"\"Contact center\" <100>","channelId":"01m919v3khjvce7gwqkpenm9pk-ch","endpoint":"Local/1001@sim-answer","timeout":20}`},
		{"", `{"endpoint": "Local/1001@sim-answer", "app": `},
		{"endpoint=Local%2F1001%40sim-answer", ""},
		{"", `{"app":"crm","channelId":"x","endpoint":"Local/1001@sim-answer","timeout":"soon"}`},
		{"", `{"lang":"en","media":["sound:pls-hold-while-try","digits:42","number:1234"]}`},
		{"", `{"callerNumber":"79161234567","callerName":"Ivan Petrov","dialed":"100","app":"crm","args":["inbound","support"]}`},
		{"", `{"pattern":"POST /ari/channels/*/answer","status":503,"count":1}`},
		{"", `{"cause":16}`},
		{"", `{"digits":"12#"}`},
		{"reason=bogus", ""},
		{"", `[1,2,3]`},
		{"", `{"variables":{"variables":{"A":"1"}}}`},
		{"%zz", `null`},
	}
	for _, s := range seeds {
		f.Add(s.query, s.body)
	}

	paths := []string{
		"POST /ari/channels", "POST /ari/channels/create", "POST /ari/bridges", "POST /control/calls",
		"POST /control/faults", "DELETE /ari/channels/nope", "POST /control/channels/nope/hangup",
	}

	f.Fuzz(func(t *testing.T, query, body string) {
		p, err := parseParams(query, []byte(body))
		if err == nil {
			_ = p.str("endpoint")
			_ = p.int("timeout", 30)
			_ = p.list("media")
			_ = p.vars()
			_ = parseCallerID(p.str("callerId"))
		}
		var call callRequest
		if decodeControl([]byte(body), &call) == nil {
			_, _ = call.toCall()
		}
		var fr faultRequest
		_ = decodeControl([]byte(body), &fr)

		// A fresh server per input keeps inputs independent and the state small.
		clock := NewManualClock(time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC))
		srv := New(Options{Users: []Credential{{Username: testUser, Password: testPassword}}, Clock: clock})
		defer srv.Close()
		handler := srv.Handler()

		for _, route := range paths {
			method, path, _ := strings.Cut(route, " ")
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			req.URL.RawQuery = query
			req.SetBasicAuth(testUser, testPassword)
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code < 200 || rec.Code > 599 {
				t.Fatalf("%s: status %d", route, rec.Code)
			}
			if rec.Code != http.StatusNoContent && !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s: body is not JSON: %q", route, rec.Body.String())
			}
			// An injected delay or failure would slow down or mask the next routes.
			srv.ClearFaults()
		}
		clock.Advance(time.Minute)
		checkConsistent(t, srv)
	})
}

// checkConsistent verifies the invariants between the server's tables.
func checkConsistent(t *testing.T, s *Server) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.chanOrder) != len(s.channels) {
		t.Fatalf("%d channels in creation order, %d in the table", len(s.chanOrder), len(s.channels))
	}
	for _, c := range s.chanOrder {
		if s.channels[c.id] != c || c.destroyed {
			t.Fatalf("channel %s listed but destroyed or not in the table", c.id)
		}
		if c.bridge != nil && s.bridges[c.bridge.id] != c.bridge {
			t.Fatalf("channel %s is in bridge %s, which does not exist", c.id, c.bridge.id)
		}
	}
	for _, b := range s.bridges {
		for _, c := range b.channels {
			if c.bridge != b {
				t.Fatalf("bridge %s lists channel %s, which is elsewhere", b.id, c.id)
			}
		}
	}
}
