package routing

import (
	"fmt"
	"slices"
	"time"
)

func (e *Engine) signIn(in AgentSignIn) {
	if in.AgentID == "" {
		e.reject(in, fmt.Errorf("%w: agent id is empty", ErrInvalidInput))
		return
	}
	if in.Endpoint == "" {
		e.reject(in, fmt.Errorf("%w: agent %q signs in without a phone endpoint", ErrInvalidInput, in.AgentID))
		return
	}
	if _, ok := e.agents[in.AgentID]; ok {
		e.reject(in, fmt.Errorf("%w: agent %q is already signed in; sign out first", ErrInvalidState, in.AgentID))
		return
	}
	if other, ok := e.endpoints[in.Endpoint]; ok {
		e.reject(in, fmt.Errorf("%w: endpoint %q is used by agent %q", ErrEndpointInUse, in.Endpoint, other.id))
		return
	}
	if err := validateSkills(in.Skills); err != nil {
		e.reject(in, fmt.Errorf("%w: agent %q: %v", ErrInvalidInput, in.AgentID, err))
		return
	}
	if len(in.Queues) == 0 {
		e.reject(in, fmt.Errorf("%w: agent %q signs in to no queue", ErrInvalidInput, in.AgentID))
		return
	}
	queues := make([]*queue, 0, len(in.Queues))
	for _, name := range in.Queues {
		q, ok := e.queues[name]
		if !ok {
			e.reject(in, fmt.Errorf("%w: agent %q names queue %q", ErrUnknownQueue, in.AgentID, name))
			return
		}
		if slices.Contains(queues, q) {
			e.reject(in, fmt.Errorf("%w: agent %q lists queue %q twice", ErrInvalidInput, in.AgentID, name))
			return
		}
		queues = append(queues, q)
	}

	e.agentSeq++
	a := &agent{
		id:       in.AgentID,
		seq:      e.agentSeq,
		endpoint: in.Endpoint,
		skills:   make(map[string]int, len(in.Skills)),
		queues:   queues,
		state:    AgentLoggedOut,
	}
	for _, s := range in.Skills {
		a.skills[s.Skill] = s.Level
	}
	for _, q := range queues {
		q.counts[AgentLoggedOut]++
	}
	e.agents[a.id] = a
	e.endpoints[a.endpoint] = a

	e.log.Info("agent signed in", "agent_id", a.id, "endpoint", a.endpoint, "queues", in.Queues)
	e.makeAvailable(a)
}

func (e *Engine) signOutRequest(in AgentSignOut) {
	a, ok := e.agents[in.AgentID]
	if !ok {
		e.reject(in, fmt.Errorf("%w: %q", ErrUnknownAgent, in.AgentID))
		return
	}
	switch a.state {
	case AgentOnCall:
		e.reject(in, fmt.Errorf("%w: agent %q is on call %q; end it before signing out", ErrInvalidState, a.id, a.call.id))
		return
	case AgentReserved:
		c := a.call
		fromQueue := c.offerFromQueue
		e.withdraw(a, "agent_signed_out", true)
		e.signOut(a)
		e.requeue(c, fromQueue)
		return
	}
	e.signOut(a)
}

func (e *Engine) signOut(a *agent) {
	e.setState(a, AgentLoggedOut, "")
	for _, q := range a.queues {
		q.counts[AgentLoggedOut]--
		if q.signedIn() == 0 {
			q.noAgentsSeen = true
		}
	}
	delete(e.agents, a.id)
	delete(e.endpoints, a.endpoint)
	e.log.Info("agent signed out", "agent_id", a.id)
}

func (e *Engine) pause(in AgentPause) {
	a, ok := e.agents[in.AgentID]
	if !ok {
		e.reject(in, fmt.Errorf("%w: %q", ErrUnknownAgent, in.AgentID))
		return
	}
	if in.Reason == "" {
		e.reject(in, fmt.Errorf("%w: agent %q pauses without a reason code", ErrInvalidInput, a.id))
		return
	}

	switch a.state {
	case AgentOnCall:
		a.pendingPause = true
		a.pendingReason = in.Reason
	case AgentReserved:
		c := a.call
		fromQueue := c.offerFromQueue
		e.withdraw(a, "agent_paused", true)
		e.setState(a, AgentPaused, in.Reason)
		e.requeue(c, fromQueue)
	default:
		e.setState(a, AgentPaused, in.Reason)
	}
}

