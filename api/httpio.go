package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/api/session"
)

// statusRecorder remembers the status code for the request metrics. It implements
// http.Hijacker, which gorilla/websocket asserts for the upgrade.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Hijack implements http.Hijacker for the WebSocket upgrade.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("hijack connection: %w", err)
	}
	if r.code == 0 {
		r.code = http.StatusSwitchingProtocols
	}
	return conn, rw, nil
}

func (r *statusRecorder) status() int {
	if r.code == 0 {
		// A hijacked WebSocket connection never writes a status through the recorder.
		return http.StatusSwitchingProtocols
	}
	return r.code
}

// locale returns the language of messages for this request: the user's, else the
// Accept-Language header's, else the default.
func (s *Server) locale(r *http.Request, sess *session.Session) string {
	if sess != nil && sess.User.Locale != "" {
		return normalizeLocale(sess.User.Locale, s.opts.DefaultLocale)
	}
	return matchLocale(s.locales, r.Header.Get("Accept-Language"), s.opts.DefaultLocale)
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(body); err != nil {
		s.log.Info("write response", "error", err)
	}
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, sess *session.Session, status int, code string) {
	s.writeJSON(w, status, protocol.ErrorBody{Error: protocol.ErrorData{
		Code:    code,
		Message: userMessage(code, s.locale(r, sess)),
	}})
}

// errorStatus maps a backend error to an HTTP status and error code. Errors outside the
// sentinels are internal; the caller logs them.
func errorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, protocol.CodeNotFound
	case errors.Is(err, ErrConflict):
		return http.StatusConflict, protocol.CodeConflict
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest, protocol.CodeInvalidRequest
	case errors.Is(err, ErrInvalidCredentials):
		return http.StatusUnauthorized, protocol.CodeInvalidCredentials
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable, protocol.CodeUnavailable
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, protocol.CodeTimeout
	}
	return http.StatusInternalServerError, protocol.CodeInternal
}

// conflictReason returns the reason of a ConflictError in err's chain or, for a backend's
// invalid value that protocol.ValidationReason knows (such as an invalid phone endpoint),
// that reason; otherwise "".
func conflictReason(err error) string {
	var conflict *ConflictError
	if errors.As(err, &conflict) {
		return conflict.Reason
	}
	return protocol.ValidationReason(err)
}

// readBody reads the request body within the size limit. The returned code is set when
// the body cannot be read.
func readBody(r *http.Request) ([]byte, int, string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge
		}
		return nil, http.StatusBadRequest, protocol.CodeInvalidRequest
	}
	return body, 0, ""
}
