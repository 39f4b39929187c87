package event

import (
	"encoding/json"
	"fmt"
	"time"
)

// goneMemory is how many destroyed channel and bridge ids a Translator remembers, so that late
// events for them (a LeftBridge after the destroy, duplicates after a reconnect) are dropped
// instead of resurrecting the object. Ids are unique, so forgetting old ones is safe.
const goneMemory = 4096

// channelState is the translator's record of one channel the application owns.
type channelState struct {
	expected   bool   // registered with Expect before the request that created it
	originated bool   // a dialled leg, so it gets an OriginateResult
	inStasis   bool   // between StasisStart (or adoption) and StasisEnd
	arrived    bool   // CallArrived was emitted
	ringing    bool   // Ringing was emitted
	up         bool   // an originated leg answered but has not entered Stasis yet
	answered   bool   // Answered was emitted
	resolved   bool   // OriginateResult was emitted
	dialStatus string // last final Dial status of an originated leg
	bridge     string // bridge the channel is in, "" when none
}

type bridgeState struct {
	name    string
	typ     string
	members map[string]struct{}
}

// Translator turns raw ARI WebSocket messages of one Asterisk server into domain events. It
// owns the channels that entered the application or were registered with Expect, and drops
// events of every other channel (the other half of Local channels, channels outside Stasis
// seen because of subscribeAll), so they cannot leak into a call.
type Translator struct {
	server    string
	channels  map[string]*channelState
	bridges   map[string]*bridgeState
	playbacks map[string]string // playback id → channel id
	records   map[string]string // recording name → channel id
	gone      goneSet
	msg       wireMessage
	lastType  string
}

// NewTranslator returns a Translator whose events carry the given server name.
func NewTranslator(server string) *Translator {
	return &Translator{
		server:    server,
		channels:  make(map[string]*channelState),
		bridges:   make(map[string]*bridgeState),
		playbacks: make(map[string]string),
		records:   make(map[string]string),
		gone:      newGoneSet(goneMemory),
	}
}

// Expect registers a channel id chosen by the client before the REST request that creates the
// channel, because Asterisk can send the channel's events before the response. originate tells
// whether the channel is a dialled leg that gets an OriginateResult (false for snoops).
func (t *Translator) Expect(channelID string, originate bool) {
	if _, ok := t.channels[channelID]; ok {
		return
	}

	t.channels[channelID] = &channelState{expected: true, originated: originate}
}

// Forget drops a channel registered with Expect whose creating request failed, unless events
// already showed that the channel exists.
func (t *Translator) Forget(channelID string) {
	st, ok := t.channels[channelID]
	if ok && !st.inStasis && !st.ringing && !st.up && !st.answered && !st.resolved {
		delete(t.channels, channelID)
	}
}

// ExpectPlayback registers a playback id chosen by the client before the play request.
func (t *Translator) ExpectPlayback(playbackID, channelID string) {
	t.playbacks[playbackID] = channelID
}

// ExpectRecording registers a recording name before the record request.
func (t *Translator) ExpectRecording(name, channelID string) {
	t.records[name] = channelID
}

// LastType returns the ARI event type of the last message translated, for metrics: the type
// itself when the translator handles it, "other" for unknown types and "invalid" for a message
// that could not be decoded. Unknown type names are folded so that a faulty peer cannot
// create unbounded label values.
func (t *Translator) LastType() string {
	return t.lastType
}

// Owns reports whether the translator tracks the channel.
func (t *Translator) Owns(channelID string) bool {
	_, ok := t.channels[channelID]
	return ok
}

// Translate decodes one ARI message and appends the resulting domain events to dst. Events
// that concern no owned channel or bridge, and duplicates, add nothing. A message that cannot
// be decoded returns an error wrapping ErrMalformed and leaves the state unchanged.
func (t *Translator) Translate(raw []byte, dst []Event) ([]Event, error) {
	if typ := leadingType(raw); typ != "" && ignoredTypes[typ] {
		if !json.Valid(raw) {
			t.lastType = "invalid"
			return dst, fmt.Errorf("%w: %s is not valid JSON", ErrMalformed, typ)
		}

		t.lastType = typ
		return dst, nil
	}

	msg := &t.msg
	*msg = wireMessage{}
	if err := decodeMessage(raw, msg); err != nil {
		t.lastType = "invalid"
		return dst, err
	}

	if ignoredTypes[msg.Type] {
		t.lastType = msg.Type
		return dst, nil
	}

	handler, known := handlers[msg.Type]
	if !known {
		t.lastType = "other"
		return dst, nil
	}
	t.lastType = msg.Type

	at, err := parseTime(msg.Timestamp)
	if err != nil {
		return dst, fmt.Errorf("%s: %w", msg.Type, err)
	}

	return handler(t, msg, at, dst)
}

