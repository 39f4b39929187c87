package routing

import "fmt"

func (e *Engine) basePriority(in CallArrived) int {
	p := e.priorities
	priority := p.Ordinary
	if in.Kind == CallCallback {
		priority = max(priority, p.Callback)
	}
	if in.Kind == CallCampaign {
		priority = max(priority, p.Campaign)
	}
	if in.VIP {
		priority = max(priority, p.VIP)
	}
	return min(max(priority+in.PriorityBoost, 0), MaxPriority)
}

func (e *Engine) callArrived(in CallArrived) {
	if in.CallID == "" {
		e.reject(in, fmt.Errorf("%w: call id is empty", ErrInvalidInput))
		return
	}
	if _, dup := e.calls[in.CallID]; dup {
		// The live call keeps its state; the duplicate gets no record of its own because
		// records are keyed by call id.
		e.reject(in, fmt.Errorf("%w: call %q is already in the engine", ErrInvalidInput, in.CallID))
		return
	}

	arrived := e.now
	if !in.ArrivedAt.IsZero() && in.ArrivedAt.Before(e.now) {
		arrived = in.ArrivedAt
	}

	e.callSeq++
	c := &call{
		id:           in.CallID,
		callerNumber: in.CallerNumber,
		contactID:    in.ContactID,
		vip:          in.VIP,
		kind:         in.Kind,
		priority:     e.basePriority(in),
		firstQueue:   in.Queue,
		arrived:      arrived,
		key:          waitKey{seq: e.callSeq},
	}
	e.calls[c.id] = c

	q, ok := e.queues[in.Queue]
	if !ok {
		e.reject(in, fmt.Errorf("%w: call %q names queue %q", ErrUnknownQueue, in.CallID, in.Queue))
		e.emit(HangUp{CallID: c.id, Reason: HangUpUnknownQueue})
		e.finalize(c, OutcomeFailed, PartySystem, "unknown queue "+in.Queue)
		return
	}
	c.queue = q
	if err := validateSkills(in.Skills); err != nil {
		e.reject(in, fmt.Errorf("%w: call %q: %v", ErrInvalidInput, in.CallID, err))
		e.emit(HangUp{CallID: c.id, Reason: HangUpInvalidCall})
		e.countExit(q, c, OutcomeFailed)
		e.finalize(c, OutcomeFailed, PartySystem, "invalid required skills")
		return
	}
	c.skills = mergeSkills(nil, in.Skills)

	e.log.Debug("call arrived", "call_id", c.id, "queue", q.cfg.Name, "priority", c.priority)
	e.admit(c, q)
}

// admit applies a queue's entry rules to a call arriving in it (first arrival, overflow or
// transfer) and queues the call if they allow.
func (e *Engine) admit(c *call, q *queue) {
	c.queue = q
	if q.hours != nil && !q.hours.open(e.now) {
		e.emit(HangUp{CallID: c.id, Reason: HangUpClosed})
		e.countExit(q, c, OutcomeClosed)
		e.finalize(c, OutcomeClosed, PartySystem, "")
		return
	}

	required := mergeSkills(q.cfg.Skills, c.skills)
	if q.cfg.MaxLength > 0 && q.waiting >= q.cfg.MaxLength && q.bestAgent(required) == nil {
		e.overflowFrom(c, q, "queue_full")
		return
	}
	if q.cfg.OverflowWhenNoAgents && q.signedIn() == 0 {
		e.overflowFrom(c, q, "no_agents")
		return
	}

	c.enqueued = e.now
	e.enqueue(c, q.group(required))
	if c.state == callWaiting {
		e.announce(c)
	}
}

// enqueue inserts a call into a queue group, schedules its wait timers and offers it to the
// best available agent. The call keeps its arrival time, so a call that returns after a
// missed offer goes back to where its age and priority place it, ahead of later arrivals.
func (e *Engine) enqueue(c *call, g *callGroup) {
	q := c.queue
	c.key.virtual = int64(c.arrived.Sub(e.epoch)) - int64(c.priority)*int64(q.cfg.AgingStep)
	c.state = callWaiting
	c.group = g
	c.queueGen++
	g.insert(c)
	q.waiting++
	q.depthGauge.Set(float64(q.waiting))

	e.emit(CallQueued{CallID: c.id, Queue: q.cfg.Name, Priority: c.priority, Position: q.position(c), At: e.now})

	if q.cfg.MaxWait > 0 {
		e.schedule(timer{at: c.enqueued.Add(q.cfg.MaxWait), kind: timerMaxWait, call: c, gen: c.queueGen})
	}
	e.scheduleAnnounce(c)
	e.offerCall(c)
}

// requeue returns a call whose offer failed to its queue. A call offered from the queue keeps
// its queue entry time, so MaxWait still counts from it. A call offered by a transfer enters
// the queue now.
func (e *Engine) requeue(c *call, fromQueue bool) {
	q := c.queue
	if !fromQueue {
		c.enqueued = e.now
	}
	if q.cfg.MaxWait > 0 && !e.now.Before(c.enqueued.Add(q.cfg.MaxWait)) {
		e.overflowFrom(c, q, "max_wait")
		return
	}
	e.enqueue(c, q.group(mergeSkills(q.cfg.Skills, c.skills)))
}

