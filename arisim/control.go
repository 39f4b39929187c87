package arisim

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Errors of the control methods.
var (
	// ErrNotFound means the channel or endpoint does not exist (any more).
	ErrNotFound = errors.New("not found")
	// ErrInvalid means an argument is malformed.
	ErrInvalid = errors.New("invalid argument")
	// ErrState means the channel is not in a state where the action applies.
	ErrState = errors.New("invalid channel state")
	// ErrStasisFailed means the call's application has no connected client: as in Asterisk,
	// Stasis() fails (STASISSTATUS=FAILED) and the dialplan's fallback ends the call.
	ErrStasisFailed = errors.New("stasis application not connected")
	// ErrClosed means the server was closed.
	ErrClosed = errors.New("simulator closed")
)

// Call describes a simulated customer call arriving from the network.
type Call struct {
	CallerNumber string
	CallerName   string
	// Dialed is the DID the customer dialled; the call appears as Local/<Dialed>@from-customer.
	Dialed string
	// App is the Stasis application the dialplan sends the call to; empty means Options.DefaultApp.
	App  string
	Args []string
	// HangupAfter is the talk time: the customer hangs up this long after the call is first
	// bridged with another channel (an agent). Zero means the customer stays until Hangup is
	// called or the other side hangs up.
	HangupAfter time.Duration
	// AbandonAfter is the customer's patience: if the call has not been bridged with another
	// channel this long after it arrived, the customer hangs up, with cause 16 once answered
	// (waiting with music on hold) and cause 19 while still ringing, as the recorded simulated
	// caller gave up. Zero means the customer waits forever.
	AbandonAfter time.Duration
}

// ArriveCall makes a customer call appear as Asterisk 22 shows an inbound call that the dialplan
// sends to Stasis: a Local/<Dialed>@from-customer pair whose ;2 half enters Stasis un-answered
// (state Ring) with Args. It returns the ;2 half's channel id. When App has no connected client
// the channels still appear, Stasis fails and the call ends; the error is ErrStasisFailed.
func (s *Server) ArriveCall(call Call) (string, error) {
	if call.App == "" {
		call.App = s.opts.DefaultApp
	}
	if call.Dialed == "" || strings.ContainsAny(call.Dialed, "/@;, ") {
		return "", fmt.Errorf("arrive call: dialed number %q: %w: use digits such as 100", call.Dialed, ErrInvalid)
	}
	if call.App == "" || strings.ContainsAny(call.App, ", ") {
		return "", fmt.Errorf("arrive call: application %q: %w: name the Stasis application, e.g. switchboard", call.App, ErrInvalid)
	}
	if call.HangupAfter < 0 || call.AbandonAfter < 0 {
		return "", fmt.Errorf("arrive call: negative hangup or abandon delay: %w", ErrInvalid)
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return "", fmt.Errorf("arrive call: %w", ErrClosed)
	}
	out, in := s.newLocalPair(call.Dialed+"@from-customer", "", "", kindCustomerOut, kindCustomerIn, "")
	out.rule, in.rule = nil, nil
	s.runApp(out, "AppDial2", "(Outgoing Line)")
	cid := CallerID{Name: call.CallerName, Number: call.CallerNumber}
	s.setCallerID(out, cid)
	s.setCallerID(in, cid)
	s.dialEvent(out, "", out.dialString)
	in.talkTime = call.HangupAfter
	s.runApp(in, "NoOp", fmt.Sprintf("Inbound customer call %q <%s> -> %s", call.CallerName, call.CallerNumber, call.Dialed))
	in.dialplan.Priority = 2
	s.runApp(in, "Stasis", strings.Join(append([]string{call.App}, call.Args...), ","))

	var err error
	if s.appConnected(call.App) {
		s.enterStasis(in, call.App, call.Args)
		if call.AbandonAfter > 0 {
			in.abandonTimer = s.after(call.AbandonAfter, func() {
				in.abandonTimer = nil
				switch {
				case in.hungUp:
				case in.answered:
					s.hangupFar(in.peer, causeNormal)
				default:
					s.abandonUnanswered(in, causeNoAnswer)
				}
			})
		}
	} else {
		// The dialplan's fallback after STASISSTATUS=FAILED ends the call.
		s.setVar(in, "STASISSTATUS", "FAILED")
		s.dialplanHangup(in, causeNormal)
		err = fmt.Errorf("arrive call to %s for application %q: %w", call.Dialed, call.App, ErrStasisFailed)
	}
	id := in.id
	s.mu.Unlock()
	s.flushEvents()
	return id, err
}

