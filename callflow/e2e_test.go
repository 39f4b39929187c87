package callflow_test

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/routing"
)

// agentLeg returns the id of the channel dialled to the endpoint, once it exists.
func (n *node) agentLeg(endpoint string) string {
	n.t.Helper()
	var id string
	eventually(n.t, "a channel to "+endpoint, 5*time.Second, func() bool {
		for _, c := range n.sim.Channels() {
			if c.Endpoint == endpoint && c.App != "" {
				id = c.ID
				return true
			}
		}
		return false
	})
	return id
}

func TestKnownCallerAnsweredAndLogged(t *testing.T) {
	n := startNode(t, nodeOptions{})
	agentID := n.addAgent("ivanova", "Мария Иванова", "PJSIP/1001")
	contact := n.addContact("Иван", "Петров", "+7 916 123-45-67")

	d := n.signIn("ivanova")
	d.available()

	arrived := time.Now()
	callID := n.arrive("79161234567", "Ivan Petrov", "support")

	offer := decode[protocol.CallOffered](t, d.expect(protocol.TypeCallOffered, callIs(callID)))
	if offer.Unknown || offer.Contact == nil {
		t.Fatalf("screen-pop shows an unknown caller, want contact %d", contact.ID)
	}
	if got, want := offer.Contact.ContactID, strconv.FormatInt(contact.ID, 10); got != want {
		t.Errorf("screen-pop contact id = %s, want %s", got, want)
	}
	if offer.Contact.Name != "Петров Иван" {
		t.Errorf("screen-pop name = %q, want %q", offer.Contact.Name, "Петров Иван")
	}
	if !offer.Contact.VIP {
		t.Error("screen-pop does not mark the VIP contact")
	}
	if len(offer.Contact.Interactions) != 1 || offer.Contact.Interactions[0].Note != "Уточнял статус заказа" {
		t.Errorf("screen-pop history = %+v, want the past call with its note", offer.Contact.Interactions)
	}
	if len(offer.Contact.OpenTickets) != 1 || offer.Contact.OpenTickets[0].Subject != "Не пришёл счёт" {
		t.Errorf("screen-pop tickets = %+v, want the open ticket", offer.Contact.OpenTickets)
	}
	if offer.Queue != "support" {
		t.Errorf("screen-pop queue = %q, want support", offer.Queue)
	}

	time.Sleep(300 * time.Millisecond) // a measurable wait before the answer
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	answered := time.Now()
	d.expect(protocol.TypeCallAnswered, callIs(callID))

	leg := n.agentLeg("PJSIP/1001")
	eventually(t, "caller and agent in one bridge", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })

	time.Sleep(500 * time.Millisecond) // talk time
	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	hungUp := time.Now()

	ended := decode[protocol.CallEnded](t, d.expect(protocol.TypeCallEnded, callIs(callID)))
	if ended.Reason != protocol.EndCallerHangup {
		t.Errorf("call.ended reason = %q, want %q", ended.Reason, protocol.EndCallerHangup)
	}
	d.expect(protocol.TypeWrapupStarted, callIs(callID))

	// A second tab opened in wrap-up gets the call and the outcome list in its hello.
	reloaded := n.signIn("ivanova")
	if c := reloaded.hello.Call; c == nil || c.Phase != protocol.PhaseWrapup || c.Offer.CallID != callID || len(c.Dispositions) == 0 {
		t.Errorf("hello in wrap-up = %+v, want call %s in wrap-up with dispositions", reloaded.hello.Call, callID)
	}

	d.command(protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: callID, Code: "resolved", Note: "Клиент доволен"})

	rec := n.record(callID, func(r crm.Interaction) bool { return r.Disposition != "" })
	if rec.Outcome != crm.OutcomeAnswered {
		t.Errorf("outcome = %q, want answered", rec.Outcome)
	}
	if rec.AgentID != agentID {
		t.Errorf("agent = %d, want %d", rec.AgentID, agentID)
	}
	if rec.ContactID != contact.ID {
		t.Errorf("contact = %d, want %d", rec.ContactID, contact.ID)
	}
	if rec.CallerNumber != "+79161234567" {
		t.Errorf("caller number = %q, want +79161234567", rec.CallerNumber)
	}
	if rec.Queue != "support" || rec.Direction != crm.Inbound {
		t.Errorf("queue/direction = %q/%q, want support/inbound", rec.Queue, rec.Direction)
	}
	if rec.OfferedAt.IsZero() || rec.AnsweredAt.IsZero() || rec.EndedAt.IsZero() {
		t.Errorf("timestamps missing: offered %v answered %v ended %v", rec.OfferedAt, rec.AnsweredAt, rec.EndedAt)
	}
	if !(rec.ArrivedAt.Before(rec.OfferedAt) || rec.ArrivedAt.Equal(rec.OfferedAt)) || rec.AnsweredAt.Before(rec.OfferedAt) || rec.EndedAt.Before(rec.AnsweredAt) {
		t.Errorf("timestamps out of order: arrived %v offered %v answered %v ended %v", rec.ArrivedAt, rec.OfferedAt, rec.AnsweredAt, rec.EndedAt)
	}
	assertNear(t, "wait", rec.Wait, answered.Sub(arrived), 250*time.Millisecond)
	assertNear(t, "talk", rec.Talk, hungUp.Sub(answered), 250*time.Millisecond)
	if rec.HangupCause != 16 {
		t.Errorf("hang-up cause = %d, want 16", rec.HangupCause)
	}
	if rec.Disposition != "resolved" || rec.Note != "Клиент доволен" {
		t.Errorf("disposition = %q %q, want resolved and the note", rec.Disposition, rec.Note)
	}

	eventually(t, "bridge destroyed", 5*time.Second, func() bool { return len(n.sim.Bridges()) == 0 })
	if got := n.countRecords(callID); got != 1 {
		t.Errorf("%d records for the call, want exactly 1", got)
	}
}

