package arisim

import (
	"fmt"
	"strings"
	"time"
)

// This file holds the channel life cycle: creation, state changes, Stasis entry and exit, and the
// hang-up sequences. Each sequence reproduces, event for event, what Asterisk 22.10.1 sends for
// the same situation; the comment on each names the situation. Every function here expects s.mu held.

func (s *Server) newUniqueID() string {
	id := fmt.Sprintf("%d.%d", s.startup.Unix(), s.uniqueSeq)
	s.uniqueSeq++
	return id
}

// addChannel registers c and sends ChannelCreated.
func (s *Server) addChannel(c *channel) {
	c.created = s.clock.Now()
	if c.language == "" {
		c.language = "en"
	}
	if c.vars == nil {
		c.vars = map[string]string{}
	}
	if c.subApps == nil {
		c.subApps = map[string]bool{}
	}
	s.channels[c.id] = c
	s.chanOrder = append(s.chanOrder, c)
	s.emitChannel("ChannelCreated", c, nil)
}

// newLocalPair creates the two halves of Local/<resource>, named with one shared counter as
// Asterisk does (Local/1001@sim-answer-0000001e;1 and ;2). The ;1 half starts Down, the ;2 half Ring.
// The application app, if any, receives the ;1 half's events from its creation on.
func (s *Server) newLocalPair(resource, id1, id2 string, kind1, kind2 channelKind, app string) (*channel, *channel) {
	exten, context, _ := strings.Cut(resource, "@")
	if context == "" {
		context = "default"
	}
	n := s.localSeq
	s.localSeq++
	base := fmt.Sprintf("Local/%s-%08x", resource, n)
	if id1 == "" {
		id1 = s.newUniqueID()
	}
	if id2 == "" {
		id2 = s.newUniqueID()
	}
	dp := dialplanCEP{Context: context, Exten: exten, Priority: 1}
	one := &channel{id: id1, name: base + ";1", state: stateDown, kind: kind1, dialplan: dp, endpoint: "Local/" + resource, dialString: resource}
	two := &channel{id: id2, name: base + ";2", state: stateRing, kind: kind2, dialplan: dp, endpoint: "Local/" + resource, dialString: resource}
	one.peer, two.peer = two, one
	one.subApps = map[string]bool{}
	if app != "" {
		one.subApps[app] = true
	}
	s.addChannel(one)
	s.addChannel(two)
	return one, two
}

func (s *Server) emitChannel(typ string, c *channel, fields map[string]any) {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["channel"] = c.json()
	s.emit(typ, fields, c, nil)
}

func (s *Server) setState(c *channel, state string) {
	if c.state == state || c.destroyed {
		return
	}
	c.state = state
	s.emitChannel("ChannelStateChange", c, nil)
	if state == stateUp && c.peer != nil && c.peer.state != stateUp {
		// The Local device is in use once the first half of the pair is up.
		s.deviceState(c.endpoint, "INUSE")
	}
}

// runApp moves c to a dialplan application and sends ChannelDialplan, as Asterisk does each time
// a channel's dialplan starts an application.
func (s *Server) runApp(c *channel, app, data string) {
	c.dialplan.AppName, c.dialplan.AppData = app, data
	s.emitChannel("ChannelDialplan", c, map[string]any{"dialplan_app": app, "dialplan_app_data": data})
}

func (s *Server) setVar(c *channel, name, value string) {
	c.vars[name] = value
	s.emitChannel("ChannelVarset", c, map[string]any{"variable": name, "value": value})
}

// setCallerID sets c's caller id with ChannelCallerId. Until it is bridged, the connected line
// shows the same party (ChannelConnectedLine), as on a Local or originated channel in Asterisk.
func (s *Server) setCallerID(c *channel, id CallerID) {
	c.caller = id
	s.emitChannel("ChannelCallerId", c, map[string]any{
		"caller_presentation": 0, "caller_presentation_txt": "Presentation Allowed, Not Screened",
	})
	if c.connected == (CallerID{}) {
		c.connected = id
		s.emitChannel("ChannelConnectedLine", c, nil)
	}
}

