package cti

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/CyCoreSystems/ari/v5"
	"github.com/CyCoreSystems/ari/v5/rid"
)

// idPattern accepts the ids Asterisk and the ari/v5 client produce ("1796413948.1",
// "01m919v3khjvce7gwqkpenm9pk-ch"). The client puts ids into URL paths unescaped, so anything
// else is rejected before a request is built.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// variablePattern accepts channel variable names and dialplan functions such as
// CDR(userfield) or PJSIP_HEADER(read,X-Call-Id).
var variablePattern = regexp.MustCompile(`^[A-Za-z0-9_]+(\([A-Za-z0-9_,.:-]*\))?$`)

// do runs one REST request of the ari/v5 client under the context's deadline, bounded by
// RequestTimeout, and turns its error into a RequestError. op names the operation for metrics;
// object names what it acts on, for the error message.
//
// NOTE: the ari/v5 v5.3.1 client takes no context and its HTTP client has no timeout, so when
// the deadline passes first, do returns ErrUnavailable at once while the request itself keeps
// running in its goroutine until Asterisk answers or the TCP connection breaks.
func (s *Server) do(ctx context.Context, op string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return s.failed(op, &RequestError{Server: s.cfg.Name, Op: op, Kind: ErrUnavailable, Err: err})
	}

	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()

	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- fn() }()

	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}

	s.metrics.restDuration.WithLabelValues(s.cfg.Name, opLabel(op)).Observe(time.Since(start).Seconds())
	if err == nil {
		return nil
	}

	return s.failed(op, classify(s.cfg.Name, op, err))
}

func (s *Server) failed(op string, err *RequestError) error {
	s.metrics.restErrors.WithLabelValues(s.cfg.Name, opLabel(op), errorKindLabel(err.Kind)).Inc()
	s.log.Debug("ARI request failed", "op", op, "status", err.Status, "error", err)

	return err
}

// opLabel keeps the verb and object kind of an operation ("answer channel X" → "answer
// channel") so that metric labels do not carry ids.
func opLabel(op string) string {
	fields := strings.Fields(op)
	if len(fields) > 2 {
		fields = fields[:2]
	}

	return strings.Join(fields, " ")
}

func (s *Server) checkID(op, kind, id string) error {
	if !idPattern.MatchString(id) {
		return s.failed(op, &RequestError{Server: s.cfg.Name, Op: op, Kind: ErrInvalid,
			Err: fmt.Errorf("%s id %q is invalid: use 1 to 128 letters, digits, '.', '_' or '-'", kind, id)})
	}

	return nil
}

func (s *Server) invalid(op, format string, args ...any) error {
	return s.failed(op, &RequestError{Server: s.cfg.Name, Op: op, Kind: ErrInvalid, Err: fmt.Errorf(format, args...)})
}

func channelKey(id string) *ari.Key { return ari.NewKey(ari.ChannelKey, id) }
func bridgeKey(id string) *ari.Key  { return ari.NewKey(ari.BridgeKey, id) }

// channelOp validates a channel id and runs fn on its key.
func (s *Server) channelOp(ctx context.Context, verb, channelID string, fn func(key *ari.Key) error) error {
	op := verb + " channel " + channelID
	if err := s.checkID(op, "channel", channelID); err != nil {
		return err
	}

	return s.do(ctx, op, func() error { return fn(channelKey(channelID)) })
}

// Answer answers a ringing channel.
func (s *Server) Answer(ctx context.Context, channelID string) error {
	return s.channelOp(ctx, "answer", channelID, s.client.Channel().Answer)
}

// Ring sends ringing indication to a channel that is not answered yet.
func (s *Server) Ring(ctx context.Context, channelID string) error {
	return s.channelOp(ctx, "ring", channelID, s.client.Channel().Ring)
}

// StopRing stops the ringing indication.
func (s *Server) StopRing(ctx context.Context, channelID string) error {
	return s.channelOp(ctx, "stop-ring", channelID, s.client.Channel().StopRing)
}

