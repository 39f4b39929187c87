package routing

// The engine keeps one invariant between inputs: no waiting call can be served by an
// available agent of its queue. Only a call entering a queue or an agent becoming available
// can break it. Each is followed at once by a search from that one call or that one agent, so
// no search has to look at all pairs of calls and agents.

// offerCall offers a newly waiting call to the best available agent of its queue, if any
// agent can serve it. Every other waiting call was already unservable by every available
// agent, so FIFO order among them is not disturbed.
func (e *Engine) offerCall(c *call) {
	if a := c.queue.bestAgent(c.group.required); a != nil {
		e.leaveQueue(c)
		c.offerFromQueue = true
		e.reserve(a, c)
	}
}

// offerAgent offers a newly available agent the first waiting call, across the agent's
// queues, that the agent can serve. Only the head of each skill group is a candidate because
// all calls of a group need the same skills.
func (e *Engine) offerAgent(a *agent) {
	var best *call
	for _, q := range a.queues {
		for _, g := range q.order {
			if len(g.calls) == 0 || !a.satisfies(g.required) {
				continue
			}
			if head := g.calls[0]; best == nil || compareKeys(head.key, best.key) < 0 {
				best = head
			}
		}
	}
	if best != nil {
		e.leaveQueue(best)
		best.offerFromQueue = true
		e.reserve(a, best)
	}
}

// reserve rings an available agent for a call that is in no queue group. This is the only
// place an agent becomes reserved, and it requires the agent to be available, so an agent is
// never offered two calls at once.
func (e *Engine) reserve(a *agent, c *call) {
	if a.state != AgentAvailable || a.call != nil {
		panic("routing: reserve on agent " + a.id + " in state " + a.state.String())
	}
	if e.offerHook != nil {
		e.offerHook(a, c)
	}
	q := c.queue
	c.state = callRinging
	c.agent = a
	c.offers++
	if c.offeredAt.IsZero() {
		c.offeredAt = e.now
	}
	a.call = c

	e.emit(RingAgent{CallID: c.id, AgentID: a.id, Endpoint: a.endpoint, Timeout: q.cfg.RingTimeout, CallerNumber: c.callerNumber})
	e.emit(CallOffered{
		CallID: c.id, AgentID: a.id, Queue: q.cfg.Name, CallerNumber: c.callerNumber,
		ContactID: c.contactID, VIP: c.vip, Priority: c.priority, At: e.now,
	})
	e.setState(a, AgentReserved, "")
	e.schedule(timer{at: e.now.Add(q.cfg.RingTimeout), kind: timerRing, agent: a, gen: a.gen})
	e.metrics.decisions.Inc()
	e.log.Debug("call offered", "call_id", c.id, "agent_id", a.id, "queue", q.cfg.Name)
}
