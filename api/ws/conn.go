package ws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// Peer identifies the authenticated user and session behind a connection.
type Peer struct {
	User      protocol.User
	SessionID string
}

// Handler supplies what the gateway sends: the hello frame and the replies to client frames.
// Its methods are called from the connection's reader goroutine, one at a time per
// connection, and concurrently across connections.
type Handler interface {
	// Hello returns the first frame of a new connection.
	Hello(ctx context.Context, p Peer) ([]byte, error)
	// HandleFrame handles one inbound text frame and returns the reply frame, or nil for none.
	HandleFrame(ctx context.Context, p Peer, frame []byte) []byte
	// SessionValid reports whether the session behind the connection is still logged in. The
	// gateway calls it at every ping and closes the connection with code 4001 when it is not.
	SessionValid(ctx context.Context, sessionID string) bool
	// ErrorFrame returns an error frame with the code (protocol.CodeTooLarge or
	// protocol.CodeBadJSON) for a frame that the gateway rejects before HandleFrame.
	ErrorFrame(p Peer, code string) []byte
}

// client is one WebSocket connection.
type client struct {
	peer Peer
	send chan []byte
	hub  *Hub
	// netConn is the connection under the WebSocket, used only to cut off a slow client:
	// net.Conn deadlines may be set from any goroutine, gorilla's may not.
	netConn net.Conn

	// stopped is closed once, by stop, when the connection must end; closeCode, closeText
	// and lastFrame are written before it is closed and read only after.
	stopped   chan struct{}
	stopOnce  sync.Once
	closeCode int
	closeText string
	lastFrame []byte
	dropped   atomic.Bool
}

// enqueue queues a frame without blocking. A full queue drops the connection.
func (c *client) enqueue(frame []byte) bool {
	select {
	case <-c.stopped:
		return false
	default:
	}

	select {
	case c.send <- frame:
		return true
	default:
	}

	if c.dropped.CompareAndSwap(false, true) {
		c.hub.metrics.dropped.Inc()
		c.hub.log.Warn("dropping slow websocket client: send queue full",
			"agent_id", c.peer.User.ID, "queue", cap(c.send))
		c.stop(protocol.CloseSlowClient, "send queue full")
		// A write blocked on the client's full socket buffer would hold the writer for up to
		// WriteWait; a deadline in the past ends it now.
		_ = c.netConn.SetWriteDeadline(time.Unix(1, 0))
	}
	return false
}

// stop ends the connection with the close code. Only the first call has an effect.
func (c *client) stop(code int, text string) {
	c.stopWith(code, text, nil)
}

// stopWith is stop with a last frame that the writer sends just before the close frame.
func (c *client) stopWith(code int, text string, last []byte) {
	c.stopOnce.Do(func() {
		c.closeCode = code
		c.closeText = text
		c.lastFrame = last
		close(c.stopped)
	})
}

func (c *client) isStopped() bool {
	select {
	case <-c.stopped:
		return true
	default:
		return false
	}
}

// Serve upgrades the request and runs the connection until it ends. The caller has already
// authenticated the request and checked its origin; the upgrade checks Config.CheckOrigin
// again. Serve returns when the connection is closed.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, p Peer, handler Handler) {
	if !h.begin() {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.wg.Done()

	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		// The upgrader has already written an HTTP error response.
		h.log.Info("websocket upgrade failed", "agent_id", p.User.ID, "error", err)
		return
	}

	c := &client{
		peer:    p,
		send:    make(chan []byte, h.cfg.SendQueue),
		hub:     h,
		netConn: conn.NetConn(),
		stopped: make(chan struct{}),
	}

	// Register before building the hello, so no notification published meanwhile is lost.
	// Such a notification may repeat what the hello already shows, so the protocol requires
	// clients to apply notifications idempotently by call id.
	if !h.register(c) {
		h.closeNow(conn, websocket.CloseGoingAway, "server shutting down")
		return
	}
	defer h.unregister(c)

	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()

	hello, err := handler.Hello(ctx, p)
	if err != nil {
		h.log.Error("build websocket hello", "agent_id", p.User.ID, "error", err)
		h.closeNow(conn, websocket.CloseInternalServerErr, "cannot load agent state")
		return
	}
	if err := h.write(conn, hello); err != nil {
		h.log.Info("write websocket hello", "agent_id", p.User.ID, "error", err)
		_ = conn.Close()
		return
	}

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		h.writeLoop(ctx, conn, c, handler)
	}()

	h.readLoop(ctx, conn, c, handler)

	c.stop(websocket.CloseNormalClosure, "")
	cancel()
	<-writerDone
	_ = conn.Close()
	h.log.Debug("websocket closed", "agent_id", p.User.ID, "code", c.closeCode)
}

