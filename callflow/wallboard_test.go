package callflow_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/routing"
)

func wallboardQueues() []routing.QueueConfig {
	return []routing.QueueConfig{
		{Name: "support", RingTimeout: 5 * time.Second, WrapUp: 30 * time.Second},
		{Name: "sales", RingTimeout: 5 * time.Second, WrapUp: 30 * time.Second},
	}
}

// The supervisor connects while one agent talks, another is paused and a call waits. With
// periodic statistics off, every figure the supervisor receives must come from the hello.
func TestWallboardSnapshotOnConnect(t *testing.T) {
	n := startNode(t, nodeOptions{queues: wallboardQueues()})
	talkingID := strconv.FormatInt(n.addAgent("ivanova", "Мария Иванова", "PJSIP/1001"), 10)
	pausedID := strconv.FormatInt(n.addAgent("petrov", "Пётр Петров", "PJSIP/1002"), 10)
	n.addUser("orlov", "Дмитрий Орлов", "", crm.RoleSupervisor)

	paused := n.signIn("petrov")
	paused.available()
	paused.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StatePaused, Reason: "lunch"})
	paused.expect(protocol.TypeAgentState, stateIs(protocol.StatePaused))

	talking := n.signIn("ivanova")
	talking.available()
	talkingCall := n.arrive("79161234567", "Ivan Petrov", "support")
	talking.expect(protocol.TypeCallOffered, callIs(talkingCall))
	talking.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: talkingCall})
	answered := decode[protocol.CallAnswered](t, talking.expect(protocol.TypeCallAnswered, callIs(talkingCall)))

	waitingCall := n.arrive("79031112233", "", "support")
	eventually(t, "the second call waiting in support", 5*time.Second, func() bool {
		board, err := n.flow.Wallboard(context.Background())
		return err == nil && len(board.Queues) > 0 && board.Queues[0].Waiting == 1
	})
	time.Sleep(200 * time.Millisecond) // a measurable longest wait

	supervisor := n.signIn("orlov")
	if supervisor.hello.Agent != nil {
		t.Errorf("supervisor's hello agent = %+v, want none for a user without the agent role", supervisor.hello.Agent)
	}
	board := supervisor.hello.Wallboard
	if board == nil {
		t.Fatal("supervisor's hello has no wallboard")
	}

	if len(board.Queues) != 2 {
		t.Fatalf("wallboard queues = %+v, want support and sales", board.Queues)
	}
	support, sales := board.Queues[0], board.Queues[1]
	if support.Queue != "support" || sales.Queue != "sales" {
		t.Fatalf("wallboard queue names = %q, %q, want support, sales in configuration order", support.Queue, sales.Queue)
	}
	if support.Waiting != 1 {
		t.Errorf("support waiting = %d, want 1", support.Waiting)
	}
	if support.LongestWaitSeconds < 0.2 {
		t.Errorf("support longest wait = %.3f s, want at least 0.2 s", support.LongestWaitSeconds)
	}
	if support.Answered != 1 {
		t.Errorf("support answered = %d, want 1", support.Answered)
	}
	for _, q := range board.Queues {
		if q.Agents[protocol.StateOnCall] != 1 || q.Agents[protocol.StatePaused] != 1 || len(q.Agents) != 2 {
			t.Errorf("%s agents by state = %v, want on_call 1 and paused 1", q.Queue, q.Agents)
		}
	}
	if sales.Waiting != 0 {
		t.Errorf("sales waiting = %d, want 0", sales.Waiting)
	}

	if len(board.Agents) != 2 {
		t.Fatalf("wallboard agents = %+v, want ivanova and petrov", board.Agents)
	}
	byID := map[string]protocol.AgentState{}
	for _, a := range board.Agents {
		byID[a.AgentID] = a
	}

	a := byID[talkingID]
	if a.Name != "Мария Иванова" {
		t.Errorf("talking agent's name = %q, want %q", a.Name, "Мария Иванова")
	}
	if a.State != protocol.StateOnCall {
		t.Errorf("talking agent's state = %q, want %q", a.State, protocol.StateOnCall)
	}
	if !a.Since.Equal(answered.AnsweredAt) {
		t.Errorf("talking agent's since = %v, want the answer time %v", a.Since, answered.AnsweredAt)
	}
	if a.Endpoint != "PJSIP/1001" {
		t.Errorf("talking agent's endpoint = %q, want PJSIP/1001", a.Endpoint)
	}
	if a.Call == nil {
		t.Fatalf("talking agent has no call, want %s", talkingCall)
	}
	if a.Call.CallID != talkingCall || a.Call.Queue != "support" || a.Call.Caller.Number != "+79161234567" {
		t.Errorf("talking agent's call = %+v, want %s in support from +79161234567", *a.Call, talkingCall)
	}

	p := byID[pausedID]
	if p.Name != "Пётр Петров" {
		t.Errorf("paused agent's name = %q, want %q", p.Name, "Пётр Петров")
	}
	if p.State != protocol.StatePaused || p.Reason != "lunch" {
		t.Errorf("paused agent's state = %q (%q), want paused (lunch)", p.State, p.Reason)
	}
	if p.Call != nil {
		t.Errorf("paused agent's call = %+v, want none", *p.Call)
	}

	// Live updates follow the snapshot and carry the names too: the caller hangs up, the
	// agent wraps up, saves and gets the waiting call.
	if err := n.sim.Hangup(talkingCall, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	wrapup := decode[protocol.AgentState](t, supervisor.expect(protocol.TypeAgentState, agentStateIs(talkingID, protocol.StateWrapup)))
	if wrapup.Name != "Мария Иванова" {
		t.Errorf("agent.state in wrap-up name = %q, want %q", wrapup.Name, "Мария Иванова")
	}
	if wrapup.Call == nil || wrapup.Call.CallID != talkingCall {
		t.Errorf("agent.state in wrap-up call = %+v, want %s", wrapup.Call, talkingCall)
	}

	talking.expect(protocol.TypeWrapupStarted, callIs(talkingCall))
	talking.command(protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: talkingCall, Code: "resolved"})
	reserved := decode[protocol.AgentState](t, supervisor.expect(protocol.TypeAgentState, agentStateIs(talkingID, protocol.StateReserved)))
	if reserved.Name != "Мария Иванова" {
		t.Errorf("agent.state while ringing name = %q, want %q", reserved.Name, "Мария Иванова")
	}
	if reserved.Call == nil || reserved.Call.CallID != waitingCall || reserved.Call.Queue != "support" || reserved.Call.Caller.Number != "+79031112233" {
		t.Errorf("agent.state while ringing call = %+v, want %s in support from +79031112233", reserved.Call, waitingCall)
	}
}

