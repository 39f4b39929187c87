package callflow_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

const (
	agentPhone      = "PJSIP/1001"
	supervisorPhone = "PJSIP/1009"
)

// talkingCall signs the agent in, lets a customer call arrive and the agent answer it, and
// returns the call id and the agent's leg once both are in one bridge.
func (n *node) talkingCall(d *desk, number string) (callID, leg string) {
	n.t.Helper()
	d.available()
	callID = n.arrive(number, "", "support")
	d.expect(protocol.TypeCallOffered, callIs(callID))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	d.expect(protocol.TypeCallAnswered, callIs(callID))
	leg = n.agentLeg(agentPhone)
	eventually(n.t, "caller and agent in one bridge", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })
	return callID, leg
}

// supervisedCall is a talking call of the agent ivanova that the supervisor petrov supervises,
// with the supervisor's phone answered.
type supervisedCall struct {
	agentID     int64
	callID, leg string
	supLeg      string
	agent, sup  *desk
}

// superviseCall adds the agent and the supervisor, puts the agent on a call, starts a session in
// mode and answers the supervisor's phone. The caller expects supervise.started.
func (n *node) superviseCall(mode string) supervisedCall {
	n.t.Helper()
	sc := supervisedCall{agentID: n.addAgent("ivanova", "Мария Иванова", agentPhone)}
	n.addUser("petrov", "Пётр Петров", supervisorPhone, crm.RoleSupervisor)

	sc.agent = n.signIn("ivanova")
	sc.callID, sc.leg = n.talkingCall(sc.agent, "79161234567")

	sc.sup = n.signIn("petrov")
	sc.sup.command(protocol.TypeSuperviseStart, protocol.SuperviseStart{AgentID: itoa(sc.agentID), Mode: mode})
	sc.supLeg = n.answerPhone(supervisorPhone)
	return sc
}

// answerPhone picks up the phone ringing at the endpoint and returns its channel id.
func (n *node) answerPhone(endpoint string) string {
	n.t.Helper()
	var id string
	eventually(n.t, "a phone ringing at "+endpoint, 5*time.Second, func() bool {
		for _, c := range n.sim.Channels() {
			if c.Endpoint == endpoint && c.State == "Ringing" {
				id = c.ID
				return true
			}
		}
		return false
	})
	if err := n.sim.AnswerChannel(id); err != nil {
		n.t.Fatalf("answer the phone at %s: %v", endpoint, err)
	}
	return id
}

// liveSnoops returns the snoop channels still in the Stasis application. A snoop that was
// hung up stays in arisim, as in Asterisk, until the channel it snoops on is destroyed.
func (n *node) liveSnoops() []arisim.ChannelInfo {
	var out []arisim.ChannelInfo
	for _, c := range n.sim.Channels() {
		if c.SnoopOf != "" && c.App != "" {
			out = append(out, c)
		}
	}
	return out
}

// waitSnoop waits until exactly one live snoop exists, on the agent's leg with the
// directions, bridged with nothing but the supervisor's leg, and returns it.
func (n *node) waitSnoop(agentLeg, supervisorLeg, spy, whisper string) arisim.ChannelInfo {
	n.t.Helper()
	var snoop arisim.ChannelInfo
	eventually(n.t, "one "+spy+"/"+whisper+" snoop bridged with the supervisor", 5*time.Second, func() bool {
		snoops := n.liveSnoops()
		if len(snoops) != 1 {
			return false
		}
		snoop = snoops[0]
		return snoop.Spy == spy && snoop.Whisper == whisper && n.bridgedWith(snoop.ID, supervisorLeg)
	})
	if snoop.SnoopOf != agentLeg {
		n.t.Errorf("snoop is on channel %s, want the agent's leg %s", snoop.SnoopOf, agentLeg)
	}
	return snoop
}

// assertAllGone checks that arisim has no channel and no bridge left.
func (n *node) assertAllGone() {
	n.t.Helper()
	eventually(n.t, "no channels and no bridges left in arisim", 5*time.Second, func() bool {
		return len(n.sim.Channels()) == 0 && len(n.sim.Bridges()) == 0
	})
}

func supervisionEnded(reason string) func(protocol.Envelope) bool {
	return func(env protocol.Envelope) bool {
		var e protocol.SuperviseEnded
		return decodeInto(env, &e) && e.Reason == reason
	}
}

