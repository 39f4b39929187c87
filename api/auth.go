package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/api/session"
)

// Session cookie names. With the Secure flag the __Host- prefix makes browsers also insist
// on Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite the cookie.
const (
	cookieName       = "switchboard_session"
	secureCookieName = "__Host-switchboard_session"
)

// Limits on login fields, to keep the Authenticator from hashing megabytes.
const (
	maxLoginLength    = 254
	maxPasswordLength = 1024
)

// LoginRequest is the body of POST /api/v1/session.
type LoginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// MeResponse is the body returned by login and GET /api/v1/me.
type MeResponse struct {
	User            protocol.User `json:"user"`
	ProtocolVersion int           `json:"protocol_version"`
}

func (s *Server) cookieName() string {
	if s.opts.SecureCookie {
		return secureCookieName
	}
	return cookieName
}

// sessionFromRequest returns the session named by the request's cookie, or an error
// wrapping session.ErrNotFound. A session that the account no longer allows (disabled, or
// older than a new password) is deleted and not found.
func (s *Server) sessionFromRequest(r *http.Request) (session.Session, error) {
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return session.Session{}, session.ErrNotFound
	}
	sess, err := s.deps.Sessions.Get(r.Context(), c.Value)
	if err != nil {
		return session.Session{}, err
	}
	if !s.accountActive(r.Context(), sess) {
		return session.Session{}, session.ErrNotFound
	}
	return sess, nil
}

