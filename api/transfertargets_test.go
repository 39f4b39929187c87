package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// transferTargetsStub is an api.TransferTargetsProvider that returns fixed targets or an
// error and records the agent id of each request.
type transferTargetsStub struct {
	mu      sync.Mutex
	targets protocol.TransferTargets
	err     error
	callers []string
}

func (s *transferTargetsStub) TransferTargets(_ context.Context, agentID string) (protocol.TransferTargets, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.callers = append(s.callers, agentID)
	return s.targets, s.err
}

func (s *transferTargetsStub) set(targets protocol.TransferTargets, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.targets, s.err = targets, err
}

func (s *transferTargetsStub) callerIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()

	return append([]string(nil), s.callers...)
}

func sampleTargets() protocol.TransferTargets {
	return protocol.TransferTargets{
		Queues: []protocol.TransferQueue{{Name: "support", Waiting: 2, Available: 0}, {Name: "sales", Available: 1}},
		Agents: []protocol.TransferAgent{
			{AgentID: "agent2", Name: "Boris", State: protocol.StateAvailable},
			{AgentID: "agent7", Name: "Вера", State: protocol.StatePaused, Reason: "lunch"},
		},
	}
}

func TestTransferTargetsOverREST(t *testing.T) {
	h := newHarness(t, testOptions())
	h.targets.set(sampleTargets(), nil)
	cookie := h.login(t, "agent1")

	resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/transfer-targets", cookie: cookie})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
	}
	var got protocol.TransferTargets
	if err := protocol.DecodeData(body, &got); err != nil {
		t.Fatalf("decode body %s: %v", body, err)
	}
	want := sampleTargets()
	if len(got.Queues) != 2 || got.Queues[0] != want.Queues[0] || got.Queues[1] != want.Queues[1] {
		t.Errorf("queues = %+v, want %+v", got.Queues, want.Queues)
	}
	if len(got.Agents) != 2 || got.Agents[0] != want.Agents[0] || got.Agents[1] != want.Agents[1] {
		t.Errorf("agents = %+v, want %+v", got.Agents, want.Agents)
	}
	if callers := h.targets.callerIDs(); len(callers) != 1 || callers[0] != "agent1" {
		t.Errorf("provider asked by %v, want the session's agent1", callers)
	}

	resp, body = h.do(t, request{method: http.MethodGet, path: "/api/v1/transfer-targets?queue=sales", cookie: cookie})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status with a query = %d, want 400; body %s", resp.StatusCode, body)
	}
	if e := decodeErrorBody(t, body); e.Code != protocol.CodeInvalidRequest {
		t.Errorf("code with a query = %q, want %q", e.Code, protocol.CodeInvalidRequest)
	}
}

func TestTransferTargetsEmptyListsAreArrays(t *testing.T) {
	h := newHarness(t, testOptions())
	cookie := h.login(t, "agent1")

	resp, body := h.do(t, request{method: http.MethodGet, path: "/api/v1/transfer-targets", cookie: cookie})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatalf("decode body %s: %v", body, err)
	}
	for _, field := range []string{"queues", "agents"} {
		if string(raw[field]) != "[]" {
			t.Errorf("%s = %s, want []", field, raw[field])
		}
	}
}

func TestTransferTargetsOverWebSocket(t *testing.T) {
	h := newHarness(t, testOptions())
	h.targets.set(sampleTargets(), nil)

	conn, _ := h.dial(t, h.login(t, "agent2"))
	defer conn.Close()
	send(t, conn, `{"v":1,"type":"transfer.targets","id":"t-1"}`)
	env := readFrame(t, conn)
	if env.Type != protocol.TypeAck || env.ID != "t-1" {
		t.Fatalf("reply = %s %q, want ack t-1", env.Type, env.ID)
	}
	var got protocol.TransferTargets
	if err := protocol.DecodeData(env.Data, &got); err != nil {
		t.Fatalf("decode ack data %s: %v", env.Data, err)
	}
	if len(got.Queues) != 2 || len(got.Agents) != 2 || got.Agents[1].Reason != "lunch" {
		t.Errorf("ack data = %+v, want the provider's two queues and two agents", got)
	}

	h.targets.set(protocol.TransferTargets{}, errors.New("call flow stopped"))
	send(t, conn, `{"v":1,"type":"transfer.targets","id":"t-2"}`)
	readError(t, conn, protocol.CodeInternal, "t-2")

	super, _ := h.dial(t, h.login(t, "super1"))
	defer super.Close()
	send(t, super, `{"v":1,"type":"transfer.targets","id":"t-3"}`)
	readError(t, super, protocol.CodeForbidden, "t-3")

	if callers := h.targets.callerIDs(); len(callers) != 2 || callers[0] != "agent2" || callers[1] != "agent2" {
		t.Errorf("provider asked by %v, want agent2 twice and never the supervisor", callers)
	}
}
