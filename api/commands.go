package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/api/session"
)

// commandSpec ties a protocol command to the roles that may send it and to its REST route.
// The WebSocket and REST paths share this table, so a command has the same access rule on
// both.
type commandSpec struct {
	msgType string
	roles   []protocol.Role
	method  string // REST method; empty for WebSocket-only commands
	pattern string // REST pattern
}

// commandTable lists every client command.
func commandTable() []commandSpec {
	agents := []protocol.Role{protocol.RoleAgent}
	agentsAndSuper := []protocol.Role{protocol.RoleAgent, protocol.RoleSupervisor}
	supervisors := []protocol.Role{protocol.RoleSupervisor}

	return []commandSpec{
		{protocol.TypePing, agentsAndSuper, "", ""},
		{protocol.TypeSuperviseStart, supervisors, "", ""},
		{protocol.TypeSuperviseMode, supervisors, "", ""},
		{protocol.TypeSuperviseStop, supervisors, "", ""},
		{protocol.TypeSetStatus, agents, http.MethodPost, "/api/v1/agent/status"},
		{protocol.TypeCallAnswer, agents, http.MethodPost, "/api/v1/calls/{call_id}/answer"},
		{protocol.TypeCallHangup, agents, http.MethodPost, "/api/v1/calls/{call_id}/hangup"},
		{protocol.TypeCallHold, agents, http.MethodPost, "/api/v1/calls/{call_id}/hold"},
		{protocol.TypeCallUnhold, agents, http.MethodPost, "/api/v1/calls/{call_id}/unhold"},
		{protocol.TypeCallTransfer, agents, http.MethodPost, "/api/v1/calls/{call_id}/transfer"},
		{protocol.TypeCallDisposition, agents, http.MethodPost, "/api/v1/calls/{call_id}/disposition"},
		{protocol.TypeContactCreate, agentsAndSuper, http.MethodPost, "/api/v1/contacts"},
		{protocol.TypeContactGet, agentsAndSuper, http.MethodGet, "/api/v1/contacts/{contact_id}"},
		{protocol.TypeContactHistory, agentsAndSuper, http.MethodGet, "/api/v1/contacts/{contact_id}/history"},
		{protocol.TypeContactSearch, agentsAndSuper, http.MethodGet, "/api/v1/contacts"},
		{protocol.TypeTransferTargets, agents, http.MethodGet, "/api/v1/transfer-targets"},
		{protocol.TypeCallbacksList, agents, http.MethodGet, "/api/v1/callbacks"},
		{protocol.TypeCallbacksDone, agents, http.MethodPost, "/api/v1/callbacks/{task_id}/done"},
	}
}

func findCommand(msgType string) (commandSpec, bool) {
	for _, c := range commandTable() {
		if c.msgType == msgType {
			return c, true
		}
	}
	return commandSpec{}, false
}

// execute runs a validated command for the session's user and returns its result, or nil
// for commands that only need an acknowledgement.
func (s *Server) execute(ctx context.Context, sess session.Session, msgType string, cmd protocol.Command) (any, error) {
	agentID := sess.User.ID

	switch c := cmd.(type) {
	case *protocol.Ping:
		return nil, nil
	case *protocol.SuperviseStart, *protocol.SuperviseMode, *protocol.SuperviseStop:
		return nil, s.executeSupervision(ctx, agentID, c)
	case *protocol.SetStatus:
		return nil, s.deps.Desk.SetStatus(ctx, agentID, *c)
	case *protocol.CallRef:
		switch msgType {
		case protocol.TypeCallAnswer:
			return nil, s.deps.Desk.Answer(ctx, agentID, c.CallID)
		case protocol.TypeCallHangup:
			return nil, s.deps.Desk.Hangup(ctx, agentID, c.CallID)
		case protocol.TypeCallHold:
			return nil, s.deps.Desk.Hold(ctx, agentID, c.CallID, true)
		case protocol.TypeCallUnhold:
			return nil, s.deps.Desk.Hold(ctx, agentID, c.CallID, false)
		}
	case *protocol.Transfer:
		return nil, s.deps.Desk.Transfer(ctx, agentID, *c)
	case *protocol.GetTransferTargets:
		targets, err := s.transferTargets(ctx, agentID)
		if err != nil {
			return nil, err
		}
		return targets, nil
	case *protocol.SaveDisposition:
		return nil, s.deps.Desk.SaveDisposition(ctx, agentID, *c)
	case *protocol.ListCallbacks:
		list, err := s.listCallbacks(ctx, agentID)
		if err != nil {
			return nil, err
		}
		return list, nil
	case *protocol.CompleteCallback:
		return nil, s.completeCallback(ctx, agentID, c.TaskID)
	case *protocol.CreateContact:
		card, err := s.deps.Contacts.Create(ctx, agentID, *c)
		if err != nil {
			return nil, err
		}
		return card, nil
	case *protocol.GetContact:
		card, err := s.deps.Contacts.Card(ctx, c.ContactID)
		if err != nil {
			return nil, err
		}
		return card, nil
	case *protocol.GetHistory:
		items, err := s.deps.Contacts.History(ctx, *c)
		if err != nil {
			return nil, err
		}
		if items == nil {
			items = []protocol.Interaction{}
		}
		return protocol.History{ContactID: c.ContactID, Interactions: items}, nil
	case *protocol.SearchContacts:
		list, err := s.deps.Contacts.Search(ctx, *c)
		if err != nil {
			return nil, err
		}
		if list.Contacts == nil {
			list.Contacts = []protocol.ContactSummary{}
		}
		return list, nil
	}
	return nil, fmt.Errorf("execute %s: no handler for %T", msgType, cmd)
}