func TestCallerAbandonsWhileQueued(t *testing.T) {
	n := startNode(t, nodeOptions{})
	callID := n.arrive("74951112233", "", "support")

	eventually(t, "caller hears hold music", 5*time.Second, func() bool {
		for _, c := range n.sim.Channels() {
			if c.ID == callID {
				return c.MOH
			}
		}
		return false
	})
	time.Sleep(200 * time.Millisecond)
	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}

	rec := n.record(callID, nil)
	if rec.Outcome != crm.OutcomeAbandoned {
		t.Errorf("outcome = %q, want abandoned", rec.Outcome)
	}
	if !rec.AnsweredAt.IsZero() || rec.AgentID != 0 || rec.Talk != 0 {
		t.Errorf("abandoned call has answer data: answered %v agent %d talk %v", rec.AnsweredAt, rec.AgentID, rec.Talk)
	}
	// The wait counts from the call's arrival, before the answer and the music on hold that
	// the test waited for, so it is at least the 200 ms the caller then stayed.
	if rec.Wait < 200*time.Millisecond {
		t.Errorf("wait = %v, want at least the 200 ms the caller stayed after the music started", rec.Wait)
	}
	if rec.ContactID != 0 {
		t.Errorf("unknown caller matched contact %d", rec.ContactID)
	}
}

func TestAgentHangsUpFirst(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hangUp func(n *node, d *desk, callID, leg string)
	}{
		{"from the desk", func(n *node, d *desk, callID, _ string) {
			d.command(protocol.TypeCallHangup, protocol.CallRef{CallID: callID})
		}},
		{"on the phone", func(n *node, _ *desk, _, leg string) {
			if err := n.sim.Hangup(leg, 16); err != nil {
				n.t.Fatalf("agent phone hangs up: %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := startNode(t, nodeOptions{})
			n.addAgent("smirnov", "Пётр Смирнов", "PJSIP/1002")
			d := n.signIn("smirnov")
			d.available()

			callID := n.arrive("79035556677", "Sergey Ivanov", "support")
			d.expect(protocol.TypeCallOffered, callIs(callID))
			d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
			leg := n.agentLeg("PJSIP/1002")
			eventually(t, "caller and agent bridged", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })

			tc.hangUp(n, d, callID, leg)

			ended := decode[protocol.CallEnded](t, d.expect(protocol.TypeCallEnded, callIs(callID)))
			if ended.Reason != protocol.EndAgentHangup {
				t.Errorf("call.ended reason = %q, want %q", ended.Reason, protocol.EndAgentHangup)
			}
			rec := n.record(callID, nil)
			if rec.Outcome != crm.OutcomeAnswered || rec.Talk <= 0 {
				t.Errorf("record = %s with talk %v, want answered with talk time", rec.Outcome, rec.Talk)
			}
			eventually(t, "every channel gone", 5*time.Second, func() bool { return len(n.sim.Channels()) == 0 })
		})
	}
}

