package callflow_test

import (
	"strconv"
	"testing"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// conflictReason sends a command that must fail and returns the reason of its error frame.
func conflictReason(t *testing.T, d *desk, msgType string, data any) string {
	t.Helper()
	env, isErr := d.try(msgType, data)
	if !isErr {
		t.Fatalf("%s succeeded, want a conflict", msgType)
	}
	e := decode[protocol.ErrorData](t, env)
	if e.Code != protocol.CodeConflict {
		t.Fatalf("%s failed with %q (%s), want %q", msgType, e.Code, e.Message, protocol.CodeConflict)
	}
	return e.Reason
}

func TestDeskConflictsCarryReasons(t *testing.T) {
	n := startNode(t, nodeOptions{})
	n.addAgent("tabs", "Две вкладки", "PJSIP/1010")
	busyID := n.addAgent("busy", "Занятой", "PJSIP/1011")
	tab1 := n.signIn("tabs")
	tab2 := n.signIn("tabs")
	busy := n.signIn("busy")
	busy.available()
	busy.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StatePaused, Reason: "lunch"})
	busy.expect(protocol.TypeAgentState, stateIs(protocol.StatePaused))

	if got := conflictReason(t, tab1, protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StatePaused, Reason: "lunch"}); got != protocol.ReasonAgentSignedOut {
		t.Errorf("pause while signed out: reason %q, want %q", got, protocol.ReasonAgentSignedOut)
	}

	tab1.available()
	callID := n.arrive("79151112233", "", "support")
	tab1.expect(protocol.TypeCallOffered, callIs(callID))
	tab2.expect(protocol.TypeCallOffered, callIs(callID))

	if got := conflictReason(t, busy, protocol.TypeCallAnswer, protocol.CallRef{CallID: callID}); got != protocol.ReasonCallNotRinging {
		t.Errorf("answer a call ringing for another agent: reason %q, want %q", got, protocol.ReasonCallNotRinging)
	}
	if got := conflictReason(t, tab1, protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable}); got != protocol.ReasonAgentRinging {
		t.Errorf("become available while a call rings: reason %q, want %q", got, protocol.ReasonAgentRinging)
	}
	if got := conflictReason(t, tab1, protocol.TypeCallHold, protocol.CallRef{CallID: callID}); got != protocol.ReasonNotOnCall {
		t.Errorf("hold a ringing call: reason %q, want %q", got, protocol.ReasonNotOnCall)
	}

	tab1.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	tab2.expect(protocol.TypeCallAnswered, callIs(callID))
	if got := conflictReason(t, tab2, protocol.TypeCallAnswer, protocol.CallRef{CallID: callID}); got != protocol.ReasonCallAlreadyAnswered {
		t.Errorf("answer in the second tab: reason %q, want %q", got, protocol.ReasonCallAlreadyAnswered)
	}

	transfer := protocol.Transfer{CallID: callID, AgentID: strconv.FormatInt(busyID, 10)}
	if got := conflictReason(t, tab1, protocol.TypeCallTransfer, transfer); got != protocol.ReasonTransferTargetUnavailable {
		t.Errorf("transfer to a paused agent: reason %q, want %q", got, protocol.ReasonTransferTargetUnavailable)
	}
	if got := conflictReason(t, tab2, protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateLoggedOut}); got != protocol.ReasonAgentOnCall {
		t.Errorf("sign out during a call: reason %q, want %q", got, protocol.ReasonAgentOnCall)
	}
	if got := conflictReason(t, tab1, protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: callID, Code: "resolved"}); got != protocol.ReasonCallInProgress {
		t.Errorf("save the outcome during the call: reason %q, want %q", got, protocol.ReasonCallInProgress)
	}
}
