package cti

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/CyCoreSystems/ari/v5/client/native"
	"github.com/gorilla/websocket"

	"github.com/switchboard-cc/switchboard/cti/event"
)

// Server is the connection to one Asterisk server: its events WebSocket, the translator of its
// events and its call-control methods. A Manager creates and runs Servers.
//
// Concurrency: call-control methods are safe for concurrent use. One goroutine, started by
// Manager.Run, owns the WebSocket and delivers events in order; the translator is shared with
// call control (which registers client-chosen ids) under mu.
type Server struct {
	cfg     ServerConfig
	log     *slog.Logger
	metrics *metrics
	client  *native.Client
	http    *http.Client
	out     chan<- event.Event
	auth    string

	mu        sync.Mutex // guards tr, buf and transfers
	tr        *event.Translator
	buf       []event.Event     // reused by handle, which only the event loop calls
	transfers map[string]string // leg id → channel id of a pending blind transfer

	// tasks are the goroutines that complete blind transfers; only the event loop adds to
	// it, and run waits for them before it returns.
	tasks sync.WaitGroup

	connected atomic.Bool
	replaced  atomic.Bool
	errLog    logLimiter
}

func newServer(cfg ServerConfig, log *slog.Logger, m *metrics, out chan<- event.Event) *Server {
	cfg = cfg.withDefaults()

	// Every field is set so that native.New reads no ARI_* environment variable.
	client := native.New(&native.Options{
		Application:     cfg.Application,
		URL:             cfg.restBase(),
		WebsocketURL:    cfg.eventsURL(),
		WebsocketOrigin: "http://localhost/",
		Username:        cfg.Username,
		Password:        cfg.Password,
		SubscribeAll:    true,
	})

	return &Server{
		cfg:       cfg,
		log:       log.With("asterisk_node", cfg.Name),
		metrics:   m,
		client:    client,
		http:      &http.Client{},
		out:       out,
		auth:      "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password)),
		tr:        event.NewTranslator(cfg.Name),
		transfers: make(map[string]string),
	}
}

// Name returns the server's configured name.
func (s *Server) Name() string { return s.cfg.Name }

// Connected reports whether the events WebSocket is up and the last reconcile finished.
func (s *Server) Connected() bool { return s.connected.Load() }

// Replaced reports whether another client took over the Stasis application, after which the
// server no longer reconnects.
func (s *Server) Replaced() bool { return s.replaced.Load() }

// errReplaced ends a session after ApplicationReplaced.
var errReplaced = errors.New("another connection took over the Stasis application")

// run keeps the events connection up until ctx ends: connect, reconcile, read, and on any
// failure reconnect after a capped exponential backoff with full jitter. After
// ApplicationReplaced it stops reconnecting, because reconnecting would take the application
// back from the connection that replaced it and the two would alternate.
func (s *Server) run(ctx context.Context) {
	defer s.http.CloseIdleConnections()
	defer s.tasks.Wait()

	s.log.Info("ARI connection starting", "config", s.cfg)
	attempt := 0
	for ctx.Err() == nil {
		started := time.Now()
		established, err := s.session(ctx)
		if ctx.Err() != nil {
			break
		}

		if s.connected.Swap(false) {
			s.metrics.connected.WithLabelValues(s.cfg.Name).Set(0)
		}

		if established {
			// A connection that drops at once after each connect keeps backing off; only
			// one that stayed up for a while starts the delays from the minimum again.
			if time.Since(started) > s.cfg.ReconnectMax {
				attempt = 0
			}
			s.emit(ctx, event.ConnectionState{
				Meta:     event.Meta{Server: s.cfg.Name, Time: time.Now()},
				Replaced: errors.Is(err, errReplaced),
				Reason:   err.Error(),
			})
		}

		if errors.Is(err, errReplaced) {
			s.replaced.Store(true)
			s.log.Error("ARI application replaced by another connection; not reconnecting", "application", s.cfg.Application)
			<-ctx.Done()
			break
		}

		delay := backoff(attempt, s.cfg.ReconnectMin, s.cfg.ReconnectMax)
		attempt++
		s.metrics.reconnects.WithLabelValues(s.cfg.Name).Inc()
		s.log.Warn("ARI events connection failed, retrying", "error", err, "attempt", attempt, "delay", delay)

		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
		case <-timer.C:
		}
	}

	s.log.Info("ARI connection stopped")
}

