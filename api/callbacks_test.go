package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

// callbacksStub is an api.Callbacks that keeps each agent's open callbacks in memory. A
// callback not in the agent's list is not found, like another agent's in the directory.
type callbacksStub struct {
	mu      sync.Mutex
	byAgent map[string][]protocol.Callback
	err     error
}

func newCallbacksStub() *callbacksStub {
	return &callbacksStub{byAgent: make(map[string][]protocol.Callback)}
}

func (s *callbacksStub) ListCallbacks(_ context.Context, agentID string) (protocol.CallbackList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.err != nil {
		return protocol.CallbackList{}, s.err
	}
	return protocol.CallbackList{Callbacks: append([]protocol.Callback(nil), s.byAgent[agentID]...)}, nil
}

func (s *callbacksStub) CompleteCallback(_ context.Context, agentID, taskID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	list := s.byAgent[agentID]
	for i, cb := range list {
		if cb.TaskID == taskID {
			s.byAgent[agentID] = append(list[:i:i], list[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("%w: callback %s of agent %s", api.ErrNotFound, taskID, agentID)
}

func (s *callbacksStub) set(agentID string, list ...protocol.Callback) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.byAgent[agentID] = list
}

func (s *callbacksStub) ids(agentID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()

	var out []string
	for _, cb := range s.byAgent[agentID] {
		out = append(out, cb.TaskID)
	}
	return out
}

func sampleCallback(id string) protocol.Callback {
	return protocol.Callback{
		TaskID: id, Status: "open", ContactName: "Петров Иван", ContactID: "7",
		Phone: "+74951234567", PhoneDisplay: "+7 495 123-45-67", Queue: "support",
		DueAt: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC), Note: "про заказ", Attempts: 1,
	}
}

func TestCallbacksOverREST(t *testing.T) {
	h := newHarness(t, testOptions())
	h.callbacks.set("agent1", sampleCallback("11"), sampleCallback("12"))
	h.callbacks.set("agent2", sampleCallback("21"))
	cookie := h.login(t, "agent1")

	resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/callbacks", cookie: cookie})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list status = %d, want 200; body %s", resp.StatusCode, body)
	}
	var got protocol.CallbackList
	if err := protocol.DecodeData(body, &got); err != nil {
		t.Fatalf("decode body %s: %v", body, err)
	}
	if len(got.Callbacks) != 2 || got.Callbacks[0] != sampleCallback("11") {
		t.Errorf("callbacks = %+v, want agent1's two", got.Callbacks)
	}

	resp, body = h.do(t, request{method: http.MethodGet, path: "/api/v1/callbacks?all=1", cookie: cookie})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("list with a query: status = %d, want 400; body %s", resp.StatusCode, body)
	}

	resp, body = h.do(t, request{method: http.MethodPost, path: "/api/v1/callbacks/11/done", cookie: cookie, origin: testOrigin})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("done status = %d, want 204; body %s", resp.StatusCode, body)
	}
	if ids := h.callbacks.ids("agent1"); len(ids) != 1 || ids[0] != "12" {
		t.Errorf("agent1's callbacks after done = %v, want [12]", ids)
	}

	// Another agent's callback is not found, and stays open.
	resp, body = h.do(t, request{method: http.MethodPost, path: "/api/v1/callbacks/21/done", cookie: cookie, origin: testOrigin})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("done of another agent's callback: status = %d, want 404; body %s", resp.StatusCode, body)
	}
	if ids := h.callbacks.ids("agent2"); len(ids) != 1 {
		t.Errorf("agent2's callbacks = %v, want [21] untouched", ids)
	}

	tests := []struct {
		name, path, body string
	}{
		{"not a number", "/api/v1/callbacks/abc/done", ""},
		{"zero", "/api/v1/callbacks/0/done", ""},
		{"negative", "/api/v1/callbacks/-3/done", ""},
		{"body names another task", "/api/v1/callbacks/12/done", `{"task_id":"13"}`},
	}
	for _, tt := range tests {
		resp, body := h.do(t, request{method: http.MethodPost, path: tt.path, body: tt.body, cookie: cookie, origin: testOrigin})
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status = %d, want 400; body %s", tt.name, resp.StatusCode, body)
			continue
		}
		if e := decodeErrorBody(t, body); e.Code != protocol.CodeInvalidRequest {
			t.Errorf("%s: code = %q, want %q", tt.name, e.Code, protocol.CodeInvalidRequest)
		}
	}
	if ids := h.callbacks.ids("agent1"); len(ids) != 1 {
		t.Errorf("agent1's callbacks after invalid requests = %v, want [12]", ids)
	}

	resp, body = h.do(t, request{method: http.MethodPost, path: "/api/v1/callbacks/12/done", cookie: cookie})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("done without Origin: status = %d, want 403; body %s", resp.StatusCode, body)
	}
}

func TestCallbacksEmptyListIsArray(t *testing.T) {
	h := newHarness(t, testOptions())
	resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/callbacks", cookie: h.login(t, "agent2")})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
	}
	if string(body) != `{"callbacks":[]}`+"\n" && string(body) != `{"callbacks":[]}` {
		t.Errorf("body = %s, want {\"callbacks\":[]}", body)
	}
}

func TestCallbacksOverWebSocket(t *testing.T) {
	h := newHarness(t, testOptions())
	h.callbacks.set("agent2", sampleCallback("21"))

	conn, _ := h.dial(t, h.login(t, "agent2"))
	defer conn.Close()
	send(t, conn, `{"v":1,"type":"callbacks.list","id":"c-1"}`)
	env := readFrame(t, conn)
	if env.Type != protocol.TypeAck || env.ID != "c-1" {
		t.Fatalf("reply = %s %q, want ack c-1", env.Type, env.ID)
	}
	var got protocol.CallbackList
	if err := protocol.DecodeData(env.Data, &got); err != nil {
		t.Fatalf("decode ack data %s: %v", env.Data, err)
	}
	if len(got.Callbacks) != 1 || got.Callbacks[0].TaskID != "21" {
		t.Errorf("ack data = %+v, want callback 21", got)
	}

	send(t, conn, `{"v":1,"type":"callbacks.done","id":"c-2","data":{"task_id":"99"}}`)
	readError(t, conn, protocol.CodeNotFound, "c-2")
	send(t, conn, `{"v":1,"type":"callbacks.done","id":"c-3","data":{}}`)
	readError(t, conn, protocol.CodeInvalidRequest, "c-3")
	send(t, conn, `{"v":1,"type":"callbacks.done","id":"c-4","data":{"task_id":"21"}}`)
	if env := readFrame(t, conn); env.Type != protocol.TypeAck || env.ID != "c-4" {
		t.Fatalf("done reply = %s %q, want ack c-4", env.Type, env.ID)
	}
	if ids := h.callbacks.ids("agent2"); len(ids) != 0 {
		t.Errorf("agent2's callbacks after done = %v, want none", ids)
	}

	h.callbacks.mu.Lock()
	h.callbacks.err = errors.New("database is down")
	h.callbacks.mu.Unlock()
	send(t, conn, `{"v":1,"type":"callbacks.list","id":"c-5"}`)
	readError(t, conn, protocol.CodeInternal, "c-5")

	super, _ := h.dial(t, h.login(t, "super1"))
	defer super.Close()
	send(t, super, `{"v":1,"type":"callbacks.list","id":"s-1"}`)
	readError(t, super, protocol.CodeForbidden, "s-1")
	send(t, super, `{"v":1,"type":"callbacks.done","id":"s-2","data":{"task_id":"21"}}`)
	readError(t, super, protocol.CodeForbidden, "s-2")
}
