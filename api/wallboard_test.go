package api_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// wallboardStub is an api.WallboardProvider that returns a fixed board or error and counts
// its calls.
type wallboardStub struct {
	mu    sync.Mutex
	board protocol.Wallboard
	err   error
	calls int
}

func (w *wallboardStub) Wallboard(context.Context) (protocol.Wallboard, error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	w.calls++
	return w.board, w.err
}

func (w *wallboardStub) set(board protocol.Wallboard, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	w.board, w.err = board, err
}

func (w *wallboardStub) callCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()

	return w.calls
}

func TestHelloWallboardForSupervisorOnly(t *testing.T) {
	h := newHarness(t, testOptions())
	since := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	h.board.set(protocol.Wallboard{
		Queues: []protocol.QueueStats{{Queue: "support", Waiting: 2, Agents: map[string]int{protocol.StateOnCall: 1}}},
		Agents: []protocol.AgentState{{AgentID: "agent1", Name: "Анна", State: protocol.StateOnCall, Since: since,
			Call: &protocol.AgentCall{CallID: "c-1", Queue: "support", Caller: protocol.Caller{Number: "+74951234567"}}}},
	}, nil)

	agentConn, agentHello := h.dial(t, h.login(t, "agent1"))
	defer agentConn.Close()
	if agentHello.Wallboard != nil {
		t.Errorf("agent's hello wallboard = %+v, want none", agentHello.Wallboard)
	}
	if n := h.board.callCount(); n != 0 {
		t.Errorf("wallboard read %d times for an agent's hello, want 0", n)
	}

	superConn, superHello := h.dial(t, h.login(t, "super1"))
	defer superConn.Close()
	board := superHello.Wallboard
	if board == nil {
		t.Fatal("supervisor's hello has no wallboard")
	}
	if len(board.Queues) != 1 || board.Queues[0].Queue != "support" || board.Queues[0].Waiting != 2 {
		t.Errorf("supervisor's wallboard queues = %+v, want support with 2 waiting", board.Queues)
	}
	if len(board.Agents) != 1 {
		t.Fatalf("supervisor's wallboard agents = %+v, want agent1", board.Agents)
	}
	a := board.Agents[0]
	if a.AgentID != "agent1" || a.Name != "Анна" || a.State != protocol.StateOnCall || !a.Since.Equal(since) {
		t.Errorf("supervisor's wallboard agent = %+v, want agent1 Анна on_call since %v", a, since)
	}
	if a.Call == nil || a.Call.CallID != "c-1" || a.Call.Queue != "support" || a.Call.Caller.Number != "+74951234567" {
		t.Errorf("supervisor's wallboard agent call = %+v, want c-1 in support from +74951234567", a.Call)
	}
	if n := h.board.callCount(); n != 1 {
		t.Errorf("wallboard read %d times for one supervisor's hello, want 1", n)
	}
}

func TestHelloWallboardFailureClosesConnection(t *testing.T) {
	h := newHarness(t, testOptions())
	h.board.set(protocol.Wallboard{}, errors.New("call flow stopped"))

	conn, _, err := h.dialRaw(t, nil, h.login(t, "super1"), testOrigin)
	if err != nil {
		t.Fatalf("dial websocket: %v", err)
	}
	defer conn.Close()

	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, data, err := conn.ReadMessage()
	var closeErr *websocket.CloseError
	if !errors.As(err, &closeErr) {
		t.Fatalf("first read = %q, %v, want a close frame", data, err)
	}
	if closeErr.Code != websocket.CloseInternalServerErr {
		t.Errorf("close code = %d, want %d", closeErr.Code, websocket.CloseInternalServerErr)
	}
}