func TestBusyAndSilentAgentsAreSkipped(t *testing.T) {
	queues := []routing.QueueConfig{{Name: "support", RingTimeout: 1500 * time.Millisecond, WrapUp: 30 * time.Second}}
	n := startNode(t, nodeOptions{queues: queues, rules: []arisim.Rule{
		{Pattern: "PJSIP/1003", Behaviour: arisim.Busy},
		{Pattern: "PJSIP/1004", Behaviour: arisim.NoAnswer},
	}})
	n.addAgent("busy", "Занятый", "PJSIP/1003")
	n.addAgent("silent", "Молчащий", "PJSIP/1004")
	goodID := n.addAgent("good", "Отвечающий", "PJSIP/1001")

	// Longest idle goes first, so the agents sign in in the order they are tried.
	busy := n.signIn("busy")
	busy.available()
	time.Sleep(20 * time.Millisecond)
	silent := n.signIn("silent")
	silent.available()
	time.Sleep(20 * time.Millisecond)
	good := n.signIn("good")
	good.available()

	callID := n.arrive("79267778899", "Anna Kuznetsova", "support")

	busy.expect(protocol.TypeCallOffered, callIs(callID))
	busyState := decode[protocol.AgentState](t, busy.expect(protocol.TypeAgentState, stateIs(protocol.StatePaused)))
	if busyState.Reason != routing.ReasonPhoneBusy {
		t.Errorf("busy agent paused with %q, want %q", busyState.Reason, routing.ReasonPhoneBusy)
	}

	silent.expect(protocol.TypeCallOffered, callIs(callID))
	silentState := decode[protocol.AgentState](t, silent.expect(protocol.TypeAgentState, stateIs(protocol.StatePaused)))
	if silentState.Reason != routing.ReasonMissed {
		t.Errorf("silent agent paused with %q, want %q", silentState.Reason, routing.ReasonMissed)
	}
	silent.expect(protocol.TypeCallEnded, callIs(callID))

	good.expect(protocol.TypeCallOffered, callIs(callID))
	good.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	good.expect(protocol.TypeCallAnswered, callIs(callID))
	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatal(err)
	}

	rec := n.record(callID, nil)
	if rec.Outcome != crm.OutcomeAnswered || rec.AgentID != goodID {
		t.Errorf("record = %s by agent %d, want answered by %d", rec.Outcome, rec.AgentID, goodID)
	}
	if rec.Wait < 1500*time.Millisecond {
		t.Errorf("wait = %v, want at least the silent agent's ring timeout", rec.Wait)
	}
	eventually(t, "no channel left ringing", 5*time.Second, func() bool {
		return !slices.ContainsFunc(n.sim.Channels(), func(c arisim.ChannelInfo) bool { return c.Endpoint == "PJSIP/1004" })
	})
}

func TestNoAgentOverflowsToCallback(t *testing.T) {
	queues := []routing.QueueConfig{{
		Name: "support", OverflowWhenNoAgents: true, Overflow: routing.Overflow{Kind: routing.OverflowCallback},
	}}
	n := startNode(t, nodeOptions{queues: queues})
	contact := n.addContact("Пётр", "Сидоров", "+7 916 111-22-33")

	callID := n.arrive("79161112233", "Petr Sidorov", "support")

	rec := n.record(callID, nil)
	if rec.Outcome != crm.OutcomeOverflowed {
		t.Errorf("outcome = %q, want overflowed", rec.Outcome)
	}
	eventually(t, "caller hung up", 5*time.Second, func() bool { return len(n.sim.Channels()) == 0 })

	var callbacks int
	eventually(t, "callback task", 5*time.Second, func() bool {
		err := n.pool.QueryRow(t.Context(),
			`SELECT count(*) FROM tasks WHERE kind = 'callback' AND contact_id = $1 AND phone_e164 = '+79161112233'`, contact.ID).Scan(&callbacks)
		return err == nil && callbacks == 1
	})
}

