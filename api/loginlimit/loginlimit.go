// Package loginlimit counts failed logins per key (an account, a client address) within a
// sliding window, so the API can refuse a key that failed too often. Memory keeps the counts
// in one process; Redis shares them between every API node of an installation, so adding
// nodes does not multiply the attempts an attacker gets.
package loginlimit

import (
	"context"
	"time"
)

// Counter records failures and reports how long a key must wait. Implementations are safe for
// concurrent use.
type Counter interface {
	// Wait returns how long until key has fewer than limit failures in the window that ends
	// at now, or 0 when it already has.
	Wait(ctx context.Context, key string, limit int, now time.Time) (time.Duration, error)
	// Fail records a failure of key at now.
	Fail(ctx context.Context, key string, now time.Time) error
	// Reset deletes key's failures.
	Reset(ctx context.Context, key string) error
}

// waitFrom returns how long until the failure at oldest, the limit-th most recent one,
// leaves the window.
func waitFrom(oldest, now time.Time, window time.Duration) time.Duration {
	return max(oldest.Add(window).Sub(now), 0)
}