func modeIs(mode string) func(protocol.Envelope) bool {
	return func(env protocol.Envelope) bool {
		var m protocol.SuperviseModeChanged
		return decodeInto(env, &m) && m.Mode == mode
	}
}

func TestSupervisorListensWhispersBargesAndStops(t *testing.T) {
	n := startNode(t, nodeOptions{})
	sc := n.superviseCall(protocol.ModeListen)
	agentID, callID, leg, supLeg, agent, sup := sc.agentID, sc.callID, sc.leg, sc.supLeg, sc.agent, sc.sup

	started := decode[protocol.SuperviseStarted](t, sup.expect(protocol.TypeSuperviseStarted, nil))
	if started.AgentID != itoa(agentID) || started.CallID != callID || started.Mode != protocol.ModeListen {
		t.Errorf("supervise.started = %+v, want agent %d, call %s, listen", started, agentID, callID)
	}
	listen := n.waitSnoop(leg, supLeg, "both", "none")
	if !n.bridgedWith(callID, leg) {
		t.Error("the call's bridge changed while the supervisor listens")
	}

	sup.command(protocol.TypeSuperviseMode, protocol.SuperviseMode{Mode: protocol.ModeWhisper})
	sup.expect(protocol.TypeSuperviseModeChanged, modeIs(protocol.ModeWhisper))
	whisper := n.waitSnoop(leg, supLeg, "both", "out")
	if whisper.ID == listen.ID {
		t.Error("whisper reuses the listen snoop, whose directions cannot change")
	}

	sup.command(protocol.TypeSuperviseMode, protocol.SuperviseMode{Mode: protocol.ModeBarge})
	sup.expect(protocol.TypeSuperviseModeChanged, modeIs(protocol.ModeBarge))
	eventually(t, "supervisor in the call's bridge with caller and agent", 5*time.Second, func() bool {
		return n.bridgedWith(callID, leg, supLeg) && len(n.liveSnoops()) == 0
	})

	sup.command(protocol.TypeSuperviseMode, protocol.SuperviseMode{Mode: protocol.ModeListen})
	sup.expect(protocol.TypeSuperviseModeChanged, modeIs(protocol.ModeListen))
	n.waitSnoop(leg, supLeg, "both", "none")
	eventually(t, "the call's bridge back to caller and agent", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })

	// A reload gets the running session in its hello.
	reloaded := n.signIn("petrov")
	want := protocol.SupervisionState{AgentID: itoa(agentID), CallID: callID, Mode: protocol.ModeListen, Active: protocol.ModeListen}
	if got := reloaded.hello.Supervision; got == nil || *got != want {
		t.Errorf("hello.supervision after a reload = %+v, want %+v", got, want)
	}
	if agent.hello.Supervision != nil {
		t.Errorf("the agent's hello carries a supervision %+v", agent.hello.Supervision)
	}

	sup.command(protocol.TypeSuperviseStop, protocol.SuperviseStop{})
	ended := decode[protocol.SuperviseEnded](t, sup.expect(protocol.TypeSuperviseEnded, nil))
	reloaded.expect(protocol.TypeSuperviseEnded, supervisionEnded(protocol.SuperviseEndStopped))
	if ended.Reason != protocol.SuperviseEndStopped || ended.CallID != callID {
		t.Errorf("supervise.ended = %+v, want reason stopped for call %s", ended, callID)
	}
	eventually(t, "supervisor's leg, snoops and session bridge gone", 5*time.Second, func() bool {
		for _, c := range n.sim.Channels() {
			if c.ID == supLeg {
				return false
			}
		}
		return len(n.liveSnoops()) == 0 && len(n.sim.Bridges()) == 1 && n.bridgedWith(callID, leg)
	})

	if env, isErr := sup.try(protocol.TypeSuperviseStop, protocol.SuperviseStop{}); !isErr || errorReason(t, env) != protocol.ReasonNotSupervising {
		t.Errorf("second supervise.stop = %s %s, want a conflict not_supervising", env.Type, env.Data)
	}
	for _, env := range agent.backlog {
		if slices.Contains([]string{protocol.TypeSuperviseStarted, protocol.TypeSuperviseModeChanged, protocol.TypeSuperviseEnded}, env.Type) {
			t.Errorf("the agent's desk received %s; supervision must not be announced to the agent", env.Type)
		}
	}

	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	agent.expect(protocol.TypeCallEnded, callIs(callID))
	n.assertAllGone()
}

