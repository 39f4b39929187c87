package arisim

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Credential is one ARI user, as in Asterisk's ari.conf.
type Credential struct {
	Username string
	Password string
}

// Options configures a Server. The zero value is usable except for Users, which must contain at
// least one credential.
type Options struct {
	// Users may authenticate with HTTP basic auth or with the api_key=user:password query parameter.
	Users []Credential
	// Clock drives every delay and timestamp; nil means RealClock{Scale: 1}.
	Clock Clock
	// Rules decide how dialled endpoints behave; nil means DefaultRules().
	Rules []Rule
	// PJSIPEndpoints are the configured SIP phones; originating to another PJSIP endpoint fails
	// with "Allocation failed", as in Asterisk. nil means 1001 to 1010.
	PJSIPEndpoints []string
	// Sounds maps a sound name (with "<lang>/" prefix for a language other than en) to its
	// length; playing a sound that is not listed fails. nil means DefaultSounds().
	Sounds map[string]time.Duration
	// DefaultApp is the Stasis application of a simulated customer call that names none.
	DefaultApp string
	// DuplicateBridgeEventsAfterReconnect sends ChannelEnteredBridge and ChannelLeftBridge twice
	// to an application that connected again after losing its events connection. Asterisk 22 can
	// do that after a reconnect, so clients must de-duplicate them. Off by default.
	DuplicateBridgeEventsAfterReconnect bool
	// AsteriskID is the asterisk_id of every event; empty means "02:fc:00:00:00:01".
	AsteriskID string
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
}

// Server is an ARI server that behaves like Asterisk 22.10.1 for the REST calls and events
// Switchboard uses. All state sits behind one mutex: REST handlers, control calls and timers take
// it, change state, queue events to every WebSocket client, release it, and wait until the events
// reach the sockets before they return. Each WebSocket client has one writer and one reader
// goroutine; Close stops them and every pending timer.
type Server struct {
	opts     Options
	clock    Clock
	log      *slog.Logger
	upgrader websocket.Upgrader
	startup  time.Time

	mu          sync.Mutex
	closed      bool
	channels    map[string]*channel
	chanOrder   []*channel // creation order, for GET /channels
	bridges     map[string]*bridge
	playbacks   map[string]*playback
	recordings  map[string]*recording
	conns       map[uint64]*eventConn
	apps        map[string]*eventConn
	nextConnID  uint64
	seenApps    map[string]bool // applications that ever had an events connection
	reconnected map[string]bool // applications that connected again after losing their connection
	uniqueSeq   int             // the n of Asterisk unique ids "<startup epoch>.<n>"
	localSeq    int             // the counter in Local/...-%08x names
	pjsipSeq    int
	snoopSeq    int
	registered  map[string]bool // PJSIP resources with a registered contact
	faults      []*fault
	zombies     []*bridge // deleted bridges whose BridgeDestroyed waits for a former member
	timers      map[*timerEntry]struct{}
	stats       Stats
	continued   []Continued // channels sent back to the dialplan, in request order

	wg sync.WaitGroup
}

// New returns a Server configured by opts.
func New(opts Options) *Server {
	if opts.Clock == nil {
		opts.Clock = RealClock{Scale: 1}
	}
	if opts.Rules == nil {
		opts.Rules = DefaultRules()
	}
	if opts.PJSIPEndpoints == nil {
		for i := 1001; i <= 1010; i++ {
			opts.PJSIPEndpoints = append(opts.PJSIPEndpoints, fmt.Sprint(i))
		}
	}
	if opts.Sounds == nil {
		opts.Sounds = DefaultSounds()
	}
	if opts.AsteriskID == "" {
		opts.AsteriskID = "02:fc:00:00:00:01"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts: opts, clock: opts.Clock, log: opts.Logger,
		channels: map[string]*channel{}, bridges: map[string]*bridge{},
		playbacks: map[string]*playback{}, recordings: map[string]*recording{},
		conns: map[uint64]*eventConn{}, apps: map[string]*eventConn{},
		registered: map[string]bool{}, timers: map[*timerEntry]struct{}{},
		seenApps: map[string]bool{}, reconnected: map[string]bool{},
	}
	s.startup = s.clock.Now()
	// ARI clients are not browsers; Asterisk does not check the Origin header either.
	s.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	return s
}

// Close disconnects every events client, cancels every timer and waits for the server's goroutines.
// It is safe to call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	conns := make([]*eventConn, 0, len(s.conns))
	for _, c := range s.conns {
		conns = append(conns, c)
	}
	for t := range s.timers {
		t.timer.Stop()
	}
	s.timers = map[*timerEntry]struct{}{}
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
}

// timerEntry tracks a scheduled simulator action so that Close can cancel it.
type timerEntry struct{ timer Timer }