// An agent's connection gets neither the wallboard nor any frame about other agents or
// queues, while a supervisor's connection gets both.
func TestAgentDeskGetsNoWallboardFrames(t *testing.T) {
	n := startNode(t, nodeOptions{queues: wallboardQueues(), statsInterval: 50 * time.Millisecond})
	ownID := strconv.FormatInt(n.addAgent("ivanova", "Мария Иванова", "PJSIP/1001"), 10)
	otherID := strconv.FormatInt(n.addAgent("petrov", "Пётр Петров", "PJSIP/1002"), 10)
	n.addUser("orlov", "Дмитрий Орлов", "", crm.RoleSupervisor)

	own := n.signIn("ivanova")
	if own.hello.Wallboard != nil {
		t.Errorf("agent's hello wallboard = %+v, want none", own.hello.Wallboard)
	}
	own.available()

	supervisor := n.signIn("orlov")
	if supervisor.hello.Wallboard == nil {
		t.Fatal("supervisor's hello has no wallboard")
	}

	other := n.signIn("petrov")
	other.available()
	other.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StatePaused, Reason: "lunch"})
	supervisor.expect(protocol.TypeAgentState, agentStateIs(otherID, protocol.StatePaused))
	supervisor.expect(protocol.TypeQueueStats, nil)
	supervisor.expect(protocol.TypeQueueStats, nil)

	// The pong is queued behind every frame published to this connection before it, so the
	// backlog now holds all of them.
	ping, _ := json.Marshal(protocol.Envelope{V: protocol.Version, Type: protocol.TypePing, ID: "sync"})
	if err := own.conn.WriteMessage(websocket.TextMessage, ping); err != nil {
		t.Fatalf("send ping: %v", err)
	}
	own.expect(protocol.TypePong, func(env protocol.Envelope) bool { return env.ID == "sync" })
	for _, env := range own.backlog {
		switch env.Type {
		case protocol.TypeQueueStats:
			t.Errorf("agent's connection got queue.stats: %s", env.Data)
		case protocol.TypeAgentState:
			var s protocol.AgentState
			if err := json.Unmarshal(env.Data, &s); err != nil {
				t.Fatalf("decode agent.state: %v", err)
			}
			if s.AgentID != ownID {
				t.Errorf("agent %s's connection got agent.state of agent %s", ownID, s.AgentID)
			}
		}
	}
}

func agentStateIs(agentID, state string) func(protocol.Envelope) bool {
	return func(env protocol.Envelope) bool {
		var s protocol.AgentState
		return json.Unmarshal(env.Data, &s) == nil && s.AgentID == agentID && s.State == state
	}
}
