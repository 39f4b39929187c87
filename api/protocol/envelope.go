// Package protocol defines the versioned JSON messages that the agent desk and the server
// exchange over the WebSocket at /api/v1/ws, and the payloads that the REST endpoints share
// with them. docs/protocol.md describes every message with examples.
//
// Every frame is one JSON object, the envelope:
//
//	{"v":1,"type":"call.answer","id":"c-17","data":{"call_id":"…"}}
//
// The package holds no state; its functions are safe for concurrent use.
package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Version is the protocol version that this server speaks. A client that sends another
// version gets an error frame with CodeUnsupportedVersion.
const Version = 1

// MaxIDLength is the maximum length in bytes of the client-chosen id of a command.
const MaxIDLength = 64

// Envelope is one frame in either direction. The client chooses ID for a command, and the
// server echoes it in the ack or error reply. Messages that the server pushes on its own
// carry no id.
type Envelope struct {
	V    int             `json:"v"`
	Type string          `json:"type"`
	ID   string          `json:"id,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

// DecodeError is a frame that the server cannot accept. Code is one of the Code constants
// and Detail names the offending value for the developer's log; Reason, when set, refines
// CodeInvalidRequest (see ValidationReason). ID is the frame's id when it could be read, so
// the error reply can refer to the command.
type DecodeError struct {
	Code   string
	Reason string
	Detail string
	ID     string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("decode frame: %s: %s", e.Code, e.Detail)
}

// DecodeEnvelope parses one inbound frame and checks the envelope: a JSON object with
// v = Version, a known client message type, an id of at most MaxIDLength bytes, and data that
// is absent, null or an object. It does not look inside data; DecodeCommand does. The
// returned error is always a *DecodeError.
func DecodeEnvelope(frame []byte) (Envelope, error) {
	var env Envelope

	trimmed := bytes.TrimSpace(frame)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return env, &DecodeError{Code: CodeBadJSON, Detail: "frame is not a JSON object"}
	}

	if err := json.Unmarshal(trimmed, &env); err != nil {
		return Envelope{}, &DecodeError{Code: CodeBadJSON, Detail: fmt.Sprintf("invalid JSON: %v", err)}
	}

	if len(env.ID) > MaxIDLength {
		return Envelope{}, &DecodeError{
			Code:   CodeInvalidRequest,
			Detail: fmt.Sprintf("id is %d bytes long, the maximum is %d", len(env.ID), MaxIDLength),
		}
	}

	if env.V != Version {
		return env, &DecodeError{
			Code:   CodeUnsupportedVersion,
			Detail: fmt.Sprintf("protocol version %d is not supported, send \"v\":%d", env.V, Version),
			ID:     env.ID,
		}
	}

	if env.Type == "" {
		return env, &DecodeError{Code: CodeInvalidRequest, Detail: "missing \"type\"", ID: env.ID}
	}

	if !isClientType(env.Type) {
		return env, &DecodeError{
			Code:   CodeUnknownType,
			Detail: fmt.Sprintf("unknown message type %q", truncate(env.Type, 64)),
			ID:     env.ID,
		}
	}

	data := bytes.TrimSpace(env.Data)
	if len(data) > 0 && !bytes.Equal(data, []byte("null")) && data[0] != '{' {
		return env, &DecodeError{Code: CodeInvalidRequest, Detail: "\"data\" must be a JSON object", ID: env.ID}
	}

	return env, nil
}

// Encode builds a server frame of the given type with data marshalled into it.
func Encode(msgType, id string, data any) ([]byte, error) {
	env := Envelope{V: Version, Type: msgType, ID: id}

	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			return nil, fmt.Errorf("encode %s data: %w", msgType, err)
		}
		env.Data = raw
	}

	frame, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("encode %s envelope: %w", msgType, err)
	}
	return frame, nil
}

// AsDecodeError returns the *DecodeError inside err, or one with CodeInvalidRequest.
func AsDecodeError(err error) *DecodeError {
	var de *DecodeError
	if errors.As(err, &de) {
		return de
	}
	return &DecodeError{Code: CodeInvalidRequest, Reason: ValidationReason(err), Detail: err.Error()}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