func (s *Server) stopAbandonTimer(c *channel) {
	if c.abandonTimer != nil {
		c.abandonTimer.Stop()
		c.abandonTimer = nil
	}
}

// control runs fn on the channel with id under the lock, then waits for its events to go out.
func (s *Server) control(op, id string, fn func(c *channel) error) error {
	s.mu.Lock()
	c := s.lookupChannel(id)
	if c == nil {
		s.mu.Unlock()
		return fmt.Errorf("%s: channel %q: %w", op, id, ErrNotFound)
	}
	err := fn(c)
	s.mu.Unlock()
	s.flushEvents()
	if err != nil {
		return fmt.Errorf("%s: channel %q: %w", op, id, err)
	}
	return nil
}

// Hangup makes the party behind a channel hang up with a Q.850 cause (0 means 16, normal
// clearing). For a customer call either half may be named; an answered call ends as when the
// customer hangs up, an unanswered one as when the customer gives up. For an originated Local
// channel the dialled party hangs up; while it still rings, cause 17 makes it busy, 34 congested
// and any other cause lets the dial time out. A SIP phone sends BYE (no cause in
// ChannelHangupRequest) or, while ringing, declines with busy.
func (s *Server) Hangup(channelID string, cause int) error {
	if cause < 0 || cause > 127 {
		return fmt.Errorf("hangup: cause %d: %w: use a Q.850 cause from 0 to 127", cause, ErrInvalid)
	}
	return s.control("hangup", channelID, func(c *channel) error {
		if c.hungUp {
			return ErrState
		}
		finalCause := cause
		if finalCause == 0 {
			finalCause = causeNormal
		}
		switch c.kind {
		case kindCustomerIn, kindCustomerOut:
			in := c
			if c.kind == kindCustomerOut {
				in = c.peer
			}
			s.stopAbandonTimer(in)
			if in.answered {
				s.hangupFar(in.peer, finalCause)
			} else {
				s.abandonUnanswered(in, finalCause)
			}
		case kindLocalOut, kindLocalIn:
			x := c
			if c.kind == kindLocalIn {
				x = c.peer
			}
			s.farPartyHangup(x, finalCause)
		case kindPJSIP:
			s.phoneHangup(c, cause)
		case kindSnoop:
			s.hangupByARI(c, finalCause)
		}
		return nil
	})
}

// farPartyHangup ends the dialled side of an originated Local pair (x is its ;1 half).
func (s *Server) farPartyHangup(x *channel, cause int) {
	switch {
	case x.answered:
		s.hangupFar(x.peer, cause)
	case x.dialing && cause == causeBusy:
		s.failDial(x, "BUSY", x.dialString)
	case x.dialing && cause == causeCongestion:
		s.failDial(x, "CONGESTION", x.dialString)
	case x.dialing:
		s.dialTimeout(x)
	default:
		s.hangupByARI(x, cause)
	}
}

// phoneHangup is a SIP phone ending its call: BYE when answered, a busy decline while ringing.
func (s *Server) phoneHangup(c *channel, cause int) {
	if !c.answered {
		if c.dialing {
			s.stopTimers(c)
			s.failDial(c, "BUSY", c.dialString)
		}
		return
	}
	c.hungUp = true
	s.stopTimers(c)
	if cause == 0 {
		s.hangupRequest(c, nil, false)
		cause = causeNormal
	} else {
		s.hangupRequest(c, intp(cause), false)
	}
	s.leaveStasis(c)
	s.destroy(c, cause)
}

// dtmfSpacing is the time from one simulated key press to the next (150 ms tone, 300 ms pause),
// as the recorded customer dialplan's SendDTMF(digits,300,150) sent them.
const dtmfSpacing = 450 * time.Millisecond

// Key press lengths in ChannelDtmfReceived: the recorded customer dialplan sent 150 ms tones, the
// recorded SIP phone 280 ms RFC 4733 events.
const (
	customerDTMFDuration = 150
	phoneDTMFDuration    = 280
)

