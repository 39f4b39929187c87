package callflow_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/routing"
	"github.com/switchboard-cc/switchboard/storage"
)

// addAgentInQueues creates an agent with a fixed phone who is assigned to queues.
func (n *node) addAgentInQueues(login, endpoint string, queues ...string) int64 {
	n.t.Helper()
	u, err := storage.NewUsers(n.pool).Create(context.Background(), crm.User{
		Login: login, DisplayName: login, Roles: []crm.Role{crm.RoleAgent}, Locale: crm.LocaleRU,
		Endpoint: endpoint, Queues: queues,
	}, deskPassword)
	if err != nil {
		n.t.Fatalf("create agent %s: %v", login, err)
	}
	n.agents[login] = u.ID
	return u.ID
}

func twoQueues() []routing.QueueConfig {
	return []routing.QueueConfig{
		{Name: "support", RingTimeout: 5 * time.Second, WrapUp: 30 * time.Second},
		{Name: "sales", RingTimeout: 5 * time.Second, WrapUp: 30 * time.Second},
	}
}

// idleAgents returns how many available agents the queue has, as the dialer reads it.
func (n *node) idleAgents(queue string) int {
	n.t.Helper()
	activity, err := n.flow.QueueActivity(context.Background(), queue, "")
	if err != nil {
		n.t.Fatalf("activity of queue %s: %v", queue, err)
	}
	return activity.Idle
}

// waiting returns how many calls wait in the queue, from the wallboard.
func (n *node) waiting(queue string) int {
	n.t.Helper()
	board, err := n.flow.Wallboard(context.Background())
	if err != nil {
		n.t.Fatalf("wallboard: %v", err)
	}
	i := slices.IndexFunc(board.Queues, func(q protocol.QueueStats) bool { return q.Queue == queue })
	if i < 0 {
		n.t.Fatalf("wallboard has no queue %s", queue)
	}
	return board.Queues[i].Waiting
}

func TestAssignedAgentSignsInToOnlyItsQueue(t *testing.T) {
	n := startNode(t, nodeOptions{queues: twoQueues()})
	n.addAgentInQueues("olga", "PJSIP/1001", "sales")
	n.addAgentInQueues("ivan", "PJSIP/1002")

	olga := n.signIn("olga")
	olga.available()
	if got := n.idleAgents("sales"); got != 1 {
		t.Errorf("sales has %d available agents after olga signed in, want 1", got)
	}
	if got := n.idleAgents("support"); got != 0 {
		t.Errorf("support has %d available agents after olga, assigned to sales only, signed in; want 0", got)
	}

	// The support call arrives first, so olga would be offered it first if she served support.
	supportCall := n.arrive("79161234501", "Support Caller", "support")
	eventually(t, "support call waiting", 5*time.Second, func() bool { return n.waiting("support") == 1 })
	salesCall := n.arrive("79161234502", "Sales Caller", "sales")

	offer := decode[protocol.CallOffered](t, olga.expect(protocol.TypeCallOffered, nil))
	if offer.CallID != salesCall {
		t.Errorf("olga was offered call %s, want the sales call %s (the support call is %s)", offer.CallID, salesCall, supportCall)
	}
	if got := n.waiting("support"); got != 1 {
		t.Errorf("support has %d waiting calls after olga took the sales call, want 1", got)
	}

	// An agent with no assigned queue serves every queue, as before queues could be assigned.
	ivan := n.signIn("ivan")
	ivan.available()
	ivan.expect(protocol.TypeCallOffered, callIs(supportCall))
}

func TestAssignedQueueOutsideNodeIsSkipped(t *testing.T) {
	n := startNode(t, nodeOptions{queues: twoQueues()})
	n.addAgentInQueues("mixed", "PJSIP/1001", "retired", "sales")
	n.addAgentInQueues("stale", "PJSIP/1002", "retired")

	mixed := n.signIn("mixed")
	mixed.available()
	if got := n.idleAgents("sales"); got != 1 {
		t.Errorf("sales has %d available agents, want 1: the queue the node serves", got)
	}
	if got := n.idleAgents("support"); got != 0 {
		t.Errorf("support has %d available agents, want 0", got)
	}

	stale := n.signIn("stale")
	env, isErr := stale.try(protocol.TypeSetStatus, protocol.SetStatus{Status: protocol.StateAvailable})
	if !isErr {
		t.Fatal("an agent assigned only to a queue the node does not serve became available")
	}
	if e := decode[protocol.ErrorData](t, env); e.Code != protocol.CodeConflict {
		t.Errorf("sign-in failed with %q (%s), want %q", e.Code, e.Message, protocol.CodeConflict)
	}
	if got := n.idleAgents("support") + n.idleAgents("sales"); got != 1 {
		t.Errorf("%d available agents after the rejected sign-in, want only mixed", got)
	}
}
