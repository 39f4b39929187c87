package callflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/cti/event"
	"github.com/switchboard-cc/switchboard/routing"
)

// A supervision session connects a supervisor's phone to an agent's call:
//
//  1. StartSupervision originates a leg to the supervisor's phone with the Stasis arguments
//     supervise,<supervisor id>,<call id>.
//  2. When that leg enters Stasis (the supervisor answered), the call's worker connects it
//     in the requested mode (connectSupervision).
//  3. The session ends on supervise.stop, when the supervisor's leg hangs up, or when the
//     agent's leg hangs up (the call ended or was transferred away from the agent). The
//     call's worker then hangs up the snoop and the supervisor's leg and destroys the
//     session's bridge.
//
// Listen and whisper use a snoop on the agent's leg, which sits in a bridge of its own with
// the supervisor's leg. Directions are seen from the agent's channel: "both" spies on what
// the agent says (in) and hears (out), that is the whole conversation; whisper "out" speaks
// into what the agent hears only, so the customer does not hear the supervisor.
//
// Barge moves the supervisor's leg into the call's own mixing bridge rather than using a
// snoop with whisper "both". A mixing bridge is Asterisk's way to let any number of parties
// hear each other: with a third member Asterisk mixes it in softmix, where every member hears
// the sum of the others. A whisper audiohook would instead add the supervisor's audio to the
// agent channel's own frames in both directions, and needs a snoop channel besides. Hanging
// up the supervisor's leg takes it out of the bridge and leaves the call as it was.
//
// The agent is not told: no frame goes to the agent's desk. Some centers announce supervision
// to their agents; that is a policy for the center, outside this package.

// SupervisingPauseReason is the pause reason of a supervisor signed in as an agent while they
// supervise a call.
const SupervisingPauseReason = "supervising"

// supervisorRingTimeout is how long the supervisor's phone rings before the session ends
// with no answer.
const supervisorRingTimeout = 30 * time.Second

// supervision is one supervisor's session. Only the loop goroutine touches it.
type supervision struct {
	supervisorID string
	agentID      string
	endpoint     string // the supervisor's phone
	call         *call
	agentLegID   string // the agent's channel, which snoops attach to

	legID    string // the supervisor's leg, empty until the originate request returns
	answered bool   // the supervisor's leg entered Stasis

	// pausedAgent is set when the session paused the supervisor's own agent sign-in, so that
	// routing offers no call to the phone the session uses. The session's end makes them
	// available again.
	pausedAgent bool

	mode    string // the mode the supervisor requested last
	applied string // the mode the media is in, empty until the first connection
	media   supervisionMedia
	// busy is set while a connectSupervision job is queued or running: media is then
	// unknown to the loop, so no other job may start from it.
	busy  bool
	ended bool
}

// supervisionMedia is the set of Asterisk channels and bridges of a session, as the last job
// left them.
type supervisionMedia struct {
	bridgeID        string // the session's own bridge, for listen and whisper
	snoopID         string
	legInBridge     bool // the supervisor's leg is in bridgeID
	legInCallBridge bool // the supervisor's leg is in the call's bridge (barge)
}

var _ api.SupervisorDesk = (*Flow)(nil)

// StartSupervision rings the supervisor's phone for a session on agentID's call. The phone
// is the one the supervisor signed in at as an agent, or else their fixed phone.
func (f *Flow) StartSupervision(ctx context.Context, supervisorID string, s protocol.SuperviseStart) error {
	if s.AgentID == supervisorID {
		return fmt.Errorf("%w: agent_id %s is your own id; choose another agent's call", api.ErrInvalid, s.AgentID)
	}
	profile, err := f.opts.Directory.Agent(ctx, supervisorID)
	if err != nil {
		return fmt.Errorf("%w: load supervisor %s: %v", api.ErrUnavailable, supervisorID, err)
	}

	var result error
	err = f.do(ctx, func() { result = f.startSupervision(supervisorID, profile.Endpoint, s) })
	if err != nil {
		return unavailable(err)
	}
	return result
}