func TestSupervisionEndsWithAgentsCall(t *testing.T) {
	n := startNode(t, nodeOptions{})
	sc := n.superviseCall(protocol.ModeWhisper)
	callID, leg, supLeg, sup := sc.callID, sc.leg, sc.supLeg, sc.sup
	sup.expect(protocol.TypeSuperviseStarted, nil)
	n.waitSnoop(leg, supLeg, "both", "out")

	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	ended := decode[protocol.SuperviseEnded](t, sup.expect(protocol.TypeSuperviseEnded, nil))
	if ended.Reason != protocol.SuperviseEndCallEnded {
		t.Errorf("supervise.ended reason = %q, want %q", ended.Reason, protocol.SuperviseEndCallEnded)
	}
	n.assertAllGone()
}

func TestSupervisionEndsWhenSupervisorHangsUp(t *testing.T) {
	n := startNode(t, nodeOptions{})
	sc := n.superviseCall(protocol.ModeBarge)
	callID, leg, supLeg, agent, sup := sc.callID, sc.leg, sc.supLeg, sc.agent, sc.sup
	started := decode[protocol.SuperviseStarted](t, sup.expect(protocol.TypeSuperviseStarted, nil))
	if started.Mode != protocol.ModeBarge {
		t.Errorf("supervise.started mode = %q, want barge", started.Mode)
	}
	eventually(t, "supervisor in the call's bridge", 5*time.Second, func() bool { return n.bridgedWith(callID, leg, supLeg) })
	if len(n.liveSnoops()) != 0 {
		t.Errorf("barge created snoops %+v, want the call's bridge only", n.liveSnoops())
	}

	if err := n.sim.Hangup(supLeg, 16); err != nil {
		t.Fatalf("supervisor hangs up: %v", err)
	}
	ended := decode[protocol.SuperviseEnded](t, sup.expect(protocol.TypeSuperviseEnded, nil))
	if ended.Reason != protocol.SuperviseEndSupervisorHangup {
		t.Errorf("supervise.ended reason = %q, want %q", ended.Reason, protocol.SuperviseEndSupervisorHangup)
	}
	eventually(t, "the call goes on between caller and agent", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })

	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	agent.expect(protocol.TypeCallEnded, callIs(callID))
	n.assertAllGone()
}

