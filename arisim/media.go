package arisim

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

func newUUID() string { return uuid.NewString() }

// DefaultSounds returns the lengths of a few Asterisk core sounds, as played by Asterisk 22 with
// the core-sounds-en and core-sounds-ru packages. Playing a sound that is not listed fails the way a
// missing file does (PlaybackFinished "failed").
func DefaultSounds() map[string]time.Duration {
	return map[string]time.Duration{
		"hello-world":               1400 * time.Millisecond,
		"ru/hello-world":            1000 * time.Millisecond,
		"pls-hold-while-try":        2420 * time.Millisecond,
		"tt-monkeys":                60 * time.Second,
		"beep":                      250 * time.Millisecond,
		"queue-thankyou":            1500 * time.Millisecond,
		"queue-youarenext":          1500 * time.Millisecond,
		"queue-thereare":            1200 * time.Millisecond,
		"queue-callswaiting":        1500 * time.Millisecond,
		"queue-holdtime":            2000 * time.Millisecond,
		"queue-minutes":             700 * time.Millisecond,
		"queue-periodic-announce":   4000 * time.Millisecond,
		"agent-newlocation":         1500 * time.Millisecond,
		"vm-goodbye":                700 * time.Millisecond,
		"vm-intro":                  4500 * time.Millisecond,
		"silence/1":                 time.Second,
		"conf-onlyperson":           2500 * time.Millisecond,
		"demo-congrats":             20 * time.Second,
		"custom/switchboard-closed": 4 * time.Second,
		"custom/switchboard-wait":   4 * time.Second,
	}
}

// mediaLength returns how long one media URI plays and whether it can be played at all. ok is
// false for a missing sound; known is false for an unknown scheme, which Asterisk starts but never
// finishes.
func (s *Server) mediaLength(uri, lang string) (d time.Duration, ok, known bool) {
	scheme, rest, _ := strings.Cut(uri, ":")
	switch scheme {
	case "sound":
		if lang != "" && lang != "en" {
			if d, ok := s.opts.Sounds[lang+"/"+rest]; ok {
				return d, true, true
			}
		}
		d, ok := s.opts.Sounds[rest]
		return d, ok, true
	case "digits", "characters":
		// About 0.77 s per character in the core sounds.
		return time.Duration(len(rest)) * 770 * time.Millisecond, rest != "", true
	case "number":
		n, err := strconv.Atoi(rest)
		if err != nil {
			return 0, false, true
		}
		return time.Duration(numberFiles(n)) * 850 * time.Millisecond, true, true
	case "tone":
		return time.Hour, true, true
	case "recording":
		return 3 * time.Second, true, true
	}
	return 0, false, false
}

// numberFiles counts the sound files Asterisk's English SayNumber plays for n
// (1234: "1", "thousand", "2", "hundred", "30", "4").
func numberFiles(n int) int {
	if n < 0 {
		return 1 + numberFiles(-n)
	}
	if n < 20 {
		return 1
	}
	count := 0
	for _, unit := range []int{1000000000, 1000000, 1000, 100} {
		if n >= unit {
			count += numberFiles(n/unit) + 1
			n %= unit
		}
	}
	switch {
	case n == 0:
	case n < 20 || n%10 == 0:
		count++
	default:
		count += 2
	}
	return count
}

// startPlayback queues media on a channel or a bridge. It answers 201 with state "queued" after
// PlaybackStarted has gone out, as Asterisk 22 mostly does.
func (s *Server) startPlayback(w writerRequest, id string, ch *channel, br *bridge) {
	media := w.params.list("media")
	if len(media) == 0 {
		s.mu.Unlock()
		w.error(500, "Failed to queue media for playback")
		return
	}
	if id == "" {
		id = w.params.str("playbackId")
	}
	if id == "" {
		id = newUUID()
	}
	if s.playbacks[id] != nil {
		s.mu.Unlock()
		w.error(409, "Playback with the same id already exists")
		return
	}

	lang := w.params.str("lang")
	if lang == "" {
		lang = "en"
		if ch != nil {
			lang = ch.language
		}
	}
	p := &playback{id: id, media: media, language: lang, state: "queued", channel: ch, bridge: br}
	if ch != nil {
		p.targetURI = "channel:" + ch.id
		ch.playbacks = append(ch.playbacks, p)
	} else {
		p.targetURI = "bridge:" + br.id
		br.playbacks = append(br.playbacks, p)
	}
	s.playbacks[id] = p
	queued := p.json()
	s.playItem(p)
	s.mu.Unlock()
	w.json(201, queued)
}