// after runs fn under s.mu once d has passed, unless the server was closed. The caller holds s.mu.
func (s *Server) after(d time.Duration, fn func()) Timer {
	e := &timerEntry{}
	e.timer = s.clock.AfterFunc(d, func() {
		s.mu.Lock()
		if _, pending := s.timers[e]; !pending || s.closed {
			// Stopped while this call waited for the lock, or the server closed.
			s.mu.Unlock()
			return
		}
		delete(s.timers, e)
		fn()
		s.mu.Unlock()
		s.flushEvents()
	})
	s.timers[e] = struct{}{}
	return stopper{s, e}
}

type stopper struct {
	s *Server
	e *timerEntry
}

// Stop cancels the action; the caller holds s.mu.
func (t stopper) Stop() bool {
	delete(t.s.timers, t.e)
	return t.e.timer.Stop()
}

// Handler returns the HTTP handler serving /ari/... (REST and the /ari/events WebSocket) and
// /control/... (the simulator's control API). Both require the configured credentials.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

// writerRequest carries one request through the handlers.
type writerRequest struct {
	w      http.ResponseWriter
	r      *http.Request
	server *Server
	params params
	delay  time.Duration
}

func (w writerRequest) error(status int, message string) {
	w.json(status, map[string]string{"message": message})
}

func (w writerRequest) json(status int, v any) {
	w.server.flushEvents()
	if w.delay > 0 {
		time.Sleep(w.delay)
	}
	w.w.Header().Set("Content-Type", "application/json")
	w.w.WriteHeader(status)
	_ = json.NewEncoder(w.w).Encode(v)
}

func (w writerRequest) noContent() {
	w.server.flushEvents()
	if w.delay > 0 {
		time.Sleep(w.delay)
	}
	w.w.WriteHeader(http.StatusNoContent)
}

// maxBodyBytes bounds a REST request body; ARI bodies are a few hundred bytes.
const maxBodyBytes = 1 << 20

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	wr := writerRequest{w: w, r: r, server: s}
	isARI := strings.HasPrefix(r.URL.Path, "/ari/")
	isControl := strings.HasPrefix(r.URL.Path, "/control/")
	if !isARI && !isControl {
		wr.error(404, "Resource not found")
		return
	}
	if !s.authenticate(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Asterisk REST Interface"`)
		wr.error(401, "Authentication required")
		return
	}

	if isARI && r.URL.Path == "/ari/events" && r.Method == http.MethodGet {
		s.handleEvents(wr)
		return
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		wr.error(400, "Error parsing request body")
		return
	}
	if isControl {
		s.serveControl(wr, body)
		return
	}

	if f := s.matchFault(r.Method, r.URL.Path); f != nil {
		if f.status != 0 {
			wr.error(f.status, f.message)
			return
		}
		wr.delay = f.delay
	}

	p, err := parseParams(r.URL.RawQuery, body)
	if err != nil {
		wr.error(400, "Error parsing request body")
		return
	}
	wr.params = p
	s.routeARI(wr)
}

// authenticate checks basic auth, then the api_key=user:password query parameter.
func (s *Server) authenticate(r *http.Request) bool {
	if user, pass, ok := r.BasicAuth(); ok {
		return s.checkUser(user, pass)
	}
	if key := r.URL.Query().Get("api_key"); key != "" {
		// The user name cannot contain ':', so the first colon ends it and the password may hold more.
		user, pass, ok := strings.Cut(key, ":")
		return ok && s.checkUser(user, pass)
	}
	return false
}

func (s *Server) checkUser(user, pass string) bool {
	for _, u := range s.opts.Users {
		if u.Username == user && subtle.ConstantTimeCompare([]byte(u.Password), []byte(pass)) == 1 {
			return true
		}
	}
	return false
}

// route is one REST endpoint: a method and a path pattern where {x} matches one segment.
type route struct {
	method  string
	pattern []string
	handle  func(s *Server, w writerRequest, vars map[string]string)
}

func (s *Server) routeARI(w writerRequest) {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(w.r.URL.Path, "/ari"), "/"), "/")
	pathKnown := false
	for _, rt := range ariRoutes {
		vars, ok := matchRoute(rt.pattern, segs)
		if !ok {
			continue
		}
		pathKnown = true
		if rt.method == w.r.Method {
			rt.handle(s, w, vars)
			return
		}
	}
	if pathKnown {
		w.error(405, "Invalid method")
		return
	}
	w.error(404, "Resource not found")
}