type handlerFunc func(t *Translator, msg *wireMessage, at time.Time, dst []Event) ([]Event, error)

// handlers maps the ARI event types that can produce domain events to their handler.
var handlers = map[string]handlerFunc{
	"StasisStart":          (*Translator).onStasisStart,
	"StasisEnd":            (*Translator).onStasisEnd,
	"ChannelStateChange":   (*Translator).onStateChange,
	"Dial":                 (*Translator).onDial,
	"ChannelDestroyed":     (*Translator).onDestroyed,
	"ChannelEnteredBridge": (*Translator).onEnteredBridge,
	"ChannelLeftBridge":    (*Translator).onLeftBridge,
	"BridgeCreated":        (*Translator).onBridgeCreated,
	"BridgeDestroyed":      (*Translator).onBridgeDestroyed,
	"ChannelDtmfReceived":  (*Translator).onDTMF,
	"ChannelHold":          (*Translator).onHold,
	"ChannelUnhold":        (*Translator).onUnhold,
	"PlaybackFinished":     (*Translator).onPlaybackFinished,
	"RecordingFinished":    (*Translator).onRecordingEnded,
	"RecordingFailed":      (*Translator).onRecordingEnded,
	"ApplicationReplaced":  (*Translator).onApplicationReplaced,
}

func (t *Translator) meta(channelID string, at time.Time) Meta {
	return Meta{Server: t.server, ChannelID: channelID, Time: at}
}

func requireChannel(msg *wireMessage) (*wireChannel, error) {
	if msg.Channel == nil || msg.Channel.ID == "" {
		return nil, fmt.Errorf("%w: %s without channel id", ErrMalformed, msg.Type)
	}

	return msg.Channel, nil
}

func requireBridge(msg *wireMessage) (*wireBridge, error) {
	if msg.Bridge == nil || msg.Bridge.ID == "" {
		return nil, fmt.Errorf("%w: %s without bridge id", ErrMalformed, msg.Type)
	}

	return msg.Bridge, nil
}

func (t *Translator) onStasisStart(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	if t.gone.has(ch.ID) {
		return dst, nil
	}

	st := t.channels[ch.ID]
	if st == nil {
		st = &channelState{}
		t.channels[ch.ID] = st
	}

	if st.inStasis {
		return dst, nil
	}
	st.inStasis = true

	if !st.arrived {
		st.arrived = true
		args := msg.Args
		if args == nil {
			args = []string{}
		}

		dst = append(dst, CallArrived{
			Meta:         t.meta(ch.ID, at),
			ChannelName:  ch.Name,
			State:        ch.State,
			CallerNumber: ch.Caller.Number,
			CallerName:   ch.Caller.Name,
			Dialed:       ch.Dialplan.Exten,
			Args:         args,
			Originated:   st.expected,
		})
	}

	if ch.State == "Up" || st.up {
		dst = t.markAnswered(ch.ID, st, at, dst)
	}

	return dst, nil
}

func (t *Translator) onStasisEnd(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	st := t.channels[ch.ID]
	if st == nil || !st.inStasis {
		return dst, nil
	}
	st.inStasis = false

	return append(dst, LeftApplication{Meta: t.meta(ch.ID, at)}), nil
}

func (t *Translator) onStateChange(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	st := t.channels[ch.ID]
	if st == nil {
		return dst, nil
	}

	switch ch.State {
	case "Ringing":
		dst = t.markRinging(ch.ID, st, at, dst)
	case "Up":
		dst = t.markAnswered(ch.ID, st, at, dst)
	}

	return dst, nil
}

func (t *Translator) markRinging(id string, st *channelState, at time.Time, dst []Event) []Event {
	if st.ringing || st.answered || st.up {
		return dst
	}
	st.ringing = true

	return append(dst, Ringing{Meta: t.meta(id, at)})
}

// markAnswered emits Answered, and the answered OriginateResult of an originated leg. A leg
// originated into the application answers before its StasisStart (Asterisk 22), and until
// then REST operations on it fail with 422, so for such a leg both events wait for the
// StasisStart.
func (t *Translator) markAnswered(id string, st *channelState, at time.Time, dst []Event) []Event {
	if st.originated && !st.inStasis {
		st.up = true
		return dst
	}

	if !st.answered {
		st.answered = true
		dst = append(dst, Answered{Meta: t.meta(id, at)})
	}

	if st.originated && !st.resolved {
		st.resolved = true
		dst = append(dst, OriginateResult{Meta: t.meta(id, at), Status: OriginateAnswered, DialStatus: "ANSWER"})
	}

	return dst
}

