package callflow_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
)

// transferTargets sends transfer.targets from the desk and decodes its ack.
func transferTargets(t *testing.T, d *desk) protocol.TransferTargets {
	t.Helper()
	return decode[protocol.TransferTargets](t, d.command(protocol.TypeTransferTargets, struct{}{}))
}

// answerCall makes a call arrive in queue, and the desk, which must be the only available
// agent, answers it.
func answerCall(t *testing.T, n *node, d *desk, number, queue string) string {
	t.Helper()
	callID := n.arrive(number, "", queue)
	d.expect(protocol.TypeCallOffered, callIs(callID))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	d.expect(protocol.TypeCallAnswered, callIs(callID))
	return callID
}

func TestTransferTargetsListsQueuesAndAgents(t *testing.T) {
	n := startNode(t, nodeOptions{queues: wallboardQueues()})
	ivanovaID := strconv.FormatInt(n.addAgent("ivanova", "Мария Иванова", "PJSIP/1001"), 10)
	petrovID := strconv.FormatInt(n.addAgent("petrov", "Пётр Петров", "PJSIP/1002"), 10)
	sidorovID := strconv.FormatInt(n.addAgent("sidorov", "Сергей Сидоров", "PJSIP/1003"), 10)
	n.addAgent("orlova", "Анна Орлова", "PJSIP/1004")
	n.addUser("boss", "Дмитрий Орлов", "", crm.RoleSupervisor)

	// Orlova signs in and out again: a signed-out agent is no transfer target.
	orlova := n.signIn("orlova")
	orlova.available()
	orlova.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateLoggedOut})
	orlova.expect(protocol.TypeAgentState, stateIs(protocol.StateLoggedOut))

	petrov := n.signIn("petrov")
	petrov.available()
	petrov.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StatePaused, Reason: "lunch"})
	petrov.expect(protocol.TypeAgentState, stateIs(protocol.StatePaused))

	ivanova := n.signIn("ivanova")
	ivanova.available()
	answerCall(t, n, ivanova, "79161234567", "support")

	sidorov := n.signIn("sidorov")
	sidorov.available()

	targets := transferTargets(t, ivanova)
	if len(targets.Queues) != 2 || targets.Queues[0].Name != "support" || targets.Queues[1].Name != "sales" {
		t.Fatalf("queues = %+v, want support and sales in configuration order", targets.Queues)
	}
	for _, q := range targets.Queues {
		if q.Waiting != 0 || q.Available != 1 {
			t.Errorf("queue %s: waiting %d, available %d; want 0 waiting and Сидоров available", q.Name, q.Waiting, q.Available)
		}
	}
	want := []protocol.TransferAgent{
		{AgentID: petrovID, Name: "Пётр Петров", State: protocol.StatePaused, Reason: "lunch"},
		{AgentID: sidorovID, Name: "Сергей Сидоров", State: protocol.StateAvailable},
	}
	if len(targets.Agents) != len(want) {
		t.Fatalf("agents = %+v, want Петров and Сидоров without the caller and the signed-out Орлова", targets.Agents)
	}
	for i := range want {
		if targets.Agents[i] != want[i] {
			t.Errorf("agents[%d] = %+v, want %+v", i, targets.Agents[i], want[i])
		}
	}

	// A call that rings for Сидоров makes him reserved, and the next one waits in support.
	ringing := n.arrive("79031112233", "", "support")
	sidorov.expect(protocol.TypeCallOffered, callIs(ringing))
	n.arrive("79031112244", "", "support")
	eventually(t, "the third call waiting in support", 5*time.Second, func() bool {
		return transferTargets(t, petrov).Queues[0].Waiting == 1
	})

	targets = transferTargets(t, petrov)
	if q := targets.Queues[0]; q.Available != 0 {
		t.Errorf("support available = %d while nobody is available, want 0", q.Available)
	}
	if q := targets.Queues[1]; q.Waiting != 0 {
		t.Errorf("sales waiting = %d, want 0", q.Waiting)
	}
	states := map[string]string{}
	for _, a := range targets.Agents {
		states[a.AgentID] = a.State
	}
	wantStates := map[string]string{ivanovaID: protocol.StateOnCall, sidorovID: protocol.StateReserved}
	if len(states) != len(wantStates) || states[ivanovaID] != wantStates[ivanovaID] || states[sidorovID] != wantStates[sidorovID] {
		t.Errorf("agent states seen by Петров = %v, want %v", states, wantStates)
	}

	// Supervisors transfer no calls, so the query is an agent's only.
	boss := n.signIn("boss")
	env, isErr := boss.try(protocol.TypeTransferTargets, struct{}{})
	if !isErr {
		t.Fatalf("supervisor's transfer.targets = %s, want an error", env.Data)
	}
	if e := decode[protocol.ErrorData](t, env); e.Code != protocol.CodeForbidden {
		t.Errorf("supervisor's transfer.targets failed with %q, want %q", e.Code, protocol.CodeForbidden)
	}
}

func TestTransferToUnknownTargets(t *testing.T) {
	n := startNode(t, nodeOptions{queues: wallboardQueues()})
	n.addAgent("ivanova", "Мария Иванова", "PJSIP/1001")
	signedOutID := strconv.FormatInt(n.addAgent("petrov", "Пётр Петров", "PJSIP/1002"), 10)
	ivanova := n.signIn("ivanova")
	ivanova.available()
	callID := answerCall(t, n, ivanova, "79161234567", "support")

	tests := []struct {
		name       string
		transfer   protocol.Transfer
		wantReason string
	}{
		{"queue name sent as agent", protocol.Transfer{CallID: callID, AgentID: "sales"}, protocol.ReasonTransferAgentUnknown},
		{"agent id of nobody", protocol.Transfer{CallID: callID, AgentID: "987654321"}, protocol.ReasonTransferAgentUnknown},
		{"signed-out agent", protocol.Transfer{CallID: callID, AgentID: signedOutID}, protocol.ReasonTransferTargetUnavailable},
		{"queue not configured", protocol.Transfer{CallID: callID, Queue: "billing"}, protocol.ReasonTransferQueueUnknown},
	}
	messages := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, isErr := ivanova.try(protocol.TypeCallTransfer, tt.transfer)
			if !isErr {
				t.Fatalf("transfer %+v succeeded, want a conflict", tt.transfer)
			}
			e := decode[protocol.ErrorData](t, env)
			if e.Code != protocol.CodeConflict || e.Reason != tt.wantReason {
				t.Errorf("transfer %+v: code %q reason %q, want %q %q", tt.transfer, e.Code, e.Reason, protocol.CodeConflict, tt.wantReason)
			}
			messages[e.Reason] = e.Message
		})
	}
	if messages[protocol.ReasonTransferAgentUnknown] == messages[protocol.ReasonTransferTargetUnavailable] {
		t.Errorf("an unknown and a signed-out agent get the same message %q", messages[protocol.ReasonTransferAgentUnknown])
	}

	// The rejected transfers left the call with the agent, who can still hand it on.
	ivanova.command(protocol.TypeCallTransfer, protocol.Transfer{CallID: callID, Queue: "sales"})
	ivanova.expect(protocol.TypeWrapupStarted, callIs(callID))
}
