package arisim

import (
	"sort"
	"strings"
)

var bridgeTypes = map[string]bool{
	"mixing": true, "holding": true, "dtmf_events": true, "proxy_media": true,
	"video_sfu": true, "video_single": true, "sdp_label": true,
}

func (s *Server) restBridgeList(w writerRequest, _ map[string]string) {
	s.mu.Lock()
	bridges := make([]*bridge, 0, len(s.bridges))
	for _, b := range s.bridges {
		bridges = append(bridges, b)
	}
	sort.Slice(bridges, func(i, j int) bool {
		if bridges[i].created.Equal(bridges[j].created) {
			return bridges[i].id < bridges[j].id
		}
		return bridges[i].created.Before(bridges[j].created)
	})
	list := make([]bridgeJSON, 0, len(bridges))
	for _, b := range bridges {
		list = append(list, b.json())
	}
	s.mu.Unlock()
	w.json(200, list)
}

func (s *Server) restBridgeGet(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	b := s.bridges[vars["id"]]
	if b == nil {
		s.mu.Unlock()
		w.error(404, "Bridge not found")
		return
	}
	j := b.json()
	s.mu.Unlock()
	w.json(200, j)
}

// restBridgeCreate is POST /bridges and POST /bridges/{bridgeId}. BridgeCreated goes out before
// the response.
func (s *Server) restBridgeCreate(w writerRequest, vars map[string]string) {
	id := vars["id"]
	if id == "" {
		id = w.params.str("bridgeId")
	}
	typeParam := w.params.str("type")
	name := w.params.str("name")

	s.mu.Lock()
	if existing := s.bridges[id]; existing != nil && vars["id"] != "" {
		// POST /bridges/{id} on an existing bridge is an update, which Asterisk 22 limits to a no-op.
		j := existing.json()
		s.mu.Unlock()
		switch {
		case name != "" && name != existing.name:
			w.error(500, "Changing bridge name is not implemented")
		case typeParam != "":
			w.error(500, "Supplying a bridge type when updating a bridge is not allowed.")
		default:
			w.json(200, j)
		}
		return
	}
	var types []string
	valid := s.bridges[id] == nil
	for _, t := range strings.Split(typeParam, ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if !bridgeTypes[t] {
			valid = false
		}
		types = append(types, t)
	}
	if !valid {
		s.mu.Unlock()
		shown := id
		if shown == "" {
			shown = "(null)"
		}
		w.error(500, "Unable to create bridge. Possible duplicate bridge id '"+shown+"'")
		return
	}
	if len(types) == 0 {
		types = []string{"mixing"}
	}
	if id == "" {
		id = newUUID()
	}
	b := &bridge{id: id, name: name, types: types, created: s.clock.Now(), formerMembers: map[*channel]bool{}}
	s.bridges[id] = b
	s.emit("BridgeCreated", map[string]any{"bridge": b.json()}, nil, b)
	j := b.json()
	s.mu.Unlock()
	w.json(200, j)
}

// restBridgeDestroy removes the remaining members (ChannelLeftBridge each) and destroys the bridge.
// When a former member moved straight into another bridge is still up, Asterisk 22 answers 204
// but sends BridgeDestroyed only when that channel leaves Stasis.
func (s *Server) restBridgeDestroy(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	b := s.bridges[vars["id"]]
	if b == nil {
		s.mu.Unlock()
		w.error(404, "Bridge not found")
		return
	}
	for len(b.channels) > 0 {
		s.leaveBridge(b.channels[0])
	}
	s.stopBridgeMedia(b)
	delete(s.bridges, b.id)
	b.deleted = true
	for c := range b.formerMembers {
		if c.destroyed || !c.inStasis() {
			delete(b.formerMembers, c)
		}
	}
	if len(b.formerMembers) == 0 {
		s.emit("BridgeDestroyed", map[string]any{"bridge": b.json()}, nil, b)
	} else {
		s.zombies = append(s.zombies, b)
	}
	s.mu.Unlock()
	w.noContent()
}

// releaseZombieBridges sends the late BridgeDestroyed of deleted bridges that waited for c.
func (s *Server) releaseZombieBridges(c *channel) {
	kept := s.zombies[:0]
	for _, b := range s.zombies {
		delete(b.formerMembers, c)
		if len(b.formerMembers) == 0 {
			s.emit("BridgeDestroyed", map[string]any{"bridge": b.json()}, nil, b)
			continue
		}
		kept = append(kept, b)
	}
	s.zombies = kept
}

