package api_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
)

func TestConflictErrorIsConflict(t *testing.T) {
	err := fmt.Errorf("%w: call c1 is already answered", api.Conflict(protocol.ReasonCallAlreadyAnswered))
	if !errors.Is(err, api.ErrConflict) {
		t.Error("a ConflictError is not ErrConflict")
	}
	var conflict *api.ConflictError
	if !errors.As(err, &conflict) || conflict.Reason != protocol.ReasonCallAlreadyAnswered {
		t.Errorf("reason of %v = %+v, want %s", err, conflict, protocol.ReasonCallAlreadyAnswered)
	}
}

func TestConflictReasonSentOverREST(t *testing.T) {
	h := newHarness(t, testOptions())
	russian := h.login(t, "agent1")
	english := h.login(t, "agent2")

	tests := []struct {
		name        string
		err         error
		path        string
		body        string
		cookie      *http.Cookie
		wantReason  string
		wantMessage string
	}{
		{"answered in another tab", fmt.Errorf("%w: call c1 is already answered", api.Conflict(protocol.ReasonCallAlreadyAnswered)),
			"/api/v1/calls/c1/answer", "", english, protocol.ReasonCallAlreadyAnswered, "The call is already answered, in another tab or on the phone."},
		{"transfer to busy agent", fmt.Errorf("%w: agent a2 is on_call", api.Conflict(protocol.ReasonTransferTargetUnavailable)),
			"/api/v1/calls/c1/transfer", `{"agent_id":"a2"}`, russian, protocol.ReasonTransferTargetUnavailable, "Оператор, которому вы переводите звонок, сейчас недоступен"},
		{"transfer to unknown agent", fmt.Errorf("%w: unknown agent \"sales\"", api.Conflict(protocol.ReasonTransferAgentUnknown)),
			"/api/v1/calls/c1/transfer", `{"agent_id":"sales"}`, english, protocol.ReasonTransferAgentUnknown, "There is no such agent. Choose an agent or a queue from the list."},
		{"transfer to unknown queue", fmt.Errorf("%w: unknown queue \"billing\"", api.Conflict(protocol.ReasonTransferQueueUnknown)),
			"/api/v1/calls/c1/transfer", `{"queue":"billing"}`, russian, protocol.ReasonTransferQueueUnknown, "Такой очереди нет. Выберите очередь из списка."},
		{"status change during a call", fmt.Errorf("%w: agent is on call c1", api.Conflict(protocol.ReasonAgentOnCall)),
			"/api/v1/agent/status", `{"status":"logged_out"}`, english, protocol.ReasonAgentOnCall, "You cannot change the status during a call. End the call first."},
		{"conflict without reason", fmt.Errorf("%w: something else", api.ErrConflict),
			"/api/v1/calls/c1/hangup", "", english, "", "This cannot be done now: the state has changed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.desk.SetError(tt.err)
			defer h.desk.SetError(nil)

			resp, body := h.do(t, request{method: http.MethodPost, path: tt.path, body: tt.body, cookie: tt.cookie, origin: testOrigin})
			e := decodeErrorBody(t, body)
			if tt.wantReason != "" && (resp.StatusCode != http.StatusConflict || e.Code != protocol.CodeConflict) {
				t.Errorf("status %d code %q, want 409 conflict", resp.StatusCode, e.Code)
			}
			if e.Reason != tt.wantReason {
				t.Errorf("reason = %q, want %q", e.Reason, tt.wantReason)
			}
			if !strings.HasPrefix(e.Message, tt.wantMessage) {
				t.Errorf("message = %q, want it to start with %q", e.Message, tt.wantMessage)
			}
			if strings.Contains(string(body), tt.err.Error()) {
				t.Errorf("body %s leaks the backend error", body)
			}
		})
	}
}

func TestConflictReasonSentOverWebSocket(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1") // Russian
	conn, _ := h.dial(t, cookie)

	h.desk.SetError(fmt.Errorf("%w: call c1 is already answered", api.Conflict(protocol.ReasonCallAlreadyAnswered)))
	send(t, conn, `{"v":1,"type":"call.answer","id":"c-1","data":{"call_id":"c1"}}`)
	e := readError(t, conn, protocol.CodeConflict, "c-1")
	if e.Reason != protocol.ReasonCallAlreadyAnswered {
		t.Errorf("reason = %q, want %q", e.Reason, protocol.ReasonCallAlreadyAnswered)
	}
	if e.Message != "Звонок уже принят — в другой вкладке или на телефоне." {
		t.Errorf("message = %q, want the Russian message of the reason", e.Message)
	}

	h.desk.SetError(fmt.Errorf("%w: plain", api.ErrConflict))
	send(t, conn, `{"v":1,"type":"call.hangup","id":"c-2","data":{"call_id":"c1"}}`)
	if e := readError(t, conn, protocol.CodeConflict, "c-2"); e.Reason != "" {
		t.Errorf("reason of a plain conflict = %q, want none", e.Reason)
	}
}
