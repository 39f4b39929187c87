// Package ws is the WebSocket gateway: it upgrades authenticated requests, runs one reader
// and one writer goroutine per connection, and fans notifications out to every connection of
// a user (an agent may have several tabs open) and of a role (supervisors).
//
// Concurrency contract: the Hub owns the connection registry, and every access goes through
// its mutex. Publishing never blocks. Each connection has a bounded send queue; when it is
// full the connection is dropped with close code 4000 (slow client), counted and logged,
// and the publisher carries on. Hub.Close stops every connection and waits for their
// goroutines.
package ws

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// Hub is the registry of live connections and the fan-out point for notifications.
type Hub struct {
	cfg      Config
	log      *slog.Logger
	metrics  *Metrics
	upgrader websocket.Upgrader

	// wg counts the Serve calls in progress; Add happens under mu while closed is false, so
	// that Close's Wait cannot race with a new connection.
	wg sync.WaitGroup

	mu     sync.RWMutex
	closed bool
	byUser map[string]map[*client]struct{}
	byRole map[protocol.Role]map[*client]struct{}
	count  int
}

// NewHub returns a hub. cfg is validated and its zero fields get defaults.
func NewHub(cfg Config, log *slog.Logger, metrics *Metrics) (*Hub, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if metrics == nil {
		return nil, fmt.Errorf("new hub: missing metrics")
	}

	h := &Hub{
		cfg:     cfg,
		log:     log,
		metrics: metrics,
		byUser:  make(map[string]map[*client]struct{}),
		byRole:  make(map[protocol.Role]map[*client]struct{}),
	}
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: cfg.WriteWait,
		ReadBufferSize:   4096,
		WriteBufferSize:  4096,
		CheckOrigin:      cfg.CheckOrigin,
	}
	return h, nil
}

// Clients returns the number of registered connections.
func (h *Hub) Clients() int {
	h.mu.RLock()
	defer h.mu.RUnlock()

	return h.count
}

// SendToUser queues a frame on every connection of the user and returns how many connections
// it was queued on. It never blocks: a connection whose queue is full is dropped.
func (h *Hub) SendToUser(userID string, frame []byte) int {
	h.mu.RLock()
	defer h.mu.RUnlock()

	n := 0
	for c := range h.byUser[userID] {
		if c.enqueue(frame) {
			n++
		}
	}
	return n
}

// SendToRole queues a frame on every connection whose user has the role.
func (h *Hub) SendToRole(role protocol.Role, frame []byte) int {
	h.mu.RLock()
	defer h.mu.RUnlock()

	n := 0
	for c := range h.byRole[role] {
		if c.enqueue(frame) {
			n++
		}
	}
	return n
}

// sendToUserAndRole queues a frame on each connection that belongs to the user or has the
// role. A connection that is both gets the frame once.
func (h *Hub) sendToUserAndRole(userID string, role protocol.Role, frame []byte) int {
	h.mu.RLock()
	defer h.mu.RUnlock()

	n := 0
	for c := range h.byUser[userID] {
		if c.enqueue(frame) {
			n++
		}
	}
	for c := range h.byRole[role] {
		if c.peer.User.ID == userID {
			continue
		}
		if c.enqueue(frame) {
			n++
		}
	}
	return n
}

// DisconnectSession closes every connection opened with the session, with close code 4001,
// so that logging out also ends the WebSocket.
func (h *Hub) DisconnectSession(sessionID string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()

	n := 0
	for _, conns := range h.byUser {
		for c := range conns {
			if c.peer.SessionID == sessionID {
				c.stop(protocol.CloseSessionEnded, "session ended")
				n++
			}
		}
	}
	return n
}

// Close stops every connection with close code 1001 (going away), refuses new ones, and
// waits until their goroutines have returned or ctx is done. It is safe to call more than
// once.
func (h *Hub) Close(ctx context.Context) error {
	h.mu.Lock()
	h.closed = true
	for _, conns := range h.byUser {
		for c := range conns {
			c.stop(websocket.CloseGoingAway, "server shutting down")
		}
	}
	h.mu.Unlock()

	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()

	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("close websocket hub: %d connections still open: %w", h.Clients(), ctx.Err())
	}
}

