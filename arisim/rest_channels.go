package arisim

import (
	"strings"
	"time"
)

// lookupChannel returns the live channel with id, or nil. The caller holds s.mu.
func (s *Server) lookupChannel(id string) *channel {
	c := s.channels[id]
	if c == nil || c.destroyed {
		return nil
	}
	return c
}

func (s *Server) restChannelList(w writerRequest, _ map[string]string) {
	s.mu.Lock()
	list := make([]channelJSON, 0, len(s.chanOrder))
	for _, c := range s.chanOrder {
		list = append(list, c.json())
	}
	s.mu.Unlock()
	w.json(200, list)
}

func (s *Server) restChannelGet(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	c := s.lookupChannel(vars["id"])
	if c == nil {
		s.mu.Unlock()
		w.error(404, "Channel not found")
		return
	}
	j := c.json()
	s.mu.Unlock()
	w.json(200, j)
}

// restOriginate is POST /channels and POST /channels/{channelId}.
func (s *Server) restOriginate(w writerRequest, vars map[string]string) {
	p := w.params
	endpoint := p.str("endpoint")
	app := p.str("app")
	if endpoint == "" {
		w.error(400, "Endpoint must be specified")
		return
	}
	if app == "" && p.str("extension") == "" {
		w.error(400, "Application or extension must be specified")
		return
	}
	id := p.str("channelId")
	if vars["id"] != "" {
		id = vars["id"]
	}
	timeout := time.Duration(p.int("timeout", 30)) * time.Second
	args := p.list("appArgs")

	s.mu.Lock()
	x, status, body := s.newDialled(endpoint, id, p.str("otherChannelId"), app)
	if x == nil {
		s.mu.Unlock()
		w.json(status, body)
		return
	}
	x.originApp, x.originArgs = app, args
	for k, v := range p.vars() {
		x.vars[k] = v
	}
	s.runApp(x, "AppDial2", "(Outgoing Line)")
	if cid := parseCallerID(p.str("callerId")); cid != (CallerID{}) {
		s.setCallerID(x, cid)
		if x.peer != nil {
			s.setCallerID(x.peer, cid)
		}
	}
	snapshot := x.json()
	s.startDial(x, timeout)
	s.mu.Unlock()
	w.json(200, snapshot)
}

// restCreate is POST /channels/create: the channel enters Stasis at once, in state Down, and is
// dialled later with POST /channels/{id}/dial.
func (s *Server) restCreate(w writerRequest, _ map[string]string) {
	p := w.params
	endpoint := p.str("endpoint")
	app := p.str("app")
	if endpoint == "" {
		w.error(400, "Endpoint must be specified")
		return
	}
	if app == "" {
		w.error(400, "Application must be specified")
		return
	}

	s.mu.Lock()
	x, status, body := s.newDialled(endpoint, p.str("channelId"), p.str("otherChannelId"), app)
	if x == nil {
		s.mu.Unlock()
		w.json(status, body)
		return
	}
	x.viaCreate = true
	for k, v := range p.vars() {
		x.vars[k] = v
	}

	snapshot := x.json()
	if !s.appConnected(app) {
		s.stasisFailed(x)
	} else {
		s.enterStasis(x, app, p.list("appArgs"))
	}
	s.mu.Unlock()
	w.json(200, snapshot)
}

// stasisChannel looks up the channel for an operation that needs it in Stasis, writing 404 or 409
// when it is missing or not in Stasis. On success it returns with s.mu held.
func (s *Server) stasisChannel(w writerRequest, id string) *channel {
	s.mu.Lock()
	c := s.lookupChannel(id)
	if c == nil {
		s.mu.Unlock()
		w.error(404, "Channel not found")
		return nil
	}
	if !c.inStasis() {
		s.mu.Unlock()
		w.error(409, "Channel not in Stasis application")
		return nil
	}
	return c
}