// StartMOH plays music on hold to a channel; class "" means the default class. Asterisk 22
// accepts an unknown class silently.
func (s *Server) StartMOH(ctx context.Context, channelID, class string) error {
	return s.channelOp(ctx, "start-moh", channelID, func(key *ari.Key) error {
		return s.client.Channel().MOH(key, class)
	})
}

// StopMOH stops music on hold on a channel.
func (s *Server) StopMOH(ctx context.Context, channelID string) error {
	return s.channelOp(ctx, "stop-moh", channelID, s.client.Channel().StopMOH)
}

// ContinueInDialplan takes a channel out of the Stasis application and returns it to the
// dialplan at context, extension and priority. The channel's StasisEnd follows; its
// ChannelDestroyed comes when the dialplan ends it.
func (s *Server) ContinueInDialplan(ctx context.Context, channelID, dialplanContext, extension string, priority int) error {
	if dialplanContext == "" || extension == "" || priority < 1 {
		return s.invalid("continue channel "+channelID,
			"context %q, extension %q and priority %d must name a dialplan location (priority 1 or more)",
			dialplanContext, extension, priority)
	}

	return s.channelOp(ctx, "continue", channelID, func(key *ari.Key) error {
		return s.client.Channel().Continue(key, dialplanContext, extension, priority)
	})
}

// Hold puts a channel on hold. Asterisk 22 answers 204 and emits no event for it.
func (s *Server) Hold(ctx context.Context, channelID string) error {
	return s.channelOp(ctx, "hold", channelID, s.client.Channel().Hold)
}

// Unhold takes a channel off hold; like Hold it emits no event.
func (s *Server) Unhold(ctx context.Context, channelID string) error {
	return s.channelOp(ctx, "unhold", channelID, s.client.Channel().StopHold)
}

// SendDTMF sends digits (0-9, A-D, *, #) to a channel.
func (s *Server) SendDTMF(ctx context.Context, channelID, digits string) error {
	if digits == "" || strings.Trim(digits, "0123456789ABCDabcd*#") != "" {
		return s.invalid("send-dtmf channel "+channelID, "DTMF digits %q are invalid: use 0-9, A-D, * and #", digits)
	}

	return s.channelOp(ctx, "send-dtmf", channelID, func(key *ari.Key) error {
		return s.client.Channel().SendDTMF(key, digits, nil)
	})
}

// HangupReason is an ARI hang-up reason; Asterisk maps it to a Q.850 cause.
type HangupReason string

// The hang-up reasons of ARI (Asterisk 22 channels.json).
const (
	ReasonNormal            HangupReason = "normal"
	ReasonBusy              HangupReason = "busy"
	ReasonCongestion        HangupReason = "congestion"
	ReasonNoAnswer          HangupReason = "no_answer"
	ReasonTimeout           HangupReason = "timeout"
	ReasonRejected          HangupReason = "rejected"
	ReasonUnallocated       HangupReason = "unallocated"
	ReasonNormalUnspecified HangupReason = "normal_unspecified"
	ReasonNumberIncomplete  HangupReason = "number_incomplete"
	ReasonCodecMismatch     HangupReason = "codec_mismatch"
	ReasonInterworking      HangupReason = "interworking"
	ReasonFailure           HangupReason = "failure"
	ReasonAnsweredElsewhere HangupReason = "answered_elsewhere"
)

var hangupReasons = []HangupReason{
	ReasonNormal, ReasonBusy, ReasonCongestion, ReasonNoAnswer, ReasonTimeout, ReasonRejected,
	ReasonUnallocated, ReasonNormalUnspecified, ReasonNumberIncomplete, ReasonCodecMismatch,
	ReasonInterworking, ReasonFailure, ReasonAnsweredElsewhere,
}

// Hangup hangs up a channel; reason "" means normal. The final cause arrives with HungUp.
func (s *Server) Hangup(ctx context.Context, channelID string, reason HangupReason) error {
	if reason == "" {
		reason = ReasonNormal
	}

	if !slices.Contains(hangupReasons, reason) {
		return s.invalid("hangup channel "+channelID, "hang-up reason %q is invalid: use one of %v", reason, hangupReasons)
	}

	return s.channelOp(ctx, "hangup", channelID, func(key *ari.Key) error {
		return s.client.Channel().Hangup(key, string(reason))
	})
}