func TestSupervisionRejections(t *testing.T) {
	n := startNode(t, nodeOptions{})
	agentID := n.addAgent("ivanova", "Мария Иванова", agentPhone)
	n.addAgent("orlova", "Анна Орлова", "PJSIP/1002")
	n.addUser("petrov", "Пётр Петров", supervisorPhone, crm.RoleSupervisor)
	n.addUser("sidorov", "Сидор Сидоров", "", crm.RoleSupervisor)

	agent := n.signIn("ivanova")
	sup := n.signIn("petrov")
	start := protocol.SuperviseStart{AgentID: itoa(agentID), Mode: protocol.ModeListen}

	if env, isErr := sup.try(protocol.TypeSuperviseStart, start); !isErr || errorReason(t, env) != protocol.ReasonAgentNotTalking {
		t.Errorf("supervising an agent who is not talking: %s %s, want conflict agent_not_talking", env.Type, env.Data)
	}

	n.talkingCall(agent, "79161234567")

	// Users without the agent or supervisor role cannot open the WebSocket at all (403), so
	// an agent is the one other role that can send the commands.
	other := n.signIn("orlova")
	for _, msgType := range []string{protocol.TypeSuperviseStart, protocol.TypeSuperviseMode, protocol.TypeSuperviseStop} {
		var data any = start
		switch msgType {
		case protocol.TypeSuperviseMode:
			data = protocol.SuperviseMode{Mode: protocol.ModeListen}
		case protocol.TypeSuperviseStop:
			data = protocol.SuperviseStop{}
		}
		if env, isErr := other.try(msgType, data); !isErr || errorCode(t, env) != protocol.CodeForbidden {
			t.Errorf("an agent sent %s: %s %s, want error forbidden", msgType, env.Type, env.Data)
		}
	}

	phoneless := n.signIn("sidorov")
	env, isErr := phoneless.try(protocol.TypeSuperviseStart, start)
	if !isErr || errorReason(t, env) != protocol.ReasonNoSupervisorPhone {
		t.Errorf("supervisor without a phone: %s %s, want conflict no_supervisor_phone", env.Type, env.Data)
	} else if msg := decode[protocol.ErrorData](t, env).Message; msg == "" {
		t.Error("the no-phone error has no message for the supervisor")
	}

	if env, isErr := sup.try(protocol.TypeSuperviseStart, protocol.SuperviseStart{AgentID: itoa(agentID), Mode: "shout"}); !isErr || errorCode(t, env) != protocol.CodeInvalidRequest {
		t.Errorf("unknown mode: %s %s, want invalid_request", env.Type, env.Data)
	}
	if env, isErr := sup.try(protocol.TypeSuperviseMode, protocol.SuperviseMode{Mode: protocol.ModeBarge}); !isErr || errorReason(t, env) != protocol.ReasonNotSupervising {
		t.Errorf("supervise.mode without a session: %s %s, want conflict not_supervising", env.Type, env.Data)
	}

	// A second start while the first session rings is a conflict; stop ends the ringing one.
	sup.command(protocol.TypeSuperviseStart, start)
	if env, isErr := sup.try(protocol.TypeSuperviseStart, start); !isErr || errorReason(t, env) != protocol.ReasonAlreadySupervising {
		t.Errorf("second supervise.start: %s %s, want conflict already_supervising", env.Type, env.Data)
	}
	eventually(t, "the supervisor's phone rings", 5*time.Second, func() bool {
		for _, c := range n.sim.Channels() {
			if c.Endpoint == supervisorPhone {
				return true
			}
		}
		return false
	})
	sup.command(protocol.TypeSuperviseStop, protocol.SuperviseStop{})
	ended := decode[protocol.SuperviseEnded](t, sup.expect(protocol.TypeSuperviseEnded, nil))
	if ended.Reason != protocol.SuperviseEndStopped {
		t.Errorf("supervise.ended reason = %q, want stopped", ended.Reason)
	}
	eventually(t, "the ringing supervisor's phone is hung up", 5*time.Second, func() bool {
		for _, c := range n.sim.Channels() {
			if c.Endpoint == supervisorPhone {
				return false
			}
		}
		return true
	})
	if snoops := n.liveSnoops(); len(snoops) != 0 {
		t.Errorf("snoops %+v exist for a session whose phone was never answered", snoops)
	}
}

