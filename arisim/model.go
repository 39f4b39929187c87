package arisim

import (
	"strings"
	"time"
)

// TimeFormat is the layout of every ARI timestamp, e.g. 2026-12-04T19:52:28.197+0000.
// Go's time.RFC3339 cannot parse its offset.
const TimeFormat = "2006-01-02T15:04:05.000-0700"

// Channel states as ARI names them.
const (
	stateDown    = "Down"
	stateRing    = "Ring"
	stateRinging = "Ringing"
	stateUp      = "Up"
	stateBusy    = "Busy"
)

// Hang-up causes (Q.850) used by the simulator, with the texts Asterisk 22 prints.
const (
	causeUnknown     = 0
	causeNormal      = 16
	causeBusy        = 17
	causeNoAnswer    = 19
	causeSoftHangup  = 32
	causeCongestion  = 34
	causeUnallocated = 1
)

var causeTexts = map[int]string{
	0:   "Unknown",
	1:   "Unallocated (unassigned) number",
	16:  "Normal Clearing",
	17:  "User busy",
	18:  "No user responding",
	19:  "User alerting, no answer",
	21:  "Call Rejected",
	26:  "Answered elsewhere",
	28:  "Invalid number format (addr incomplete)",
	31:  "Normal, unspecified",
	34:  "Circuit/channel congestion",
	38:  "Network out of order",
	58:  "Bearer capability not available",
	127: "Interworking, unspecified",
}

func causeText(cause int) string {
	if t, ok := causeTexts[cause]; ok {
		return t
	}
	return "Unknown"
}

// hangupReasons maps the reason parameter of DELETE /channels/{id} to its cause code.
var hangupReasons = map[string]int{
	"normal":             16,
	"busy":               17,
	"congestion":         34,
	"no_answer":          19,
	"timeout":            18,
	"rejected":           21,
	"unallocated":        1,
	"normal_unspecified": 31,
	"number_incomplete":  28,
	"codec_mismatch":     58,
	"interworking":       127,
	"failure":            38,
	"answered_elsewhere": 26,
}

// CallerID is a name and number pair (ARI CallerID).
type CallerID struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

// dialplanCEP is ARI's DialplanCEP: where a channel is in the dialplan.
type dialplanCEP struct {
	Context  string `json:"context"`
	Exten    string `json:"exten"`
	Priority int    `json:"priority"`
	AppName  string `json:"app_name"`
	AppData  string `json:"app_data"`
}

// channelJSON is ARI's Channel model, field for field in Asterisk 22's order.
type channelJSON struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	State        string      `json:"state"`
	ProtocolID   string      `json:"protocol_id"`
	Caller       CallerID    `json:"caller"`
	Connected    CallerID    `json:"connected"`
	AccountCode  string      `json:"accountcode"`
	Dialplan     dialplanCEP `json:"dialplan"`
	CreationTime string      `json:"creationtime"`
	Language     string      `json:"language"`
}

// bridgeJSON is ARI's Bridge model.
type bridgeJSON struct {
	ID           string   `json:"id"`
	Technology   string   `json:"technology"`
	BridgeType   string   `json:"bridge_type"`
	BridgeClass  string   `json:"bridge_class"`
	Creator      string   `json:"creator"`
	Name         string   `json:"name"`
	Channels     []string `json:"channels"`
	CreationTime string   `json:"creationtime"`
	VideoMode    string   `json:"video_mode"`
}

// playbackJSON is ARI's Playback model.
type playbackJSON struct {
	ID           string `json:"id"`
	MediaURI     string `json:"media_uri"`
	NextMediaURI string `json:"next_media_uri,omitempty"`
	TargetURI    string `json:"target_uri"`
	Language     string `json:"language"`
	State        string `json:"state"`
}

// liveRecordingJSON is ARI's LiveRecording model.
type liveRecordingJSON struct {
	Name            string `json:"name"`
	Format          string `json:"format"`
	TargetURI       string `json:"target_uri"`
	State           string `json:"state"`
	Duration        *int   `json:"duration,omitempty"`
	TalkingDuration *int   `json:"talking_duration,omitempty"`
	SilenceDuration *int   `json:"silence_duration,omitempty"`
	Cause           string `json:"cause,omitempty"`
}

// endpointJSON is ARI's Endpoint model.
type endpointJSON struct {
	Technology string   `json:"technology"`
	Resource   string   `json:"resource"`
	State      string   `json:"state"`
	ChannelIDs []string `json:"channel_ids"`
}

// channelKind records how a channel came to exist, which decides how it hangs up.
type channelKind int

const (
	// kindLocalOut is the ;1 half of a Local pair that ARI originated or created.
	kindLocalOut channelKind = iota
	// kindLocalIn is the ;2 half of a Local pair: it runs the dialplan of the endpoint's context.
	kindLocalIn
	// kindCustomerOut is the ;1 half of a simulated customer call: the customer's side.
	kindCustomerOut
	// kindCustomerIn is the ;2 half of a simulated customer call: it enters Stasis from the dialplan.
	kindCustomerIn
	// kindPJSIP is a channel to a SIP phone.
	kindPJSIP
	// kindSnoop is a snoop channel on another channel.
	kindSnoop
)

