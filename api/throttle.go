package api

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Limits on failed logins. A login that fails loginFailuresPerAccount times within
// loginWindow is refused until the oldest of those failures leaves the window, even with the
// right password, so a password cannot be guessed quickly; a client address gets more
// attempts, because a call center's agents often share one address behind NAT.
const (
	loginWindow              = 5 * time.Minute
	loginFailuresPerAccount  = 5
	loginFailuresPerAddress  = 50
	loginThrottleMaxTrackers = 100_000
)

// loginThrottle counts recent failed logins per account and per client address. Its mutex
// guards the maps; the handlers only call its methods.
//
// NOTE: the counts live in this node's memory, so several API nodes each allow the limits.
type loginThrottle struct {
	mu        sync.Mutex
	accounts  map[string][]time.Time
	addresses map[string][]time.Time
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{accounts: make(map[string][]time.Time), addresses: make(map[string][]time.Time)}
}

// blocked returns how long the login from this address must wait, or 0.
func (l *loginThrottle) blocked(login, address string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()

	wait := waitFor(l.accounts, accountKey(login), loginFailuresPerAccount, now)
	return max(wait, waitFor(l.addresses, address, loginFailuresPerAddress, now))
}

// failed records a failed login.
func (l *loginThrottle) failed(login, address string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()

	// Bound the memory an attacker with many logins or addresses can take: start over
	// rather than grow without limit.
	if len(l.accounts)+len(l.addresses) > loginThrottleMaxTrackers {
		clear(l.accounts)
		clear(l.addresses)
	}
	record(l.accounts, accountKey(login), now)
	record(l.addresses, address, now)
}

// succeeded forgets the account's failures.
func (l *loginThrottle) succeeded(login string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.accounts, accountKey(login))
}

func accountKey(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

func record(m map[string][]time.Time, key string, now time.Time) {
	times := recent(m[key], now)
	m[key] = append(times, now)
}

// waitFor returns how long until key has fewer than limit failures in the window.
func waitFor(m map[string][]time.Time, key string, limit int, now time.Time) time.Duration {
	times := recent(m[key], now)
	if len(times) == 0 {
		delete(m, key)
		return 0
	}
	m[key] = times
	if len(times) < limit {
		return 0
	}
	return times[len(times)-limit].Add(loginWindow).Sub(now)
}

// recent drops the failures that left the window; times are in ascending order.
func recent(times []time.Time, now time.Time) []time.Time {
	cutoff := now.Add(-loginWindow)
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	return times[i:]
}

// clientAddress is the request's peer address without its port. A proxy's forwarding headers
// are not trusted, because any client can send them.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
