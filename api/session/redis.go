package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keeps sessions in Redis, so that they survive a restart of the node and every API
// node of a center sees the same logins. Keys hold a SHA-256 of the session id rather than
// the id itself, so reading Redis does not hand out working cookies; each key expires with
// its session.
type Redis struct {
	client redis.UniversalClient
	prefix string
	now    func() time.Time
}

var _ Store = (*Redis)(nil)

// NewRedis returns a store on the client. prefix separates the keys of several
// installations sharing one Redis, e.g. "switchboard:session:"; now is the clock (nil means
// time.Now).
func NewRedis(client redis.UniversalClient, prefix string, now func() time.Time) *Redis {
	if now == nil {
		now = time.Now
	}
	return &Redis{client: client, prefix: prefix, now: now}
}

func (r *Redis) key(id string) string {
	sum := sha256.Sum256([]byte(id))
	return r.prefix + hex.EncodeToString(sum[:])
}

// Put stores the session until it expires; an already expired session is removed instead.
func (r *Redis) Put(ctx context.Context, s Session) error {
	ttl := s.Expires.Sub(r.now())
	if ttl <= 0 {
		return r.Delete(ctx, s.ID)
	}
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	if err := r.client.Set(ctx, r.key(s.ID), data, ttl).Err(); err != nil {
		return fmt.Errorf("store session in Redis: %w", err)
	}
	return nil
}

// Get returns the session, or ErrNotFound when it is missing or expired.
func (r *Redis) Get(ctx context.Context, id string) (Session, error) {
	data, err := r.client.Get(ctx, r.key(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("read session from Redis: %w", err)
	}

	var s Session
	if err := json.Unmarshal(data, &s); err != nil {
		return Session{}, fmt.Errorf("decode session from Redis: %w", err)
	}
	// Redis expires the key too, but the clock here is the one the API judges expiry by.
	if !r.now().Before(s.Expires) {
		return Session{}, ErrNotFound
	}
	return s, nil
}

// Delete removes the session.
func (r *Redis) Delete(ctx context.Context, id string) error {
	if err := r.client.Del(ctx, r.key(id)).Err(); err != nil {
		return fmt.Errorf("delete session from Redis: %w", err)
	}
	return nil
}
