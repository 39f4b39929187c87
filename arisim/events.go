package arisim

import (
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// sendQueueSize bounds the events waiting for one WebSocket client. A client that falls this far
// behind is disconnected, the way a real Asterisk drops a client whose socket stops draining.
const sendQueueSize = 8192

// writeTimeout bounds one frame's write; a client that does not read for that long is dropped.
const writeTimeout = 10 * time.Second

// flushTimeout bounds how long a REST response waits for its events to reach the socket. It is
// as long as writeTimeout, so only a client that is being dropped anyway can make it expire.
const flushTimeout = writeTimeout

// outMsg is one frame for a client, or a flush marker when data is nil.
type outMsg struct {
	data    []byte
	flushed chan struct{}
}

// eventConn is one /ari/events WebSocket. The Server's mutex guards apps and replaced; the queue
// belongs to the connection's writer goroutine.
type eventConn struct {
	id           uint64
	wsMu         sync.Mutex
	ws           *websocket.Conn // nil until the handshake completes
	apps         []string
	subscribeAll bool
	queue        chan outMsg
	done         chan struct{} // closed when the connection ends
	closeOnce    sync.Once
	replaced     map[string]bool // applications another connection took over
}

func (c *eventConn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.wsMu.Lock()
		if c.ws != nil {
			_ = c.ws.Close()
		}
		c.wsMu.Unlock()
	})
}

// attach sets the upgraded socket, or closes it and reports false if the connection already ended.
func (c *eventConn) attach(ws *websocket.Conn) bool {
	c.wsMu.Lock()
	defer c.wsMu.Unlock()
	select {
	case <-c.done:
		_ = ws.Close()
		return false
	default:
	}
	c.ws = ws
	return true
}

// writeLoop sends queued frames until the connection ends.
func (c *eventConn) writeLoop() {
	for {
		select {
		case <-c.done:
			return
		case m := <-c.queue:
			if m.data == nil {
				close(m.flushed)
				continue
			}
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := c.ws.WriteMessage(websocket.TextMessage, m.data); err != nil {
				c.close()
				return
			}
		}
	}
}

// event is one ARI event before the per-application "application" field is added.
type event struct {
	typ  string
	body []byte // JSON object without "application"
	// Routing: channel and bridge the event concerns, for clients without subscribeAll.
	channel *channel
	bridge  *bridge
	global  bool // device and endpoint events, delivered only with subscribeAll
}

// emit sends an event to every connected application that should see it. fields must marshal to a
// JSON object; "type", "timestamp" and "asterisk_id" are filled in. The caller holds s.mu.
func (s *Server) emit(typ string, fields map[string]any, ch *channel, br *bridge) {
	s.emitEvent(typ, fields, ch, br, false)
}

func (s *Server) emitEvent(typ string, fields map[string]any, ch *channel, br *bridge, global bool) {
	if fields == nil {
		fields = map[string]any{}
	}
	fields["type"] = typ
	fields["timestamp"] = s.clock.Now().Format(TimeFormat)
	fields["asterisk_id"] = s.opts.AsteriskID
	body, err := json.Marshal(fields)
	if err != nil {
		// Every field is built by this package from plain values, so this cannot happen.
		s.log.Error("encode event", "type", typ, "error", err)
		return
	}
	s.deliver(event{typ: typ, body: body, channel: ch, bridge: br, global: global})
}

// deliver queues an encoded event to each connection's applications. The caller holds s.mu.
func (s *Server) deliver(ev event) {
	s.stats.EventsSent++
	for _, conn := range s.conns {
		for _, app := range conn.apps {
			if _, live := s.conns[conn.id]; !live {
				break // dropped by send for falling behind
			}
			if conn.replaced[app] || !s.wants(conn, app, ev) {
				continue
			}
			data := withApplication(ev.body, app)
			s.send(conn, data)
			if s.opts.DuplicateBridgeEventsAfterReconnect && s.reconnected[app] &&
				(ev.typ == "ChannelEnteredBridge" || ev.typ == "ChannelLeftBridge") {
				s.send(conn, data)
			}
		}
	}
}

// wants reports whether application app on conn receives ev.
func (s *Server) wants(conn *eventConn, app string, ev event) bool {
	if conn.subscribeAll {
		return true
	}
	if ev.global {
		return false
	}
	if ev.channel != nil {
		return ev.channel.subApps[app]
	}
	// Bridge, playback and recording events of Stasis bridges go to every application.
	return true
}

// send queues one frame, disconnecting a client whose queue is full. The caller holds s.mu.
func (s *Server) send(conn *eventConn, data []byte) {
	select {
	case conn.queue <- outMsg{data: data}:
	default:
		s.stats.DroppedClients++
		s.log.Warn("events client too slow, disconnecting", "conn_id", conn.id, "queue", sendQueueSize)
		s.removeConn(conn)
		conn.close()
	}
}

