package loginlimit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Counter in Redis: one sorted set per key, each failure a member scored by its
// time in microseconds (finer parts of a time are dropped). Every write also trims the set to the window and sets it to expire
// with the window, so keys of addresses that stop trying disappear on their own.
type Redis struct {
	client redis.UniversalClient
	prefix string
	window time.Duration
}

var _ Counter = (*Redis)(nil)

// NewRedis returns a Counter over window on client. prefix separates the keys of several
// installations sharing one Redis, e.g. "switchboard:login-failures:".
func NewRedis(client redis.UniversalClient, prefix string, window time.Duration) *Redis {
	return &Redis{client: client, prefix: prefix, window: window}
}

// Wait implements Counter.
func (r *Redis) Wait(ctx context.Context, key string, limit int, now time.Time) (time.Duration, error) {
	if limit <= 0 {
		return 0, nil
	}
	k := r.prefix + key
	pipe := r.client.TxPipeline()
	pipe.ZRemRangeByScore(ctx, k, "-inf", strconv.FormatInt(now.Add(-r.window).UnixMicro(), 10))
	// The limit-th most recent failure: when it leaves the window, the key may try again.
	nth := pipe.ZRevRangeWithScores(ctx, k, int64(limit-1), int64(limit-1))
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("read login failures of %q from Redis: %w", key, err)
	}

	members := nth.Val()
	if len(members) == 0 {
		return 0, nil
	}
	return waitFrom(time.UnixMicro(int64(members[0].Score)), now, r.window), nil
}

// Fail implements Counter.
func (r *Redis) Fail(ctx context.Context, key string, now time.Time) error {
	k := r.prefix + key
	micros := now.UnixMicro()

	// Two failures in the same microsecond on different nodes are still two: the member
	// carries a random suffix besides the time.
	member := strconv.FormatInt(micros, 10) + "-" + strconv.FormatUint(rand.Uint64(), 36)
	pipe := r.client.TxPipeline()
	pipe.ZAdd(ctx, k, redis.Z{Score: float64(micros), Member: member})
	pipe.ZRemRangeByScore(ctx, k, "-inf", strconv.FormatInt(now.Add(-r.window).UnixMicro(), 10))
	pipe.PExpire(ctx, k, r.window)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("record login failure of %q in Redis: %w", key, err)
	}
	return nil
}

// Reset implements Counter.
func (r *Redis) Reset(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.prefix+key).Err(); err != nil {
		return fmt.Errorf("reset login failures of %q in Redis: %w", key, err)
	}
	return nil
}
