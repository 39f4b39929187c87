package arisim

import (
	"fmt"
	"path"
	"strings"
	"time"
)

// fault is an injected REST failure or delay. The Server's mutex guards it.
type fault struct {
	pattern string
	status  int // 0 for a delay
	message string
	delay   time.Duration
	count   int // remaining uses; <= 0 means until ClearFaults
	limited bool
}

// validatePattern checks a fault pattern: a path.Match pattern on the request path such as
// "/ari/channels/*/answer", optionally preceded by a method and a space ("POST /ari/channels").
func validatePattern(pattern string) error {
	_, p, hasMethod := strings.Cut(pattern, " ")
	if !hasMethod {
		p = pattern
	}
	if _, err := path.Match(p, ""); err != nil || !strings.HasPrefix(p, "/") {
		return fmt.Errorf("invalid fault pattern %q: use a path pattern such as \"POST /ari/channels/*/answer\"", pattern)
	}
	return nil
}

// FailREST makes the next count REST calls matching pattern fail with status and an Asterisk-style
// {"message": ...} body, before they take effect. count <= 0 fails every match until ClearFaults.
func (s *Server) FailREST(pattern string, status, count int) error {
	if err := validatePattern(pattern); err != nil {
		return err
	}
	if status < 400 || status > 599 {
		return fmt.Errorf("invalid fault status %d: use an HTTP error status from 400 to 599", status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{pattern: pattern, status: status, message: "Injected failure", count: count, limited: count > 0})
	return nil
}

// DelayREST holds the responses of REST calls matching pattern for d after they took effect, so
// their events reach clients well before the response does. It applies until ClearFaults.
func (s *Server) DelayREST(pattern string, d time.Duration) error {
	if err := validatePattern(pattern); err != nil {
		return err
	}
	if d < 0 {
		return fmt.Errorf("invalid delay %s: must not be negative", d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{pattern: pattern, delay: d})
	return nil
}

// ClearFaults removes every injected failure and delay.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// matchFault returns the first fault matching the request and uses it up.
func (s *Server) matchFault(method, urlPath string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		m, p, hasMethod := strings.Cut(f.pattern, " ")
		if !hasMethod {
			m, p = "", f.pattern
		}
		if m != "" && !strings.EqualFold(m, method) {
			continue
		}
		if ok, _ := path.Match(p, urlPath); !ok {
			continue
		}
		if f.limited {
			f.count--
			if f.count <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		copied := *f
		return &copied
	}
	return nil
}