// commandHandler serves a command's REST route: the body (or, for GET, the query) gives the
// data, and the path gives the call or contact id.
func (s *Server) commandHandler(spec commandSpec) func(http.ResponseWriter, *http.Request, session.Session) {
	return func(w http.ResponseWriter, r *http.Request, sess session.Session) {
		cmd := protocol.NewCommand(spec.msgType)

		if r.Method == http.MethodGet {
			if detail := decodeQuery(r, cmd); detail != "" {
				s.writeErrorDetail(w, r, &sess, http.StatusBadRequest, protocol.CodeInvalidRequest, detail)
				return
			}
		} else {
			body, status, code := readBody(r)
			if code != "" {
				s.writeError(w, r, &sess, status, code)
				return
			}
			if err := protocol.DecodeData(body, cmd); err != nil {
				s.writeErrorDetail(w, r, &sess, http.StatusBadRequest, protocol.CodeBadJSON, err.Error())
				return
			}
		}

		if detail := applyPath(r, cmd); detail != "" {
			s.writeErrorDetail(w, r, &sess, http.StatusBadRequest, protocol.CodeInvalidRequest, detail)
			return
		}
		if err := cmd.Validate(); err != nil {
			data := commandErrorData(protocol.CodeInvalidRequest, protocol.ValidationReason(err), s.locale(r, &sess))
			data.Detail = err.Error()
			s.writeJSON(w, http.StatusBadRequest, protocol.ErrorBody{Error: data})
			return
		}

		ctx, cancel := s.commandContext(r.Context())
		defer cancel()

		result, err := s.execute(ctx, sess, spec.msgType, cmd)
		if err != nil {
			status, code := errorStatus(err)
			s.logCommandError(sess, spec.msgType, cmd, code, err)
			s.writeJSON(w, status, protocol.ErrorBody{Error: commandErrorData(code, conflictReason(err), s.locale(r, &sess))})
			return
		}

		switch {
		case result == nil:
			w.WriteHeader(http.StatusNoContent)
		case spec.msgType == protocol.TypeContactCreate:
			s.writeJSON(w, http.StatusCreated, result)
		default:
			s.writeJSON(w, http.StatusOK, result)
		}
	}
}

// applyPath copies the id in the path into the command. A body that names another id is an
// error, not silently overridden.
func applyPath(r *http.Request, cmd protocol.Command) string {
	set := func(field, pathValue string, dst *string) string {
		if *dst != "" && *dst != pathValue {
			return fmt.Sprintf("%s %q in the body differs from %q in the path", field, *dst, pathValue)
		}
		*dst = pathValue
		return ""
	}

	switch c := cmd.(type) {
	case *protocol.CallRef:
		return set("call_id", r.PathValue("call_id"), &c.CallID)
	case *protocol.Transfer:
		return set("call_id", r.PathValue("call_id"), &c.CallID)
	case *protocol.SaveDisposition:
		return set("call_id", r.PathValue("call_id"), &c.CallID)
	case *protocol.GetContact:
		return set("contact_id", r.PathValue("contact_id"), &c.ContactID)
	case *protocol.GetHistory:
		return set("contact_id", r.PathValue("contact_id"), &c.ContactID)
	case *protocol.CompleteCallback:
		return set("task_id", r.PathValue("task_id"), &c.TaskID)
	}
	return ""
}