// dialOutcome maps a final Dial dialstatus to an originate outcome. The second result is false
// for progress statuses ("", RINGING, PROGRESS, PROCEEDING) and for ANSWER, which the caller
// handles.
func dialOutcome(status string) (OriginateStatus, bool) {
	switch status {
	case "BUSY":
		return OriginateBusy, true
	case "NOANSWER", "CANCEL":
		return OriginateNoAnswer, true
	case "CONGESTION":
		return OriginateCongestion, true
	case "CHANUNAVAIL", "DONTCALL", "TORTURE", "INVALIDARGS":
		return OriginateFailed, true
	}

	return "", false
}

func (t *Translator) onDial(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	if msg.Peer == nil || msg.Peer.ID == "" {
		return dst, fmt.Errorf("%w: Dial without peer id", ErrMalformed)
	}

	id := msg.Peer.ID
	st := t.channels[id]
	if st == nil || !st.originated {
		return dst, nil
	}

	switch msg.DialStatus {
	case "RINGING":
		return t.markRinging(id, st, at, dst), nil
	case "ANSWER":
		st.dialStatus = msg.DialStatus
		return t.markAnswered(id, st, at, dst), nil
	}

	outcome, final := dialOutcome(msg.DialStatus)
	if !final {
		return dst, nil
	}

	st.dialStatus = msg.DialStatus
	if st.resolved {
		return dst, nil
	}
	st.resolved = true

	return append(dst, OriginateResult{Meta: t.meta(id, at), Status: outcome, DialStatus: msg.DialStatus}), nil
}

// causeOutcome maps a Q.850 hang-up cause of a leg that ended without a final Dial status.
func causeOutcome(cause int) OriginateStatus {
	switch cause {
	case 17:
		return OriginateBusy
	case 18, 19:
		return OriginateNoAnswer
	case 34, 38, 42:
		return OriginateCongestion
	}

	return OriginateFailed
}

func (t *Translator) onDestroyed(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	st := t.channels[ch.ID]
	if st == nil {
		return dst, nil
	}

	if st.originated && !st.resolved {
		st.resolved = true
		dst = append(dst, OriginateResult{Meta: t.meta(ch.ID, at), Status: causeOutcome(msg.Cause), Cause: msg.Cause})
	}

	if st.inStasis {
		st.inStasis = false
		dst = append(dst, LeftApplication{Meta: t.meta(ch.ID, at)})
	}

	dst = append(dst, HungUp{
		Meta:       t.meta(ch.ID, at),
		Cause:      msg.Cause,
		CauseText:  msg.CauseText,
		DialStatus: st.dialStatus,
	})
	t.dropChannel(ch.ID, st)

	return dst, nil
}

// dropChannel removes a destroyed channel with its bridge membership, playbacks and recordings.
func (t *Translator) dropChannel(id string, st *channelState) {
	if b := t.bridges[st.bridge]; b != nil {
		delete(b.members, id)
	}

	delete(t.channels, id)
	t.gone.add(id)

	for pb, owner := range t.playbacks {
		if owner == id {
			delete(t.playbacks, pb)
		}
	}

	for name, owner := range t.records {
		if owner == id {
			delete(t.records, name)
		}
	}
}

// trackBridge returns the state of a Stasis bridge, creating it when the bridge is new. It
// returns nil for bridges of other classes and for destroyed ones.
func (t *Translator) trackBridge(b *wireBridge) (*bridgeState, bool) {
	if st := t.bridges[b.ID]; st != nil {
		return st, false
	}

	if t.gone.has(b.ID) || (b.Class != "" && b.Class != "stasis") {
		return nil, false
	}

	st := &bridgeState{name: b.Name, typ: b.Type, members: make(map[string]struct{})}
	t.bridges[b.ID] = st

	return st, true
}

func (t *Translator) onBridgeCreated(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	b, err := requireBridge(msg)
	if err != nil {
		return dst, err
	}

	if _, created := t.trackBridge(b); !created {
		return dst, nil
	}

	return append(dst, BridgeCreated{Meta: t.meta("", at), BridgeID: b.ID, Name: b.Name, Type: b.Type}), nil
}

func (t *Translator) onBridgeDestroyed(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	b, err := requireBridge(msg)
	if err != nil {
		return dst, err
	}

	st := t.bridges[b.ID]
	if st == nil {
		return dst, nil
	}

	for id := range st.members {
		if ch := t.channels[id]; ch != nil && ch.bridge == b.ID {
			ch.bridge = ""
			dst = append(dst, ChannelLeftBridge{Meta: t.meta(id, at), BridgeID: b.ID})
		}
	}

	delete(t.bridges, b.ID)
	t.gone.add(b.ID)

	return append(dst, BridgeDestroyed{Meta: t.meta("", at), BridgeID: b.ID}), nil
}

