package arisim

import "time"

// startRecording begins a live recording on a channel or bridge: 201 with state "queued", then
// RecordingStarted. It ends on stop, on maxDurationSeconds, or when its target goes away.
func (s *Server) startRecording(w writerRequest, ch *channel, br *bridge) {
	name := w.params.str("name")
	format := w.params.str("format")
	if name == "" || format == "" {
		s.mu.Unlock()
		w.error(400, "Recording name and format are required")
		return
	}
	if s.recordings[name] != nil {
		s.mu.Unlock()
		w.error(409, "Recording '"+name+"' already in progress")
		return
	}
	rec := &recording{name: name, format: format, state: "queued", started: s.clock.Now(), channel: ch, bridge: br}
	if ch != nil {
		rec.targetURI = "channel:" + ch.id
	} else {
		rec.targetURI = "bridge:" + br.id
	}
	s.recordings[name] = rec
	queued := rec.json()
	rec.state = "recording"
	s.emit("RecordingStarted", map[string]any{"recording": rec.json()}, ch, br)
	if maxSeconds := w.params.int("maxDurationSeconds", 0); maxSeconds > 0 {
		rec.timer = s.after(time.Duration(maxSeconds)*time.Second, func() { s.finishRecording(rec, "done") })
	}
	s.mu.Unlock()
	w.json(201, queued)
}

func (s *Server) finishRecording(r *recording, state string) {
	if s.recordings[r.name] != r {
		return
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	delete(s.recordings, r.name)
	r.state = state
	r.duration = int(s.clock.Now().Sub(r.started) / time.Second)
	typ := "RecordingFinished"
	if state == "failed" {
		typ = "RecordingFailed"
	}
	s.emit(typ, map[string]any{"recording": r.json()}, r.channel, r.bridge)
}

func (s *Server) restChannelRecord(w writerRequest, vars map[string]string) {
	c := s.stasisChannel(w, vars["id"])
	if c == nil {
		return
	}
	s.startRecording(w, c, nil)
}

func (s *Server) restBridgeRecord(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	b := s.bridges[vars["id"]]
	if b == nil {
		s.mu.Unlock()
		w.error(404, "Bridge not found")
		return
	}
	s.startRecording(w, nil, b)
}

func (s *Server) restRecordingGet(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	r := s.recordings[vars["name"]]
	if r == nil {
		s.mu.Unlock()
		w.error(404, "Recording not found")
		return
	}
	j := r.json()
	s.mu.Unlock()
	w.json(200, j)
}

func (s *Server) restRecordingStop(w writerRequest, vars map[string]string) {
	s.recordingEnd(w, vars["name"], "done")
}

func (s *Server) restRecordingCancel(w writerRequest, vars map[string]string) {
	s.recordingEnd(w, vars["name"], "canceled")
}

func (s *Server) recordingEnd(w writerRequest, name, state string) {
	s.mu.Lock()
	r := s.recordings[name]
	if r == nil {
		s.mu.Unlock()
		w.error(404, "Recording not found")
		return
	}
	s.finishRecording(r, state)
	s.mu.Unlock()
	w.noContent()
}

// restRecordingNoop accepts pause and mute on a live recording without simulating them.
func (s *Server) restRecordingNoop(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	r := s.recordings[vars["name"]]
	s.mu.Unlock()
	if r == nil {
		w.error(404, "Recording not found")
		return
	}
	w.noContent()
}