// SetVariable sets a channel variable or dialplan function; an empty value unsets it.
func (s *Server) SetVariable(ctx context.Context, channelID, name, value string) error {
	if !variablePattern.MatchString(name) {
		return s.invalid("set-variable channel "+channelID, "variable name %q is invalid: use letters, digits and '_', or FUNC(args)", name)
	}

	return s.channelOp(ctx, "set-variable", channelID, func(key *ari.Key) error {
		return s.client.Channel().SetVariable(key, name, value)
	})
}

// GetVariable returns a channel variable or dialplan function; an unset variable is
// ErrNotFound.
func (s *Server) GetVariable(ctx context.Context, channelID, name string) (string, error) {
	if !variablePattern.MatchString(name) {
		return "", s.invalid("get-variable channel "+channelID, "variable name %q is invalid: use letters, digits and '_', or FUNC(args)", name)
	}

	var value string
	err := s.channelOp(ctx, "get-variable", channelID, func(key *ari.Key) (err error) {
		// The client puts the name into the query string as it is.
		value, err = s.client.Channel().GetVariable(key, url.QueryEscape(name))
		return err
	})

	return value, err
}

// OriginateRequest describes a new outgoing leg that enters the Stasis application when it
// answers.
type OriginateRequest struct {
	// Endpoint to dial, "<technology>/<resource>", e.g. "PJSIP/1001" or "Local/1001@agents".
	Endpoint string
	// Timeout is how long the endpoint may ring; 0 means 30 s. ARI takes whole seconds, so
	// it is rounded up.
	Timeout time.Duration
	// CallerID shown to the endpoint, e.g. `"Sales" <74950001122>`; optional.
	CallerID string
	// Args are the Stasis application arguments the leg arrives with, e.g.
	// ["dialer", "campaign-7", "lead-42"]; no argument may contain a comma.
	Args []string
	// Originator is the channel this leg is placed for (codec choice, linked ids); optional.
	Originator string
	// Variables are set on the new channel before it dials; optional.
	Variables map[string]string
}

func (r OriginateRequest) validate() error {
	tech, resource, ok := strings.Cut(r.Endpoint, "/")
	if !ok || tech == "" || resource == "" || strings.ContainsAny(r.Endpoint, " \t\r\n") {
		return fmt.Errorf("endpoint %q is invalid: use <technology>/<resource>, e.g. PJSIP/1001", r.Endpoint)
	}

	if r.Timeout < 0 {
		return fmt.Errorf("ring timeout %s is negative: use 0 for the default of 30 s", r.Timeout)
	}

	if err := checkArgs(r.Args); err != nil {
		return err
	}

	if r.Originator != "" && !idPattern.MatchString(r.Originator) {
		return fmt.Errorf("originator channel id %q is invalid", r.Originator)
	}

	return nil
}

func checkArgs(args []string) error {
	for _, a := range args {
		if strings.Contains(a, ",") {
			return fmt.Errorf("application argument %q contains a comma, which ARI uses to separate arguments", a)
		}
	}

	return nil
}

// Originate dials an endpoint and returns the new channel's id. The id is chosen here and
// registered before the request, because Asterisk can send the leg's events before it answers
// the request. The outcome arrives as OriginateResult (and CallArrived when it answers).
func (s *Server) Originate(ctx context.Context, req OriginateRequest) (string, error) {
	return s.originate(ctx, req, nil)
}