func TestSupervisorPhoneNotAnswered(t *testing.T) {
	n := startNode(t, nodeOptions{})
	agentID := n.addAgent("ivanova", "Мария Иванова", agentPhone)
	n.addUser("petrov", "Пётр Петров", "Local/2001@sim-busy", crm.RoleSupervisor)

	agent := n.signIn("ivanova")
	callID, leg := n.talkingCall(agent, "79161234567")

	sup := n.signIn("petrov")
	sup.command(protocol.TypeSuperviseStart, protocol.SuperviseStart{AgentID: itoa(agentID), Mode: protocol.ModeListen})
	ended := decode[protocol.SuperviseEnded](t, sup.expect(protocol.TypeSuperviseEnded, nil))
	if ended.Reason != protocol.SuperviseEndNoAnswer {
		t.Errorf("supervise.ended reason = %q, want %q", ended.Reason, protocol.SuperviseEndNoAnswer)
	}
	if !n.bridgedWith(callID, leg) {
		t.Error("the call lost its bridge after the supervisor's phone was busy")
	}

	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	n.assertAllGone()
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func decodeInto(env protocol.Envelope, v any) bool { return json.Unmarshal(env.Data, v) == nil }

func errorCode(t testing.TB, env protocol.Envelope) string {
	t.Helper()
	return decode[protocol.ErrorData](t, env).Code
}

func errorReason(t testing.TB, env protocol.Envelope) string {
	t.Helper()
	if env.Type != protocol.TypeError {
		return ""
	}
	return decode[protocol.ErrorData](t, env).Reason
}

// TestSupervisorWhoIsAlsoAnAgent checks that a supervisor signed in as an agent is rung at
// the phone chosen at sign-in, and cannot supervise while a call rings at that phone.
func TestSupervisorWhoIsAlsoAnAgent(t *testing.T) {
	n := startNode(t, nodeOptions{})
	agentID := n.addAgent("ivanova", "Мария Иванова", agentPhone)
	u, err := storage.NewUsers(n.pool).Create(context.Background(), crm.User{
		Login: "kim", DisplayName: "Борис Ким", Roles: []crm.Role{crm.RoleAgent, crm.RoleSupervisor}, Locale: crm.LocaleRU,
	}, deskPassword)
	if err != nil {
		t.Fatalf("create the supervisor who is also an agent: %v", err)
	}
	n.agents["kim"] = u.ID

	agent := n.signIn("ivanova")
	callID, leg := n.talkingCall(agent, "79161234567")

	sup := n.signIn("kim")
	start := protocol.SuperviseStart{AgentID: itoa(agentID), Mode: protocol.ModeListen}
	if env, isErr := sup.try(protocol.TypeSuperviseStart, start); !isErr || errorReason(t, env) != protocol.ReasonNoSupervisorPhone {
		t.Errorf("signed out, without a fixed phone: %s %s, want conflict no_supervisor_phone", env.Type, env.Data)
	}

	const chosenPhone = "PJSIP/1005"
	if env, isErr := sup.try(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: chosenPhone}); isErr {
		t.Fatalf("sign in at %s: %s", chosenPhone, env.Data)
	}
	sup.expect(protocol.TypeAgentState, func(env protocol.Envelope) bool {
		var s protocol.AgentState
		return decodeInto(env, &s) && s.AgentID == itoa(u.ID) && s.State == protocol.StateAvailable
	})

	supervisorState := func(state, reason string) func(protocol.Envelope) bool {
		return func(env protocol.Envelope) bool {
			var s protocol.AgentState
			return decodeInto(env, &s) && s.AgentID == itoa(u.ID) && string(s.State) == state && s.Reason == reason
		}
	}
	sup.command(protocol.TypeSuperviseStart, start)
	// Routing must offer the supervisor no call on the phone the session uses.
	sup.expect(protocol.TypeAgentState, supervisorState(string(protocol.StatePaused), callflow.SupervisingPauseReason))
	supLeg := n.answerPhone(chosenPhone)
	sup.expect(protocol.TypeSuperviseStarted, nil)
	n.waitSnoop(leg, supLeg, "both", "none")

	sup.command(protocol.TypeSuperviseStop, protocol.SuperviseStop{})
	sup.expect(protocol.TypeSuperviseEnded, supervisionEnded(protocol.SuperviseEndStopped))
	sup.expect(protocol.TypeAgentState, supervisorState(string(protocol.StateAvailable), ""))

	// A call for the supervisor's own queue rings at their phone: no session then.
	second := n.arrive("79031112233", "", "support")
	sup.expect(protocol.TypeCallOffered, callIs(second))
	if env, isErr := sup.try(protocol.TypeSuperviseStart, start); !isErr || errorReason(t, env) != protocol.ReasonSupervisorOnCall {
		t.Errorf("while a call rings at the supervisor's phone: %s %s, want conflict supervisor_on_call", env.Type, env.Data)
	}

	for _, id := range []string{second, callID} {
		if err := n.sim.Hangup(id, 16); err != nil {
			t.Fatalf("caller %s hangs up: %v", id, err)
		}
	}
	n.assertAllGone()
}

// TestOtherRolesCannotOpenDesk checks the other half of the role rule: users who are
// neither agents nor supervisors get 403 on the WebSocket upgrade, so they cannot send
// supervise commands at all.
func TestOtherRolesCannotOpenDesk(t *testing.T) {
	n := startNode(t, nodeOptions{})
	n.addUser("admin", "Ирина Соколова", "", crm.RoleAdmin)
	n.addUser("marketer", "Алина Захарова", "", crm.RoleMarketer)

	for _, login := range []string{"admin", "marketer"} {
		if status := n.upgradeStatus(login); status != http.StatusForbidden {
			t.Errorf("%s opening the desk WebSocket: HTTP %d, want 403", login, status)
		}
	}
}