// withApplication appends "application":app to an encoded JSON object.
func withApplication(body []byte, app string) []byte {
	name, _ := json.Marshal(app)
	out := make([]byte, 0, len(body)+len(name)+16)
	out = append(out, body[:len(body)-1]...)
	out = append(out, `,"application":`...)
	out = append(out, name...)
	out = append(out, '}')
	return out
}

// flushEvents waits until every event queued so far was written to the clients' sockets, so that a
// REST response never overtakes the events its request caused (Asterisk sends those first).
// The caller must not hold s.mu.
func (s *Server) flushEvents() {
	type wait struct{ flushed, done chan struct{} }
	s.mu.Lock()
	var waits []wait
	for _, conn := range s.conns {
		m := outMsg{flushed: make(chan struct{})}
		select {
		case conn.queue <- m:
			waits = append(waits, wait{m.flushed, conn.done})
		default:
		}
	}
	s.mu.Unlock()

	deadline := time.NewTimer(flushTimeout)
	defer deadline.Stop()
	for _, w := range waits {
		select {
		case <-w.flushed:
		case <-w.done:
		case <-deadline.C:
			return
		}
	}
}

// removeConn removes a connection and releases its applications. The caller holds s.mu.
func (s *Server) removeConn(conn *eventConn) {
	if _, ok := s.conns[conn.id]; !ok {
		return
	}
	delete(s.conns, conn.id)
	for _, app := range conn.apps {
		if s.apps[app] == conn {
			delete(s.apps, app)
		}
	}
}

// appConnected reports whether an events client serves app. The caller holds s.mu.
func (s *Server) appConnected(app string) bool {
	_, ok := s.apps[app]
	return ok
}

// handleEvents upgrades GET /ari/events to a WebSocket. Query: app (comma-separated, required),
// subscribeAll. A second connection for an application takes it over: the old connection gets
// ApplicationReplaced and then nothing more, without being closed. The connection is registered
// before the upgrade completes, so a client may start calls as soon as its handshake returns.
func (s *Server) handleEvents(w writerRequest) {
	q := w.r.URL.Query()
	appParam := q.Get("app")
	if appParam == "" {
		w.error(400, "Missing param 'app'")
		return
	}
	var apps []string
	for _, a := range strings.Split(appParam, ",") {
		if a = strings.TrimSpace(a); a != "" {
			apps = append(apps, a)
		}
	}
	conn := &eventConn{
		apps: apps, subscribeAll: q.Get("subscribeAll") == "true",
		queue: make(chan outMsg, sendQueueSize), done: make(chan struct{}), replaced: map[string]bool{},
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		w.error(503, "Shutting down")
		return
	}
	s.nextConnID++
	conn.id = s.nextConnID
	for _, app := range apps {
		if s.seenApps[app] {
			if _, live := s.apps[app]; !live {
				s.reconnected[app] = true
			}
		}
		s.seenApps[app] = true
		if old, ok := s.apps[app]; ok && old != conn {
			fields := map[string]any{"type": "ApplicationReplaced", "timestamp": s.clock.Now().Format(TimeFormat), "asterisk_id": s.opts.AsteriskID}
			body, _ := json.Marshal(fields)
			s.send(old, withApplication(body, app))
			old.replaced[app] = true
		}
		s.apps[app] = conn
	}
	s.conns[conn.id] = conn
	s.mu.Unlock()

	ws, err := s.upgrader.Upgrade(w.w, w.r, nil)
	if err != nil {
		s.log.Warn("events upgrade failed", "error", err)
		s.mu.Lock()
		s.removeConn(conn)
		s.mu.Unlock()
		conn.close()
		return
	}
	if !conn.attach(ws) {
		// Dropped or closed while the handshake was in progress.
		return
	}
	s.log.Info("events client connected", "conn_id", conn.id, "apps", apps, "subscribe_all", conn.subscribeAll)

	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		conn.writeLoop()
	}()
	go func() {
		defer s.wg.Done()
		s.readLoop(conn)
	}()
}

// readLoop reads until the client goes away; ARI clients send nothing but control frames.
func (s *Server) readLoop(conn *eventConn) {
	conn.ws.SetReadLimit(64 << 10)
	for {
		if _, _, err := conn.ws.NextReader(); err != nil {
			break
		}
	}
	s.mu.Lock()
	s.removeConn(conn)
	s.mu.Unlock()
	conn.close()
	s.log.Info("events client disconnected", "conn_id", conn.id)
}
