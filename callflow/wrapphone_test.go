package callflow_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/routing"
)

// answerAndEnd offers a call from number in queue to the desk, answers it and hangs the caller
// up, and returns the call id once the call ended for the agent.
func answerAndEnd(t *testing.T, n *node, d *desk, number, queue, endpoint string) string {
	t.Helper()
	callID := n.arrive(number, "", queue)
	d.expect(protocol.TypeCallOffered, callIs(callID))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	d.expect(protocol.TypeCallAnswered, callIs(callID))
	leg := n.agentLeg(endpoint)
	eventually(t, "caller and agent bridged", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })
	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	d.expect(protocol.TypeCallEnded, callIs(callID))
	return callID
}

// errorData sends a command that must fail and returns its error.
func errorData(t *testing.T, d *desk, msgType string, data any) protocol.ErrorData {
	t.Helper()
	env, isErr := d.try(msgType, data)
	if !isErr {
		t.Fatalf("%s %+v was accepted, want an error", msgType, data)
	}
	return decode[protocol.ErrorData](t, env)
}

func TestLateDispositionForPreviousCall(t *testing.T) {
	queues := []routing.QueueConfig{
		{Name: "short", RingTimeout: 5 * time.Second, WrapUp: 300 * time.Millisecond},
		{Name: "long", RingTimeout: 5 * time.Second, WrapUp: 30 * time.Second},
	}
	n := startNode(t, nodeOptions{queues: queues})
	agentID := n.addAgent("late", "Поздний", "PJSIP/1001")
	d := n.signIn("late")
	d.available()

	// The first call's wrap-up expires without a saved outcome.
	first := answerAndEnd(t, n, d, "79161110001", "short", "PJSIP/1001")
	d.expect(protocol.TypeWrapupStarted, callIs(first))
	d.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable))

	// The next call rings and is answered before the agent saves the first outcome.
	second := n.arrive("79161110002", "", "long")
	d.expect(protocol.TypeCallOffered, callIs(second))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: second})
	d.expect(protocol.TypeCallAnswered, callIs(second))

	inProgress := errorData(t, d, protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: second, Code: "resolved"})
	if inProgress.Reason != protocol.ReasonCallInProgress {
		t.Errorf("disposition of the live call: reason %q, want %q", inProgress.Reason, protocol.ReasonCallInProgress)
	}

	d.command(protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: first, Code: "callback", Note: "Перезвонить после обеда"})
	rec := n.record(first, func(r crm.Interaction) bool { return r.Disposition != "" })
	if rec.Disposition != "callback" {
		t.Errorf("first call's disposition = %q, want callback", rec.Disposition)
	}
	if rec.Note != "Перезвонить после обеда" {
		t.Errorf("first call's note = %q, want the agent's note", rec.Note)
	}

	state, _, err := n.flow.AgentState(context.Background(), strconv.FormatInt(agentID, 10))
	if err != nil {
		t.Fatal(err)
	}
	if state.State != protocol.StateOnCall {
		t.Errorf("agent state after the late disposition = %q, want %q", state.State, protocol.StateOnCall)
	}

	// A late outcome saved during the next call's wrap-up keeps that wrap-up.
	if err := n.sim.Hangup(second, 16); err != nil {
		t.Fatal(err)
	}
	d.expect(protocol.TypeWrapupStarted, callIs(second))
	d.command(protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: first, Code: "resolved"})
	state, _, err = n.flow.AgentState(context.Background(), strconv.FormatInt(agentID, 10))
	if err != nil {
		t.Fatal(err)
	}
	if state.State != protocol.StateWrapup {
		t.Errorf("agent state after an earlier call's disposition = %q, want %q", state.State, protocol.StateWrapup)
	}

	d.command(protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: second, Code: "resolved"})
	d.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable))
	if rec := n.record(second, func(r crm.Interaction) bool { return r.Disposition != "" }); rec.Disposition != "resolved" {
		t.Errorf("second call's disposition = %q, want resolved", rec.Disposition)
	}
}

func TestLateDispositionAfterWindowRejected(t *testing.T) {
	queues := []routing.QueueConfig{{Name: "support", RingTimeout: 5 * time.Second, WrapUp: 100 * time.Millisecond}}
	n := startNode(t, nodeOptions{queues: queues, dispositionWindow: 500 * time.Millisecond})
	n.addAgent("slow", "Медленный", "PJSIP/1002")
	d := n.signIn("slow")
	d.available()

	callID := answerAndEnd(t, n, d, "79161110003", "support", "PJSIP/1002")
	n.record(callID, nil)
	time.Sleep(700 * time.Millisecond)

	late := errorData(t, d, protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: callID, Code: "resolved"})
	if late.Code != protocol.CodeConflict || late.Reason != protocol.ReasonDispositionWindowOver {
		t.Errorf("disposition after the window: %s/%s, want conflict/%s", late.Code, late.Reason, protocol.ReasonDispositionWindowOver)
	}
	if late.Message == "" {
		t.Error("error without a message for the agent")
	}

	other := errorData(t, d, protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: "never-handled", Code: "resolved"})
	if other.Reason != protocol.ReasonDispositionWindowOver {
		t.Errorf("disposition of a call the agent never had: reason %q, want %q", other.Reason, protocol.ReasonDispositionWindowOver)
	}
	if rec := n.record(callID, nil); rec.Disposition != "" {
		t.Errorf("rejected disposition was stored: %q", rec.Disposition)
	}
}