// upgradeStatus logs in and returns the HTTP status of the WebSocket upgrade.
func (n *node) upgradeStatus(login string) int {
	n.t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	body := strings.NewReader(fmt.Sprintf(`{"login":%q,"password":%q}`, login, deskPassword))
	req, _ := http.NewRequest(http.MethodPost, n.api.URL+"/api/v1/session", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", n.api.URL)
	resp, err := client.Do(req)
	if err != nil {
		n.t.Fatalf("login %s: %v", login, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		n.t.Fatalf("login %s: status %d", login, resp.StatusCode)
	}

	u, _ := url.Parse(n.api.URL)
	header := http.Header{"Origin": {n.api.URL}}
	for _, c := range jar.Cookies(u) {
		header.Add("Cookie", c.String())
	}
	conn, wsResp, err := websocket.DefaultDialer.Dial("ws://"+u.Host+"/api/v1/ws", header)
	if err == nil {
		conn.Close()
		return http.StatusSwitchingProtocols
	}
	if wsResp == nil {
		n.t.Fatalf("open desk WebSocket for %s: %v", login, err)
	}
	wsResp.Body.Close()
	return wsResp.StatusCode
}

// TestSupervisionEndsOnTransfer checks that a transfer away from the supervised agent ends
// the session, and that a mode chosen while the supervisor's phone rings is the one the
// session starts in.
func TestSupervisionEndsOnTransfer(t *testing.T) {
	n := startNode(t, nodeOptions{})
	agentID := n.addAgent("ivanova", "Мария Иванова", agentPhone)
	colleagueID := n.addAgent("orlova", "Анна Орлова", "PJSIP/1002")
	n.addUser("petrov", "Пётр Петров", supervisorPhone, crm.RoleSupervisor)

	agent := n.signIn("ivanova")
	callID, leg := n.talkingCall(agent, "79161234567")

	sup := n.signIn("petrov")
	sup.command(protocol.TypeSuperviseStart, protocol.SuperviseStart{AgentID: itoa(agentID), Mode: protocol.ModeListen})
	sup.command(protocol.TypeSuperviseMode, protocol.SuperviseMode{Mode: protocol.ModeWhisper})
	supLeg := n.answerPhone(supervisorPhone)
	started := decode[protocol.SuperviseStarted](t, sup.expect(protocol.TypeSuperviseStarted, nil))
	if started.Mode != protocol.ModeWhisper {
		t.Errorf("supervise.started mode = %q, want whisper, the mode chosen while the phone rang", started.Mode)
	}
	n.waitSnoop(leg, supLeg, "both", "out")

	colleague := n.signIn("orlova")
	colleague.available()
	agent.command(protocol.TypeCallTransfer, protocol.Transfer{CallID: callID, AgentID: itoa(colleagueID)})
	ended := decode[protocol.SuperviseEnded](t, sup.expect(protocol.TypeSuperviseEnded, nil))
	if ended.Reason != protocol.SuperviseEndCallEnded {
		t.Errorf("supervise.ended reason after the transfer = %q, want %q", ended.Reason, protocol.SuperviseEndCallEnded)
	}
	eventually(t, "the supervisor's phone hung up after the transfer", 5*time.Second, func() bool {
		for _, c := range n.sim.Channels() {
			if c.ID == supLeg {
				return false
			}
		}
		return true
	})

	colleague.expect(protocol.TypeCallOffered, callIs(callID))
	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	n.assertAllGone()
}

// TestStoppingNodeEndsSupervision checks that a node that stops hangs up its supervisors'
// phones and snoops, while the call itself goes on for the next node to adopt.
func TestStoppingNodeEndsSupervision(t *testing.T) {
	first := startNode(t, nodeOptions{})
	sc := first.superviseCall(protocol.ModeListen)
	callID, leg, supLeg, sup := sc.callID, sc.leg, sc.supLeg, sc.sup
	sup.expect(protocol.TypeSuperviseStarted, nil)
	first.waitSnoop(leg, supLeg, "both", "none")

	first.stop()
	eventually(t, "the supervisor's phone and the snoop gone after the node stopped", 5*time.Second, func() bool {
		for _, c := range first.sim.Channels() {
			if c.ID == supLeg {
				return false
			}
		}
		return len(first.liveSnoops()) == 0
	})
	if !first.bridgedWith(callID, leg) {
		t.Errorf("the call lost its bridge when the node stopped: %+v", first.sim.Bridges())
	}

	second := startNode(t, nodeOptions{pool: first.pool, sim: first.sim, simURL: first.simURL})
	time.Sleep(time.Second) // the reconcile and the adoption pause, as in TestRestartKeepsTalkingCall
	if !second.bridgedWith(callID, leg) {
		t.Fatalf("after the restart the caller and the agent are no longer bridged: %+v", second.sim.Bridges())
	}
	if snoops := second.liveSnoops(); len(snoops) != 0 {
		t.Errorf("snoops %+v are still in Stasis after the restart", snoops)
	}
	if err := second.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	second.assertAllGone()
}