// SendDTMF makes the party behind a channel press digits (0-9, *, #, A-D). The channel in Stasis
// receives them: the ;2 half of a customer call, or the phone's channel. The first digit comes at
// once and the rest 450 ms apart, each 150 ms long from a customer and 280 ms from a phone. The
// channel's bridge passes them on to the other members' far sides.
func (s *Server) SendDTMF(channelID, digits string) error {
	if digits == "" || strings.Trim(digits, "0123456789*#ABCDabcd") != "" {
		return fmt.Errorf("send dtmf: digits %q: %w: use 0-9, *, # or A-D", digits, ErrInvalid)
	}
	return s.control("send dtmf", channelID, func(c *channel) error {
		target := c
		if !c.inStasis() && c.peer != nil && c.peer.inStasis() {
			target = c.peer
		}
		duration := customerDTMFDuration
		if target.kind == kindPJSIP {
			duration = phoneDTMFDuration
		}
		for i, d := range strings.ToUpper(digits) {
			digit := string(d)
			if i == 0 {
				s.dtmfReceived(target, digit, duration)
				continue
			}
			s.schedule(target, time.Duration(i)*dtmfSpacing, func() { s.dtmfReceived(target, digit, duration) })
		}
		return nil
	})
}

// AnswerChannel answers a ringing dialled channel, as a person picking up the phone: a PJSIP
// channel or the ;1 half (or ;2) of an originated Local pair whose endpoint rule is Manual (any
// ringing one works).
func (s *Server) AnswerChannel(channelID string) error {
	return s.control("answer", channelID, func(c *channel) error {
		x := c
		if c.kind == kindLocalIn {
			x = c.peer
		}
		if x.kind != kindLocalOut && x.kind != kindPJSIP || !x.dialing || x.answered {
			return ErrState
		}
		s.answerDial(x)
		return nil
	})
}

// AnswerEndpoint answers the oldest ringing channel dialled to endpoint (e.g. "PJSIP/1001") and
// returns its id.
func (s *Server) AnswerEndpoint(endpoint string) (string, error) {
	s.mu.Lock()
	var found *channel
	for _, c := range s.chanOrder {
		if (c.kind == kindPJSIP || c.kind == kindLocalOut) && c.endpoint == endpoint && c.dialing && !c.answered && !c.hungUp {
			found = c
			break
		}
	}
	if found == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("answer endpoint %q: no ringing channel: %w", endpoint, ErrNotFound)
	}
	s.answerDial(found)
	id := found.id
	s.mu.Unlock()
	s.flushEvents()
	return id, nil
}

// PhoneHold puts the call on hold from a SIP phone: ChannelHold with music class "default".
// ARI's own hold sends no event; only a phone's does.
func (s *Server) PhoneHold(channelID string) error {
	return s.control("phone hold", channelID, func(c *channel) error {
		if c.kind != kindPJSIP || !c.answered {
			return ErrState
		}
		c.held = true
		s.emitChannel("ChannelHold", c, map[string]any{"musicclass": "default"})
		return nil
	})
}

// PhoneUnhold takes the call off hold from a SIP phone: ChannelUnhold.
func (s *Server) PhoneUnhold(channelID string) error {
	return s.control("phone unhold", channelID, func(c *channel) error {
		if c.kind != kindPJSIP || !c.held {
			return ErrState
		}
		c.held = false
		s.emitChannel("ChannelUnhold", c, nil)
		return nil
	})
}

// RegisterEndpoint simulates a SIP phone registering for a configured PJSIP endpoint
// ("PJSIP/1001"): DeviceStateChanged NOT_INUSE, PeerStatusChange Reachable and ContactStatusChange
// NonQualified, with no EndpointStateChange, as Asterisk 22 sends them.
func (s *Server) RegisterEndpoint(endpoint string) error {
	return s.registration(endpoint, true)
}

// UnregisterEndpoint simulates the phone unregistering: PeerStatusChange Unreachable,
// DeviceStateChanged UNAVAILABLE, ContactStatusChange Removed.
func (s *Server) UnregisterEndpoint(endpoint string) error {
	return s.registration(endpoint, false)
}