func (e *Engine) ready(in AgentReady) {
	a, ok := e.agents[in.AgentID]
	if !ok {
		e.reject(in, fmt.Errorf("%w: %q", ErrUnknownAgent, in.AgentID))
		return
	}
	switch a.state {
	case AgentAvailable:
	case AgentPaused, AgentWrapUp:
		a.pendingPause = false
		e.makeAvailable(a)
	case AgentOnCall:
		// Ready during a call cancels a pause requested for after it.
		a.pendingPause = false
	default:
		e.reject(in, fmt.Errorf("%w: agent %q is %s", ErrInvalidState, a.id, a.state))
	}
}

func (e *Engine) changeEndpoint(in AgentChangeEndpoint) {
	a, ok := e.agents[in.AgentID]
	if !ok {
		e.reject(in, fmt.Errorf("%w: %q", ErrUnknownAgent, in.AgentID))
		return
	}
	if in.Endpoint == "" {
		e.reject(in, fmt.Errorf("%w: agent %q changes to an empty phone endpoint", ErrInvalidInput, a.id))
		return
	}
	if in.Endpoint == a.endpoint {
		return
	}
	if a.state == AgentReserved || a.state == AgentOnCall {
		// The ringing or talking leg is on the old phone; moving now would split the call
		// from the phone routing thinks the agent uses.
		e.reject(in, fmt.Errorf("%w: agent %q is %s; change the phone after the call", ErrInvalidState, a.id, a.state))
		return
	}
	if other, ok := e.endpoints[in.Endpoint]; ok {
		e.reject(in, fmt.Errorf("%w: endpoint %q is used by agent %q", ErrEndpointInUse, in.Endpoint, other.id))
		return
	}

	delete(e.endpoints, a.endpoint)
	e.log.Info("agent changed phone", "agent_id", a.id, "from", a.endpoint, "to", in.Endpoint)
	a.endpoint = in.Endpoint
	e.endpoints[a.endpoint] = a
}

func (e *Engine) wrapUpDone(in WrapUpDone) {
	a, ok := e.agents[in.AgentID]
	if !ok {
		e.reject(in, fmt.Errorf("%w: %q", ErrUnknownAgent, in.AgentID))
		return
	}
	if a.state != AgentWrapUp {
		e.reject(in, fmt.Errorf("%w: agent %q is %s, not in wrap-up", ErrInvalidState, a.id, a.state))
		return
	}
	e.finishWrapUp(a)
}

// offeredCall returns the call and agent when the call is ringing that agent.
func (e *Engine) offeredCall(callID, agentID string) (*call, *agent, error) {
	a, ok := e.agents[agentID]
	if !ok {
		return nil, nil, fmt.Errorf("%w: %q", ErrUnknownAgent, agentID)
	}
	c, ok := e.calls[callID]
	if !ok {
		return nil, a, fmt.Errorf("%w: %q", ErrUnknownCall, callID)
	}
	if a.state != AgentReserved || a.call != c {
		return nil, a, fmt.Errorf("%w: call %q is not ringing agent %q", ErrInvalidState, callID, agentID)
	}
	return c, a, nil
}

func (e *Engine) agentAnswered(in AgentAnswered) {
	if a, ok := e.agents[in.AgentID]; ok && a.state == AgentOnCall && a.call.id == in.CallID {
		// A repeated answer event, for example after the telephony layer resynchronises,
		// must not disturb the call in progress.
		e.log.Debug("repeated answer ignored", "call_id", in.CallID, "agent_id", a.id)
		return
	}
	c, a, err := e.offeredCall(in.CallID, in.AgentID)
	if err != nil {
		e.reject(in, err)
		if a != nil {
			// The offer was withdrawn while the phone answered; drop the stray leg.
			e.emit(CancelRing{CallID: in.CallID, AgentID: a.id, Endpoint: a.endpoint})
		}
		return
	}

	q := c.queue
	if c.offerFromQueue {
		e.countExit(q, c, OutcomeAnswered)
	}
	c.state = callTalking
	c.talkStart = e.now
	c.lastAgent = a.id
	if c.answeredAt.IsZero() {
		c.answeredAt = e.now
	}
	a.answered++

	e.emit(BridgeCall{CallID: c.id, AgentID: a.id, Endpoint: a.endpoint})
	e.emit(CallAnswered{CallID: c.id, AgentID: a.id, Queue: q.cfg.Name, Wait: e.now.Sub(c.arrived), At: e.now})
	e.setState(a, AgentOnCall, "")
	e.log.Debug("call answered", "call_id", c.id, "agent_id", a.id, "queue", q.cfg.Name)
}

