package arisim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// params holds a REST request's parameters. ARI takes every parameter either in the query string
// or as a field of a JSON object body; a body field wins over a query parameter of the same name.
type params struct {
	values map[string]any // string, float64, bool, []any, map[string]any or nil
}

var errBodyNotObject = errors.New("request body is not a JSON object")

// parseParams merges the query string and a JSON object body. An empty body is allowed.
func parseParams(rawQuery string, body []byte) (params, error) {
	p := params{values: map[string]any{}}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return p, fmt.Errorf("parse query %q: %w", rawQuery, err)
	}
	for k, vs := range q {
		if len(vs) == 1 {
			p.values[k] = vs[0]
			continue
		}
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		p.values[k] = list
	}

	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return p, nil
	}
	var obj map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&obj); err != nil {
		return p, fmt.Errorf("decode body: %w", err)
	}
	if obj == nil {
		return p, errBodyNotObject
	}
	if dec.More() {
		return p, fmt.Errorf("decode body: trailing data after the JSON object")
	}
	for k, v := range obj {
		p.values[k] = v
	}
	return p, nil
}

// has reports whether the parameter was given.
func (p params) has(name string) bool {
	_, ok := p.values[name]
	return ok
}

// str returns a parameter as a string; numbers and booleans are formatted, other values are "".
func (p params) str(name string) string {
	switch v := p.values[name].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// int returns a numeric parameter, or def when it is missing or not a number. Asterisk accepts a
// non-numeric value such as "soon" silently and uses the default.
func (p params) int(name string, def int) int {
	switch v := p.values[name].(type) {
	case float64:
		return int(v)
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n
		}
	}
	return def
}

// list returns a parameter that may be a single string, a comma-separated string from the query,
// or a JSON array of strings.
func (p params) list(name string) []string {
	switch v := p.values[name].(type) {
	case string:
		if v == "" {
			return nil
		}
		return strings.Split(v, ",")
	case []any:
		out := make([]string, 0, len(v))
		for _, item := range v {
			if s, ok := item.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// vars returns the "variables" object of an originate or create body.
func (p params) vars() map[string]string {
	out := map[string]string{}
	obj, ok := p.values["variables"].(map[string]any)
	if !ok {
		return out
	}
	// ari/v5 and the ARI docs nest them as {"variables": {"NAME": "value"}}.
	if inner, ok := obj["variables"].(map[string]any); ok {
		obj = inner
	}
	for k, v := range obj {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// parseCallerID splits `"Name" <number>` or a bare number into a CallerID.
func parseCallerID(s string) CallerID {
	s = strings.TrimSpace(s)
	if s == "" {
		return CallerID{}
	}
	open := strings.LastIndex(s, "<")
	end := strings.LastIndex(s, ">")
	if open < 0 || end < open {
		return CallerID{Number: s}
	}
	name := strings.TrimSpace(s[:open])
	name = strings.Trim(name, `"`)
	return CallerID{Name: name, Number: strings.TrimSpace(s[open+1 : end])}
}
