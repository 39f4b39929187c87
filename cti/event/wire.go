package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrMalformed marks an ARI message that could not be decoded or lacks a field its type
// requires. Translate wraps it with the reason.
var ErrMalformed = errors.New("malformed ARI event")

// ariTimeLayout is the timestamp format of Asterisk 22 ("2026-12-04T19:52:28.197+0000").
// time.RFC3339 rejects its offset without a colon.
const ariTimeLayout = "2006-01-02T15:04:05.000-0700"

// wireMessage holds the fields of an ARI WebSocket message (Asterisk 22 events.json) that the
// translator reads; every other field is skipped by the decoder.
type wireMessage struct {
	Type        string         `json:"type"`
	Timestamp   string         `json:"timestamp"`
	Application string         `json:"application"`
	Args        []string       `json:"args"`
	Channel     *wireChannel   `json:"channel"`
	Peer        *wireChannel   `json:"peer"`
	Bridge      *wireBridge    `json:"bridge"`
	Playback    *wirePlayback  `json:"playback"`
	Recording   *wireRecording `json:"recording"`
	Cause       int            `json:"cause"`
	CauseText   string         `json:"cause_txt"`
	DialStatus  string         `json:"dialstatus"`
	Digit       string         `json:"digit"`
	DurationMS  int            `json:"duration_ms"`
	MusicClass  string         `json:"musicclass"`
}

type wireChannel struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	State    string       `json:"state"`
	Caller   wireCallerID `json:"caller"`
	Dialplan wireDialplan `json:"dialplan"`
}

type wireCallerID struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

type wireDialplan struct {
	Context string `json:"context"`
	Exten   string `json:"exten"`
}

type wireBridge struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Type     string   `json:"bridge_type"`
	Class    string   `json:"bridge_class"`
	Channels []string `json:"channels"`
}

type wirePlayback struct {
	ID        string `json:"id"`
	MediaURI  string `json:"media_uri"`
	TargetURI string `json:"target_uri"`
	State     string `json:"state"`
}

type wireRecording struct {
	Name      string `json:"name"`
	TargetURI string `json:"target_uri"`
	State     string `json:"state"`
	Cause     string `json:"cause"`
}

// ignoredTypes lists event types that never produce a domain event. The translator checks
// only that such a message is valid JSON and skips the full decode, because with
// subscribeAll=true they make up most of the stream.
var ignoredTypes = map[string]bool{
	"ChannelVarset":            true,
	"ChannelDialplan":          true,
	"ChannelCallerId":          true,
	"ChannelConnectedLine":     true,
	"ChannelCreated":           true,
	"ChannelHangupRequest":     true,
	"DeviceStateChanged":       true,
	"PlaybackStarted":          true,
	"PlaybackContinuing":       true,
	"RecordingStarted":         true,
	"PeerStatusChange":         true,
	"ContactStatusChange":      true,
	"EndpointStateChange":      true,
	"ChannelTalkingStarted":    true,
	"ChannelTalkingFinished":   true,
	"ChannelToneDetected":      true,
	"ChannelUserevent":         true,
	"TextMessageReceived":      true,
	"BridgeAttendedTransfer":   true,
	"BridgeBlindTransfer":      true,
	"BridgeMerged":             true,
	"BridgeVideoSourceChanged": true,
	"ApplicationMoveFailed":    true,
	"ChannelTransfer":          true,
}

// leadingType returns the value of a "type" key when it is the first key of the object, as
// Asterisk writes it, so ignored events can be recognised without a full decode. It returns
// "" when the message does not start that way.
func leadingType(raw []byte) string {
	const prefix = `{"type":"`
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if !bytes.HasPrefix(trimmed, []byte(prefix)) {
		return ""
	}

	rest := trimmed[len(prefix):]
	end := bytes.IndexByte(rest, '"')
	if end <= 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		return ""
	}

	return string(rest[:end])
}

func decodeMessage(raw []byte, msg *wireMessage) error {
	if err := json.Unmarshal(raw, msg); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}

	if msg.Type == "" {
		return fmt.Errorf("%w: no type field", ErrMalformed)
	}

	return nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("%w: no timestamp", ErrMalformed)
	}

	t, err := time.Parse(ariTimeLayout, s)
	if err == nil {
		return t, nil
	}

	if t, err2 := time.Parse(time.RFC3339Nano, s); err2 == nil {
		return t, nil
	}

	return time.Time{}, fmt.Errorf("%w: timestamp %q: %w", ErrMalformed, s, err)
}

// channelOfTarget returns the channel id of a playback or recording target URI such as
// "channel:1796413948.1", or "" for other targets (bridges).
func channelOfTarget(uri string) string {
	id, ok := strings.CutPrefix(uri, "channel:")
	if !ok {
		return ""
	}

	return id
}

// SplitAppData returns the Stasis arguments from a dialplan app_data string such as
// "crm,inbound,support": everything after the application name.
func SplitAppData(appData string) []string {
	_, rest, found := strings.Cut(appData, ",")
	if !found || rest == "" {
		return []string{}
	}

	return strings.Split(rest, ",")
}