func TestHotDeskAgentMovesToReachablePhone(t *testing.T) {
	// arisim configures PJSIP/1001 to 1010 only, so Asterisk cannot reach PJSIP/9998.
	n := startNode(t, nodeOptions{})
	n.addAgent("mover", "Переезжающий", "")
	n.addAgent("owner", "Хозяин телефона", "PJSIP/1006")
	d := n.signIn("mover")

	noPhone := errorData(t, d, protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable})
	if noPhone.Code != protocol.CodeConflict || noPhone.Reason != protocol.ReasonNoPhone {
		t.Errorf("available without a phone: %s/%s, want conflict/%s", noPhone.Code, noPhone.Reason, protocol.ReasonNoPhone)
	}

	d.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: "PJSIP/9998"})
	d.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable))

	callID := n.arrive("79161110004", "", "support")
	d.expect(protocol.TypeCallOffered, callIs(callID))
	paused := decode[protocol.AgentState](t, d.expect(protocol.TypeAgentState, stateIs(protocol.StatePaused)))
	if paused.Reason != routing.ReasonPhoneUnreachable {
		t.Fatalf("pause reason = %q, want %q", paused.Reason, routing.ReasonPhoneUnreachable)
	}

	d.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: "PJSIP/1005"})
	moved := decode[protocol.AgentState](t, d.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable)))
	if moved.Endpoint != "PJSIP/1005" {
		t.Errorf("endpoint after the move = %q, want PJSIP/1005", moved.Endpoint)
	}

	// The waiting call rings the new phone and connects there.
	d.expect(protocol.TypeCallOffered, callIs(callID))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	leg := n.agentLeg("PJSIP/1005")
	eventually(t, "caller bridged with the new phone", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })

	onCall := errorData(t, d, protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: "PJSIP/1007"})
	if onCall.Reason != protocol.ReasonAgentOnCall {
		t.Errorf("move during a call: reason %q, want %q", onCall.Reason, protocol.ReasonAgentOnCall)
	}

	// In wrap-up the agent may move, but not to another agent's phone.
	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatal(err)
	}
	d.expect(protocol.TypeWrapupStarted, callIs(callID))
	owner := n.signIn("owner")
	owner.available()
	inUse := errorData(t, d, protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: "PJSIP/1006"})
	if inUse.Reason != protocol.ReasonEndpointInUse {
		t.Errorf("move to another agent's phone: reason %q, want %q", inUse.Reason, protocol.ReasonEndpointInUse)
	}

	hello := n.signIn("mover").hello
	if hello.Agent == nil || hello.Agent.Endpoint != "PJSIP/1005" {
		t.Errorf("hello agent after rejected moves = %+v, want endpoint PJSIP/1005", hello.Agent)
	}
}

func TestEndpointValidation(t *testing.T) {
	n := startNode(t, nodeOptions{})
	agentID := n.addAgent("fraud", "Проверка", "")
	d := n.signIn("fraud")

	for _, endpoint := range []string{
		"Local/123@evil", "PJSIP/+79991234567@trunk", "PJSIP/1005/sip:evil", "PJSIP/1005,PJSIP/1006",
		"IAX2/1005", "pjsip/1005", "PJSIP/", "1005", "PJSIP/10 05", "PJSIP/тест",
	} {
		t.Run(endpoint, func(t *testing.T) {
			e := errorData(t, d, protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: endpoint})
			if e.Code != protocol.CodeInvalidRequest || e.Reason != protocol.ReasonInvalidEndpoint {
				t.Errorf("code/reason = %s/%s, want %s/%s", e.Code, e.Reason, protocol.CodeInvalidRequest, protocol.ReasonInvalidEndpoint)
			}
			if e.Message == "" || e.Message == "В запросе неверное или пропущенное значение." {
				t.Errorf("message = %q, want the endpoint's own message", e.Message)
			}

			// The call flow checks on its own, for callers other than the API.
			err := n.flow.SetStatus(context.Background(), strconv.FormatInt(agentID, 10),
				protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: endpoint})
			if !errors.Is(err, api.ErrInvalid) || !errors.Is(err, protocol.ErrInvalidEndpoint) {
				t.Errorf("callflow SetStatus error = %v, want an invalid endpoint", err)
			}
		})
	}

	state, _, err := n.flow.AgentState(context.Background(), strconv.FormatInt(agentID, 10))
	if err != nil {
		t.Fatal(err)
	}
	if state.State != protocol.StateLoggedOut {
		t.Errorf("agent state after rejected endpoints = %q, want %q", state.State, protocol.StateLoggedOut)
	}
	if chans := n.sim.Channels(); len(chans) != 0 {
		t.Errorf("channels after rejected endpoints: %+v", chans)
	}

	d.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: "SIP/desk-7.b_2"})
	if s := decode[protocol.AgentState](t, d.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable))); s.Endpoint != "SIP/desk-7.b_2" {
		t.Errorf("endpoint = %q, want SIP/desk-7.b_2", s.Endpoint)
	}
}
