package routing

import "math"

func (e *Engine) agentStatus(id string) AgentStatus {
	a, ok := e.agents[id]
	if !ok {
		return AgentStatus{AgentID: id, State: AgentLoggedOut}
	}
	s := AgentStatus{
		AgentID:  a.id,
		State:    a.state,
		Reason:   a.reason,
		Since:    a.since,
		Endpoint: a.endpoint,
		CallID:   a.wrapCall,
		Until:    a.wrapUntil,
	}
	for _, q := range a.queues {
		s.Queues = append(s.Queues, q.cfg.Name)
	}
	if a.call != nil {
		s.CallID = a.call.id
		s.CallerNumber = a.call.callerNumber
		s.ContactID = a.call.contactID
	}
	if a.pendingPause {
		s.PendingPause = a.pendingReason
	}
	return s
}

func (e *Engine) emitStats() {
	for _, q := range e.order {
		wait, known := q.estimateWait(q.waiting + 1)
		serviceLevel, serviceLevelKnown := q.serviceLevel()
		e.emit(QueueStats{
			Queue:             q.cfg.Name,
			At:                e.now,
			Waiting:           q.waiting,
			LongestWait:       q.longestWait(e.now),
			AgentsByState:     q.counts,
			EstimatedWait:     wait,
			WaitKnown:         known,
			Answered:          q.stats.answered,
			AnsweredInSL:      q.stats.answeredInSL,
			Abandoned:         q.stats.abandoned,
			Overflowed:        q.stats.overflowed,
			NoAgent:           q.stats.noAgent,
			Closed:            q.stats.closed,
			Failed:            q.stats.failed,
			ServiceLevel:      serviceLevel,
			ServiceLevelKnown: serviceLevelKnown,
			AbandonedRatio:    q.abandonedRatio(),
		})
	}
}

// publishServiceLevel sets the queue's service level gauge. Before any call finished waiting it
// is NaN, which Prometheus stores and Grafana draws as "no data". A 1 there would read as a
// perfect service level on a dashboard and lift averages over queues.
func (q *queue) publishServiceLevel() {
	ratio, known := q.serviceLevel()
	if !known {
		ratio = math.NaN()
	}
	q.slGauge.Set(ratio)
}