// bridgeMembers resolves the "channel" parameter of addChannel/removeChannel. An unknown channel is
// 400 "Channel not found" (not 404: the bridge is the resource).
func (s *Server) bridgeMembers(w writerRequest) ([]*channel, bool) {
	ids := w.params.list("channel")
	if len(ids) == 0 {
		s.mu.Unlock()
		w.error(400, "Missing parameter channel")
		return nil, false
	}
	var out []*channel
	for _, id := range ids {
		c := s.lookupChannel(strings.TrimSpace(id))
		if c == nil {
			s.mu.Unlock()
			w.error(400, "Channel not found")
			return nil, false
		}
		out = append(out, c)
	}
	return out, true
}

func (s *Server) restBridgeAdd(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	b := s.bridges[vars["id"]]
	if b == nil {
		s.mu.Unlock()
		w.error(404, "Bridge not found")
		return
	}
	members, ok := s.bridgeMembers(w)
	if !ok {
		return
	}
	for _, c := range members {
		if !c.inStasis() {
			s.mu.Unlock()
			w.error(422, "Channel not in Stasis application")
			return
		}
	}
	for _, c := range members {
		s.joinBridge(c, b)
	}
	s.mu.Unlock()
	w.noContent()
}

// joinBridge adds c to b, moving it out of its current bridge first.
func (s *Server) joinBridge(c *channel, b *bridge) {
	if c.bridge == b {
		return
	}
	if old := c.bridge; old != nil {
		s.leaveBridge(c)
		old.formerMembers[c] = true
	}
	c.moh = false
	c.bridge = b
	b.channels = append(b.channels, c)
	s.emit("ChannelEnteredBridge", map[string]any{"bridge": b.json(), "channel": c.json()}, c, b)
	if len(b.channels) == 2 {
		s.exchangeConnectedLine(b.channels[0], b.channels[1])
	}
	if len(b.channels) > 1 {
		for _, m := range b.channels {
			s.startTalking(m)
		}
	}
}

// exchangeConnectedLine makes two channels bridged together each other's connected line, as
// Asterisk does when a two-party bridge forms: BRIDGEPEER is set and ChannelConnectedLine goes
// out on both. A Local half's other half takes the new party as its caller.
func (s *Server) exchangeConnectedLine(a, b *channel) {
	s.setVar(a, "BRIDGEPEER", b.name)
	s.setVar(b, "BRIDGEPEER", a.name)
	for _, pair := range [][2]*channel{{a, b}, {b, a}} {
		c, other := pair[0], pair[1]
		c.connected = other.caller
		s.emitChannel("ChannelConnectedLine", c, nil)
		if c.peer != nil && !c.peer.destroyed {
			c.peer.caller = other.caller
		}
	}
}

// startTalking starts a simulated customer's talk time the first time its call shares a bridge
// with another channel, and ends its patience.
func (s *Server) startTalking(c *channel) {
	if c.kind != kindCustomerIn || c.talkStarted {
		return
	}
	c.talkStarted = true
	s.stopAbandonTimer(c)
	if c.talkTime > 0 {
		far := c.peer
		s.schedule(far, c.talkTime, func() { s.hangupFar(far, causeNormal) })
	}
}

// leaveBridge removes c from its bridge with ChannelLeftBridge.
func (s *Server) leaveBridge(c *channel) {
	b := c.bridge
	if b == nil {
		return
	}
	if c.vars["BRIDGEPEER"] != "" {
		s.setVar(c, "BRIDGEPEER", "")
	}
	b.remove(c)
	c.bridge = nil
	s.emit("ChannelLeftBridge", map[string]any{"bridge": b.json(), "channel": c.json()}, c, b)
}

func (s *Server) restBridgeRemove(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	b := s.bridges[vars["id"]]
	if b == nil {
		s.mu.Unlock()
		w.error(404, "Bridge not found")
		return
	}
	members, ok := s.bridgeMembers(w)
	if !ok {
		return
	}
	for _, c := range members {
		if c.bridge != b {
			s.mu.Unlock()
			w.error(422, "Channel not in this bridge")
			return
		}
	}
	for _, c := range members {
		s.leaveBridge(c)
	}
	s.mu.Unlock()
	w.noContent()
}

// restBridgeMOH starts or stops music on hold for a whole bridge. Asterisk plays it through an
// announcer channel that joins the bridge without any bridge event; a lone member sees it as its
// new peer, with an empty connected line.
func (s *Server) restBridgeMOH(w writerRequest, vars map[string]string) {
	s.mu.Lock()
	b := s.bridges[vars["id"]]
	if b == nil {
		s.mu.Unlock()
		w.error(404, "Bridge not found")
		return
	}
	start := w.r.Method == "POST"
	if start && !b.moh && len(b.channels) == 1 {
		c := b.channels[0]
		s.setVar(c, "BRIDGEPEER", "Announcer/ARI_MOH-"+hex8(s.localSeq)+";2")
		s.localSeq++
		c.connected = CallerID{}
		s.emitChannel("ChannelConnectedLine", c, nil)
	}
	b.moh = start
	s.mu.Unlock()
	w.noContent()
}