// originate runs Originate; register, when set, is called with the new id before the request.
func (s *Server) originate(ctx context.Context, req OriginateRequest, register func(channelID string)) (string, error) {
	channelID := rid.New(rid.Channel)
	op := "originate channel " + channelID
	if err := req.validate(); err != nil {
		return "", s.invalid(op, "%w", err)
	}

	timeout := 30
	if req.Timeout > 0 {
		timeout = int(math.Ceil(req.Timeout.Seconds()))
	}

	s.expect(channelID, true)
	if register != nil {
		register(channelID)
	}

	err := s.do(ctx, op, func() error {
		_, err := s.client.Channel().Originate(nil, ari.OriginateRequest{
			Endpoint:   req.Endpoint,
			Timeout:    timeout,
			CallerID:   req.CallerID,
			App:        s.cfg.Application,
			AppArgs:    strings.Join(req.Args, ","),
			ChannelID:  channelID,
			Originator: req.Originator,
			Variables:  req.Variables,
		})
		return err
	})
	if err != nil {
		s.forgetIfRejected(channelID, err)
		s.mu.Lock()
		delete(s.transfers, channelID)
		s.mu.Unlock()

		return "", err
	}

	return channelID, nil
}

func (s *Server) expect(channelID string, originate bool) {
	s.mu.Lock()
	s.tr.Expect(channelID, originate)
	s.mu.Unlock()
}

// forgetIfRejected drops a registered id when Asterisk answered with an error status, so no
// channel was created. After a timeout the channel may exist, so the id stays registered.
func (s *Server) forgetIfRejected(channelID string, err error) {
	var re *RequestError
	if errors.As(err, &re) && re.Status != 0 {
		s.mu.Lock()
		s.tr.Forget(channelID)
		s.mu.Unlock()
	}
}

// mediaSchemes are the media URI schemes Asterisk 22 plays. A URI with another scheme gets
// 201 and PlaybackStarted but never PlaybackFinished, so it is rejected here.
var mediaSchemes = []string{"sound", "recording", "number", "digits", "characters", "tone"}

// Play starts a prompt on a channel and returns the playback id. The end arrives as
// PlaybackFinished (done or failed; a stopped playback finishes done).
func (s *Server) Play(ctx context.Context, channelID, mediaURI string) (string, error) {
	playbackID := rid.New(rid.Playback)
	op := "play channel " + channelID

	scheme, rest, ok := strings.Cut(mediaURI, ":")
	if !ok || rest == "" || !slices.Contains(mediaSchemes, scheme) {
		return "", s.invalid(op, "media URI %q is invalid: use <scheme>:<resource> with a scheme of %v", mediaURI, mediaSchemes)
	}

	if err := s.checkID(op, "channel", channelID); err != nil {
		return "", err
	}

	s.mu.Lock()
	s.tr.ExpectPlayback(playbackID, channelID)
	s.mu.Unlock()

	err := s.do(ctx, op, func() error {
		_, err := s.client.Channel().Play(channelKey(channelID), playbackID, mediaURI)
		return err
	})
	if err != nil {
		return "", err
	}

	return playbackID, nil
}

// StopPlayback stops a playback; its PlaybackFinished still follows, with state done.
func (s *Server) StopPlayback(ctx context.Context, playbackID string) error {
	op := "stop-playback playback " + playbackID
	if err := s.checkID(op, "playback", playbackID); err != nil {
		return err
	}

	return s.do(ctx, op, func() error {
		return s.client.Playback().Stop(ari.NewKey(ari.PlaybackKey, playbackID))
	})
}

// RecordRequest describes a recording of a channel.
type RecordRequest struct {
	Name        string        // recording name, also the file name; required
	Format      string        // file format, e.g. "wav"; "" means wav
	MaxDuration time.Duration // 0 means no limit
	MaxSilence  time.Duration // 0 means no limit
	Beep        bool          // play a beep first
	IfExists    string        // "fail" (default), "overwrite" or "append"
	TerminateOn string        // DTMF that stops it: "none" (default), "any", "*" or "#"
}

