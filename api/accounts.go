package api

import (
	"context"
	"sync"
	"time"
)

// AccountChecker reports whether a user may still use Switchboard. When the Authenticator
// implements it, every request and every WebSocket's periodic check queries it through a cache
// of accountCheckTTL. A user disabled or given a new password, from the command line or by
// another node, therefore loses their sessions within 30 s on every node, whatever the session
// store.
type AccountChecker interface {
	AccountStatus(ctx context.Context, userID string) (AccountStatus, error)
}

// AccountStatus is the state of a signed-in user's account that the API checks.
type AccountStatus struct {
	// Active is false for a disabled or deleted user.
	Active bool
	// SessionsValidFrom voids the sessions created before it, as a new password does; zero
	// voids none.
	SessionsValidFrom time.Time
}

// allows reports whether a session created at created may go on.
func (s AccountStatus) allows(created time.Time) bool {
	return s.Active && !created.Before(s.SessionsValidFrom)
}

// accountCheckTTL is how long a result of the AccountChecker is reused. With the WebSocket
// gateway's check at every ping (20 s apart), a disabled user's desk ends within 30 s.
const accountCheckTTL = 10 * time.Second

// accountCacheMaxUsers bounds the cache; past it the cache starts over.
const accountCacheMaxUsers = 100_000

// accountCache stores the AccountChecker's results per user. Its mutex guards the map, and
// the checker is called outside it, so a slow database does not serialise requests.
type accountCache struct {
	checker AccountChecker
	now     func() time.Time

	mu      sync.Mutex
	checked map[string]accountAnswer
}

type accountAnswer struct {
	status AccountStatus
	at     time.Time
}

func newAccountCache(auth Authenticator, now func() time.Time) *accountCache {
	checker, _ := auth.(AccountChecker)
	return &accountCache{checker: checker, now: now, checked: make(map[string]accountAnswer)}
}

// status returns userID's account status, at most accountCheckTTL old. Without a checker
// every account is active. When the checker fails, the status is active, with the error: an
// outage of the user store should not sign every agent out in the middle of calls.
func (a *accountCache) status(ctx context.Context, userID string) (AccountStatus, error) {
	if a.checker == nil {
		return AccountStatus{Active: true}, nil
	}

	now := a.now()
	a.mu.Lock()
	answer, ok := a.checked[userID]
	a.mu.Unlock()
	if ok && now.Sub(answer.at) < accountCheckTTL {
		return answer.status, nil
	}

	status, err := a.checker.AccountStatus(ctx, userID)
	if err != nil {
		return AccountStatus{Active: true}, err
	}

	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.checked) >= accountCacheMaxUsers {
		clear(a.checked)
	}
	a.checked[userID] = accountAnswer{status: status, at: now}
	return status, nil
}