// startSupervision runs on the loop.
func (f *Flow) startSupervision(supervisorID, fixedEndpoint string, s protocol.SuperviseStart) error {
	if _, ok := f.supervisions[supervisorID]; ok {
		return fmt.Errorf("%w: supervisor %s already supervises a call", api.Conflict(protocol.ReasonAlreadySupervising), supervisorID)
	}

	endpoint := fixedEndpoint
	if v, ok := f.agents[supervisorID]; ok && v.state.State != protocol.StateLoggedOut && v.state.Endpoint != "" {
		if v.state.State == protocol.StateReserved || v.state.State == protocol.StateOnCall {
			return fmt.Errorf("%w: supervisor %s has a call at %s", api.Conflict(protocol.ReasonSupervisorOnCall), supervisorID, v.state.Endpoint)
		}
		endpoint = v.state.Endpoint
	}
	if endpoint == "" {
		return fmt.Errorf("%w: supervisor %s has no fixed phone and is not signed in at one",
			api.Conflict(protocol.ReasonNoSupervisorPhone), supervisorID)
	}

	c := f.talkingCall(s.AgentID)
	if c == nil {
		return fmt.Errorf("%w: agent %s is not talking on a call", api.Conflict(protocol.ReasonAgentNotTalking), s.AgentID)
	}
	if s.Mode == protocol.ModeBarge && c.bridgeID == "" {
		return fmt.Errorf("%w: call %s of agent %s is not bridged yet", api.Conflict(protocol.ReasonAgentNotTalking), c.id, s.AgentID)
	}

	sup := &supervision{
		supervisorID: supervisorID, agentID: s.AgentID, endpoint: endpoint,
		call: c, agentLegID: c.leg.id, mode: s.Mode,
	}
	// A supervisor available as an agent would be offered calls on the phone the session
	// uses, so the session pauses them until it ends.
	if v, ok := f.agents[supervisorID]; ok && v.state.State == protocol.StateAvailable {
		if err := rejection(f.route(routing.AgentPause{AgentID: supervisorID, Reason: SupervisingPauseReason})); err != nil {
			return fmt.Errorf("%w: pause supervisor %s as an agent: %v", api.ErrUnavailable, supervisorID, err)
		}
		sup.pausedAgent = true
	}
	f.supervisions[supervisorID] = sup
	f.log.Info("supervision requested", "supervisor_id", supervisorID, "agent_id", s.AgentID,
		"call_id", c.id, "mode", s.Mode, "endpoint", endpoint)

	req := cti.OriginateRequest{
		Endpoint: endpoint,
		Timeout:  supervisorRingTimeout,
		Args:     []string{"supervise", supervisorID, c.id},
	}
	c.worker.submit(func(ctx context.Context) {
		id, err := c.tel.Originate(ctx, req)
		f.post(func() { f.supervisorLegOriginated(sup, id, err) })
	})
	return nil
}

// talkingCall returns the call on which the agent talks (or holds the caller) with an
// answered leg, or nil.
func (f *Flow) talkingCall(agentID string) *call {
	v, ok := f.agents[agentID]
	if !ok || v.call == nil || (v.call.Phase != protocol.PhaseTalking && v.call.Phase != protocol.PhaseHeld) {
		return nil
	}
	c, ok := f.calls[v.call.Offer.CallID]
	if !ok || c.agentID != agentID || c.leg == nil || !c.leg.answered || c.leg.id == "" || !c.customerUp {
		return nil
	}
	return c
}

// SetSupervisionMode switches the supervisor's session to mode. Before the supervisor
// answers, the mode only replaces the one the session will start in.
func (f *Flow) SetSupervisionMode(ctx context.Context, supervisorID, mode string) error {
	var result error
	err := f.do(ctx, func() {
		s, ok := f.supervisions[supervisorID]
		switch {
		case !ok:
			result = fmt.Errorf("%w: supervisor %s has no session", api.Conflict(protocol.ReasonNotSupervising), supervisorID)
		case mode == protocol.ModeBarge && s.call.bridgeID == "":
			result = fmt.Errorf("%w: call %s is not bridged", api.Conflict(protocol.ReasonAgentNotTalking), s.call.id)
		default:
			s.mode = mode
			f.applySupervisionMode(s)
		}
	})
	if err != nil {
		return unavailable(err)
	}
	return result
}

