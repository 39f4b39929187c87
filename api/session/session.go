// Package session keeps server-side login sessions. The browser keeps only a random session
// id in a cookie, and the user's identity and roles stay on the server. So logging out or
// expiring a session takes effect at once.
//
// Store is the seam for a shared store (Redis) when several API nodes serve one center;
// Memory is the single-node implementation.
package session

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

// ErrNotFound is returned for a session id that does not exist or has expired.
var ErrNotFound = errors.New("session not found")

// IDBytes is the number of random bytes in a session id: 256 bits, so ids cannot be guessed.
const IDBytes = 32

// Session is one login.
type Session struct {
	ID      string
	User    protocol.User
	Created time.Time
	Expires time.Time
}

// HasRole reports whether the session's user has at least one of roles.
func (s Session) HasRole(roles ...protocol.Role) bool {
	for _, have := range s.User.Roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// Store keeps sessions by id. Implementations are safe for concurrent use and never return
// an expired session.
type Store interface {
	// Put stores a new session, or replaces the one with the same id.
	Put(ctx context.Context, s Session) error
	// Get returns the session with the id, or ErrNotFound.
	Get(ctx context.Context, id string) (Session, error)
	// Delete removes the session. Deleting a missing session is not an error.
	Delete(ctx context.Context, id string) error
}

// NewID returns a new random session id: IDBytes from crypto/rand, base64url without padding.
func NewID() (string, error) {
	b := make([]byte, IDBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate session id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