func (s *Server) registration(endpoint string, register bool) error {
	tech, res, ok := splitEndpoint(endpoint)
	if !ok || !strings.EqualFold(tech, "PJSIP") {
		return fmt.Errorf("register endpoint %q: %w: use PJSIP/<resource>", endpoint, ErrInvalid)
	}
	s.mu.Lock()
	if !s.pjsipConfigured(res) {
		s.mu.Unlock()
		return fmt.Errorf("register endpoint %q: %w", endpoint, ErrNotFound)
	}
	s.registered[res] = register
	state, peer, contact, device := "offline", "Unreachable", "Removed", "UNAVAILABLE"
	if register {
		state, peer, contact, device = "online", "Reachable", "NonQualified", "NOT_INUSE"
	}
	ep := endpointJSON{Technology: "PJSIP", Resource: res, State: state, ChannelIDs: []string{}}
	contactInfo := map[string]string{
		"uri": "sip:" + res + "@127.0.0.1:5070", "contact_status": contact, "aor": res, "roundtrip_usec": "0",
	}
	if register {
		s.deviceState("PJSIP/"+res, device)
	}
	s.emitEvent("PeerStatusChange", map[string]any{"endpoint": ep, "peer": map[string]string{"peer_status": peer}}, nil, nil, true)
	if !register {
		s.deviceState("PJSIP/"+res, device)
	}
	s.emitEvent("ContactStatusChange", map[string]any{"endpoint": ep, "contact_info": contactInfo}, nil, nil, true)
	s.mu.Unlock()
	s.flushEvents()
	return nil
}

// DropWebSockets closes every events connection at once without a close frame, as a network
// failure would, and returns how many it closed. Events of the gap are lost, as in Asterisk.
func (s *Server) DropWebSockets() int {
	s.mu.Lock()
	conns := make([]*eventConn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
		s.removeConn(c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	return len(conns)
}

// Stats counts what the server did since New.
type Stats struct {
	// EventsSent counts events emitted, before fan-out to the clients.
	EventsSent int
	// DroppedClients counts events clients disconnected because they fell behind.
	DroppedClients int
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ChannelInfo is a snapshot of one channel for assertions.
type ChannelInfo struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	State    string   `json:"state"`
	Endpoint string   `json:"endpoint,omitempty"`
	Caller   CallerID `json:"caller"`
	// App is the Stasis application the channel is in, "" when not in Stasis.
	App      string   `json:"app,omitempty"`
	Args     []string `json:"args,omitempty"`
	BridgeID string   `json:"bridgeId,omitempty"`
	// PeerID is the other half of a Local channel pair.
	PeerID string `json:"peerId,omitempty"`
	MOH    bool   `json:"moh"`
	// SnoopOf is the channel a snoop channel listens to; Spy and Whisper are the directions
	// it was created with (none, in, out or both). All three are empty for other channels.
	SnoopOf string `json:"snoopOf,omitempty"`
	Spy     string `json:"spy,omitempty"`
	Whisper string `json:"whisper,omitempty"`
}

// BridgeInfo is a snapshot of one bridge for assertions.
type BridgeInfo struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	Channels []string `json:"channels"`
}

// Channels returns a snapshot of every live channel, in creation order.
func (s *Server) Channels() []ChannelInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ChannelInfo, 0, len(s.chanOrder))
	for _, c := range s.chanOrder {
		info := ChannelInfo{
			ID: c.id, Name: c.name, State: c.state, Endpoint: c.endpoint, Caller: c.caller,
			App: c.app, Args: append([]string(nil), c.args...), MOH: c.moh,
		}
		if c.bridge != nil {
			info.BridgeID = c.bridge.id
		}
		if c.peer != nil {
			info.PeerID = c.peer.id
		}
		if c.snoopOf != nil {
			info.SnoopOf, info.Spy, info.Whisper = c.snoopOf.id, c.snoopSpy, c.snoopWhisper
		}
		out = append(out, info)
	}
	return out
}

// Continued is a channel that a client sent back to the dialplan, with the location it
// named. Priority is the request's text, empty when the request gave none.
type Continued struct {
	ChannelID string
	Context   string
	Extension string
	Priority  string
}

// Continued returns every channel sent back to the dialplan so far, in request order.
func (s *Server) Continued() []Continued {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Continued(nil), s.continued...)
}

// Bridges returns a snapshot of every bridge, sorted by id, with members in joining order.
func (s *Server) Bridges() []BridgeInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]BridgeInfo, 0, len(s.bridges))
	for _, b := range s.bridges {
		j := b.json()
		out = append(out, BridgeInfo{ID: b.id, Name: b.name, Type: b.bridgeType(), Channels: j.Channels})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
