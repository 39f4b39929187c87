package ws

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

func allowAll(*http.Request) bool { return true }

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{name: "defaults", cfg: Config{CheckOrigin: allowAll}},
		{name: "pong wait not above ping", cfg: Config{CheckOrigin: allowAll, PingInterval: 30 * time.Second, PongWait: 30 * time.Second}, wantErr: "longer than the ping interval"},
		{name: "negative write wait", cfg: Config{CheckOrigin: allowAll, WriteWait: -time.Second}, wantErr: "must be positive"},
		{name: "queue below one", cfg: Config{CheckOrigin: allowAll, SendQueue: -1}, wantErr: "send queue -1"},
		{name: "tiny frame limit", cfg: Config{CheckOrigin: allowAll, MaxFrameBytes: 100}, wantErr: "frame limit 100"},
		{name: "no origin check", cfg: Config{}, wantErr: "missing websocket origin check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMetrics(prometheus.NewRegistry())
			if err != nil {
				t.Fatalf("NewMetrics: %v", err)
			}
			h, err := NewHub(tt.cfg, nil, m)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("NewHub: %v", err)
				}
				if h.cfg.PingInterval != DefaultPingInterval || h.cfg.PongWait != DefaultPongWait || h.cfg.SendQueue != DefaultSendQueue || h.cfg.MaxFrameBytes != DefaultMaxFrameBytes {
					t.Errorf("defaults not applied: %+v", h.cfg)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewHub error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

// newTestHub returns a hub with clients registered directly, without sockets, so that the
// fan-out rules can be checked on the send queues.
func newTestHub(t *testing.T, queue int) *Hub {
	t.Helper()

	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatalf("NewMetrics: %v", err)
	}
	h, err := NewHub(Config{CheckOrigin: allowAll, SendQueue: queue}, nil, m)
	if err != nil {
		t.Fatalf("NewHub: %v", err)
	}
	return h
}

func (h *Hub) addTestClient(t *testing.T, userID, sessionID string, roles ...protocol.Role) *client {
	t.Helper()

	c := &client{
		peer:    Peer{User: protocol.User{ID: userID, Roles: roles}, SessionID: sessionID},
		send:    make(chan []byte, h.cfg.SendQueue),
		hub:     h,
		netConn: nopConn{},
		stopped: make(chan struct{}),
	}
	if !h.register(c) {
		t.Fatal("register failed")
	}
	return c
}

func TestFanOutRules(t *testing.T) {
	h := newTestHub(t, 8)
	agentTab1 := h.addTestClient(t, "a1", "s1", protocol.RoleAgent)
	agentTab2 := h.addTestClient(t, "a1", "s1", protocol.RoleAgent)
	otherAgent := h.addTestClient(t, "a2", "s2", protocol.RoleAgent)
	supervisor := h.addTestClient(t, "sv", "s3", protocol.RoleSupervisor)
	agentAndSupervisor := h.addTestClient(t, "both", "s4", protocol.RoleAgent, protocol.RoleSupervisor)

	if n, err := h.PublishCallOffered("a1", protocol.CallOffered{CallID: "c1"}); err != nil || n != 2 {
		t.Errorf("PublishCallOffered queued on %d (%v), want the 2 tabs of a1", n, err)
	}
	if n, err := h.PublishAgentState(protocol.AgentState{AgentID: "both", State: protocol.StateAvailable}); err != nil || n != 2 {
		t.Errorf("PublishAgentState for a supervising agent queued on %d (%v), want 2: itself once and the other supervisor", n, err)
	}

	wantQueued := map[*client]int{agentTab1: 1, agentTab2: 1, otherAgent: 0, supervisor: 1, agentAndSupervisor: 1}
	names := map[*client]string{agentTab1: "agent tab 1", agentTab2: "agent tab 2", otherAgent: "other agent", supervisor: "supervisor", agentAndSupervisor: "agent and supervisor"}
	for c, want := range wantQueued {
		if got := len(c.send); got != want {
			t.Errorf("%s has %d queued frames, want %d", names[c], got, want)
		}
	}

	if n := h.DisconnectSession("s1"); n != 2 {
		t.Errorf("DisconnectSession stopped %d connections, want 2", n)
	}
	if !agentTab1.isStopped() || !agentTab2.isStopped() || otherAgent.isStopped() {
		t.Error("DisconnectSession stopped the wrong connections")
	}
	if agentTab1.closeCode != protocol.CloseSessionEnded {
		t.Errorf("close code = %d, want %d", agentTab1.closeCode, protocol.CloseSessionEnded)
	}
}

func TestFullQueueDropsOnlyThatClient(t *testing.T) {
	h := newTestHub(t, 2)
	slow := h.addTestClient(t, "a1", "s1", protocol.RoleAgent)
	fast := h.addTestClient(t, "a1", "s2", protocol.RoleAgent)

	for i := range 3 {
		if _, err := h.PublishCallEnded("a1", protocol.CallEnded{CallID: "c"}); err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
		<-fast.send // the fast tab keeps up
	}

	if !slow.isStopped() || slow.closeCode != protocol.CloseSlowClient {
		t.Errorf("slow client stopped = %v with code %d, want stopped with %d", slow.isStopped(), slow.closeCode, protocol.CloseSlowClient)
	}
	if fast.isStopped() {
		t.Error("fast client was stopped")
	}

	h.unregister(slow)
	h.unregister(slow) // a second unregister must not double-count
	if n := h.Clients(); n != 1 {
		t.Errorf("Clients = %d, want 1", n)
	}
}
