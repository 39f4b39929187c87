package arisim

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// defaultDialTimeout is Asterisk's originate timeout when none is given.
const defaultDialTimeout = 30 * time.Second

// newDialled creates the channel(s) for endpoint. It returns the channel ARI talks to (the ;1 half
// of a Local pair, or the PJSIP channel), or an ARI error status and body.
func (s *Server) newDialled(endpoint, id, otherID, app string) (*channel, int, any) {
	tech, resource, ok := splitEndpoint(endpoint)
	if !ok {
		return nil, 400, map[string]string{"message": "Invalid endpoint specified"}
	}
	if id != "" && s.channels[id] != nil || otherID != "" && s.channels[otherID] != nil {
		return nil, 409, map[string]string{"message": "Channel with given unique ID already exists"}
	}
	switch strings.ToLower(tech) {
	case "local":
		one, two := s.newLocalPair(resource, id, otherIDFor(id, otherID), kindLocalOut, kindLocalIn, app)
		one.rule = matchRule(s.opts.Rules, one.endpoint)
		two.rule = one.rule
		return one, 0, nil
	case "pjsip":
		if !s.pjsipConfigured(resource) {
			// Asterisk cannot allocate a channel to an endpoint that is not configured.
			return nil, 500, map[string]string{"error": "Allocation failed"}
		}
		if id == "" {
			id = s.newUniqueID()
		}
		name := strings.SplitN(resource, "/", 2)[0]
		c := &channel{
			id: id, name: "PJSIP/" + name + "-" + hex8(s.pjsipSeq), state: stateDown, kind: kindPJSIP,
			protocolID: uuid.NewString(), endpoint: "PJSIP/" + name, dialString: resource,
			dialplan: dialplanCEP{Context: "from-agent", Exten: "s", Priority: 1},
		}
		s.pjsipSeq++
		c.rule = matchRule(s.opts.Rules, c.endpoint)
		c.subApps = map[string]bool{}
		if app != "" {
			c.subApps[app] = true
		}
		s.addChannel(c)
		return c, 0, nil
	}
	return nil, 500, map[string]string{"error": "Allocation failed"}
}

// otherIDFor returns the id of a Local pair's ;2 half: Asterisk appends ";2" to a client-chosen id.
func otherIDFor(id, otherID string) string {
	if otherID != "" {
		return otherID
	}
	if id != "" {
		return id + ";2"
	}
	return ""
}

func (s *Server) pjsipConfigured(resource string) bool {
	name := strings.SplitN(resource, "/", 2)[0]
	for _, e := range s.opts.PJSIPEndpoints {
		if e == name {
			return true
		}
	}
	return false
}

func hex8(n int) string {
	const digits = "0123456789abcdef"
	b := []byte("00000000")
	for i := 7; i >= 0 && n > 0; i-- {
		b[i] = digits[n&15]
		n >>= 4
	}
	return string(b)
}

// startDial dials x (a Local ;1 half or a PJSIP channel) as an originate does, or as
// POST /channels/{id}/dial does for a channel made with channels/create (viaCreate).
func (s *Server) startDial(x *channel, timeout time.Duration) {
	if timeout <= 0 {
		timeout = defaultDialTimeout
	}
	if x.kind == kindLocalOut && x.rule == nil {
		// A Local channel into a context with no simulated behaviour is a context that does not
		// exist: both halves are destroyed with cause 0 and there is no Dial event.
		y := x.peer
		s.leaveStasis(x)
		s.destroy(y, causeUnknown)
		s.destroy(x, causeUnknown)
		return
	}
	x.dialing = true
	later := x.dialString
	if x.viaCreate {
		later = ""
	}
	if x.kind == kindPJSIP {
		s.deviceState(x.endpoint, "RINGING")
	}
	s.dialEvent(x, "", x.dialString)

	behaviour := Manual
	if x.rule != nil {
		behaviour = x.rule.Behaviour
	}
	if y := x.peer; y != nil {
		switch behaviour {
		case Busy:
			s.runApp(y, "Busy", "20")
		case Congestion:
			s.runApp(y, "Congestion", "20")
		default:
			s.runApp(y, "Ringing", "")
		}
	}
	switch behaviour {
	case Busy:
		s.failDial(x, "BUSY", later)
	case Congestion:
		s.failDial(x, "CONGESTION", later)
	default:
		if x.kind == kindPJSIP {
			s.dialEvent(x, "RINGING", later)
			s.setState(x, stateRinging)
		} else {
			s.setState(x, stateRinging)
			s.dialEvent(x, "RINGING", later)
		}
		if behaviour == Answer {
			s.schedule(x, x.rule.AnswerAfter, func() { s.answerDial(x) })
		}
		s.schedule(x, timeout, func() { s.dialTimeout(x) })
	}
}