func TestNoAgentOverflowsToVoicemail(t *testing.T) {
	queues := []routing.QueueConfig{{
		Name: "sales", OverflowWhenNoAgents: true, Overflow: routing.Overflow{Kind: routing.OverflowVoicemail},
	}}
	n := startNode(t, nodeOptions{queues: queues})

	callID := n.arrive("74951234567", "Acme", "sales")

	rec := n.record(callID, nil)
	if rec.Outcome != crm.OutcomeOverflowed {
		t.Errorf("outcome = %q, want overflowed", rec.Outcome)
	}
	eventually(t, "caller sent to the dialplan", 5*time.Second, func() bool { return len(n.sim.Continued()) == 1 })
	want := arisim.Continued{ChannelID: callID, Context: callflow.DefaultVoicemailContext, Extension: "sales", Priority: "1"}
	if got := n.sim.Continued()[0]; got != want {
		t.Errorf("continued %+v, want %+v", got, want)
	}
	eventually(t, "caller channel ended", 5*time.Second, func() bool { return len(n.sim.Channels()) == 0 })
}

func assertNear(t testing.TB, what string, got, want, tolerance time.Duration) {
	t.Helper()
	if math.Abs(float64(got-want)) > float64(tolerance) {
		t.Errorf("%s = %v, want %v ± %v", what, got, want, tolerance)
	}
}

func TestWithheldCallerOffer(t *testing.T) {
	n := startNode(t, nodeOptions{})
	n.addAgent("kozlova", "Ирина Козлова", "PJSIP/1006")
	d := n.signIn("kozlova")
	d.available()

	callID := n.arrive("anonymous", "anonymous", "support")
	offer := decode[protocol.CallOffered](t, d.expect(protocol.TypeCallOffered, callIs(callID)))
	if !offer.Withheld {
		t.Errorf("screen-pop for caller id %q: withheld = false, want true", offer.Caller.Number)
	}
	if !offer.Unknown || offer.Contact != nil {
		t.Errorf("screen-pop for a withheld number shows a contact: %+v", offer.Contact)
	}
	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatal(err)
	}
	eventually(t, "withheld caller's channel ended", 5*time.Second, func() bool { return len(n.sim.Channels()) == 0 })
}

func TestUnknownCallerBecomesContact(t *testing.T) {
	for _, tc := range []struct {
		name        string
		duringCall  bool
		callerPhone string
	}{
		{"during the call", true, "79031112233"},
		{"in wrap-up", false, "79031112244"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := startNode(t, nodeOptions{})
			n.addAgent("kozlova", "Ирина Козлова", "PJSIP/1006")
			d := n.signIn("kozlova")
			d.available()

			callID := n.arrive(tc.callerPhone, "", "support")
			offer := decode[protocol.CallOffered](t, d.expect(protocol.TypeCallOffered, callIs(callID)))
			if !offer.Unknown || offer.Contact != nil {
				t.Fatalf("screen-pop for an unknown number shows a contact: %+v", offer.Contact)
			}
			if offer.Withheld {
				t.Errorf("screen-pop for %q: withheld = true, want false", tc.callerPhone)
			}
			d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
			d.expect(protocol.TypeCallAnswered, callIs(callID))

			create := func() protocol.Card {
				ack := d.command(protocol.TypeContactCreate, protocol.CreateContact{
					CallID: callID, Name: "Новиков Андрей Петрович", Phones: []protocol.Phone{{Number: offer.Caller.Number}},
				})
				return decode[protocol.Card](t, ack)
			}
			var card protocol.Card
			if tc.duringCall {
				card = create()
			}
			if err := n.sim.Hangup(callID, 16); err != nil {
				t.Fatal(err)
			}
			d.expect(protocol.TypeWrapupStarted, callIs(callID))
			if !tc.duringCall {
				card = create()
			}

			want, err := strconv.ParseInt(card.ContactID, 10, 64)
			if err != nil || want <= 0 {
				t.Fatalf("created card has contact id %q", card.ContactID)
			}
			rec := n.record(callID, func(r crm.Interaction) bool { return r.ContactID != 0 })
			if rec.ContactID != want {
				t.Errorf("record's contact = %d, want the new contact %d", rec.ContactID, want)
			}
		})
	}
}

