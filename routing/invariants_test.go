package routing

import (
	"fmt"
	"slices"

	dto "github.com/prometheus/client_model/go"
)

// checkInvariants verifies the engine's internal consistency. Tests call it after every input.
func checkInvariants(e *Engine) error {
	holder := make(map[*agent]*call)
	for id, c := range e.calls {
		if c.id != id {
			return fmt.Errorf("call map key %q holds call %q", id, c.id)
		}
		switch c.state {
		case callWaiting:
			if c.group == nil || c.agent != nil {
				return fmt.Errorf("waiting call %s: group %v, agent %v", c.id, c.group != nil, c.agent != nil)
			}
			if i, ok := c.group.find(c); !ok || c.group.calls[i] != c {
				return fmt.Errorf("waiting call %s is missing from its group", c.id)
			}
		case callRinging, callTalking:
			if c.agent == nil || c.group != nil {
				return fmt.Errorf("call %s in state %d: agent %v, group %v", c.id, c.state, c.agent != nil, c.group != nil)
			}
			if other, dup := holder[c.agent]; dup {
				return fmt.Errorf("agent %s holds calls %s and %s", c.agent.id, other.id, c.id)
			}
			holder[c.agent] = c
			if c.agent.call != c {
				return fmt.Errorf("call %s points at agent %s, which points elsewhere", c.id, c.agent.id)
			}
			want := AgentReserved
			if c.state == callTalking {
				want = AgentOnCall
			}
			if c.agent.state != want {
				return fmt.Errorf("call %s state %d but agent %s is %s", c.id, c.state, c.agent.id, c.agent.state)
			}
		}
	}

	for id, a := range e.agents {
		if a.id != id || e.endpoints[a.endpoint] != a {
			return fmt.Errorf("agent %s is not indexed by id and endpoint", id)
		}
		busy := a.state == AgentReserved || a.state == AgentOnCall
		if busy != (a.call != nil) {
			return fmt.Errorf("agent %s is %s with call %v", a.id, a.state, a.call != nil)
		}
		if busy && holder[a] != a.call {
			return fmt.Errorf("agent %s points at call %s, which does not point back", a.id, a.call.id)
		}
		if a.state == AgentLoggedOut {
			return fmt.Errorf("logged-out agent %s is still in the engine", a.id)
		}
	}
	if len(e.endpoints) != len(e.agents) {
		return fmt.Errorf("%d endpoints for %d agents", len(e.endpoints), len(e.agents))
	}

	for _, q := range e.order {
		if err := checkQueue(e, q); err != nil {
			return fmt.Errorf("queue %s: %w", q.cfg.Name, err)
		}
	}
	return nil
}

func checkQueue(e *Engine, q *queue) error {
	waiting := 0
	if len(q.groups) != len(q.order) {
		return fmt.Errorf("%d groups by signature, %d in order", len(q.groups), len(q.order))
	}
	for _, g := range q.order {
		if len(g.calls) == 0 {
			return fmt.Errorf("empty group %s kept", signature(g.required))
		}
		if q.groups[signature(g.required)] != g {
			return fmt.Errorf("group %s is not indexed by its signature", signature(g.required))
		}
		waiting += len(g.calls)
		for i, c := range g.calls {
			if c.queue != q || c.group != g || c.state != callWaiting {
				return fmt.Errorf("call %s is in the group but not waiting there", c.id)
			}
			if i > 0 && compareKeys(g.calls[i-1].key, c.key) >= 0 {
				return fmt.Errorf("group out of order at %s", c.id)
			}
		}
	}
	if waiting != q.waiting {
		return fmt.Errorf("waiting counter %d, groups hold %d", q.waiting, waiting)
	}

	var counts [agentStateCount]int
	var available []*agent
	for _, a := range e.agents {
		if slices.Contains(a.queues, q) {
			counts[a.state]++
			if a.state == AgentAvailable {
				available = append(available, a)
			}
		}
	}
	if counts != q.counts {
		return fmt.Errorf("state counts %v, agents give %v", q.counts, counts)
	}
	if len(available) != len(q.available) {
		return fmt.Errorf("%d agents available, index holds %d", len(available), len(q.available))
	}
	for i, a := range q.available {
		if a.state != AgentAvailable || !slices.Contains(available, a) {
			return fmt.Errorf("index holds agent %s in state %s", a.id, a.state)
		}
		if i > 0 && q.compareAgents(q.available[i-1], a) >= 0 {
			return fmt.Errorf("available index out of order at %s", a.id)
		}
	}

	// No waiting call may be servable by an available agent of its queue.
	for _, a := range q.available {
		for _, g := range q.order {
			if len(g.calls) > 0 && a.satisfies(g.required) {
				return fmt.Errorf("agent %s is available while call %s, which the agent can serve, waits", a.id, g.calls[0].id)
			}
		}
	}
	return nil
}

// checkMetrics verifies that the state gauges agree with the engine's state.
func checkMetrics(e *Engine) error {
	var counts [agentStateCount]int
	for _, a := range e.agents {
		counts[a.state]++
	}
	for s := range agentStateCount {
		var m dto.Metric
		if err := e.metrics.agents[s].Write(&m); err != nil {
			return err
		}
		if got := int(m.GetGauge().GetValue()); got != counts[s] {
			return fmt.Errorf("agents gauge for %s is %d, engine has %d", s, got, counts[s])
		}
	}
	for _, q := range e.order {
		var m dto.Metric
		if err := q.depthGauge.Write(&m); err != nil {
			return err
		}
		if got := int(m.GetGauge().GetValue()); got != q.waiting {
			return fmt.Errorf("depth gauge of queue %s is %d, queue has %d waiting", q.cfg.Name, got, q.waiting)
		}
	}
	return nil
}