// StopSupervision ends the supervisor's session and hangs up the supervisor's phone.
func (f *Flow) StopSupervision(ctx context.Context, supervisorID string) error {
	var result error
	err := f.do(ctx, func() {
		s, ok := f.supervisions[supervisorID]
		if !ok {
			result = fmt.Errorf("%w: supervisor %s has no session", api.Conflict(protocol.ReasonNotSupervising), supervisorID)
			return
		}
		f.endSupervision(s, protocol.SuperviseEndStopped)
	})
	if err != nil {
		return unavailable(err)
	}
	return result
}

// Supervision returns the supervisor's running session for the hello frame, or nil.
func (f *Flow) Supervision(ctx context.Context, supervisorID string) (*protocol.SupervisionState, error) {
	var state *protocol.SupervisionState
	err := f.do(ctx, func() {
		if s, ok := f.supervisions[supervisorID]; ok {
			state = &protocol.SupervisionState{AgentID: s.agentID, CallID: s.call.id, Mode: s.mode, Active: s.applied}
		}
	})
	return state, unavailable(err)
}

// handleSupervisionEvent handles the events of supervisors' legs and returns true when the
// event concerned only them. An agent leg's hang-up ends the sessions on it and still goes
// on to the call's own handling.
func (f *Flow) handleSupervisionEvent(ev event.Event) bool {
	switch e := ev.(type) {
	case event.CallArrived:
		if len(e.Args) == 0 {
			return false
		}
		switch {
		case e.Args[0] == "supervise":
			f.onSupervisorAnswered(e)
			return true
		case e.Args[0] == "snoop" && e.Adopted:
			// A snoop left from before a restart belongs to a session that no longer exists.
			f.hangupStray(e.Server, e.ChannelID, "snoop of a session from before a restart")
			return true
		}
	case event.OriginateResult:
		s, ok := f.supervisorLegs[e.ChannelID]
		if !ok {
			return false
		}
		if !s.answered && e.Status != event.OriginateAnswered {
			f.log.Info("supervisor's phone did not answer", "supervisor_id", s.supervisorID,
				"endpoint", s.endpoint, "status", e.Status, "dialstatus", e.DialStatus)
			f.endSupervision(s, protocol.SuperviseEndNoAnswer)
		}
		return true
	case event.HungUp:
		if s, ok := f.supervisorLegs[e.ChannelID]; ok {
			delete(f.supervisorLegs, e.ChannelID)
			s.legID = ""
			reason := protocol.SuperviseEndSupervisorHangup
			if !s.answered {
				reason = protocol.SuperviseEndNoAnswer
			}
			f.endSupervision(s, reason)
			return true
		}
		for _, s := range f.supervisions {
			if s.agentLegID == e.ChannelID {
				f.endSupervision(s, protocol.SuperviseEndCallEnded)
			}
		}
	}
	return false
}

// supervisorLegOriginated records the id of the supervisor's leg once the originate request
// returns, and replays the leg's events that came first.
func (f *Flow) supervisorLegOriginated(s *supervision, id string, err error) {
	if err != nil {
		f.log.Warn("ring supervisor's phone failed", "supervisor_id", s.supervisorID, "endpoint", s.endpoint,
			"call_id", s.call.id, "error", err)
		f.endSupervision(s, protocol.SuperviseEndNoAnswer)
		return
	}

	if s.ended {
		// The session ended while the phone was being dialled, and nothing else hangs the leg up.
		s.legID = id
		f.cleanUpSupervision(s)
		return
	}
	if s.legID == "" {
		s.legID = id
		f.supervisorLegs[id] = s
	}
	f.adoptOrphans(id)
}

// onSupervisorAnswered connects a supervisor's leg that entered Stasis to its session.
func (f *Flow) onSupervisorAnswered(e event.CallArrived) {
	if e.Adopted || len(e.Args) < 3 {
		f.hangupStray(e.Server, e.ChannelID, "supervisor leg of no current session")
		return
	}
	supervisorID, callID := e.Args[1], e.Args[2]
	s, ok := f.supervisions[supervisorID]
	if !ok || s.call.id != callID || (s.legID != "" && s.legID != e.ChannelID) {
		f.hangupStray(e.Server, e.ChannelID, "supervisor leg of no current session")
		return
	}
	if s.legID == "" {
		s.legID = e.ChannelID
		f.supervisorLegs[s.legID] = s
	}
	s.answered = true
	f.log.Info("supervisor answered", "supervisor_id", supervisorID, "call_id", callID, "channel_id", e.ChannelID)
	f.applySupervisionMode(s)
}