// legFailureReason maps a failed agent leg to the pause reason that keeps the call from
// ringing the same phone again.
func legFailureReason(f LegFailure) string {
	switch f {
	case LegNoAnswer:
		return ReasonMissed
	case LegBusy:
		return ReasonPhoneBusy
	}
	return ReasonPhoneUnreachable
}

func (e *Engine) legFailed(in AgentLegFailed) {
	c, a, err := e.offeredCall(in.CallID, in.AgentID)
	if err != nil {
		e.reject(in, err)
		return
	}
	fromQueue := c.offerFromQueue
	e.withdraw(a, in.Reason.String(), false)
	e.setState(a, AgentPaused, legFailureReason(in.Reason))
	e.log.Info("agent leg failed", "call_id", c.id, "agent_id", a.id, "reason", in.Reason.String(), "cause", in.Cause)
	e.requeue(c, fromQueue)
}

func (e *Engine) ringTimedOut(a *agent) {
	c := a.call
	fromQueue := c.offerFromQueue
	e.withdraw(a, "ring_timeout", true)
	e.setState(a, AgentPaused, ReasonMissed)
	e.log.Info("agent missed a call", "call_id", c.id, "agent_id", a.id)
	e.requeue(c, fromQueue)
}

// withdraw ends a ringing offer. The caller decides the agent's next state and what happens
// to the call.
func (e *Engine) withdraw(a *agent, reason string, cancel bool) {
	c := a.call
	if cancel {
		e.emit(CancelRing{CallID: c.id, AgentID: a.id, Endpoint: a.endpoint})
	}
	e.emit(CallOfferWithdrawn{CallID: c.id, AgentID: a.id, Reason: reason})
	a.call = nil
	c.agent = nil
	c.offerFromQueue = false
}

// startWrapUp moves an agent whose call just ended into the wrap-up of the queue the call
// was answered from, or straight on when that queue has none.
func (e *Engine) startWrapUp(a *agent, callID string, q *queue) {
	a.call = nil
	wrap := q.cfg.WrapUp
	if wrap <= 0 {
		e.releaseAfterCall(a)
		return
	}
	a.wrapCall = callID
	a.wrapUntil = e.now.Add(wrap)
	e.setState(a, AgentWrapUp, "")
	e.schedule(timer{at: a.wrapUntil, kind: timerWrapUp, agent: a, gen: a.gen})
}

func (e *Engine) finishWrapUp(a *agent) {
	a.wrapCall = ""
	a.wrapUntil = time.Time{}
	e.releaseAfterCall(a)
}

// releaseAfterCall makes an agent available after a call, or paused when a pause was
// requested during the call.
func (e *Engine) releaseAfterCall(a *agent) {
	if a.pendingPause {
		a.pendingPause = false
		e.setState(a, AgentPaused, a.pendingReason)
		return
	}
	e.makeAvailable(a)
}

func (e *Engine) makeAvailable(a *agent) {
	e.setState(a, AgentAvailable, "")
	e.offerAgent(a)
}

// setState moves an agent to a new state and keeps the per-queue indexes and counts in step.
func (e *Engine) setState(a *agent, s AgentState, reason string) {
	if a.state == AgentAvailable {
		for _, q := range a.queues {
			q.removeAvailable(a)
		}
	}
	for _, q := range a.queues {
		q.counts[a.state]--
		q.counts[s]++
	}
	if a.state != AgentLoggedOut {
		e.metrics.agents[a.state].Dec()
	}
	if s != AgentLoggedOut {
		e.metrics.agents[s].Inc()
	}

	a.state = s
	a.reason = reason
	a.since = e.now
	a.gen++
	if s != AgentWrapUp {
		a.wrapCall = ""
		a.wrapUntil = time.Time{}
	}
	if s == AgentPaused {
		a.pendingPause = false
	}
	if s == AgentAvailable {
		a.idleSince = e.now
		for _, q := range a.queues {
			q.addAvailable(a)
		}
	}

	change := AgentStateChanged{AgentID: a.id, State: s, Reason: reason, At: e.now}
	switch s {
	case AgentReserved, AgentOnCall:
		change.CallID = a.call.id
	case AgentWrapUp:
		change.CallID = a.wrapCall
		change.Until = a.wrapUntil
	}
	e.emit(change)
}
