package cti

import (
	"errors"
	"fmt"

	"github.com/CyCoreSystems/ari/v5/client/native"
)

// Sentinel errors of call control. Every error a call-control method returns wraps exactly one
// of them, so callers test with errors.Is.
var (
	// ErrNotFound: the channel, bridge, playback, recording or variable does not exist
	// (ARI 404), often because the call already hung up.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the object is in the wrong state for the request, e.g. a channel not in
	// the Stasis application or not in the bridge (ARI 409 and 422).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the request is wrong and repeating it cannot help (ARI 400, or rejected by
	// cti before it was sent).
	ErrInvalid = errors.New("invalid request")
	// ErrUnavailable: Asterisk failed the request or could not be reached in time (ARI 5xx,
	// 401/403, connection errors, the context deadline). Repeating it may help.
	ErrUnavailable = errors.New("unavailable")
)

// RequestError describes a failed call-control request.
type RequestError struct {
	Server string // name of the Asterisk server
	Op     string // operation and object, e.g. "answer channel 1796413948.1"
	Status int    // HTTP status from ARI, 0 when no response arrived
	Kind   error  // one of ErrNotFound, ErrConflict, ErrInvalid, ErrUnavailable
	Err    error  // underlying error, if any
}

func (e *RequestError) Error() string {
	msg := fmt.Sprintf("cti %s: %s: %v", e.Server, e.Op, e.Kind)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (ARI status %d)", e.Status)
	}

	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}

	return msg
}

// Unwrap returns the kind and the underlying error, so errors.Is matches both a sentinel of
// this package and, for example, context.DeadlineExceeded.
func (e *RequestError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}

	return []error{e.Kind, e.Err}
}

// kindOfStatus maps an ARI HTTP status to a sentinel error. The mapping follows Asterisk 22:
// a channel outside Stasis gives 409 for channel operations but 422 for addChannel, and an
// unknown endpoint is a 500 "Allocation failed", so it is ErrUnavailable, not ErrInvalid.
func kindOfStatus(status int) error {
	switch {
	case status == 404:
		return ErrNotFound
	case status == 409 || status == 422:
		return ErrConflict
	case status == 400 || status == 405:
		return ErrInvalid
	default:
		return ErrUnavailable
	}
}

// classify turns an error of the ari/v5 native client into a RequestError. The client
// reports the HTTP status through native.RequestError inside eris wrappers, and transport
// failures as plain wrapped errors.
func classify(server, op string, err error) *RequestError {
	reqErr := &RequestError{Server: server, Op: op, Err: err}

	if status, ok := statusOf(err); ok {
		reqErr.Status = status
		reqErr.Kind = kindOfStatus(status)
		reqErr.Err = nil

		return reqErr
	}

	// Transport failures, response decoding failures and the context deadline: the request
	// may or may not have reached Asterisk.
	reqErr.Kind = ErrUnavailable

	return reqErr
}

// statusOf finds the HTTP status in an error of the native client. It follows Cause as well
// as Unwrap because the client's data-get error type only implements Cause.
func statusOf(err error) (int, bool) {
	for depth := 0; err != nil && depth < 16; depth++ {
		if coded, ok := err.(native.RequestError); ok {
			return coded.Code(), true
		}

		switch e := err.(type) {
		case interface{ Unwrap() error }:
			err = e.Unwrap()
		case interface{ Cause() error }:
			err = e.Cause()
		default:
			return 0, false
		}
	}

	return 0, false
}
