package api

import (
	"context"
	"sync"
	"time"
)

// AccountChecker reports whether a user may still use Switchboard. When the Authenticator
// implements it, every request and every WebSocket's periodic check asks it (through a cache
// of accountCheckTTL), so a user disabled from the command line or by another node loses
// every session within that time, on every node and whatever the session store.
type AccountChecker interface {
	AccountActive(ctx context.Context, userID string) (bool, error)
}

// accountCheckTTL is how long an answer of the AccountChecker is reused: the longest a
// disabled user keeps working.
const accountCheckTTL = 30 * time.Second

// accountCacheMaxUsers bounds the cache; past it the cache starts over.
const accountCacheMaxUsers = 100_000

// accountCache remembers the AccountChecker's answers per user. Its mutex guards the map; the
// checker is called outside it, so a slow database does not serialise requests.
type accountCache struct {
	checker AccountChecker
	now     func() time.Time

	mu      sync.Mutex
	checked map[string]accountAnswer
}

type accountAnswer struct {
	active bool
	at     time.Time
}

func newAccountCache(auth Authenticator, now func() time.Time) *accountCache {
	checker, _ := auth.(AccountChecker)
	return &accountCache{checker: checker, now: now, checked: make(map[string]accountAnswer)}
}

// active reports whether userID may go on. Without a checker everyone may. When the checker
// fails, the answer is true with the error: an outage of the user store should not sign every
// agent out in the middle of calls.
func (a *accountCache) active(ctx context.Context, userID string) (bool, error) {
	if a.checker == nil {
		return true, nil
	}

	now := a.now()
	a.mu.Lock()
	answer, ok := a.checked[userID]
	a.mu.Unlock()
	if ok && now.Sub(answer.at) < accountCheckTTL {
		return answer.active, nil
	}

	active, err := a.checker.AccountActive(ctx, userID)
	if err != nil {
		return true, err
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.checked) >= accountCacheMaxUsers {
		clear(a.checked)
	}
	a.checked[userID] = accountAnswer{active: active, at: now}
	return active, nil
}