// accountActive reports whether the session's user may go on, and deletes the session of a
// disabled user or one created before the user's new password.
func (s *Server) accountActive(ctx context.Context, sess session.Session) bool {
	status, err := s.accounts.status(ctx, sess.User.ID)
	if err != nil {
		s.log.Error("check whether the account is active", "agent_id", sess.User.ID, "error", err)
	}
	if status.allows(sess.Created) {
		return true
	}

	s.log.Info("session ended: account disabled or password changed", "agent_id", sess.User.ID)
	// A disabled agent leaves the queues; one with a new password may be signed in anew
	// elsewhere and stays.
	if !status.Active {
		s.signOutOfQueues(ctx, sess)
	}
	if err := s.deps.Sessions.Delete(ctx, sess.ID); err != nil {
		s.log.Error("delete session of a disabled account", "agent_id", sess.User.ID, "error", err)
	}
	return false
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request, _ session.Session) {
	body, status, code := readBody(r)
	if code != "" {
		s.writeError(w, r, nil, status, code)
		return
	}

	var req LoginRequest
	if err := protocol.DecodeData(body, &req); err != nil || len(body) == 0 {
		s.writeError(w, r, nil, http.StatusBadRequest, protocol.CodeBadJSON)
		return
	}
	req.Login = strings.TrimSpace(req.Login)
	if req.Login == "" || req.Password == "" || len(req.Login) > maxLoginLength ||
		len(req.Password) > maxPasswordLength || !utf8.ValidString(req.Login) {
		s.writeError(w, r, nil, http.StatusBadRequest, protocol.CodeInvalidRequest)
		return
	}

	address := clientAddress(r)
	if wait := s.logins.blocked(r.Context(), req.Login, address, s.deps.Now()); wait > 0 {
		s.log.Warn("login refused: too many failed attempts", "login", req.Login, "client", address, "retry_after", wait.Round(time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.writeError(w, r, nil, http.StatusTooManyRequests, protocol.CodeTooManyAttempts)
		return
	}

	ctx, cancel := s.commandContext(r.Context())
	defer cancel()

	user, err := s.deps.Auth.Authenticate(ctx, req.Login, req.Password)
	if err != nil {
		status, code := errorStatus(err)
		if errors.Is(err, ErrInvalidCredentials) {
			s.logins.failed(ctx, req.Login, address, s.deps.Now())
			s.log.Info("login failed", "login", req.Login, "client", address)
		} else {
			s.log.Error("login failed: authenticator error", "login", req.Login, "error", err)
		}
		s.writeError(w, r, nil, status, code)
		return
	}
	if user.ID == "" || len(user.Roles) == 0 {
		s.log.Error("login failed: authenticator returned a user without id or roles", "login", req.Login, "agent_id", user.ID)
		s.writeError(w, r, nil, http.StatusForbidden, protocol.CodeForbidden)
		return
	}
	user.Locale = normalizeLocale(user.Locale, s.locale(r, nil))

	// A login always gets a fresh id, so an id planted before login is worthless after it.
	if old, err := r.Cookie(s.cookieName()); err == nil && old.Value != "" {
		if err := s.deps.Sessions.Delete(ctx, old.Value); err != nil {
			s.log.Info("delete previous session at login", "error", err)
		}
	}

	id, err := session.NewID()
	if err != nil {
		s.log.Error("login failed", "agent_id", user.ID, "error", err)
		s.writeError(w, r, nil, http.StatusInternalServerError, protocol.CodeInternal)
		return
	}
	now := s.deps.Now()
	sess := session.Session{ID: id, User: user, Created: now, Expires: now.Add(s.opts.SessionTTL)}
	if err := s.deps.Sessions.Put(ctx, sess); err != nil {
		s.log.Error("store session", "agent_id", user.ID, "error", err)
		s.writeError(w, r, nil, http.StatusServiceUnavailable, protocol.CodeUnavailable)
		return
	}

	s.logins.succeeded(ctx, req.Login)
	http.SetCookie(w, s.sessionCookie(id, int(s.opts.SessionTTL.Seconds())))
	s.log.Info("login", "agent_id", user.ID)
	s.writeJSON(w, http.StatusOK, MeResponse{User: user, ProtocolVersion: protocol.Version})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, sess session.Session) {
	if err := s.deps.Sessions.Delete(r.Context(), sess.ID); err != nil {
		s.log.Error("delete session at logout", "agent_id", sess.User.ID, "error", err)
		s.writeError(w, r, &sess, http.StatusServiceUnavailable, protocol.CodeUnavailable)
		return
	}
	closed := s.hub.DisconnectSession(sess.ID)
	s.signOutOfQueues(r.Context(), sess)

	http.SetCookie(w, s.sessionCookie("", -1))
	s.log.Info("logout", "agent_id", sess.User.ID, "websockets_closed", closed)
	w.WriteHeader(http.StatusNoContent)
}

// LogoutPauseReason is the pause reason of an agent who signed out of the desk during a call.
const LogoutPauseReason = "signed_out"

// signOutOfQueues takes an agent who leaves the desk, or whose account was disabled, out of
// routing, so that calls stop ringing at their phone. An agent on a call is paused instead:
// routing does not sign out during a call, and the pause takes effect when the call and its
// wrap-up end.
func (s *Server) signOutOfQueues(ctx context.Context, sess session.Session) {
	if !sess.HasRole(protocol.RoleAgent) {
		return
	}
	ctx, cancel := s.commandContext(ctx)
	defer cancel()

	err := s.deps.Desk.SetStatus(ctx, sess.User.ID, protocol.SetStatus{Status: protocol.StateLoggedOut})
	if errors.Is(err, ErrConflict) {
		err = s.deps.Desk.SetStatus(ctx, sess.User.ID, protocol.SetStatus{Status: protocol.StatePaused, Reason: LogoutPauseReason})
	}
	if err != nil {
		s.log.Warn("agent stays in the queues after leaving the desk", "agent_id", sess.User.ID, "error", err)
	}
}

func (s *Server) handleMe(w http.ResponseWriter, _ *http.Request, sess session.Session) {
	s.writeJSON(w, http.StatusOK, MeResponse{User: sess.User, ProtocolVersion: protocol.Version})
}

// UpdateMeRequest is the body of PATCH /api/v1/me.
type UpdateMeRequest struct {
	// Locale is the language of server messages: "ru" or "en".
	Locale string `json:"locale"`
}

// handleUpdateMe changes the session's language when the user switches it in the desk, so
// that later error messages come in that language. WebSockets opened before keep the old one
// until they reconnect.
func (s *Server) handleUpdateMe(w http.ResponseWriter, r *http.Request, sess session.Session) {
	body, status, code := readBody(r)
	if code != "" {
		s.writeError(w, r, &sess, status, code)
		return
	}

	var req UpdateMeRequest
	if err := protocol.DecodeData(body, &req); err != nil {
		s.writeErrorDetail(w, r, &sess, http.StatusBadRequest, protocol.CodeBadJSON, err.Error())
		return
	}
	if req.Locale != LocaleRussian && req.Locale != LocaleEnglish {
		s.writeErrorDetail(w, r, &sess, http.StatusBadRequest, protocol.CodeInvalidRequest,
			fmt.Sprintf("invalid locale %q: send %q or %q", req.Locale, LocaleRussian, LocaleEnglish))
		return
	}

	sess.User.Locale = req.Locale
	if err := s.deps.Sessions.Put(r.Context(), sess); err != nil {
		s.log.Error("store session locale", "agent_id", sess.User.ID, "error", err)
		s.writeError(w, r, &sess, http.StatusServiceUnavailable, protocol.CodeUnavailable)
		return
	}
	s.writeJSON(w, http.StatusOK, MeResponse{User: sess.User, ProtocolVersion: protocol.Version})
}

// sessionCookie builds the session cookie; maxAge -1 deletes it.
func (s *Server) sessionCookie(value string, maxAge int) *http.Cookie {
	sameSite := http.SameSiteLaxMode
	if s.opts.SameSiteStrict {
		sameSite = http.SameSiteStrictMode
	}
	return &http.Cookie{
		Name:     s.cookieName(),
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.opts.SecureCookie,
		SameSite: sameSite,
	}
}