// applySupervisionMode starts a job that puts the session's media in the requested mode. It
// does nothing while a job runs, because supervisionApplied starts the next one when the
// requested mode changed meanwhile.
func (f *Flow) applySupervisionMode(s *supervision) {
	if s.ended || !s.answered || s.busy || s.applied == s.mode {
		return
	}
	s.busy = true
	plan := supervisionPlan{
		mode: s.mode, current: s.media, supervisorID: s.supervisorID, callID: s.call.id,
		legID: s.legID, agentLegID: s.agentLegID, callBridgeID: s.call.bridgeID,
	}
	tel := s.call.tel
	s.call.worker.submit(func(ctx context.Context) {
		media, err := connectSupervision(ctx, tel, plan)
		f.post(func() { f.supervisionApplied(s, plan.mode, media, err) })
	})
}

func (f *Flow) supervisionApplied(s *supervision, mode string, media supervisionMedia, err error) {
	s.busy = false
	s.media = media
	switch {
	case s.ended:
		f.cleanUpSupervision(s)
		return
	case err != nil:
		f.log.Error("connecting supervisor failed; ending the session", "supervisor_id", s.supervisorID,
			"agent_id", s.agentID, "call_id", s.call.id, "mode", mode, "error", err)
		f.endSupervision(s, protocol.SuperviseEndFailed)
		return
	}

	first := s.applied == ""
	s.applied = mode
	f.log.Info("supervision mode in effect", "supervisor_id", s.supervisorID, "agent_id", s.agentID,
		"call_id", s.call.id, "mode", mode)
	if first {
		f.publish(f.opts.Notifier.PublishSuperviseStarted(s.supervisorID, protocol.SuperviseStarted{
			AgentID: s.agentID, CallID: s.call.id, Mode: mode, StartedAt: f.now(),
		}))
	} else {
		f.publish(f.opts.Notifier.PublishSuperviseModeChanged(s.supervisorID, protocol.SuperviseModeChanged{
			AgentID: s.agentID, CallID: s.call.id, Mode: mode,
		}))
	}
	f.applySupervisionMode(s)
}

// endSupervision ends a session once. It sends the reason to the supervisor and releases the
// media, unless a job still runs, in which case supervisionApplied releases them.
func (f *Flow) endSupervision(s *supervision, reason string) {
	if s.ended {
		return
	}
	s.ended = true
	if f.supervisions[s.supervisorID] == s {
		delete(f.supervisions, s.supervisorID)
	}
	if s.legID != "" {
		delete(f.supervisorLegs, s.legID)
	}
	f.log.Info("supervision ended", "supervisor_id", s.supervisorID, "agent_id", s.agentID,
		"call_id", s.call.id, "reason", reason)
	// The supervisor becomes available again, unless they changed their status meanwhile.
	if v, ok := f.agents[s.supervisorID]; ok && s.pausedAgent &&
		v.state.State == protocol.StatePaused && v.state.Reason == SupervisingPauseReason {
		if err := rejection(f.route(routing.AgentReady{AgentID: s.supervisorID})); err != nil {
			f.log.Warn("supervisor could not be made available again", "supervisor_id", s.supervisorID, "error", err)
		}
	}
	f.publish(f.opts.Notifier.PublishSuperviseEnded(s.supervisorID, protocol.SuperviseEnded{
		AgentID: s.agentID, CallID: s.call.id, Reason: reason, EndedAt: f.now(),
	}))
	if !s.busy {
		f.cleanUpSupervision(s)
	}
}

// endSupervisions ends every session, when the node stops.
func (f *Flow) endSupervisions(reason string) {
	for _, s := range f.supervisions {
		f.endSupervision(s, reason)
	}
}