// backoff returns the delay before reconnect attempt n (0-based): a random duration up to
// min·2ⁿ, capped at max, and never below min/2 so a flapping server is not hammered.
func backoff(n int, minDelay, maxDelay time.Duration) time.Duration {
	ceiling := maxDelay
	if n < 32 {
		if d := minDelay << n; d > 0 && d < maxDelay {
			ceiling = d
		}
	}

	floor := minDelay / 2
	if ceiling <= floor {
		return ceiling
	}

	return floor + rand.N(ceiling-floor)
}

// session runs one connection: dial, reconcile, then translate messages until the connection
// fails or ctx ends. established reports whether the connection got as far as reconciling.
func (s *Server) session(ctx context.Context) (established bool, err error) {
	dialer := websocket.Dialer{HandshakeTimeout: s.cfg.RequestTimeout}
	header := http.Header{"Authorization": []string{s.auth}}

	conn, resp, err := dialer.DialContext(ctx, s.cfg.eventsURL(), header)
	if err != nil {
		if resp != nil {
			return false, fmt.Errorf("connect events WebSocket: ARI status %d (check the ARI user, password and URL): %w", resp.StatusCode, err)
		}

		return false, fmt.Errorf("connect events WebSocket: %w", err)
	}

	stop := make(chan struct{})
	messages := make(chan []byte, 1024)
	readErr := make(chan error, 1)
	var reader sync.WaitGroup

	reader.Add(1)
	go func() {
		defer reader.Done()
		readErr <- s.read(conn, messages, stop)
	}()

	pingDone := make(chan struct{})
	go func() {
		defer close(pingDone)
		s.ping(conn, stop)
	}()

	defer func() {
		close(stop)
		conn.Close()
		reader.Wait()
		<-pingDone
	}()

	// The snapshot is read after the WebSocket is up, so nothing that happens meanwhile is
	// lost: its events wait in messages and are translated after the reconcile, which drops
	// those the snapshot already reflects.
	missing, err := s.reconcile(ctx)
	if err != nil {
		return false, err
	}

	// Messages queued while the snapshot was read go first: a ChannelDestroyed among them
	// gives a vanished channel its real hang-up cause.
	for drained := false; !drained; {
		select {
		case raw := <-messages:
			if err := s.handle(ctx, raw); err != nil {
				return true, err
			}
		default:
			drained = true
		}
	}
	s.reportMissing(ctx, missing)

	s.connected.Store(true)
	s.metrics.connected.WithLabelValues(s.cfg.Name).Set(1)
	s.log.Info("ARI connected and reconciled")

	for {
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case raw := <-messages:
			if err := s.handle(ctx, raw); err != nil {
				return true, err
			}
		case err := <-readErr:
			// Translate what was read before the failure, in order.
			for drained := false; !drained; {
				select {
				case raw := <-messages:
					if herr := s.handle(ctx, raw); herr != nil {
						return true, herr
					}
				default:
					drained = true
				}
			}

			return true, fmt.Errorf("read events WebSocket: %w", err)
		}
	}
}

// read copies WebSocket messages into messages until the connection fails or stop closes.
func (s *Server) read(conn *websocket.Conn, messages chan<- []byte, stop <-chan struct{}) error {
	deadline := 3 * s.cfg.PingInterval
	conn.SetPongHandler(func(string) error {
		return conn.SetReadDeadline(time.Now().Add(deadline))
	})

	for {
		if err := conn.SetReadDeadline(time.Now().Add(deadline)); err != nil {
			return err
		}

		_, raw, err := conn.ReadMessage()
		if err != nil {
			return err
		}

		select {
		case messages <- raw:
		case <-stop:
			return nil
		}
	}
}