func (t *Translator) onEnteredBridge(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	b, err := requireBridge(msg)
	if err != nil {
		return dst, err
	}

	st := t.channels[ch.ID]
	if st == nil || st.bridge == b.ID {
		return dst, nil
	}

	bs, created := t.trackBridge(b)
	if bs == nil {
		return dst, nil
	}

	if created {
		dst = append(dst, BridgeCreated{Meta: t.meta("", at), BridgeID: b.ID, Name: b.Name, Type: b.Type})
	}

	// A channel is in at most one bridge; a missed ChannelLeftBridge is made up here so
	// consumers see membership change in order.
	if old := t.bridges[st.bridge]; old != nil {
		delete(old.members, ch.ID)
		dst = append(dst, ChannelLeftBridge{Meta: t.meta(ch.ID, at), BridgeID: st.bridge})
	}

	st.bridge = b.ID
	bs.members[ch.ID] = struct{}{}

	return append(dst, ChannelEnteredBridge{Meta: t.meta(ch.ID, at), BridgeID: b.ID}), nil
}

func (t *Translator) onLeftBridge(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	b, err := requireBridge(msg)
	if err != nil {
		return dst, err
	}

	st := t.channels[ch.ID]
	if st == nil || st.bridge != b.ID {
		return dst, nil
	}

	st.bridge = ""
	if bs := t.bridges[b.ID]; bs != nil {
		delete(bs.members, ch.ID)
	}

	return append(dst, ChannelLeftBridge{Meta: t.meta(ch.ID, at), BridgeID: b.ID}), nil
}

func (t *Translator) onDTMF(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	if msg.Digit == "" {
		return dst, fmt.Errorf("%w: ChannelDtmfReceived without digit", ErrMalformed)
	}

	if t.channels[ch.ID] == nil {
		return dst, nil
	}

	return append(dst, DTMF{
		Meta:     t.meta(ch.ID, at),
		Digit:    msg.Digit,
		Duration: time.Duration(msg.DurationMS) * time.Millisecond,
	}), nil
}

func (t *Translator) onHold(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	if t.channels[ch.ID] == nil {
		return dst, nil
	}

	return append(dst, Held{Meta: t.meta(ch.ID, at), MusicClass: msg.MusicClass}), nil
}

func (t *Translator) onUnhold(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	ch, err := requireChannel(msg)
	if err != nil {
		return dst, err
	}

	if t.channels[ch.ID] == nil {
		return dst, nil
	}

	return append(dst, Unheld{Meta: t.meta(ch.ID, at)}), nil
}

func (t *Translator) onPlaybackFinished(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	pb := msg.Playback
	if pb == nil || pb.ID == "" {
		return dst, fmt.Errorf("%w: PlaybackFinished without playback id", ErrMalformed)
	}

	channelID, registered := t.playbacks[pb.ID]
	if !registered {
		channelID = channelOfTarget(pb.TargetURI)
		if t.channels[channelID] == nil {
			return dst, nil
		}
	}
	delete(t.playbacks, pb.ID)

	state := PlaybackDone
	if pb.State == "failed" {
		state = PlaybackFailed
	}

	return append(dst, PlaybackFinished{
		Meta:       t.meta(channelID, at),
		PlaybackID: pb.ID,
		MediaURI:   pb.MediaURI,
		State:      state,
	}), nil
}

func (t *Translator) onRecordingEnded(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	rec := msg.Recording
	if rec == nil || rec.Name == "" {
		return dst, fmt.Errorf("%w: %s without recording name", ErrMalformed, msg.Type)
	}

	channelID, registered := t.records[rec.Name]
	if !registered {
		channelID = channelOfTarget(rec.TargetURI)
		if t.channels[channelID] == nil {
			return dst, nil
		}
	}
	delete(t.records, rec.Name)

	failed := msg.Type == "RecordingFailed"

	return append(dst, RecordingFinished{
		Meta:   t.meta(channelID, at),
		Name:   rec.Name,
		Failed: failed,
		Cause:  rec.Cause,
	}), nil
}

func (t *Translator) onApplicationReplaced(msg *wireMessage, at time.Time, dst []Event) ([]Event, error) {
	return append(dst, ConnectionState{
		Meta:     t.meta("", at),
		Replaced: true,
		Reason:   "application " + msg.Application + " replaced by another connection",
	}), nil
}

// goneSet remembers the most recent ids added, up to a fixed number.
type goneSet struct {
	ids  map[string]struct{}
	ring []string
	next int
}

func newGoneSet(size int) goneSet {
	return goneSet{ids: make(map[string]struct{}, size), ring: make([]string, size)}
}

func (g *goneSet) add(id string) {
	if _, ok := g.ids[id]; ok {
		return
	}

	if old := g.ring[g.next]; old != "" {
		delete(g.ids, old)
	}

	g.ring[g.next] = id
	g.ids[id] = struct{}{}
	g.next = (g.next + 1) % len(g.ring)
}

func (g *goneSet) has(id string) bool {
	_, ok := g.ids[id]
	return ok
}