// decodeQuery fills a GET command from the query string: limit and before for history; q,
// tag, limit and offset for a search. The transfer targets and the callbacks take no
// parameters.
func decodeQuery(r *http.Request, cmd protocol.Command) string {
	if _, ok := cmd.(*protocol.GetTransferTargets); ok && r.URL.RawQuery != "" {
		return fmt.Sprintf("unexpected query %q: transfer-targets takes no parameters", r.URL.RawQuery)
	}
	if _, ok := cmd.(*protocol.ListCallbacks); ok && r.URL.RawQuery != "" {
		return fmt.Sprintf("unexpected query %q: callbacks takes no parameters", r.URL.RawQuery)
	}
	if search, ok := cmd.(*protocol.SearchContacts); ok {
		return decodeSearchQuery(r, search)
	}
	h, ok := cmd.(*protocol.GetHistory)
	if !ok {
		return ""
	}

	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Sprintf("invalid limit %q: send a whole number", v)
		}
		h.Limit = n
	}
	if v := q.Get("before"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return fmt.Sprintf("invalid before %q: send an RFC 3339 time such as 2026-01-02T15:04:05Z", v)
		}
		h.Before = &t
	}
	return ""
}

// decodeSearchQuery fills a search from the query string. Unlike the history's query, it
// rejects unknown and repeated parameters, so that a misspelt "query=" or a second "q=" is
// an error instead of a search for everything.
func decodeSearchQuery(r *http.Request, c *protocol.SearchContacts) string {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return fmt.Sprintf("invalid query string: %v", err)
	}

	// Sorted, so that a request with several bad parameters always gets the same error.
	for _, name := range slices.Sorted(maps.Keys(values)) {
		list := values[name]
		if len(list) > 1 {
			return fmt.Sprintf("parameter %s is given %d times: send it once", name, len(list))
		}
		v := list[0]
		switch name {
		case "q":
			c.Query = v
		case "tag":
			c.Tag = v
		case "limit", "offset":
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Sprintf("invalid %s %q: send a whole number", name, v)
			}
			if name == "limit" {
				c.Limit = n
			} else {
				c.Offset = n
			}
		default:
			return fmt.Sprintf("unknown parameter %q: send q, tag, limit or offset", name)
		}
	}
	return ""
}

func (s *Server) logCommandError(sess session.Session, msgType string, cmd protocol.Command, code string, err error) {
	attrs := []any{"agent_id", sess.User.ID, "command", msgType, "code", code, "error", err}
	if reason := conflictReason(err); reason != "" {
		attrs = append(attrs, "reason", reason)
	}
	if id := callID(cmd); id != "" {
		attrs = append(attrs, "call_id", id)
	}

	if code == protocol.CodeInternal || code == protocol.CodeUnavailable || code == protocol.CodeTimeout {
		s.log.Error("command failed", attrs...)
		return
	}
	s.log.Info("command rejected", attrs...)
}

func callID(cmd protocol.Command) string {
	switch c := cmd.(type) {
	case *protocol.CallRef:
		return c.CallID
	case *protocol.Transfer:
		return c.CallID
	case *protocol.SaveDisposition:
		return c.CallID
	case *protocol.CreateContact:
		return c.CallID
	}
	return ""
}

func (s *Server) writeErrorDetail(w http.ResponseWriter, r *http.Request, sess *session.Session, status int, code, detail string) {
	s.writeJSON(w, status, protocol.ErrorBody{Error: protocol.ErrorData{
		Code:    code,
		Message: userMessage(code, s.locale(r, sess)),
		Detail:  detail,
	}})
}

// commandErrorData is the error of a failed command: the code, the reason that refines a
// conflict or an invalid request when there is one, and the message for them in locale.
func commandErrorData(code, reason, locale string) protocol.ErrorData {
	if code != protocol.CodeConflict && code != protocol.CodeInvalidRequest {
		reason = ""
	}
	return protocol.ErrorData{Code: code, Reason: reason, Message: commandErrorMessage(code, reason, locale)}
}