// dialEvent sends Dial with peer as the dialled channel.
func (s *Server) dialEvent(peer *channel, status, dialString string) {
	s.emit("Dial", map[string]any{
		"dialstatus": status, "forward": "", "dialstring": dialString, "peer": peer.json(),
	}, peer, nil)
}

// hangupRequest sends ChannelHangupRequest. A nil cause leaves the field out, as for a SIP BYE.
func (s *Server) hangupRequest(c *channel, cause *int, soft bool) {
	fields := map[string]any{}
	if cause != nil {
		fields["cause"] = *cause
	}
	if soft {
		fields["soft"] = true
	}
	s.emitChannel("ChannelHangupRequest", c, fields)
}

func intp(n int) *int { return &n }

// enterStasis puts c into application app and sends StasisStart.
func (s *Server) enterStasis(c *channel, app string, args []string) {
	if args == nil {
		args = []string{}
	}
	c.app = app
	c.args = args
	c.subApps[app] = true
	c.dialplan.AppName = "Stasis"
	c.dialplan.AppData = strings.Join(append([]string{app}, args...), ",")
	s.setVar(c, "STASISSTATUS", "")
	s.emitChannel("StasisStart", c, map[string]any{"args": args})
}

// leaveStasis takes c out of its bridge and its application: ChannelLeftBridge, StasisEnd.
func (s *Server) leaveStasis(c *channel) {
	if c.bridge != nil {
		s.leaveBridge(c)
	}
	s.stopChannelMedia(c)
	if !c.inStasis() {
		return
	}
	s.releaseZombieBridges(c)
	s.emitChannel("StasisEnd", c, nil)
	c.app = ""
	s.setVar(c, "STASISSTATUS", "SUCCESS")
}

// destroy sends ChannelDestroyed and removes c from the tables. Snoops on c end with it.
func (s *Server) destroy(c *channel, cause int) {
	if c.destroyed {
		return
	}
	if c.bridge != nil {
		s.leaveBridge(c)
	}
	s.stopChannelMedia(c)
	for _, t := range c.timers {
		t.Stop()
	}
	c.timers = nil
	c.hungUp = true
	c.destroyed = true
	s.emitChannel("ChannelDestroyed", c, map[string]any{"cause": cause, "cause_txt": causeText(cause)})
	delete(s.channels, c.id)
	for i, o := range s.chanOrder {
		if o == c {
			s.chanOrder = append(s.chanOrder[:i], s.chanOrder[i+1:]...)
			break
		}
	}
	switch {
	case c.kind == kindPJSIP:
		s.deviceState(c.endpoint, "NOT_INUSE")
	case c.peer != nil && c.peer.destroyed && c.answered:
		s.deviceState(c.endpoint, "NOT_INUSE")
	}
	s.endSnoopsOf(c)
}

// endSnoopsOf ends the snoop channels on c, which Asterisk does after c is destroyed. A deleted
// snoop only now sends ChannelDestroyed. A live one leaves its bridge and Stasis, and gets no
// ChannelHangupRequest.
func (s *Server) endSnoopsOf(c *channel) {
	snoops := c.snoops
	c.snoops = nil
	for _, sn := range snoops {
		if sn.destroyed {
			continue
		}
		if !sn.snoopDeleted {
			s.leaveStasis(sn)
		}
		s.destroy(sn, causeNormal)
	}
}

func (s *Server) schedule(c *channel, d time.Duration, fn func()) {
	c.timers = append(c.timers, s.after(d, func() {
		if c.destroyed {
			return
		}
		fn()
	}))
}

func (s *Server) stopTimers(c *channel) {
	for _, t := range c.timers {
		t.Stop()
	}
	c.timers = nil
}

