package api

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/api/loginlimit"
)

// Limits on failed logins. A login that fails loginFailuresPerAccount times within
// LoginWindow is refused until the oldest of those failures leaves the window, even with the
// right password, so a password cannot be guessed quickly; a client address gets more
// attempts, because a call center's agents often share one address behind NAT.
const (
	LoginWindow              = 5 * time.Minute
	loginFailuresPerAccount  = 5
	loginFailuresPerAddress  = 50
	loginThrottleMaxTrackers = 100_000
)

// loginThrottle applies the limits to a loginlimit.Counter, which Deps.LoginFailures can
// share between API nodes.
type loginThrottle struct {
	counter loginlimit.Counter
	log     *slog.Logger
}

func newLoginThrottle(counter loginlimit.Counter, log *slog.Logger) *loginThrottle {
	if counter == nil {
		counter = loginlimit.NewMemory(LoginWindow, loginThrottleMaxTrackers)
	}
	return &loginThrottle{counter: counter, log: log}
}

// blocked returns how long the login from this address must wait, or 0. A counter that
// cannot be read blocks no login, because the session store that a login needs next fails on
// its own when it shares the counter's Redis.
func (l *loginThrottle) blocked(ctx context.Context, login, address string, now time.Time) time.Duration {
	account, err := l.counter.Wait(ctx, accountKey(login), loginFailuresPerAccount, now)
	if err != nil {
		l.log.Error("read failed logins", "login", login, "error", err)
	}
	client, err := l.counter.Wait(ctx, addressKey(address), loginFailuresPerAddress, now)
	if err != nil {
		l.log.Error("read failed logins", "client", address, "error", err)
	}
	return max(account, client)
}

// failed records a failed login.
func (l *loginThrottle) failed(ctx context.Context, login, address string, now time.Time) {
	if err := l.counter.Fail(ctx, accountKey(login), now); err != nil {
		l.log.Error("record failed login", "login", login, "error", err)
	}
	if err := l.counter.Fail(ctx, addressKey(address), now); err != nil {
		l.log.Error("record failed login", "client", address, "error", err)
	}
}

// succeeded forgets the account's failures.
func (l *loginThrottle) succeeded(ctx context.Context, login string) {
	if err := l.counter.Reset(ctx, accountKey(login)); err != nil {
		l.log.Error("forget failed logins", "login", login, "error", err)
	}
}

func accountKey(login string) string { return "account:" + strings.ToLower(strings.TrimSpace(login)) }

func addressKey(address string) string { return "address:" + address }

// clientAddress is the request's peer address without its port. A proxy's forwarding headers
// are not trusted, because any client can send them.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