// ping keeps the connection checked: Asterisk answers pings, and a dead TCP connection would
// otherwise stay silent until the kernel gives up.
func (s *Server) ping(conn *websocket.Conn, stop <-chan struct{}) {
	ticker := time.NewTicker(s.cfg.PingInterval)
	defer ticker.Stop()

	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.cfg.PingInterval)); err != nil {
				s.log.Debug("ARI ping failed", "error", err)
				return
			}
		}
	}
}

// handle translates one message and delivers its events. It returns errReplaced after
// ApplicationReplaced.
func (s *Server) handle(ctx context.Context, raw []byte) error {
	s.mu.Lock()
	events, err := s.tr.Translate(raw, s.buf[:0])
	typ := s.tr.LastType()
	s.buf = events[:0]
	s.mu.Unlock()

	s.metrics.ariEvents.WithLabelValues(s.cfg.Name, typ).Inc()
	if err != nil {
		s.metrics.translationErrors.WithLabelValues(s.cfg.Name).Inc()
		if suppressed, ok := s.errLog.allow(time.Now()); ok {
			s.log.Warn("ARI event dropped: cannot translate", "error", err, "bytes", len(raw), "suppressed_since_last", suppressed)
		}
	}

	if s.deliver(ctx, events) {
		return errReplaced
	}

	return nil
}

// deliver emits events in order, starting the blind transfers whose leg answered. It reports
// whether an ApplicationReplaced was among them; that one is not emitted, because the session
// ends and run reports the replacement.
func (s *Server) deliver(ctx context.Context, events []event.Event) (replaced bool) {
	for _, e := range events {
		switch e := e.(type) {
		case event.ConnectionState:
			if e.Replaced {
				replaced = true
				continue
			}
		case event.OriginateResult:
			s.onOriginateResult(ctx, e)
		}

		s.emit(ctx, e)
	}

	return replaced
}

// onOriginateResult completes a pending blind transfer whose leg answered.
func (s *Server) onOriginateResult(ctx context.Context, e event.OriginateResult) {
	s.mu.Lock()
	channelID, pending := s.transfers[e.ChannelID]
	delete(s.transfers, e.ChannelID)
	s.mu.Unlock()

	if !pending || e.Status != event.OriginateAnswered {
		return
	}

	s.tasks.Add(1)
	go func() {
		defer s.tasks.Done()
		s.completeTransfer(ctx, channelID, e.ChannelID)
	}()
}

// emit delivers one event, waiting while the consumer is busy: a domain event is never
// dropped, so a slow consumer slows the reading of the WebSocket instead.
func (s *Server) emit(ctx context.Context, e event.Event) {
	select {
	case s.out <- e:
		s.metrics.domainEvents.WithLabelValues(s.cfg.Name, kindOf(e)).Inc()
	case <-ctx.Done():
	}
}

func kindOf(e event.Event) string {
	switch e.(type) {
	case event.CallArrived:
		return "call_arrived"
	case event.Ringing:
		return "ringing"
	case event.Answered:
		return "answered"
	case event.LeftApplication:
		return "left_application"
	case event.HungUp:
		return "hung_up"
	case event.OriginateResult:
		return "originate_result"
	case event.DTMF:
		return "dtmf"
	case event.Held:
		return "held"
	case event.Unheld:
		return "unheld"
	case event.PlaybackFinished:
		return "playback_finished"
	case event.RecordingFinished:
		return "recording_finished"
	case event.BridgeCreated:
		return "bridge_created"
	case event.ChannelEnteredBridge:
		return "channel_entered_bridge"
	case event.ChannelLeftBridge:
		return "channel_left_bridge"
	case event.BridgeDestroyed:
		return "bridge_destroyed"
	case event.ConnectionState:
		return "connection_state"
	}

	return "other"
}

// logLimiter lets one log line through per second and counts the ones it held back.
type logLimiter struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func (l *logLimiter) allow(now time.Time) (suppressed int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()

	if now.Sub(l.last) < time.Second {
		l.suppressed++
		return 0, false
	}

	suppressed = l.suppressed
	l.last = now
	l.suppressed = 0

	return suppressed, true
}