// isDialplanStasis reports whether c entered Stasis from the dialplan, so that after StasisEnd the
// dialplan resumes and hangs it up (one more soft ChannelHangupRequest).
func isDialplanStasis(c *channel) bool {
	return c.kind == kindCustomerIn || c.kind == kindLocalIn
}

// hangupByARI is DELETE /channels/{id} on c: ChannelHangupRequest cause 32 soft whatever the
// reason, then the reason's cause in ChannelDestroyed. On a Local half the other half follows with
// cause 16.
func (s *Server) hangupByARI(c *channel, cause int) {
	if c.hungUp {
		return
	}
	c.hungUp = true
	s.stopTimers(c)
	s.hangupRequest(c, intp(causeSoftHangup), true)

	if c.dialing && !c.answered {
		// A cancelled dial reports NOANSWER, as a cancelled originate does in Asterisk.
		c.dialing = false
		s.dialEvent(c, "NOANSWER", c.dialString)
	}
	wasInStasis := c.inStasis()
	s.leaveStasis(c)
	if c.kind == kindSnoop {
		// A deleted snoop is destroyed only together with the channel it snoops on.
		c.snoopDeleted = true
		if c.snoopOf == nil || c.snoopOf.destroyed {
			s.destroy(c, cause)
		}
		return
	}
	if wasInStasis && isDialplanStasis(c) {
		s.hangupRequest(c, intp(causeNormal), true)
	}

	peer := c.peer
	if peer == nil || peer.destroyed {
		s.destroy(c, cause)
		return
	}
	peer.hungUp = true
	s.stopTimers(peer)
	s.hangupRequest(peer, intp(causeNormal), false)
	s.destroy(c, cause)
	if peer.inStasis() {
		s.leaveStasis(peer)
	}
	s.hangupRequest(peer, intp(causeNormal), true)
	s.destroy(peer, causeNormal)
}

// hangupFar is the far party of an answered call hanging up: far is the half that is not in
// Stasis (the customer's ;1, the agent's ;2), near its peer.
func (s *Server) hangupFar(far *channel, cause int) {
	near := far.peer
	if far.hungUp {
		return
	}
	far.hungUp = true
	near.hungUp = true
	s.stopTimers(far)
	s.stopTimers(near)
	s.hangupRequest(far, intp(cause), true)
	s.hangupRequest(near, intp(cause), false)
	s.destroy(far, cause)
	wasInStasis := near.inStasis()
	s.leaveStasis(near)
	if wasInStasis && isDialplanStasis(near) {
		s.hangupRequest(near, intp(causeNormal), true)
	}
	s.destroy(near, cause)
}

// abandonUnanswered is a customer giving up before the call was answered: the dial towards the ;2
// half times out, so only ;2 gets a ChannelHangupRequest (not soft) and both end with cause.
func (s *Server) abandonUnanswered(near *channel, cause int) {
	far := near.peer
	if near.hungUp {
		return
	}
	near.hungUp = true
	far.hungUp = true
	s.stopTimers(near)
	s.stopTimers(far)
	s.hangupRequest(near, intp(cause), false)
	s.destroy(far, cause)
	wasInStasis := near.inStasis()
	s.leaveStasis(near)
	if wasInStasis {
		s.hangupRequest(near, intp(causeNormal), true)
	}
	s.destroy(near, cause)
}

// dialplanHangup is a ;2 half that left Stasis (continue, or Stasis failed) and reached the end of
// its dialplan, or a context that does not exist (cause 0).
func (s *Server) dialplanHangup(near *channel, cause int) {
	far := near.peer
	near.hungUp = true
	s.stopTimers(near)
	s.hangupRequest(near, intp(causeNormal), true)
	if far != nil && !far.destroyed {
		far.hungUp = true
		s.stopTimers(far)
		s.hangupRequest(far, intp(cause), false)
	}
	s.destroy(near, cause)
	if far != nil && !far.destroyed {
		s.hangupRequest(far, intp(causeNormal), true)
		s.destroy(far, cause)
	}
}