func matchRoute(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var vars map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if vars == nil {
				vars = map[string]string{}
			}
			vars[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return vars, true
}

func newRoute(method, path string, h func(s *Server, w writerRequest, vars map[string]string)) route {
	return route{method: method, pattern: strings.Split(path, "/"), handle: h}
}

// ariRoutes lists the REST endpoints, as described by Asterisk 22's ARI resource listings.
var ariRoutes = []route{
	newRoute("GET", "asterisk/info", (*Server).restAsteriskInfo),
	newRoute("GET", "asterisk/ping", (*Server).restAsteriskPing),
	newRoute("GET", "applications", (*Server).restApplications),
	newRoute("GET", "applications/{app}", (*Server).restApplication),
	newRoute("GET", "endpoints", (*Server).restEndpoints),
	newRoute("GET", "endpoints/{tech}", (*Server).restEndpoints),
	newRoute("GET", "endpoints/{tech}/{resource}", (*Server).restEndpoint),

	newRoute("GET", "channels", (*Server).restChannelList),
	newRoute("POST", "channels", (*Server).restOriginate),
	newRoute("POST", "channels/create", (*Server).restCreate),
	newRoute("GET", "channels/{id}", (*Server).restChannelGet),
	newRoute("POST", "channels/{id}", (*Server).restOriginate),
	newRoute("DELETE", "channels/{id}", (*Server).restHangup),
	newRoute("POST", "channels/{id}/answer", (*Server).restAnswer),
	newRoute("POST", "channels/{id}/ring", (*Server).restNoEvent),
	newRoute("DELETE", "channels/{id}/ring", (*Server).restNoEvent),
	newRoute("POST", "channels/{id}/hold", (*Server).restNoEvent),
	newRoute("DELETE", "channels/{id}/hold", (*Server).restNoEvent),
	newRoute("POST", "channels/{id}/mute", (*Server).restNoEvent),
	newRoute("DELETE", "channels/{id}/mute", (*Server).restNoEvent),
	newRoute("POST", "channels/{id}/silence", (*Server).restNoEvent),
	newRoute("DELETE", "channels/{id}/silence", (*Server).restNoEvent),
	newRoute("POST", "channels/{id}/moh", (*Server).restChannelMOH),
	newRoute("DELETE", "channels/{id}/moh", (*Server).restChannelMOH),
	newRoute("POST", "channels/{id}/dial", (*Server).restDial),
	newRoute("POST", "channels/{id}/dtmf", (*Server).restSendDTMF),
	newRoute("GET", "channels/{id}/variable", (*Server).restGetVar),
	newRoute("POST", "channels/{id}/variable", (*Server).restSetVar),
	newRoute("POST", "channels/{id}/continue", (*Server).restContinue),
	newRoute("POST", "channels/{id}/redirect", (*Server).restRedirect),
	newRoute("POST", "channels/{id}/play", (*Server).restChannelPlay),
	newRoute("POST", "channels/{id}/play/{playbackId}", (*Server).restChannelPlay),
	newRoute("POST", "channels/{id}/record", (*Server).restChannelRecord),
	newRoute("POST", "channels/{id}/snoop", (*Server).restSnoop),
	newRoute("POST", "channels/{id}/snoop/{snoopId}", (*Server).restSnoop),

	newRoute("GET", "bridges", (*Server).restBridgeList),
	newRoute("POST", "bridges", (*Server).restBridgeCreate),
	newRoute("GET", "bridges/{id}", (*Server).restBridgeGet),
	newRoute("POST", "bridges/{id}", (*Server).restBridgeCreate),
	newRoute("DELETE", "bridges/{id}", (*Server).restBridgeDestroy),
	newRoute("POST", "bridges/{id}/addChannel", (*Server).restBridgeAdd),
	newRoute("POST", "bridges/{id}/removeChannel", (*Server).restBridgeRemove),
	newRoute("POST", "bridges/{id}/moh", (*Server).restBridgeMOH),
	newRoute("DELETE", "bridges/{id}/moh", (*Server).restBridgeMOH),
	newRoute("POST", "bridges/{id}/play", (*Server).restBridgePlay),
	newRoute("POST", "bridges/{id}/play/{playbackId}", (*Server).restBridgePlay),
	newRoute("POST", "bridges/{id}/record", (*Server).restBridgeRecord),

	newRoute("GET", "playbacks/{id}", (*Server).restPlaybackGet),
	newRoute("DELETE", "playbacks/{id}", (*Server).restPlaybackStop),
	newRoute("POST", "playbacks/{id}/control", (*Server).restPlaybackControl),
	newRoute("GET", "recordings/live/{name}", (*Server).restRecordingGet),
	newRoute("DELETE", "recordings/live/{name}", (*Server).restRecordingCancel),
	newRoute("POST", "recordings/live/{name}/stop", (*Server).restRecordingStop),
	newRoute("POST", "recordings/live/{name}/pause", (*Server).restRecordingNoop),
	newRoute("DELETE", "recordings/live/{name}/pause", (*Server).restRecordingNoop),
	newRoute("POST", "recordings/live/{name}/mute", (*Server).restRecordingNoop),
	newRoute("DELETE", "recordings/live/{name}/mute", (*Server).restRecordingNoop),
}