// channel is the simulator's state of one Asterisk channel. The Server's mutex guards every field.
type channel struct {
	id, name   string
	state      string
	protocolID string
	caller     CallerID
	connected  CallerID
	dialplan   dialplanCEP
	created    time.Time
	language   string
	kind       channelKind
	endpoint   string // the dialled endpoint, e.g. Local/1001@sim-answer or PJSIP/1001
	dialString string

	peer *channel // the other half of a Local pair

	// app is the Stasis application the channel is in, "" when it is not in Stasis.
	app      string
	args     []string
	subApps  map[string]bool // applications that get this channel's events without subscribeAll
	bridge   *bridge
	vars     map[string]string
	moh      bool
	held     bool
	answered bool

	// Pending origination: the application and arguments of an originate with app, and
	// whether the channel was created with channels/create (in Stasis at once, dial later).
	originApp  string
	originArgs []string
	dialing    bool // a dial is in progress (Dial events go out on this channel)
	viaCreate  bool // made with channels/create: in Stasis before it is dialled

	rule   *Rule
	timers []Timer

	// Simulated customer behaviour (ArriveCall), on the ;2 half: the talk time once bridged with
	// another channel, and the pending give-up while the customer waits.
	talkTime     time.Duration
	talkStarted  bool
	abandonTimer Timer

	snoops       []*channel
	snoopOf      *channel
	snoopDeleted bool // DELETE was called: ChannelDestroyed waits for the snooped channel
	// snoopSpy and snoopWhisper are the directions a snoop was created with.
	snoopSpy, snoopWhisper string

	playbacks []*playback
	hungUp    bool // a hang-up is in progress or done; no new work starts
	destroyed bool
}

func (c *channel) json() channelJSON {
	return channelJSON{
		ID: c.id, Name: c.name, State: c.state, ProtocolID: c.protocolID,
		Caller: c.caller, Connected: c.connected, Dialplan: c.dialplan,
		CreationTime: c.created.Format(TimeFormat), Language: c.language,
	}
}

func (c *channel) inStasis() bool { return c.app != "" }

// bridge is the simulator's state of one ARI bridge.
type bridge struct {
	id, name   string
	types      []string
	created    time.Time
	channels   []*channel
	moh        bool
	deleted    bool
	playbacks  []*playback
	recordings []*recording
	// formerMembers are channels that moved from this bridge into another one. Asterisk 22 keeps a
	// deleted bridge alive until the last of them hangs up, and only then sends BridgeDestroyed.
	formerMembers map[*channel]bool
}

func (b *bridge) bridgeType() string {
	for _, t := range b.types {
		if t == "holding" {
			return "holding"
		}
	}
	return "mixing"
}

func (b *bridge) json() bridgeJSON {
	ids := make([]string, 0, len(b.channels))
	for _, c := range b.channels {
		ids = append(ids, c.id)
	}
	video := "talker"
	if b.bridgeType() == "holding" {
		video = "none"
	}
	return bridgeJSON{
		ID: b.id, Technology: "simple_bridge", BridgeType: b.bridgeType(), BridgeClass: "stasis",
		Creator: "Stasis", Name: b.name, Channels: ids, CreationTime: b.created.Format(TimeFormat),
		VideoMode: video,
	}
}

func (b *bridge) remove(c *channel) {
	for i, m := range b.channels {
		if m == c {
			b.channels = append(b.channels[:i], b.channels[i+1:]...)
			return
		}
	}
}

// playback is one ARI playback: a list of media URIs played in turn on a channel or bridge.
type playback struct {
	id        string
	media     []string
	index     int
	targetURI string
	language  string
	state     string // queued, playing, continuing, done, failed
	channel   *channel
	bridge    *bridge
	timer     Timer
	neverEnds bool // an unknown media scheme: started, never finished
}

func (p *playback) json() playbackJSON {
	j := playbackJSON{ID: p.id, MediaURI: p.media[p.index], TargetURI: p.targetURI, Language: p.language, State: p.state}
	if p.index+1 < len(p.media) {
		j.NextMediaURI = p.media[p.index+1]
	}
	return j
}

// recording is one live recording.
type recording struct {
	name, format string
	targetURI    string
	state        string // queued, recording, paused, done, failed, canceled
	started      time.Time
	channel      *channel
	bridge       *bridge
	timer        Timer
	duration     int
}

func (r *recording) json() liveRecordingJSON {
	j := liveRecordingJSON{Name: r.name, Format: r.format, TargetURI: r.targetURI, State: r.state}
	if r.state == "done" || r.state == "canceled" || r.state == "failed" {
		d := r.duration
		j.Duration = &d
	}
	return j
}

// splitEndpoint splits "Local/1001@sim-answer" into "Local" and "1001@sim-answer".
func splitEndpoint(endpoint string) (tech, resource string, ok bool) {
	tech, resource, ok = strings.Cut(endpoint, "/")
	if !ok || tech == "" || resource == "" {
		return "", "", false
	}
	return tech, resource, true
}