// Record starts recording a channel. Its end arrives as RecordingFinished.
func (s *Server) Record(ctx context.Context, channelID string, req RecordRequest) error {
	op := "record channel " + channelID
	if !idPattern.MatchString(req.Name) {
		return s.invalid(op, "recording name %q is invalid: use letters, digits, '.', '_' or '-'", req.Name)
	}

	if req.IfExists != "" && !slices.Contains([]string{"fail", "overwrite", "append"}, req.IfExists) {
		return s.invalid(op, "ifExists %q is invalid: use fail, overwrite or append", req.IfExists)
	}

	if req.TerminateOn != "" && !slices.Contains([]string{"none", "any", "*", "#"}, req.TerminateOn) {
		return s.invalid(op, "terminateOn %q is invalid: use none, any, * or #", req.TerminateOn)
	}

	if req.Format == "" {
		req.Format = "wav"
	}

	if err := s.checkID(op, "channel", channelID); err != nil {
		return err
	}

	s.mu.Lock()
	s.tr.ExpectRecording(req.Name, channelID)
	s.mu.Unlock()

	return s.do(ctx, op, func() error {
		_, err := s.client.Channel().Record(channelKey(channelID), req.Name, &ari.RecordingOptions{
			Format:      req.Format,
			MaxDuration: req.MaxDuration,
			MaxSilence:  req.MaxSilence,
			Exists:      req.IfExists,
			Beep:        req.Beep,
			Terminate:   req.TerminateOn,
		})
		return err
	})
}

// StopRecording stops a live recording and keeps the file.
func (s *Server) StopRecording(ctx context.Context, name string) error {
	op := "stop-recording recording " + name
	if err := s.checkID(op, "recording", name); err != nil {
		return err
	}

	return s.do(ctx, op, func() error {
		return s.client.LiveRecording().Stop(ari.NewKey(ari.LiveRecordingKey, name))
	})
}

// Direction is an audio direction of a snoop, seen from the snooped channel.
type Direction string

// Snoop directions.
const (
	DirectionNone Direction = "none"
	DirectionIn   Direction = "in"
	DirectionOut  Direction = "out"
	DirectionBoth Direction = "both"
)

// SnoopRequest describes a snoop channel.
type SnoopRequest struct {
	Spy     Direction // audio the snoop hears
	Whisper Direction // audio the snoop speaks into
	Args    []string  // Stasis arguments of the snoop channel
}

// Snoop creates a snoop channel on channelID and returns its id. The snoop enters the Stasis
// application at once (CallArrived, state Up), often before this method returns; add it to a
// supervisor's bridge to listen or whisper.
func (s *Server) Snoop(ctx context.Context, channelID string, req SnoopRequest) (string, error) {
	snoopID := rid.New(rid.Snoop)
	op := "snoop channel " + channelID

	directions := []Direction{DirectionNone, DirectionIn, DirectionOut, DirectionBoth}
	if !slices.Contains(directions, req.Spy) || !slices.Contains(directions, req.Whisper) {
		return "", s.invalid(op, "snoop directions spy=%q whisper=%q are invalid: use none, in, out or both", req.Spy, req.Whisper)
	}

	if err := checkArgs(req.Args); err != nil {
		return "", s.invalid(op, "%w", err)
	}

	if err := s.checkID(op, "channel", channelID); err != nil {
		return "", err
	}

	s.expect(snoopID, false)
	err := s.do(ctx, op, func() error {
		_, err := s.client.Channel().Snoop(channelKey(channelID), snoopID, &ari.SnoopOptions{
			App:     s.cfg.Application,
			AppArgs: strings.Join(req.Args, ","),
			Spy:     ari.Direction(req.Spy),
			Whisper: ari.Direction(req.Whisper),
		})
		return err
	})
	if err != nil {
		s.forgetIfRejected(snoopID, err)
		return "", err
	}

	return snoopID, nil
}

// Listen creates a snoop that hears both directions of channelID and speaks into neither.
func (s *Server) Listen(ctx context.Context, channelID string, args ...string) (string, error) {
	return s.Snoop(ctx, channelID, SnoopRequest{Spy: DirectionBoth, Whisper: DirectionNone, Args: args})
}

// Whisper creates a snoop that hears both directions of channelID and speaks only to it.
func (s *Server) Whisper(ctx context.Context, channelID string, args ...string) (string, error) {
	return s.Snoop(ctx, channelID, SnoopRequest{Spy: DirectionBoth, Whisper: DirectionOut, Args: args})
}