// cleanUpSupervision hangs up the session's snoop and the supervisor's leg and destroys its
// bridge, on the call's worker. The job is kept on shutdown, so a stopping node does not
// leave supervisors' phones connected.
func (f *Flow) cleanUpSupervision(s *supervision) {
	media, legID, c := s.media, s.legID, s.call
	s.media, s.legID = supervisionMedia{}, ""
	if media == (supervisionMedia{}) && legID == "" {
		return
	}
	c.worker.submitKept(func(ctx context.Context) {
		hangUp := func(what, id string) {
			if id == "" {
				return
			}
			if err := c.tel.Hangup(ctx, id, cti.ReasonNormal); err != nil && !isGone(err) {
				f.log.Warn("hang up "+what+" failed", "supervisor_id", s.supervisorID, "call_id", c.id, "channel_id", id, "error", err)
			}
		}
		hangUp("snoop", media.snoopID)
		hangUp("supervisor leg", legID)
		if media.bridgeID != "" {
			if err := c.tel.DestroyBridge(ctx, media.bridgeID); err != nil && !isGone(err) {
				f.log.Warn("destroy supervision bridge failed", "supervisor_id", s.supervisorID, "call_id", c.id,
					"bridge_id", media.bridgeID, "error", err)
			}
		}
	})
}

// supervisionPlan is the input of connectSupervision, copied from the loop's state.
type supervisionPlan struct {
	mode         string
	current      supervisionMedia
	supervisorID string
	callID       string
	legID        string
	agentLegID   string
	callBridgeID string
}

// connectSupervision puts a session's media in plan.mode, starting from plan.current, and
// returns what exists afterwards, also on error, so that the session's clean-up finds it. It
// runs on the call's worker.
func connectSupervision(ctx context.Context, tel Telephony, plan supervisionPlan) (media supervisionMedia, err error) {
	m := plan.current

	if plan.mode == protocol.ModeBarge {
		if plan.callBridgeID == "" {
			return m, errors.New("barge: the call has no bridge")
		}
		if !m.legInCallBridge {
			// Adding a channel that is in another bridge moves it (ARI, Asterisk 22).
			if err := tel.AddToBridge(ctx, plan.callBridgeID, plan.legID); err != nil {
				return m, fmt.Errorf("barge: add supervisor leg %s to call bridge %s: %w", plan.legID, plan.callBridgeID, err)
			}
			m.legInCallBridge, m.legInBridge = true, false
		}
		if m.snoopID != "" {
			old := m.snoopID
			m.snoopID = ""
			if err := tel.Hangup(ctx, old, cti.ReasonNormal); err != nil && !isGone(err) {
				return m, fmt.Errorf("barge: hang up snoop %s: %w", old, err)
			}
		}
		return m, nil
	}

	req := cti.SnoopRequest{Spy: cti.DirectionBoth, Whisper: cti.DirectionNone, Args: []string{"snoop", plan.supervisorID, plan.callID}}
	if plan.mode == protocol.ModeWhisper {
		req.Whisper = cti.DirectionOut
	}
	snoopID, err := tel.Snoop(ctx, plan.agentLegID, req)
	if err != nil {
		return m, fmt.Errorf("%s: snoop on agent leg %s: %w", plan.mode, plan.agentLegID, err)
	}
	old := m.snoopID
	m.snoopID = snoopID
	defer func() {
		// The returned media name only the new snoop, so on failure the old one goes here.
		if err != nil && old != "" {
			if herr := tel.Hangup(ctx, old, cti.ReasonNormal); herr != nil && !isGone(herr) {
				err = errors.Join(err, herr)
			}
		}
	}()

	if m.bridgeID == "" {
		bridgeID, err := tel.CreateBridge(ctx, "supervise-"+plan.legID)
		if err != nil {
			return m, fmt.Errorf("%s: create bridge: %w", plan.mode, err)
		}
		m.bridgeID = bridgeID
	}
	// The new snoop joins before the old one leaves, so the supervisor hears no gap.
	if err := tel.AddToBridge(ctx, m.bridgeID, snoopID); err != nil {
		return m, fmt.Errorf("%s: add snoop %s to bridge %s: %w", plan.mode, snoopID, m.bridgeID, err)
	}
	if !m.legInBridge {
		if err := tel.AddToBridge(ctx, m.bridgeID, plan.legID); err != nil {
			return m, fmt.Errorf("%s: add supervisor leg %s to bridge %s: %w", plan.mode, plan.legID, m.bridgeID, err)
		}
		m.legInBridge, m.legInCallBridge = true, false
	}
	if old != "" {
		previous := old
		old = "" // the deferred clean-up must not try again
		if err := tel.Hangup(ctx, previous, cti.ReasonNormal); err != nil && !isGone(err) {
			return m, fmt.Errorf("%s: hang up the previous snoop %s: %w", plan.mode, previous, err)
		}
	}
	return m, nil
}