// playItem starts p's current media item.
func (s *Server) playItem(p *playback) {
	p.state = "playing"
	s.emitPlayback("PlaybackStarted", p)
	d, ok, known := s.mediaLength(p.media[p.index], p.language)
	if !known {
		// Asterisk starts a playback with an unknown scheme and never finishes it, not even when
		// its channel hangs up.
		p.neverEnds = true
		return
	}
	if !ok {
		s.finishPlayback(p, "failed")
		return
	}
	p.timer = s.after(d, func() {
		p.timer = nil
		if p.index+1 < len(p.media) {
			p.state = "continuing"
			s.emitPlayback("PlaybackContinuing", p)
			p.index++
			s.playItem(p)
			return
		}
		s.finishPlayback(p, "done")
	})
}

func (s *Server) emitPlayback(typ string, p *playback) {
	s.emit(typ, map[string]any{"playback": p.json()}, p.channel, p.bridge)
}

// finishPlayback ends p with state "done" (also when stopped: Asterisk 22 has no "stopped" state)
// or "failed".
func (s *Server) finishPlayback(p *playback, state string) {
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	if _, live := s.playbacks[p.id]; !live {
		return
	}
	delete(s.playbacks, p.id)
	p.state = state
	if !p.neverEnds {
		s.emitPlayback("PlaybackFinished", p)
	}
	if p.channel != nil {
		p.channel.playbacks = removePlayback(p.channel.playbacks, p)
	}
	if p.bridge != nil {
		p.bridge.playbacks = removePlayback(p.bridge.playbacks, p)
	}
}

func removePlayback(list []*playback, p *playback) []*playback {
	for i, o := range list {
		if o == p {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// stopChannelMedia ends the playbacks and recordings of a channel leaving Stasis.
func (s *Server) stopChannelMedia(c *channel) {
	for len(c.playbacks) > 0 {
		s.finishPlayback(c.playbacks[0], "done")
	}
	for _, r := range s.recordings {
		if r.channel == c {
			s.finishRecording(r, "done")
		}
	}
}

func (s *Server) stopBridgeMedia(b *bridge) {
	for len(b.playbacks) > 0 {
		s.finishPlayback(b.playbacks[0], "done")
	}
	for _, r := range s.recordings {
		if r.bridge == b {
			s.finishRecording(r, "done")
		}
	}
}

func (s *Server) restChannelPlay(w writerRequest, vars map[string]string) {
	c := s.stasisChannel(w, vars["id"])
	if c == nil {
		return
	}
	s.startPlayback(w, vars["playbackId"], c, nil)
}

func (s *Server) restBridgePlay(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	b := s.bridges[vars["id"]]
	if b == nil {
		s.mu.Unlock()
		w.error(404, "Bridge not found")
		return
	}
	s.startPlayback(w, vars["playbackId"], nil, b)
}

func (s *Server) restPlaybackGet(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	p := s.playbacks[vars["id"]]
	if p == nil {
		s.mu.Unlock()
		w.error(404, "Playback not found")
		return
	}
	j := p.json()
	s.mu.Unlock()
	w.json(200, j)
}

func (s *Server) restPlaybackStop(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	p := s.playbacks[vars["id"]]
	if p == nil {
		s.mu.Unlock()
		w.error(404, "Playback not found")
		return
	}
	s.finishPlayback(p, "done")
	s.mu.Unlock()
	w.noContent()
}

// restPlaybackControl accepts pause, unpause, restart, reverse and forward without changing the
// simulated timing.
func (s *Server) restPlaybackControl(w writerRequest, vars map[string]string) {
	switch w.params.str("operation") {
	case "pause", "unpause", "restart", "reverse", "forward":
	default:
		w.error(400, "Invalid operation")
		return
	}
	s.mu.Lock()
	p := s.playbacks[vars["id"]]
	s.mu.Unlock()
	if p == nil {
		w.error(404, "Playback not found")
		return
	}
	w.noContent()
}