// leaveQueue removes a waiting call from its group.
func (e *Engine) leaveQueue(c *call) {
	q := c.queue
	c.group.remove(c)
	if len(c.group.calls) == 0 {
		q.dropGroup(c.group)
	}
	c.group = nil
	c.queueGen++
	q.waiting--
	q.depthGauge.Set(float64(q.waiting))
}

// overflow takes a waiting call out of its queue and sends it to the queue's overflow
// destination.
func (e *Engine) overflow(c *call, reason string) {
	e.leaveQueue(c)
	e.overflowFrom(c, c.queue, reason)
}

// overflowFrom sends a call that is in no queue group to q's overflow destination. Overflow
// chains are acyclic (checked in Config validation), so the recursion through admit ends.
func (e *Engine) overflowFrom(c *call, q *queue, reason string) {
	e.log.Debug("call overflowed", "call_id", c.id, "queue", q.cfg.Name, "reason", reason)
	switch q.cfg.Overflow.Kind {
	case OverflowQueue:
		target := e.queues[q.cfg.Overflow.Queue]
		c.overflows++
		e.countExit(q, c, OutcomeOverflowed)
		e.emit(CallOverflowed{CallID: c.id, From: q.cfg.Name, To: target.cfg.Name, Reason: reason})
		e.admit(c, target)
	case OverflowVoicemail:
		e.countExit(q, c, OutcomeOverflowed)
		e.emit(OfferVoicemail{CallID: c.id, Queue: q.cfg.Name})
		e.finalize(c, OutcomeOverflowed, PartySystem, reason)
	case OverflowCallback:
		e.countExit(q, c, OutcomeOverflowed)
		e.emit(OfferCallback{CallID: c.id, Queue: q.cfg.Name})
		e.finalize(c, OutcomeOverflowed, PartySystem, reason)
	default:
		e.countExit(q, c, OutcomeNoAgent)
		e.emit(HangUp{CallID: c.id, Reason: HangUpNoAgent})
		e.finalize(c, OutcomeNoAgent, PartySystem, reason)
	}
}

// countExit counts a call leaving queue q for the queue's statistics and metrics. Answers are
// counted in the queue they were offered from, so the wait is the time in that queue.
func (e *Engine) countExit(q *queue, c *call, result Outcome) {
	wait := e.now.Sub(c.enqueued)
	if c.enqueued.IsZero() {
		wait = 0
	}
	switch result {
	case OutcomeAnswered:
		q.stats.answered++
		if wait <= q.cfg.ServiceLevelThreshold {
			q.stats.answeredInSL++
			e.metrics.answeredInSL.WithLabelValues(q.cfg.Name).Inc()
		}
	case OutcomeAbandoned:
		q.stats.abandoned++
	case OutcomeOverflowed:
		q.stats.overflowed++
	case OutcomeNoAgent:
		q.stats.noAgent++
	case OutcomeClosed:
		q.stats.closed++
	case OutcomeFailed:
		q.stats.failed++
	}
	e.metrics.queueResults.WithLabelValues(q.cfg.Name, string(result)).Inc()
	if result != OutcomeClosed {
		e.metrics.waitSeconds.WithLabelValues(q.cfg.Name, string(result)).Observe(wait.Seconds())
	}
	q.publishServiceLevel()
}

// finalize emits the call's only CallRecord and removes the call from the engine. A call answered at least
// once is recorded as answered whatever ended it.
func (e *Engine) finalize(c *call, outcome Outcome, by Party, cause string) {
	if !c.answeredAt.IsZero() {
		outcome = OutcomeAnswered
	}
	rec := CallRecord{
		CallID:       c.id,
		FirstQueue:   c.firstQueue,
		CallerNumber: c.callerNumber,
		ContactID:    c.contactID,
		Kind:         c.kind,
		Priority:     c.priority,
		Outcome:      outcome,
		ArrivedAt:    c.arrived,
		OfferedAt:    c.offeredAt,
		AnsweredAt:   c.answeredAt,
		EndedAt:      e.now,
		Talk:         c.talk,
		HangUpBy:     by,
		HangUpCause:  cause,
		Offers:       c.offers,
		Overflows:    c.overflows,
		Transfers:    c.transfers,
		AgentID:      c.lastAgent,
	}
	if c.queue != nil {
		rec.Queue = c.queue.cfg.Name
	} else {
		rec.Queue = c.firstQueue
	}
	if c.answeredAt.IsZero() {
		rec.Wait = e.now.Sub(c.arrived)
	} else {
		rec.Wait = c.answeredAt.Sub(c.arrived)
	}

	c.queueGen++
	c.group = nil
	delete(e.calls, c.id)
	e.emit(rec)
	e.log.Debug("call finished", "call_id", c.id, "queue", rec.Queue, "agent_id", rec.AgentID, "outcome", outcome)
}