// readLoop reads client frames until the connection fails, the client closes it, or the
// connection is stopped and the close handshake is over. After a stop it keeps reading, and
// discarding, so that the client's close frame is seen and the socket is not reset with
// unread data in it.
func (h *Hub) readLoop(ctx context.Context, conn *websocket.Conn, c *client, handler Handler) {
	// A message longer than MaxFrameBytes gets an error frame and a 1009 close from the
	// gateway. While the close handshake runs, the reader discards the rest of the message;
	// gorilla's own limit stops that discarding at 16 times the limit, with a second 1009.
	conn.SetReadLimit(h.cfg.MaxFrameBytes * 16)

	extend := func() {
		_ = conn.SetReadDeadline(time.Now().Add(h.cfg.PongWait))
		// The writer shortens the deadline for the close handshake after a stop; checking
		// again after extending keeps the short deadline whichever goroutine ran last.
		if c.isStopped() {
			_ = conn.SetReadDeadline(time.Now().Add(h.cfg.WriteWait))
		}
	}
	extend()
	conn.SetPongHandler(func(string) error {
		extend()
		return nil
	})

	for {
		msgType, r, err := conn.NextReader()
		if err != nil {
			h.logReadEnd(c, err)
			return
		}
		extend()

		if c.isStopped() {
			continue // NextReader discards the unread rest of this message
		}

		if msgType != websocket.TextMessage {
			h.metrics.framesRejected.WithLabelValues("binary").Inc()
			c.enqueue(handler.ErrorFrame(c.peer, protocol.CodeBadJSON))
			continue
		}

		// Read one byte past the limit to tell a frame of exactly the limit from a larger one.
		frame, err := io.ReadAll(io.LimitReader(r, h.cfg.MaxFrameBytes+1))
		if err != nil {
			h.logReadEnd(c, err)
			return
		}
		if int64(len(frame)) > h.cfg.MaxFrameBytes {
			h.metrics.framesRejected.WithLabelValues("too_large").Inc()
			h.log.Info("websocket frame too large", "agent_id", c.peer.User.ID, "limit_bytes", h.cfg.MaxFrameBytes)
			c.stopWith(websocket.CloseMessageTooBig,
				fmt.Sprintf("frame exceeds %d bytes", h.cfg.MaxFrameBytes),
				handler.ErrorFrame(c.peer, protocol.CodeTooLarge))
			continue
		}

		if reply := handler.HandleFrame(ctx, c.peer, frame); reply != nil {
			c.enqueue(reply)
		}
	}
}

func (h *Hub) logReadEnd(c *client, err error) {
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce):
		h.log.Debug("websocket closed by client", "agent_id", c.peer.User.ID, "code", ce.Code)
	case c.isStopped():
		h.log.Debug("websocket read ended after stop", "agent_id", c.peer.User.ID, "error", err)
	default:
		h.log.Info("websocket read failed", "agent_id", c.peer.User.ID, "error", err)
	}
}

// writeLoop writes queued frames and pings until the connection is stopped, then starts the
// close handshake.
func (h *Hub) writeLoop(ctx context.Context, conn *websocket.Conn, c *client, handler Handler) {
	ping := time.NewTicker(h.cfg.PingInterval)
	defer ping.Stop()

	for {
		// Select picks among ready cases at random; checking stopped first keeps a stopped
		// connection from writing out the rest of its queue.
		if c.isStopped() {
			h.finishClose(conn, c)
			return
		}

		select {
		case frame := <-c.send:
			if err := h.write(conn, frame); err != nil {
				h.log.Info("websocket write failed", "agent_id", c.peer.User.ID, "error", err)
				c.stop(websocket.CloseAbnormalClosure, "")
				_ = conn.Close() // unblocks the reader
				return
			}

		case <-ping.C:
			if !handler.SessionValid(ctx, c.peer.SessionID) {
				c.stop(protocol.CloseSessionEnded, "session ended")
				continue
			}
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(h.cfg.WriteWait)); err != nil {
				h.log.Info("websocket ping failed", "agent_id", c.peer.User.ID, "error", err)
				c.stop(websocket.CloseAbnormalClosure, "")
				_ = conn.Close()
				return
			}

		case <-c.stopped:
			h.finishClose(conn, c)
			return
		}
	}
}

// finishClose sends the last frame, if any, and the close frame, and gives the client
// WriteWait to answer; the reader sees the answer and returns. A client that cannot take the
// close frame is cut off.
func (h *Hub) finishClose(conn *websocket.Conn, c *client) {
	switch c.closeCode {
	case websocket.CloseAbnormalClosure:
		_ = conn.Close()
		return
	case protocol.CloseSlowClient:
		// The client is not reading, so there is no handshake to wait for; the close frame
		// gets one short chance and the connection is closed.
		_ = conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(c.closeCode, c.closeText), time.Now().Add(100*time.Millisecond))
		_ = conn.Close()
		return
	}

	if c.lastFrame != nil {
		if err := h.write(conn, c.lastFrame); err != nil {
			_ = conn.Close()
			return
		}
	}

	msg := websocket.FormatCloseMessage(c.closeCode, c.closeText)
	if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(h.cfg.WriteWait)); err != nil {
		_ = conn.Close()
		return
	}
	_ = conn.SetReadDeadline(time.Now().Add(h.cfg.WriteWait))
}

func (h *Hub) write(conn *websocket.Conn, frame []byte) error {
	_ = conn.SetWriteDeadline(time.Now().Add(h.cfg.WriteWait))
	if err := conn.WriteMessage(websocket.TextMessage, frame); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	h.metrics.sent.Inc()
	return nil
}

// closeNow sends a close frame and closes the connection without waiting for the answer.
func (h *Hub) closeNow(conn *websocket.Conn, code int, text string) {
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(h.cfg.WriteWait))
	_ = conn.Close()
}
