// Package api is Switchboard's HTTP API: login with server-side sessions, role checks on
// every route, the agent desk's REST commands, the WebSocket gateway (package api/ws) and the
// embedded browser app.
//
// Lifecycle: New builds a Server, which is an http.Handler that the caller runs in its own
// http.Server. On shutdown the caller also calls Close, which ends the WebSocket
// connections: they are hijacked, so http.Server.Shutdown does not see them. The integration
// layer publishes routing notifications through Hub.
package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/text/language"

	"github.com/switchboard-cc/switchboard/api/loginlimit"
	"github.com/switchboard-cc/switchboard/api/session"
	"github.com/switchboard-cc/switchboard/api/ws"
)

// Deps are the collaborators of the API. Auth, Desk, Contacts and State are required.
type Deps struct {
	Auth     Authenticator
	Desk     AgentDesk
	Contacts Contacts
	State    StateProvider
	// Wallboard fills supervisors' hello with every queue and signed-in agent. When it is nil,
	// hello has no wallboard and a supervisor's page fills only from later notifications.
	Wallboard WallboardProvider
	// Supervisor runs supervisors' listen, whisper and barge commands. When it is nil and
	// Desk implements SupervisorDesk, Desk is used; otherwise those commands answer
	// "unavailable".
	Supervisor SupervisorDesk
	// TransferTargets serves transfer.targets. When it is nil and Desk implements
	// TransferTargetsProvider, Desk is used. Otherwise the query fails with "unavailable".
	TransferTargets TransferTargetsProvider
	// Callbacks serves callbacks.list and callbacks.done. When it is nil, they fail with
	// "unavailable".
	Callbacks Callbacks
	// Sessions stores login sessions; nil means a new in-memory store.
	Sessions session.Store
	// LoginFailures counts failed logins over LoginWindow; nil means a new in-memory counter,
	// which limits each node on its own.
	LoginFailures loginlimit.Counter
	// Metrics registers the API's metrics; nil means a private registry that is not exported.
	Metrics prometheus.Registerer
	// Logger; nil discards logs.
	Logger *slog.Logger
	// Now is the clock for session expiry; nil means time.Now.
	Now func() time.Time
}

// Options are the API's settings. Zero values get the defaults named on each field.
type Options struct {
	// AllowedOrigins lists the origins (scheme://host[:port]) from which browsers may send
	// state-changing requests and open the WebSocket. Required.
	AllowedOrigins []string
	// SecureCookie sets the Secure flag and the __Host- name prefix on the session cookie.
	// Turn it off only for plain-HTTP development on loopback.
	SecureCookie bool
	// SameSiteStrict uses SameSite=Strict instead of Lax for the session cookie.
	SameSiteStrict bool
	// SessionTTL is how long a login lasts. Default 12h, one long shift.
	SessionTTL time.Duration
	// MaxBodyBytes limits request bodies. Default 64 KiB.
	MaxBodyBytes int64
	// CommandTimeout bounds each call into AgentDesk, Contacts and StateProvider. Default 5s.
	CommandTimeout time.Duration
	// DefaultLocale is used for messages when neither the user nor the request names ru or en.
	// Default ru.
	DefaultLocale string
	// WebSocket timings and limits; see ws.Config for the defaults.
	PingInterval  time.Duration
	PongWait      time.Duration
	WriteWait     time.Duration
	SendQueue     int
	MaxFrameBytes int64
	// UI is the built browser app served at /; nil serves a short "not built" page.
	UI fs.FS
}

// Defaults of Options.
const (
	DefaultSessionTTL     = 12 * time.Hour
	DefaultMaxBodyBytes   = 64 << 10
	DefaultCommandTimeout = 5 * time.Second
)

// Server is the API's http.Handler.
type Server struct {
	deps     Deps
	opts     Options
	log      *slog.Logger
	metrics  *metrics
	hub      *ws.Hub
	origins  map[string]bool
	locales  language.Matcher
	routes   []Route
	mux      *http.ServeMux
	wsBridge *wsHandler
	logins   *loginThrottle
	accounts *accountCache
}