func (s *Server) restDial(w writerRequest, vars map[string]string) {
	c := s.stasisChannel(w, vars["id"])
	if c == nil {
		return
	}
	if c.dialing || c.answered || !c.viaCreate {
		s.mu.Unlock()
		w.error(409, "Channel is not in a state to be dialed")
		return
	}
	timeout := time.Duration(w.params.int("timeout", 0)) * time.Second
	if cid := parseCallerID(w.params.str("caller")); cid != (CallerID{}) {
		s.setCallerID(c, cid)
	}
	if c.peer != nil {
		s.setVar(c.peer, "STASISSTATUS", "")
	}
	s.startDial(c, timeout)
	s.mu.Unlock()
	w.noContent()
}

func (s *Server) restAnswer(w writerRequest, vars map[string]string) {
	c := s.stasisChannel(w, vars["id"])
	if c == nil {
		return
	}
	s.answerChannel(c)
	s.mu.Unlock()
	w.noContent()
}

// answerChannel answers a channel in Stasis that is ringing in (a customer's ;2 half).
func (s *Server) answerChannel(c *channel) {
	if c.state == stateUp {
		return
	}
	c.answered = true
	s.setState(c, stateUp)
	if c.peer != nil && !c.peer.destroyed {
		far := c.peer
		far.answered = true
		s.setState(far, stateUp)
		s.dialEvent(far, "ANSWER", far.dialString)
	}
}

// restNoEvent serves the operations that Asterisk 22 acknowledges with 204 and no event at all
// (ring, hold, mute, silence): ARI hold does not emit ChannelHold.
func (s *Server) restNoEvent(w writerRequest, vars map[string]string) {
	if s.stasisChannel(w, vars["id"]) == nil {
		return
	}
	s.mu.Unlock()
	w.noContent()
}

// restChannelMOH starts or stops music on hold. An unknown class is accepted, as in Asterisk.
func (s *Server) restChannelMOH(w writerRequest, vars map[string]string) {
	c := s.stasisChannel(w, vars["id"])
	if c == nil {
		return
	}
	c.moh = w.r.Method == "POST"
	s.mu.Unlock()
	w.noContent()
}

func (s *Server) restHangup(w writerRequest, vars map[string]string) {
	cause := causeNormal
	if reason := w.params.str("reason"); reason != "" {
		code, ok := hangupReasons[reason]
		if !ok {
			w.error(400, "Invalid reason for hangup reason provided")
			return
		}
		cause = code
	}
	if code := w.params.int("reason_code", -1); code >= 0 {
		cause = code
	}
	s.mu.Lock()
	c := s.lookupChannel(vars["id"])
	if c == nil {
		s.mu.Unlock()
		w.error(404, "Channel not found")
		return
	}
	s.hangupByARI(c, cause)
	s.mu.Unlock()
	w.noContent()
}

// dtmfGap is the time between two digits when the request does not set "between" (Asterisk: 100 ms).
const dtmfGap = 100 * time.Millisecond

func (s *Server) restSendDTMF(w writerRequest, vars map[string]string) {
	digits := w.params.str("dtmf")
	if digits == "" {
		w.error(400, "DTMF is required")
		return
	}
	c := s.stasisChannel(w, vars["id"])
	if c == nil {
		return
	}
	before := time.Duration(w.params.int("before", 0)) * time.Millisecond
	between := time.Duration(w.params.int("between", int(dtmfGap/time.Millisecond))) * time.Millisecond
	duration := w.params.int("duration", 100)
	// The digits go out of the channel, so the far side of a Local pair receives them. A phone's
	// channel sends them to the phone, which ARI does not see.
	if target := c.peer; target != nil {
		at := before
		for _, d := range digits {
			digit := string(d)
			at += time.Duration(duration) * time.Millisecond
			s.schedule(target, at, func() { s.dtmfReceived(target, digit, duration) })
			at += between
		}
	}
	s.mu.Unlock()
	w.noContent()
}

// dtmfReceived sends ChannelDtmfReceived on c and passes the digit on through c's bridge: each
// other member's far side hears it, so a Local member's other half reports it too.
func (s *Server) dtmfReceived(c *channel, digit string, durationMS int) {
	s.emitChannel("ChannelDtmfReceived", c, map[string]any{"digit": digit, "duration_ms": durationMS})
	if c.bridge == nil {
		return
	}
	for _, m := range c.bridge.channels {
		if m == c || m.peer == nil || m.peer.destroyed {
			continue
		}
		s.emitChannel("ChannelDtmfReceived", m.peer, map[string]any{"digit": digit, "duration_ms": durationMS})
	}
}

