package arisim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The control API is JSON over HTTP under /control/, with the same credentials as ARI:
//
//	POST   /control/calls                                  {"callerNumber","callerName","dialed","app","args":[...],"hangupAfterMs","abandonAfterMs"} → 201 {"channelId"}
//	POST   /control/channels/{id}/hangup                   {"cause": 16}
//	POST   /control/channels/{id}/dtmf                     {"digits": "12#"}
//	POST   /control/channels/{id}/answer
//	POST   /control/channels/{id}/hold, /unhold            (as the SIP phone)
//	POST   /control/endpoints/{tech}/{resource}/answer     → {"channelId"}
//	POST   /control/endpoints/{tech}/{resource}/register, /unregister
//	POST   /control/websockets/drop                        → {"dropped": n}
//	POST   /control/faults                                 {"pattern","status","count"} or {"pattern","delayMs"}
//	DELETE /control/faults
//	GET    /control/channels, /control/bridges
//
// Errors are {"message": ...} with 400 (invalid input), 404 (unknown channel or endpoint) or 409
// (wrong channel state).

// callRequest is the body of POST /control/calls.
type callRequest struct {
	CallerNumber   string   `json:"callerNumber"`
	CallerName     string   `json:"callerName"`
	Dialed         string   `json:"dialed"`
	App            string   `json:"app"`
	Args           []string `json:"args"`
	HangupAfterMS  int64    `json:"hangupAfterMs"`
	AbandonAfterMS int64    `json:"abandonAfterMs"`
}

type hangupRequest struct {
	Cause int `json:"cause"`
}

type dtmfRequest struct {
	Digits string `json:"digits"`
}

type faultRequest struct {
	Pattern string `json:"pattern"`
	Status  int    `json:"status"`
	Count   int    `json:"count"`
	DelayMS int64  `json:"delayMs"`
}

// maxControlDelay bounds delays given to the control API.
const maxControlDelay = 24 * time.Hour

// decodeControl decodes a control body strictly: one JSON object, no unknown fields. An empty
// body decodes to the zero value.
func decodeControl(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	if dec.More() {
		return errors.New("invalid JSON body: trailing data after the object")
	}
	return nil
}

// toCall validates a decoded call request.
func (r callRequest) toCall() (Call, error) {
	if r.HangupAfterMS < 0 || r.AbandonAfterMS < 0 ||
		time.Duration(r.HangupAfterMS)*time.Millisecond > maxControlDelay ||
		time.Duration(r.AbandonAfterMS)*time.Millisecond > maxControlDelay {
		return Call{}, fmt.Errorf("hangupAfterMs and abandonAfterMs must be between 0 and %d: %w", maxControlDelay.Milliseconds(), ErrInvalid)
	}
	return Call{
		CallerNumber: r.CallerNumber, CallerName: r.CallerName, Dialed: r.Dialed, App: r.App, Args: r.Args,
		HangupAfter:  time.Duration(r.HangupAfterMS) * time.Millisecond,
		AbandonAfter: time.Duration(r.AbandonAfterMS) * time.Millisecond,
	}, nil
}

func controlError(w writerRequest, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrState), errors.Is(err, ErrStasisFailed):
		status = http.StatusConflict
	case errors.Is(err, ErrInvalid):
		status = http.StatusBadRequest
	}
	w.error(status, err.Error())
}

func (s *Server) serveControl(w writerRequest, body []byte) {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(w.r.URL.Path, "/control"), "/"), "/")
	method := w.r.Method
	bad := func(err error) { w.error(http.StatusBadRequest, err.Error()) }

	switch {
	case method == "POST" && len(segs) == 1 && segs[0] == "calls":
		var req callRequest
		if err := decodeControl(body, &req); err != nil {
			bad(err)
			return
		}
		call, err := req.toCall()
		if err != nil {
			bad(err)
			return
		}
		id, err := s.ArriveCall(call)
		if err != nil {
			controlError(w, err)
			return
		}
		w.json(http.StatusCreated, map[string]string{"channelId": id})

	case method == "GET" && len(segs) == 1 && segs[0] == "channels":
		w.json(http.StatusOK, s.Channels())

	case method == "GET" && len(segs) == 1 && segs[0] == "bridges":
		w.json(http.StatusOK, s.Bridges())

	case method == "POST" && len(segs) == 3 && segs[0] == "channels":
		s.controlChannel(w, segs[1], segs[2], body)

	case method == "POST" && len(segs) == 4 && segs[0] == "endpoints":
		s.controlEndpoint(w, segs[1]+"/"+segs[2], segs[3])

	case method == "POST" && len(segs) == 2 && segs[0] == "websockets" && segs[1] == "drop":
		w.json(http.StatusOK, map[string]int{"dropped": s.DropWebSockets()})

	case method == "POST" && len(segs) == 1 && segs[0] == "faults":
		var req faultRequest
		if err := decodeControl(body, &req); err != nil {
			bad(err)
			return
		}
		var err error
		switch {
		case req.Status != 0:
			err = s.FailREST(req.Pattern, req.Status, req.Count)
		case req.DelayMS > 0 && time.Duration(req.DelayMS)*time.Millisecond <= time.Minute:
			err = s.DelayREST(req.Pattern, time.Duration(req.DelayMS)*time.Millisecond)
		default:
			err = errors.New("set status (400-599) to fail calls, or delayMs (1-60000) to delay them")
		}
		if err != nil {
			bad(err)
			return
		}
		w.noContent()

	case method == "DELETE" && len(segs) == 1 && segs[0] == "faults":
		s.ClearFaults()
		w.noContent()

	default:
		w.error(http.StatusNotFound, "Resource not found")
	}
}

func (s *Server) controlChannel(w writerRequest, id, action string, body []byte) {
	var err error
	switch action {
	case "hangup":
		var req hangupRequest
		if err = decodeControl(body, &req); err != nil {
			w.error(http.StatusBadRequest, err.Error())
			return
		}
		err = s.Hangup(id, req.Cause)
	case "dtmf":
		var req dtmfRequest
		if err = decodeControl(body, &req); err != nil {
			w.error(http.StatusBadRequest, err.Error())
			return
		}
		err = s.SendDTMF(id, req.Digits)
	case "answer":
		err = s.AnswerChannel(id)
	case "hold":
		err = s.PhoneHold(id)
	case "unhold":
		err = s.PhoneUnhold(id)
	default:
		w.error(http.StatusNotFound, "Resource not found")
		return
	}
	if err != nil {
		controlError(w, err)
		return
	}
	w.noContent()
}

func (s *Server) controlEndpoint(w writerRequest, endpoint, action string) {
	switch action {
	case "answer":
		id, err := s.AnswerEndpoint(endpoint)
		if err != nil {
			controlError(w, err)
			return
		}
		w.json(http.StatusOK, map[string]string{"channelId": id})
	case "register", "unregister":
		var err error
		if action == "register" {
			err = s.RegisterEndpoint(endpoint)
		} else {
			err = s.UnregisterEndpoint(endpoint)
		}
		if err != nil {
			controlError(w, err)
			return
		}
		w.noContent()
	default:
		w.error(http.StatusNotFound, "Resource not found")
	}
}