// New validates the options and builds the server.
func New(d Deps, o Options) (*Server, error) {
	if d.Auth == nil || d.Desk == nil || d.Contacts == nil || d.State == nil {
		return nil, errors.New("new api server: Auth, Desk, Contacts and State are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if sup, ok := d.Desk.(SupervisorDesk); ok && d.Supervisor == nil {
		d.Supervisor = sup
	}
	if targets, ok := d.Desk.(TransferTargetsProvider); ok && d.TransferTargets == nil {
		d.TransferTargets = targets
	}
	if d.Sessions == nil {
		d.Sessions = session.NewMemory(d.Now)
	}
	if d.Metrics == nil {
		d.Metrics = prometheus.NewRegistry()
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}

	if err := o.setDefaults(); err != nil {
		return nil, fmt.Errorf("new api server: %w", err)
	}

	s := &Server{
		deps:     d,
		opts:     o,
		log:      d.Logger,
		origins:  make(map[string]bool),
		locales:  newLocaleMatcher(),
		logins:   newLoginThrottle(d.LoginFailures, d.Logger),
		accounts: newAccountCache(d.Auth, d.Now),
	}
	for _, origin := range o.AllowedOrigins {
		s.origins[origin] = true
	}

	m, err := newMetrics(d.Metrics)
	if err != nil {
		return nil, fmt.Errorf("new api server: %w", err)
	}
	s.metrics = m

	wsMetrics, err := ws.NewMetrics(d.Metrics)
	if err != nil {
		return nil, fmt.Errorf("new api server: %w", err)
	}
	hub, err := ws.NewHub(ws.Config{
		PingInterval:  o.PingInterval,
		PongWait:      o.PongWait,
		WriteWait:     o.WriteWait,
		SendQueue:     o.SendQueue,
		MaxFrameBytes: o.MaxFrameBytes,
		CheckOrigin:   s.originAllowed,
	}, d.Logger, wsMetrics)
	if err != nil {
		return nil, fmt.Errorf("new api server: %w", err)
	}
	s.hub = hub
	s.wsBridge = &wsHandler{s: s}

	if err := s.buildRoutes(); err != nil {
		return nil, fmt.Errorf("new api server: %w", err)
	}
	return s, nil
}

// Hub returns the WebSocket hub through which the integration layer publishes
// notifications.
func (s *Server) Hub() *ws.Hub { return s.hub }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "frame-ancestors 'none'")
	s.mux.ServeHTTP(w, r)
}

// Close ends every WebSocket connection and waits for them until ctx is done. Call it
// before or after http.Server.Shutdown; it is safe to call more than once.
func (s *Server) Close(ctx context.Context) error {
	if err := s.hub.Close(ctx); err != nil {
		return fmt.Errorf("close api server: %w", err)
	}
	return nil
}

func (o *Options) setDefaults() error {
	if len(o.AllowedOrigins) == 0 {
		return errors.New("missing allowed origins: list the scheme://host[:port] the desk is served from")
	}
	for _, origin := range o.AllowedOrigins {
		if err := checkOrigin(origin); err != nil {
			return err
		}
	}

	if o.SessionTTL == 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.CommandTimeout == 0 {
		o.CommandTimeout = DefaultCommandTimeout
	}
	if o.DefaultLocale == "" {
		o.DefaultLocale = LocaleRussian
	}

	switch {
	case o.SessionTTL < time.Minute:
		return fmt.Errorf("invalid session TTL %v: it must be at least 1m", o.SessionTTL)
	case o.MaxBodyBytes < 1024:
		return fmt.Errorf("invalid body limit %d bytes: it must be at least 1024", o.MaxBodyBytes)
	case o.CommandTimeout < 0:
		return fmt.Errorf("invalid command timeout %v: it must be positive", o.CommandTimeout)
	case o.DefaultLocale != LocaleRussian && o.DefaultLocale != LocaleEnglish:
		return fmt.Errorf("invalid default locale %q: use %q or %q", o.DefaultLocale, LocaleRussian, LocaleEnglish)
	}
	return nil
}

// checkOrigin checks that an allowed origin is written the way browsers send it: scheme and
// host, optional port, nothing else.
func checkOrigin(origin string) error {
	u, err := url.Parse(origin)
	if err != nil {
		return fmt.Errorf("invalid allowed origin %q: %w", origin, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("invalid allowed origin %q: write it as scheme://host[:port], for example https://desk.example.com", origin)
	}
	if strings.ToLower(origin) != origin {
		return fmt.Errorf("invalid allowed origin %q: write it in lower case, as browsers send it", origin)
	}
	return nil
}

// originAllowed reports whether the request's Origin header is one of the allowed origins.
// A missing Origin is rejected: browsers always send it on WebSocket upgrades and on
// cross-origin and POST requests, so only non-browser clients lack it, and they can set it.
func (s *Server) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	return origin != "" && s.origins[origin]
}