func (s *Server) restGetVar(w writerRequest, vars map[string]string) {
	name := w.params.str("variable")
	if name == "" {
		w.error(400, "Variable name is required")
		return
	}
	s.mu.Lock()
	c := s.lookupChannel(vars["id"])
	if c == nil {
		s.mu.Unlock()
		w.error(404, "Channel not found")
		return
	}
	value, ok := c.vars[name]
	if !ok {
		value, ok = builtinVar(c, name)
	}
	s.mu.Unlock()
	if !ok {
		w.error(404, "Provided variable was not found")
		return
	}
	w.json(200, map[string]string{"value": value})
}

// builtinVar returns the values of the dialplan functions clients commonly read.
func builtinVar(c *channel, name string) (string, bool) {
	switch name {
	case "CALLERID(num)":
		return c.caller.Number, true
	case "CALLERID(name)":
		return c.caller.Name, true
	case "CHANNEL(name)":
		return c.name, true
	case "UNIQUEID":
		return c.id, true
	}
	return "", false
}

func (s *Server) restSetVar(w writerRequest, vars map[string]string) {
	name := w.params.str("variable")
	if name == "" {
		w.error(400, "Variable name is required")
		return
	}
	s.mu.Lock()
	c := s.lookupChannel(vars["id"])
	if c == nil {
		s.mu.Unlock()
		w.error(404, "Channel not found")
		return
	}
	s.setVar(c, name, w.params.str("value"))
	s.mu.Unlock()
	w.noContent()
}

// restContinue takes the channel out of Stasis into the dialplan. The simulator has no dialplan of
// its own, so the channel reaches the end of the given context and hangs up. The cause is 0 when
// the endpoint rules do not know the context, which is Asterisk's result for a missing context.
func (s *Server) restContinue(w writerRequest, vars map[string]string) {
	c := s.stasisChannel(w, vars["id"])
	if c == nil {
		return
	}
	context := w.params.str("context")
	s.continued = append(s.continued, Continued{
		ChannelID: c.id, Context: context, Extension: w.params.str("extension"), Priority: w.params.str("priority"),
	})
	cause := causeUnknown
	if context == "" || s.knownContext(context) {
		cause = causeNormal
	}
	s.leaveStasis(c)
	if c.peer != nil {
		s.dialplanHangup(c, cause)
	} else {
		s.hangupRequest(c, intp(causeNormal), true)
		s.destroy(c, cause)
	}
	s.mu.Unlock()
	w.noContent()
}

// restRedirect sends the party behind a channel elsewhere (a SIP 302 or REFER in Asterisk). The
// party leaves, so the simulator ends the channel as an ARI hang-up with cause 16 would.
// NOTE: no recording covers redirect; the statuses follow Asterisk's REST description, the event
// sequence is the hang-up one.
func (s *Server) restRedirect(w writerRequest, vars map[string]string) {
	endpoint := w.params.str("endpoint")
	if endpoint == "" {
		w.error(400, "Endpoint parameter not provided")
		return
	}
	c := s.stasisChannel(w, vars["id"])
	if c == nil {
		return
	}
	tech, _, ok := splitEndpoint(endpoint)
	channelTech, _, _ := strings.Cut(c.name, "/")
	if !ok || !strings.EqualFold(tech, channelTech) {
		s.mu.Unlock()
		w.error(422, "Endpoint is not the same type as the channel")
		return
	}
	if c.state != stateUp && c.state != stateRinging && c.state != stateRing {
		s.mu.Unlock()
		w.error(412, "Channel in invalid state")
		return
	}
	s.hangupByARI(c, causeNormal)
	s.mu.Unlock()
	w.noContent()
}

func (s *Server) knownContext(context string) bool {
	if context == "from-customer" || context == "default" {
		return true
	}
	for _, r := range s.opts.Rules {
		if strings.HasSuffix(r.Pattern, "@"+context) {
			return true
		}
	}
	return false
}
