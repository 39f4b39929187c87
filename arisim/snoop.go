package arisim

var snoopDirections = map[string]bool{"none": true, "both": true, "out": true, "in": true}

// restSnoop creates a snoop channel on a channel: ChannelCreated (already Up) and StasisStart go
// out before the 200 response.
func (s *Server) restSnoop(w writerRequest, vars map[string]string) {
	spy := w.params.str("spy")
	whisper := w.params.str("whisper")
	if spy == "" {
		spy = "none"
	}
	if whisper == "" {
		whisper = "none"
	}
	if !snoopDirections[spy] {
		w.error(400, "Invalid direction specified for spy")
		return
	}
	if !snoopDirections[whisper] {
		w.error(400, "Invalid direction specified for whisper")
		return
	}
	app := w.params.str("app")
	if app == "" {
		w.error(400, "Application name is required")
		return
	}

	s.mu.Lock()
	target := s.lookupChannel(vars["id"])
	if target == nil {
		s.mu.Unlock()
		w.error(404, "Channel not found")
		return
	}
	id := vars["snoopId"]
	if id == "" {
		id = w.params.str("snoopId")
	}
	if id == "" {
		id = s.newUniqueID()
	}
	if s.channels[id] != nil {
		s.mu.Unlock()
		w.error(409, "Channel with given unique ID already exists")
		return
	}

	s.snoopSeq++
	sn := &channel{
		id: id, name: "Snoop/" + target.id + "-" + hex8(s.snoopSeq), state: stateUp, kind: kindSnoop,
		snoopOf: target, snoopSpy: spy, snoopWhisper: whisper, answered: true, dialplan: dialplanCEP{Context: "default", Exten: "s", Priority: 1},
		// The snoop's application hears of it from its creation on.
		subApps: map[string]bool{app: true},
	}
	s.addChannel(sn)
	target.snoops = append(target.snoops, sn)
	snapshot := sn.json()
	if s.appConnected(app) {
		s.enterStasis(sn, app, w.params.list("appArgs"))
	}
	s.mu.Unlock()
	w.json(200, snapshot)
}