func (e *Engine) announce(c *call) {
	q := c.queue
	pos := q.position(c)
	wait, known := q.estimateWait(pos)
	e.emit(PlayPosition{CallID: c.id, Queue: q.cfg.Name, Position: pos, EstimatedWait: wait, WaitKnown: known})
}

func (e *Engine) scheduleAnnounce(c *call) {
	if d := c.queue.cfg.AnnounceInterval; d > 0 {
		e.schedule(timer{at: e.now.Add(d), kind: timerAnnounce, call: c, gen: c.queueGen})
	}
}

func (e *Engine) callEnded(in CallEnded) {
	c, ok := e.calls[in.CallID]
	if !ok {
		// cti reports the end of every channel, including calls the engine already finished
		// (voicemail, callback offers, closed queues), so this is normal.
		e.log.Debug("end of untracked call ignored", "call_id", in.CallID)
		return
	}

	unanswered := OutcomeAbandoned
	if in.By == PartySystem {
		unanswered = OutcomeFailed
	}
	switch c.state {
	case callWaiting:
		e.leaveQueue(c)
		e.countExit(c.queue, c, unanswered)
		e.finalize(c, unanswered, in.By, in.Cause)

	case callRinging:
		a := c.agent
		fromQueue := c.offerFromQueue
		e.withdraw(a, "abandoned", true)
		if fromQueue {
			e.countExit(c.queue, c, unanswered)
		}
		e.finalize(c, unanswered, in.By, in.Cause)
		e.makeAvailable(a)

	case callTalking:
		a := c.agent
		c.talk += e.now.Sub(c.talkStart)
		c.queue.recordHandleTime(e.now.Sub(c.talkStart))
		c.agent = nil
		e.finalize(c, OutcomeAnswered, in.By, in.Cause)
		e.startWrapUp(a, c.id, c.queue)
	}
}

func (e *Engine) hangUpRequest(in HangUpRequest) {
	c, a, err := e.talkingCall(in.CallID, in.AgentID)
	if err != nil {
		e.reject(in, err)
		return
	}
	e.log.Debug("agent requested hang-up", "call_id", c.id, "agent_id", a.id)
	e.emit(HangUp{CallID: c.id, Reason: HangUpAgentRequest})
}

// talkingCall returns the call and agent when the agent is talking on that call.
func (e *Engine) talkingCall(callID, agentID string) (*call, *agent, error) {
	c, ok := e.calls[callID]
	if !ok {
		return nil, nil, fmt.Errorf("%w: %q", ErrUnknownCall, callID)
	}
	a, ok := e.agents[agentID]
	if !ok {
		return nil, nil, fmt.Errorf("%w: %q", ErrUnknownAgent, agentID)
	}
	if c.state != callTalking || c.agent != a {
		return nil, nil, fmt.Errorf("%w: agent %q is not talking on call %q", ErrInvalidState, agentID, callID)
	}
	return c, a, nil
}

// releaseForTransfer ends an agent's part in a call that continues elsewhere.
func (e *Engine) releaseForTransfer(c *call, a *agent) {
	segment := e.now.Sub(c.talkStart)
	c.talk += segment
	c.queue.recordHandleTime(segment)
	c.transfers++
	c.agent = nil
	c.offerFromQueue = false
	e.emit(ReleaseAgent{CallID: c.id, AgentID: a.id, Endpoint: a.endpoint})
}

func (e *Engine) transferToQueue(in TransferToQueue) {
	c, a, err := e.talkingCall(in.CallID, in.FromAgentID)
	if err != nil {
		e.reject(in, err)
		return
	}
	q, ok := e.queues[in.Queue]
	if !ok {
		e.reject(in, fmt.Errorf("%w: %q", ErrUnknownQueue, in.Queue))
		return
	}
	// An arrival in a closed queue is hung up. A caller already talking to an agent should not
	// be, so the transfer is rejected and the agent keeps the call.
	if q.hours != nil && !q.hours.open(e.now) {
		e.reject(in, fmt.Errorf("%w: queue %q is closed now; transfer to an open queue or an agent", ErrInvalidState, q.cfg.Name))
		return
	}

	from := c.queue
	e.releaseForTransfer(c, a)
	// The call is queued before the agent is released, so an agent without wrap-up is not
	// offered the call they just transferred away.
	e.admit(c, q)
	e.startWrapUp(a, c.id, from)
}

func (e *Engine) transferToAgent(in TransferToAgent) {
	c, from, err := e.talkingCall(in.CallID, in.FromAgentID)
	if err != nil {
		e.reject(in, err)
		return
	}
	to, ok := e.agents[in.ToAgentID]
	if !ok {
		e.reject(in, fmt.Errorf("%w: %q", ErrUnknownAgent, in.ToAgentID))
		return
	}
	if to.state != AgentAvailable {
		e.reject(in, fmt.Errorf("%w: transfer target %q is %s, not available", ErrInvalidState, to.id, to.state))
		return
	}

	e.releaseForTransfer(c, from)
	e.reserve(to, c)
	e.startWrapUp(from, c.id, c.queue)
}