func TestTransferToAgentKeepsFirstDisposition(t *testing.T) {
	n := startNode(t, nodeOptions{})
	n.addAgent("first", "Первый", "PJSIP/1007")
	secondID := n.addAgent("second", "Второй", "PJSIP/1008")
	first := n.signIn("first")
	first.available()

	callID := n.arrive("79154443322", "Elena Popova", "support")
	first.expect(protocol.TypeCallOffered, callIs(callID))
	first.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	first.expect(protocol.TypeCallAnswered, callIs(callID))

	second := n.signIn("second")
	second.available()
	first.command(protocol.TypeCallTransfer, protocol.Transfer{CallID: callID, AgentID: strconv.FormatInt(secondID, 10)})

	ended := decode[protocol.CallEnded](t, first.expect(protocol.TypeCallEnded, callIs(callID)))
	if ended.Reason != protocol.EndTransferred {
		t.Errorf("first agent's call.ended reason = %q, want %q", ended.Reason, protocol.EndTransferred)
	}
	second.expect(protocol.TypeCallOffered, callIs(callID))
	second.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	second.expect(protocol.TypeCallAnswered, callIs(callID))
	leg := n.agentLeg("PJSIP/1008")
	eventually(t, "caller bridged with the second agent", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })

	// The first agent wraps up while the call goes on with the second.
	first.command(protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: callID, Code: "callback", Note: "Передано во второй отдел"})
	if _, isErr := second.try(protocol.TypeCallDisposition, protocol.SaveDisposition{CallID: callID, Code: "resolved"}); !isErr {
		t.Error("the agent still talking could save a disposition")
	}

	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatal(err)
	}
	rec := n.record(callID, func(r crm.Interaction) bool { return r.Disposition != "" })
	if rec.AgentID != secondID {
		t.Errorf("record's agent = %d, want the second agent %d", rec.AgentID, secondID)
	}
	if rec.Disposition != "callback" || rec.Note != "Передано во второй отдел" {
		t.Errorf("disposition = %q %q, want the first agent's", rec.Disposition, rec.Note)
	}
}

func TestHotDeskAgentChoosesPhone(t *testing.T) {
	n := startNode(t, nodeOptions{})
	n.addAgent("hotdesk", "Без своего телефона", "")
	d := n.signIn("hotdesk")

	env, isErr := d.try(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable})
	if !isErr {
		t.Fatal("an agent with no fixed phone became available without choosing one")
	}
	if errData := decode[protocol.ErrorData](t, env); errData.Code == "" {
		t.Errorf("error frame without a code: %s", env.Data)
	}

	d.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: "PJSIP/1009"})
	state := decode[protocol.AgentState](t, d.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable)))
	if state.Endpoint != "PJSIP/1009" {
		t.Errorf("agent endpoint = %q, want PJSIP/1009", state.Endpoint)
	}

	callID := n.arrive("79998887766", "", "support")
	d.expect(protocol.TypeCallOffered, callIs(callID))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	leg := n.agentLeg("PJSIP/1009")
	eventually(t, "caller bridged with the chosen phone", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })
}

func TestRestartKeepsTalkingCall(t *testing.T) {
	first := startNode(t, nodeOptions{})
	agentID := first.addAgent("volkova", "Анна Волкова", "PJSIP/1010")
	d := first.signIn("volkova")
	d.available()

	callID := first.arrive("79169990011", "Dmitry Volkov", "support")
	d.expect(protocol.TypeCallOffered, callIs(callID))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	d.expect(protocol.TypeCallAnswered, callIs(callID))
	leg := first.agentLeg("PJSIP/1010")
	eventually(t, "caller and agent bridged", 5*time.Second, func() bool { return first.bridgedWith(callID, leg) })

	// The node restarts while the two talk: a new node over the same database and Asterisk.
	first.stop()
	second := startNode(t, nodeOptions{pool: first.pool, sim: first.sim, simURL: first.simURL})

	time.Sleep(time.Second) // the reconcile and the adoption pause
	if !second.bridgedWith(callID, leg) {
		t.Fatalf("after the restart the caller and the agent are no longer bridged: %+v", second.sim.Bridges())
	}

	time.Sleep(300 * time.Millisecond)
	if err := second.sim.Hangup(callID, 16); err != nil {
		t.Fatal(err)
	}
	rec := second.record(callID, nil)
	if rec.Outcome != crm.OutcomeAnswered || rec.AgentID != agentID {
		t.Errorf("record after the restart = %s by agent %d, want answered by %d", rec.Outcome, rec.AgentID, agentID)
	}
	if rec.Talk <= 0 {
		t.Errorf("talk = %v, want the time talked after the restart", rec.Talk)
	}
	eventually(t, "every channel and bridge gone", 5*time.Second, func() bool {
		return len(second.sim.Channels()) == 0 && len(second.sim.Bridges()) == 0
	})
	if got := second.countRecords(callID); got != 1 {
		t.Errorf("%d records for the call, want exactly 1", got)
	}
}