// failDial ends a dial with BUSY or CONGESTION. An originated channel is destroyed with cause 0
// (only the Local ;2 half shows 17 or 34); a channel made with channels/create stays in Stasis.
func (s *Server) failDial(x *channel, status, dialString string) {
	x.dialing = false
	y := x.peer
	cause := causeBusy
	if status == "CONGESTION" {
		cause = causeCongestion
	}

	if x.kind == kindPJSIP {
		s.dialEvent(x, status, dialString)
		if !x.viaCreate {
			s.destroy(x, cause)
		}
		return
	}

	if x.viaCreate {
		if status == "BUSY" {
			s.dialEvent(x, status, dialString)
			s.setState(y, stateBusy)
		} else {
			s.setState(y, stateBusy)
			s.dialEvent(x, status, dialString)
		}
		return
	}
	x.hungUp, y.hungUp = true, true
	s.setState(y, stateBusy)
	s.dialEvent(x, status, dialString)
	s.hangupRequest(y, intp(causeUnknown), false)
	if status == "BUSY" {
		s.hangupRequest(y, intp(causeNormal), true)
		s.destroy(y, cause)
		s.destroy(x, causeUnknown)
		return
	}
	s.destroy(x, causeUnknown)
	s.hangupRequest(y, intp(causeNormal), true)
	s.destroy(y, cause)
}

// answerDial is the dialled party answering: both halves go Up, Dial ANSWER, and an originate with
// an application enters Stasis only now.
func (s *Server) answerDial(x *channel) {
	if x.hungUp || x.answered {
		return
	}
	s.stopTimers(x)
	y := x.peer
	if y != nil {
		s.stopTimers(y)
		y.answered = true
		s.runApp(y, "Answer", "")
		s.setState(y, stateUp)
	}
	x.answered = true
	x.dialing = false
	s.setState(x, stateUp)
	dialString := x.dialString
	if x.viaCreate {
		dialString = ""
	}
	s.dialEvent(x, "ANSWER", dialString)
	if x.kind == kindPJSIP {
		s.deviceState(x.endpoint, "INUSE")
	}

	if x.originApp != "" && !x.inStasis() {
		if !s.appConnected(x.originApp) {
			s.stasisFailed(x)
			return
		}
		s.enterStasis(x, x.originApp, x.originArgs)
	}
	if y != nil && x.rule != nil && x.rule.HangupAfter > 0 {
		s.schedule(y, x.rule.HangupAfter, func() { s.hangupFar(y, causeNormal) })
	}
}

// stasisFailed is an originated channel answering for an application with no client connected:
// STASISSTATUS=FAILED and both halves end with cause 0.
func (s *Server) stasisFailed(x *channel) {
	s.setVar(x, "STASISSTATUS", "")
	s.setVar(x, "STASISSTATUS", "FAILED")
	x.hungUp = true
	y := x.peer
	if y == nil {
		s.hangupRequest(x, intp(causeUnknown), false)
		s.destroy(x, causeUnknown)
		return
	}
	y.hungUp = true
	s.stopTimers(y)
	s.hangupRequest(y, intp(causeUnknown), false)
	s.hangupRequest(y, intp(causeNormal), true)
	s.destroy(y, causeUnknown)
	s.destroy(x, causeUnknown)
}

// dialTimeout ends a dial nobody answered: cause 19 and no Dial NOANSWER.
func (s *Server) dialTimeout(x *channel) {
	if x.hungUp || x.answered {
		return
	}
	x.dialing = false
	x.hungUp = true
	y := x.peer
	if x.viaCreate {
		// Asterisk hangs up a created channel whose dial timed out.
		s.hangupRequest(x, intp(causeSoftHangup), true)
		s.leaveStasis(x)
	}

	if y == nil {
		if !x.viaCreate {
			s.hangupRequest(x, intp(causeNoAnswer), false)
		}
		s.destroy(x, causeNoAnswer)
		return
	}
	y.hungUp = true
	s.stopTimers(y)
	s.hangupRequest(y, intp(causeNoAnswer), false)
	if x.viaCreate {
		s.hangupRequest(y, intp(causeNormal), true)
		s.destroy(y, causeNoAnswer)
		s.destroy(x, causeNoAnswer)
		return
	}
	s.destroy(x, causeNoAnswer)
	s.hangupRequest(y, intp(causeNormal), true)
	s.destroy(y, causeNoAnswer)
}

// deviceState sends DeviceStateChanged, which only subscribeAll clients receive.
func (s *Server) deviceState(name, state string) {
	s.emitEvent("DeviceStateChanged", map[string]any{
		"device_state": map[string]string{"name": name, "state": state},
	}, nil, nil, true)
}
