// Package event defines the domain events that leave cti and the translator that derives them
// from raw ARI WebSocket messages.
//
// A Translator keeps the state ARI needs to be read correctly (which channels the application
// owns, which legs it originated, bridge membership, playbacks) and is not safe for concurrent
// use: its owner serialises calls.
package event

import "time"

// Event is one domain event. The concrete types are the structs of this package; a consumer
// dispatches with a type switch.
type Event interface {
	// EventMeta returns the fields every event carries.
	EventMeta() Meta
}

// Meta contains the fields every event carries.
type Meta struct {
	Server    string    // name of the Asterisk server the event came from
	ChannelID string    // channel the event concerns; empty for bridge-only events
	Time      time.Time // Asterisk's timestamp, or the local time for reconciled events
}

// EventMeta returns m itself, so every event type that embeds Meta implements Event.
func (m Meta) EventMeta() Meta { return m }

// CallArrived reports a channel entering the Stasis application: an inbound customer call, an
// originated leg that answered, a channel created for a later dial, or a snoop channel.
type CallArrived struct {
	Meta
	ChannelName  string   // e.g. "PJSIP/trunk-00000001" or "Local/100@from-customer-00000000;2"
	State        string   // ARI channel state at arrival: "Ring", "Up", "Down", ...
	CallerNumber string   // caller ID number
	CallerName   string   // caller ID name
	Dialed       string   // dialplan extension the channel was in, i.e. the dialled number
	Args         []string // Stasis application arguments, e.g. ["inbound", "support"]
	Originated   bool     // the channel was originated, created or snooped through this cti
	Adopted      bool     // found by a reconcile after a (re)connect, not by a StasisStart
}

// Ringing reports that a channel is ringing: the far end of an originated leg alerts, or an
// inbound channel was told to ring.
type Ringing struct {
	Meta
}

// Answered reports that a channel went to state Up.
type Answered struct {
	Meta
}

// LeftApplication reports a StasisEnd: the channel is no longer under this application's
// control (it hung up, or continued in the dialplan). HungUp follows once it is destroyed.
type LeftApplication struct {
	Meta
}

// HungUp reports a channel's end. It is the last event for that channel.
type HungUp struct {
	Meta
	Cause      int    // Q.850 cause from ChannelDestroyed; 0 when unknown
	CauseText  string // Asterisk's text for Cause, e.g. "Normal Clearing"
	DialStatus string // final Dial status of an originated leg (BUSY, NOANSWER, ...); empty otherwise
	Missed     bool   // the channel vanished while the connection was down; Cause is unknown
}

// OriginateStatus is the outcome of an originated leg.
type OriginateStatus string

// Outcomes of an originated leg. Busy and congestion come from Dial's dialstatus because the
// originated half of a Local channel is destroyed with cause 0 in those cases (Asterisk 22).
const (
	OriginateAnswered   OriginateStatus = "answered"
	OriginateBusy       OriginateStatus = "busy"
	OriginateNoAnswer   OriginateStatus = "noanswer"
	OriginateCongestion OriginateStatus = "congestion"
	OriginateFailed     OriginateStatus = "failed"
)

// OriginateResult reports, once per originated leg, how the dial ended.
type OriginateResult struct {
	Meta
	Status     OriginateStatus
	DialStatus string // raw Dial dialstatus, empty when the result came from the hang-up cause
	Cause      int    // hang-up cause when the leg ended without a final Dial status
}

// DTMF reports one digit received on a channel the application owns.
type DTMF struct {
	Meta
	Digit    string
	Duration time.Duration
}

// Held and Unheld report a phone putting the call on hold. ARI's own hold request emits
// neither (Asterisk 22), so they appear only when the endpoint itself holds.
type Held struct {
	Meta
	MusicClass string
}

// Unheld reports the end of a hold started by the endpoint.
type Unheld struct {
	Meta
}

// PlaybackState is the final state of a playback.
type PlaybackState string

// Final playback states. A stopped playback also finishes as done; Asterisk 22 has no
// "stopped" state.
const (
	PlaybackDone   PlaybackState = "done"
	PlaybackFailed PlaybackState = "failed"
)

// PlaybackFinished reports the end of a playback on a channel. A playback with an unknown
// media scheme never finishes (Asterisk 22), so a waiting caller needs its own deadline.
type PlaybackFinished struct {
	Meta
	PlaybackID string
	MediaURI   string // the last media item played
	State      PlaybackState
}

// RecordingFinished reports the end of a live recording on a channel.
type RecordingFinished struct {
	Meta
	Name   string
	Failed bool
	Cause  string // Asterisk's failure cause when Failed
}

// BridgeCreated reports a new bridge. ChannelID is empty.
type BridgeCreated struct {
	Meta
	BridgeID string
	Name     string
	Type     string // e.g. "mixing"
}

// ChannelEnteredBridge reports a channel joining a bridge.
type ChannelEnteredBridge struct {
	Meta
	BridgeID string
}

// ChannelLeftBridge reports a channel leaving a bridge.
type ChannelLeftBridge struct {
	Meta
	BridgeID string
}

// BridgeDestroyed reports the end of a bridge. ChannelID is empty. The event can come long
// after the DELETE that caused it, when the last former member hangs up (Asterisk 22).
type BridgeDestroyed struct {
	Meta
	BridgeID string
}

// ConnectionState reports a change of the connection to an Asterisk server. ChannelID is empty.
type ConnectionState struct {
	Meta
	Connected bool
	Replaced  bool   // another client took over the application (ApplicationReplaced)
	Reason    string // why the connection ended, empty when Connected
}
