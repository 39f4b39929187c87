package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/api/session"
	"github.com/switchboard-cc/switchboard/api/ws"
)

// handleWebSocket upgrades to the gateway. The route wrapper has already checked the origin,
// the session and the role, so a rejected upgrade gets a JSON 401 or 403.
func (s *Server) handleWebSocket(w http.ResponseWriter, r *http.Request, sess session.Session) {
	if !isWebSocketUpgrade(r) {
		s.writeErrorDetail(w, r, &sess, http.StatusBadRequest, protocol.CodeInvalidRequest, "expected a WebSocket upgrade request")
		return
	}
	s.hub.Serve(w, r, ws.Peer{User: sess.User, SessionID: sess.ID}, s.wsBridge)
}

// handleAgentState returns the same state that the hello frame carries, for clients that
// poll or for debugging.
func (s *Server) handleAgentState(w http.ResponseWriter, r *http.Request, sess session.Session) {
	ctx, cancel := s.commandContext(r.Context())
	defer cancel()

	hello, err := s.buildHello(ctx, sess.User)
	if err != nil {
		status, code := errorStatus(err)
		s.log.Error("load agent state", "agent_id", sess.User.ID, "error", err)
		s.writeError(w, r, &sess, status, code)
		return
	}
	s.writeJSON(w, http.StatusOK, hello)
}

// buildHello collects the user's hello. A user without the agent role gets no agent state;
// an agent that the routing engine does not know is shown as logged out. Only supervisors
// get the wallboard.
func (s *Server) buildHello(ctx context.Context, user protocol.User) (protocol.Hello, error) {
	hello := protocol.Hello{
		Protocol:            protocol.Version,
		ServerTime:          s.deps.Now().UTC(),
		PingIntervalSeconds: s.hubPingInterval().Seconds(),
		User:                user,
	}

	sess := session.Session{User: user}
	if sess.HasRole(protocol.RoleSupervisor) && s.deps.Wallboard != nil {
		board, err := s.deps.Wallboard.Wallboard(ctx)
		if err != nil {
			return protocol.Hello{}, fmt.Errorf("load wallboard for supervisor %s: %w", user.ID, err)
		}
		hello.Wallboard = &board

		supervision, err := s.supervisionHello(ctx, user.ID)
		if err != nil {
			return protocol.Hello{}, err
		}
		hello.Supervision = supervision
	}
	if !sess.HasRole(protocol.RoleAgent) {
		return hello, nil
	}

	state, call, err := s.deps.State.AgentState(ctx, user.ID)
	switch {
	case errors.Is(err, ErrNotFound):
		state = protocol.AgentState{AgentID: user.ID, State: protocol.StateLoggedOut}
		call = nil
	case err != nil:
		return protocol.Hello{}, err
	}
	hello.Agent = &state
	hello.Call = call
	return hello, nil
}

func (s *Server) hubPingInterval() time.Duration {
	if s.opts.PingInterval == 0 {
		return ws.DefaultPingInterval
	}
	return s.opts.PingInterval
}

// wsHandler adapts the server to ws.Handler.
type wsHandler struct {
	s *Server
}

// Hello implements ws.Handler.
func (h *wsHandler) Hello(ctx context.Context, p ws.Peer) ([]byte, error) {
	ctx, cancel := h.s.commandContext(ctx)
	defer cancel()

	hello, err := h.s.buildHello(ctx, p.User)
	if err != nil {
		return nil, err
	}
	return protocol.Encode(protocol.TypeHello, "", hello)
}

// HandleFrame implements ws.Handler: decode, check the role, run, reply.
func (h *wsHandler) HandleFrame(ctx context.Context, p ws.Peer, frame []byte) []byte {
	s := h.s
	sess := session.Session{ID: p.SessionID, User: p.User}

	env, err := protocol.DecodeEnvelope(frame)
	if err != nil {
		de := protocol.AsDecodeError(err)
		return h.errorFrame(p, de.ID, de.Code, de.Detail)
	}

	cmd, err := protocol.DecodeCommand(env)
	if err != nil {
		de := protocol.AsDecodeError(err)
		if de.Reason != "" {
			data := commandErrorData(de.Code, de.Reason, normalizeLocale(p.User.Locale, h.s.opts.DefaultLocale))
			data.Detail = de.Detail
			return h.encode(p, protocol.TypeError, env.ID, data)
		}
		return h.errorFrame(p, env.ID, de.Code, de.Detail)
	}

	spec, ok := findCommand(env.Type)
	if !ok || !sess.HasRole(spec.roles...) {
		s.log.Info("websocket command rejected: missing role", "agent_id", p.User.ID, "command", env.Type)
		return h.errorFrame(p, env.ID, protocol.CodeForbidden, "")
	}

	if env.Type == protocol.TypePing {
		return h.encode(p, protocol.TypePong, env.ID, nil)
	}

	ctx, cancel := s.commandContext(ctx)
	defer cancel()

	result, err := s.execute(ctx, sess, env.Type, cmd)
	if err != nil {
		_, code := errorStatus(err)
		s.logCommandError(sess, env.Type, cmd, code, err)
		locale := normalizeLocale(p.User.Locale, s.opts.DefaultLocale)
		return h.encode(p, protocol.TypeError, env.ID, commandErrorData(code, conflictReason(err), locale))
	}
	return h.encode(p, protocol.TypeAck, env.ID, result)
}

// SessionValid implements ws.Handler. A store error other than "not found" keeps the
// connection: a short store outage should not disconnect every agent at once.
func (h *wsHandler) SessionValid(ctx context.Context, sessionID string) bool {
	ctx, cancel := h.s.commandContext(ctx)
	defer cancel()

	sess, err := h.s.deps.Sessions.Get(ctx, sessionID)
	if err != nil && !errors.Is(err, session.ErrNotFound) {
		h.s.log.Error("check websocket session", "error", err)
		return true
	}
	return err == nil && h.s.accountActive(ctx, sess)
}

// ErrorFrame implements ws.Handler.
func (h *wsHandler) ErrorFrame(p ws.Peer, code string) []byte {
	return h.errorFrame(p, "", code, "")
}

func (h *wsHandler) errorFrame(p ws.Peer, id, code, detail string) []byte {
	return h.encode(p, protocol.TypeError, id, protocol.ErrorData{
		Code:    code,
		Message: userMessage(code, normalizeLocale(p.User.Locale, h.s.opts.DefaultLocale)),
		Detail:  detail,
	})
}

func (h *wsHandler) encode(p ws.Peer, msgType, id string, data any) []byte {
	frame, err := protocol.Encode(msgType, id, data)
	if err != nil {
		h.s.log.Error("encode websocket reply", "agent_id", p.User.ID, "type", msgType, "error", err)
		frame, _ = protocol.Encode(protocol.TypeError, id, protocol.ErrorData{
			Code:    protocol.CodeInternal,
			Message: userMessage(protocol.CodeInternal, normalizeLocale(p.User.Locale, h.s.opts.DefaultLocale)),
		})
	}
	return frame
}
