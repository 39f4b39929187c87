package loginlimit

import (
	"context"
	"sync"
	"time"
)

// Memory is a Counter in this process's memory. Its mutex guards the map.
type Memory struct {
	window      time.Duration
	maxTrackers int

	mu       sync.Mutex
	failures map[string][]time.Time // ascending
}

var _ Counter = (*Memory)(nil)

// NewMemory returns a Counter over window that tracks at most maxTrackers keys. Past that it
// starts over rather than grow, so an attacker who tries many logins or addresses cannot
// exhaust memory. The price is that the counts of that moment are lost.
func NewMemory(window time.Duration, maxTrackers int) *Memory {
	return &Memory{window: window, maxTrackers: maxTrackers, failures: make(map[string][]time.Time)}
}

// Wait implements Counter.
func (m *Memory) Wait(_ context.Context, key string, limit int, now time.Time) (time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()

	times := m.recent(key, now)
	if len(times) < limit || limit <= 0 {
		return 0, nil
	}
	return waitFrom(times[len(times)-limit], now, m.window), nil
}

// Fail implements Counter.
func (m *Memory) Fail(_ context.Context, key string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()

	if len(m.failures) >= m.maxTrackers {
		clear(m.failures)
	}
	m.failures[key] = append(m.recent(key, now), now)
	return nil
}

// Reset implements Counter.
func (m *Memory) Reset(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()

	delete(m.failures, key)
	return nil
}

// recent drops key's failures that left the window and returns the rest.
func (m *Memory) recent(key string, now time.Time) []time.Time {
	times := m.failures[key]
	cutoff := now.Add(-m.window)
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	times = times[i:]
	if len(times) == 0 {
		delete(m.failures, key)
		return nil
	}
	m.failures[key] = times
	return times
}