// begin counts a new Serve call unless the hub is closed.
func (h *Hub) begin() bool {
	h.mu.Lock()
	defer h.mu.Unlock()

	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

// register adds a connection to the registry; it returns false after Close.
func (h *Hub) register(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()

	if h.closed {
		return false
	}

	add := func(set map[*client]struct{}) map[*client]struct{} {
		if set == nil {
			set = make(map[*client]struct{})
		}
		set[c] = struct{}{}
		return set
	}
	h.byUser[c.peer.User.ID] = add(h.byUser[c.peer.User.ID])
	for _, r := range c.peer.User.Roles {
		h.byRole[r] = add(h.byRole[r])
	}
	h.count++
	h.metrics.clients.Inc()
	return true
}

func (h *Hub) unregister(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()

	if _, ok := h.byUser[c.peer.User.ID][c]; !ok {
		return
	}

	delete(h.byUser[c.peer.User.ID], c)
	if len(h.byUser[c.peer.User.ID]) == 0 {
		delete(h.byUser, c.peer.User.ID)
	}
	for _, r := range c.peer.User.Roles {
		delete(h.byRole[r], c)
		if len(h.byRole[r]) == 0 {
			delete(h.byRole, r)
		}
	}
	h.count--
	h.metrics.clients.Dec()
}

// Config sets the timings and limits of the gateway.
type Config struct {
	// PingInterval is how often the server pings each client.
	PingInterval time.Duration
	// PongWait is the read deadline: a client that sends nothing, not even a pong, for this
	// long is disconnected. It must be longer than PingInterval.
	PongWait time.Duration
	// WriteWait bounds each write, the close handshake and the upgrade handshake.
	WriteWait time.Duration
	// SendQueue is the number of frames that may wait for one slow connection before it is
	// dropped.
	SendQueue int
	// MaxFrameBytes is the largest inbound message; a larger one closes the connection with
	// code 1009.
	MaxFrameBytes int64
	// CheckOrigin decides whether an upgrade request's Origin is allowed. Required.
	CheckOrigin func(*http.Request) bool
}

// Defaults of Config. The heartbeat stays well under the 60 s idle timeout that proxies
// such as nginx apply by default.
const (
	DefaultPingInterval  = 20 * time.Second
	DefaultPongWait      = 45 * time.Second
	DefaultWriteWait     = 10 * time.Second
	DefaultSendQueue     = 64
	DefaultMaxFrameBytes = 64 << 10
)

func (c *Config) setDefaults() error {
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.PongWait == 0 {
		c.PongWait = DefaultPongWait
	}
	if c.WriteWait == 0 {
		c.WriteWait = DefaultWriteWait
	}
	if c.SendQueue == 0 {
		c.SendQueue = DefaultSendQueue
	}
	if c.MaxFrameBytes == 0 {
		c.MaxFrameBytes = DefaultMaxFrameBytes
	}

	switch {
	case c.PingInterval < 0 || c.PongWait < 0 || c.WriteWait < 0:
		return fmt.Errorf("invalid websocket timings: ping interval %v, pong wait %v, write wait %v must be positive", c.PingInterval, c.PongWait, c.WriteWait)
	case c.PongWait <= c.PingInterval:
		return fmt.Errorf("invalid websocket pong wait %v: it must be longer than the ping interval %v", c.PongWait, c.PingInterval)
	case c.SendQueue < 1:
		return fmt.Errorf("invalid websocket send queue %d: it must be at least 1", c.SendQueue)
	case c.MaxFrameBytes < 1024:
		return fmt.Errorf("invalid websocket frame limit %d bytes: it must be at least 1024", c.MaxFrameBytes)
	case c.CheckOrigin == nil:
		return fmt.Errorf("missing websocket origin check")
	}
	return nil
}