// A caller who hangs up while a restarted node is still adopting the call (within its
// adoption pause) must not leave the agent's phone connected to an empty bridge.
func TestCallerLeavesDuringAdoption(t *testing.T) {
	first := startNode(t, nodeOptions{})
	first.addAgent("orlova", "Ирина Орлова", "PJSIP/1008")
	d := first.signIn("orlova")
	d.available()

	callID := first.arrive("79165554433", "", "support")
	d.expect(protocol.TypeCallOffered, callIs(callID))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	leg := first.agentLeg("PJSIP/1008")
	eventually(t, "caller and agent bridged", 5*time.Second, func() bool { return first.bridgedWith(callID, leg) })

	first.stop()
	second := startNode(t, nodeOptions{pool: first.pool, sim: first.sim, simURL: first.simURL})
	time.Sleep(20 * time.Millisecond)
	if err := second.sim.Hangup(callID, 16); err != nil {
		t.Fatal(err)
	}

	eventually(t, "agent leg and bridge gone", 5*time.Second, func() bool {
		return len(second.sim.Channels()) == 0 && len(second.sim.Bridges()) == 0
	})
}

func TestSupervisorSeesQueueStats(t *testing.T) {
	n := startNode(t, nodeOptions{statsInterval: 100 * time.Millisecond})
	n.addUser("smirnova", "Светлана Смирнова", "", crm.RoleSupervisor)
	n.addAgent("petrov", "Пётр Петров", "PJSIP/1002")
	supervisor := n.signIn("smirnova")
	agent := n.signIn("petrov")
	agent.available()
	agent.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StatePaused, Reason: "lunch"})

	callID := n.arrive("74957778899", "", "support")
	stats := decode[protocol.QueueStats](t, supervisor.expect(protocol.TypeQueueStats, func(env protocol.Envelope) bool {
		var q protocol.QueueStats
		return json.Unmarshal(env.Data, &q) == nil && q.Queue == "support" && q.Waiting == 1
	}))
	if stats.Agents[protocol.StatePaused] != 1 {
		t.Errorf("agents by state = %v, want one paused", stats.Agents)
	}
	if stats.ServiceLevel != nil {
		t.Errorf("service level before any call finished waiting = %v, want absent", *stats.ServiceLevel)
	}
	// The supervisor also follows agents' states.
	supervisor.expect(protocol.TypeAgentState, stateIs(protocol.StatePaused))

	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatal(err)
	}
	after := decode[protocol.QueueStats](t, supervisor.expect(protocol.TypeQueueStats, func(env protocol.Envelope) bool {
		var q protocol.QueueStats
		return json.Unmarshal(env.Data, &q) == nil && q.Queue == "support" && q.Abandoned == 1
	}))
	if after.Waiting != 0 || after.ServiceLevel == nil || after.AbandonedRatio != 1 {
		t.Errorf("stats after the abandon = %+v, want nobody waiting, a service level and abandoned ratio 1", after)
	}
}

// The API pauses an agent who leaves the desk during a call, because routing does not sign out
// during a call. Once the call and its wrap-up end, the pause becomes a sign-out,
// so the agent leaves the queues and frees the phone.
func TestLogoutDuringCallSignsOutAfterWrapUp(t *testing.T) {
	queues := []routing.QueueConfig{{Name: "support", WrapUp: 200 * time.Millisecond}}
	n := startNode(t, nodeOptions{queues: queues})
	n.addAgent("sokolova", "Ольга Соколова", "PJSIP/1007")
	d := n.signIn("sokolova")
	d.available()

	callID := n.arrive("79261112233", "", "support")
	d.expect(protocol.TypeCallOffered, callIs(callID))
	d.command(protocol.TypeCallAnswer, protocol.CallRef{CallID: callID})
	leg := n.agentLeg("PJSIP/1007")
	eventually(t, "caller and agent bridged", 5*time.Second, func() bool { return n.bridgedWith(callID, leg) })

	d.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StatePaused, Reason: api.LogoutPauseReason})
	if err := n.sim.Hangup(callID, 16); err != nil {
		t.Fatalf("caller hangs up: %v", err)
	}
	d.expect(protocol.TypeAgentState, stateIs(protocol.StateLoggedOut))

	// The phone is free: another agent may sign in at it.
	n.addAgent("lebedev", "Илья Лебедев", "")
	other := n.signIn("lebedev")
	other.command(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable, Endpoint: "PJSIP/1007"})
	other.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable))
}
