package session

import (
	"context"
	"sync"
	"time"
)

// sweepInterval is how often Put removes expired sessions, so that sessions that are never
// read again do not pile up without a background goroutine.
const sweepInterval = time.Minute

// Memory is a Store in process memory, for a single API node. It owns its map; every access
// goes through its mutex.
type Memory struct {
	now func() time.Time

	mu        sync.Mutex
	sessions  map[string]Session // by Session.ID
	lastSweep time.Time
}

// NewMemory returns an empty in-memory store. now is the clock; nil means time.Now.
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, sessions: make(map[string]Session)}
}

// Put implements Store.
func (m *Memory) Put(_ context.Context, s Session) error {
	now := m.now()

	m.mu.Lock()
	defer m.mu.Unlock()

	m.sessions[s.ID] = s

	if now.Sub(m.lastSweep) >= sweepInterval {
		m.lastSweep = now
		for id, old := range m.sessions {
			if !now.Before(old.Expires) {
				delete(m.sessions, id)
			}
		}
	}
	return nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, id string) (Session, error) {
	now := m.now()

	m.mu.Lock()
	defer m.mu.Unlock()

	s, ok := m.sessions[id]
	if !ok {
		return Session{}, ErrNotFound
	}
	if !now.Before(s.Expires) {
		delete(m.sessions, id)
		return Session{}, ErrNotFound
	}
	return s, nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()

	delete(m.sessions, id)
	return nil
}

// Len returns the number of stored sessions, expired ones not yet swept included.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()

	return len(m.sessions)
}
