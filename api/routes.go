package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/api/session"
)

// Route is one entry of the route table. Every route states who may use it: Public, or a
// non-empty Roles list; New fails on a route with neither, so no route can be added without
// its access rule.
type Route struct {
	Method  string
	Pattern string
	Public  bool
	Roles   []protocol.Role
	handle  func(w http.ResponseWriter, r *http.Request, sess session.Session)
}

// Routes returns the route table, for documentation and tests.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.routes))
	copy(out, s.routes)
	return out
}

// routeTable lists every route. Agents work the desk; supervisors may look contacts up and
// watch over the WebSocket; every signed-in user may read and end their own session.
func (s *Server) routeTable() []Route {
	anyUser := protocol.AllRoles()
	agents := []protocol.Role{protocol.RoleAgent}
	agentsAndSuper := []protocol.Role{protocol.RoleAgent, protocol.RoleSupervisor}

	table := []Route{
		{Method: http.MethodPost, Pattern: "/api/v1/session", Public: true, handle: s.handleLogin},
		{Method: http.MethodDelete, Pattern: "/api/v1/session", Roles: anyUser, handle: s.handleLogout},
		{Method: http.MethodGet, Pattern: "/api/v1/me", Roles: anyUser, handle: s.handleMe},
		{Method: http.MethodPatch, Pattern: "/api/v1/me", Roles: anyUser, handle: s.handleUpdateMe},
		{Method: http.MethodGet, Pattern: "/api/v1/ws", Roles: agentsAndSuper, handle: s.handleWebSocket},
		{Method: http.MethodGet, Pattern: "/api/v1/agent/state", Roles: agents, handle: s.handleAgentState},
		{Method: http.MethodGet, Pattern: "/", Public: true, handle: s.handleUI},
	}
	for _, c := range commandTable() {
		if c.pattern == "" {
			continue // WebSocket only
		}
		table = append(table, Route{Method: c.method, Pattern: c.pattern, Roles: c.roles, handle: s.commandHandler(c)})
	}
	return table
}

// buildRoutes checks the route table and registers it. Routes that share a pattern are
// served by one handler that picks by method, so that a wrong method gets a JSON 405.
func (s *Server) buildRoutes() error {
	s.routes = s.routeTable()
	s.mux = http.NewServeMux()

	byPattern := make(map[string][]Route)
	var order []string
	for _, rt := range s.routes {
		if !rt.Public && len(rt.Roles) == 0 {
			return fmt.Errorf("route %s %s has no roles and is not public", rt.Method, rt.Pattern)
		}
		if rt.Public && len(rt.Roles) > 0 {
			return fmt.Errorf("route %s %s is public but lists roles", rt.Method, rt.Pattern)
		}
		if _, ok := byPattern[rt.Pattern]; !ok {
			order = append(order, rt.Pattern)
		}
		byPattern[rt.Pattern] = append(byPattern[rt.Pattern], rt)
	}

	for _, pattern := range order {
		s.mux.Handle(pattern, s.patternHandler(pattern, byPattern[pattern]))
	}
	return nil
}

// patternHandler serves every method of one pattern: method dispatch, metrics, origin
// check, body limit, session and role check, in that order.
func (s *Server) patternHandler(pattern string, routes []Route) http.Handler {
	allow := make([]string, 0, len(routes))
	for _, rt := range routes {
		allow = append(allow, rt.Method)
		if rt.Method == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	allowHeader := strings.Join(allow, ", ")

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		defer func() { s.metrics.observe(pattern, r.Method, rec.status()) }()

		// The catch-all "/" pattern also matches unknown /api/ paths; they get a JSON 404
		// instead of the browser app.
		if pattern == "/" && strings.HasPrefix(r.URL.Path, "/api/") {
			s.writeError(rec, r, nil, http.StatusNotFound, protocol.CodeNotFound)
			return
		}

		method := r.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		i := slices.IndexFunc(routes, func(rt Route) bool { return rt.Method == method })
		if i < 0 {
			rec.Header().Set("Allow", allowHeader)
			s.writeError(rec, r, nil, http.StatusMethodNotAllowed, protocol.CodeMethodNotAllowed)
			return
		}
		s.serveRoute(rec, r, routes[i])
	})
}

func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt Route) {
	if changesState(r) && !s.checkRequestOrigin(w, r) {
		return
	}

	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)

	if rt.Public {
		rt.handle(w, r, session.Session{})
		return
	}

	sess, err := s.sessionFromRequest(r)
	if err != nil {
		if !errors.Is(err, session.ErrNotFound) {
			s.log.Error("read session", "error", err)
			s.writeError(w, r, nil, http.StatusServiceUnavailable, protocol.CodeUnavailable)
			return
		}
		s.writeError(w, r, nil, http.StatusUnauthorized, protocol.CodeUnauthenticated)
		return
	}

	if !sess.HasRole(rt.Roles...) {
		s.log.Info("request rejected: missing role", "agent_id", sess.User.ID, "method", r.Method, "path", rt.Pattern)
		s.writeError(w, r, &sess, http.StatusForbidden, protocol.CodeForbidden)
		return
	}

	rt.handle(w, r, sess)
}

// checkRequestOrigin replies 403 and returns false unless the request's Origin header names an
// allowed origin. A missing header and a foreign origin get different codes, because the first
// comes from a client that can add the header (curl, a script) and the second from a page of
// another site.
func (s *Server) checkRequestOrigin(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	switch {
	case origin == "":
		s.log.Info("request rejected: missing Origin header", "method", r.Method, "path", r.URL.Path)
		s.writeErrorDetail(w, r, nil, http.StatusForbidden, protocol.CodeOriginMissing,
			fmt.Sprintf("missing Origin header: send Origin: %s (an allowed origin, the address the desk is served from) with every request that changes state and with the WebSocket upgrade", s.opts.AllowedOrigins[0]))
		return false
	case !s.origins[origin]:
		s.log.Info("request rejected: foreign origin", "method", r.Method, "path", r.URL.Path, "origin", origin)
		s.writeErrorDetail(w, r, nil, http.StatusForbidden, protocol.CodeOriginRejected,
			fmt.Sprintf("foreign origin %q: only the origins configured in http.public_origins may change state", origin))
		return false
	}
	return true
}

// changesState reports whether the request can change state, and so needs an allowed
// Origin: every method but GET, HEAD and OPTIONS, and the WebSocket upgrade, which is a GET
// that opens a channel for commands.
func changesState(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return isWebSocketUpgrade(r)
	}
	return true
}

func isWebSocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// commandContext bounds a backend call.
func (s *Server) commandContext(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, s.opts.CommandTimeout)
}
