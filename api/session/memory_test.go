package session

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// clock is a manual clock for expiry tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestMemoryExpiry(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	m := NewMemory(clk.Now)

	s := Session{ID: "a", User: protocol.User{ID: "u1"}, Created: clk.Now(), Expires: clk.Now().Add(time.Hour)}
	if err := m.Put(ctx, s); err != nil {
		t.Fatalf("Put: %v", err)
	}

	clk.Advance(59 * time.Minute)
	got, err := m.Get(ctx, "a")
	if err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	if got.User.ID != "u1" {
		t.Errorf("user = %q, want u1", got.User.ID)
	}

	clk.Advance(time.Minute)
	if _, err := m.Get(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get at expiry error = %v, want ErrNotFound", err)
	}
	if m.Len() != 0 {
		t.Errorf("Len after reading an expired session = %d, want 0", m.Len())
	}
}

func TestMemorySweepsUnreadSessions(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	m := NewMemory(clk.Now)

	for _, id := range []string{"a", "b", "c"} {
		if err := m.Put(ctx, Session{ID: id, Expires: clk.Now().Add(time.Minute)}); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}

	clk.Advance(2 * time.Minute)
	if err := m.Put(ctx, Session{ID: "d", Expires: clk.Now().Add(time.Hour)}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if m.Len() != 1 {
		t.Errorf("Len after sweep = %d, want 1 (only the live session)", m.Len())
	}
}

func TestMemoryDelete(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(nil)

	if err := m.Put(ctx, Session{ID: "a", Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if err := m.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := m.Get(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete error = %v, want ErrNotFound", err)
	}
	if err := m.Delete(ctx, "missing"); err != nil {
		t.Errorf("Delete of a missing session = %v, want nil", err)
	}
}

func TestNewIDIsRandom256Bits(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		id, err := NewID()
		if err != nil {
			t.Fatalf("NewID: %v", err)
		}
		if len(id) != 43 {
			t.Fatalf("id %q has %d characters, want 43 (32 bytes in unpadded base64url)", id, len(id))
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
	}
}

func TestHasRole(t *testing.T) {
	s := Session{User: protocol.User{Roles: []protocol.Role{protocol.RoleAgent}}}
	if !s.HasRole(protocol.RoleSupervisor, protocol.RoleAgent) {
		t.Error("HasRole(supervisor, agent) = false for an agent, want true")
	}
	if s.HasRole(protocol.RoleAdmin) {
		t.Error("HasRole(admin) = true for an agent, want false")
	}
	if s.HasRole() {
		t.Error("HasRole() with no roles = true, want false")
	}
}
