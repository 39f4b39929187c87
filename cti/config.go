package cti

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// ServerConfig describes one Asterisk server and how to reach its ARI.
type ServerConfig struct {
	// Name identifies the server in events, logs and metrics, e.g. "pbx1". Letters, digits,
	// '-' and '_'.
	Name string
	// URL is the ARI base URL, e.g. "http://127.0.0.1:8088/ari". Credentials do not belong
	// in it.
	URL string
	// Username and Password are an ARI user of ari.conf. Any characters are allowed in the
	// password (they travel base64-encoded in the Authorization header).
	Username string
	Password string
	// Application is the Stasis application name the dialplan sends calls to.
	Application string
	// RequestTimeout bounds a REST request whose context has no earlier deadline.
	// Default 5 s.
	RequestTimeout time.Duration
	// ReconnectMin and ReconnectMax bound the exponential backoff between connection
	// attempts. Defaults 200 ms and 30 s.
	ReconnectMin time.Duration
	ReconnectMax time.Duration
	// PingInterval is how often the events WebSocket is pinged; the connection is dropped
	// when nothing, not even a pong, arrives for three intervals. Default 10 s.
	PingInterval time.Duration
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (c ServerConfig) withDefaults() ServerConfig {
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 5 * time.Second
	}

	if c.ReconnectMin <= 0 {
		c.ReconnectMin = 200 * time.Millisecond
	}

	if c.ReconnectMax <= 0 {
		c.ReconnectMax = 30 * time.Second
	}

	if c.ReconnectMax < c.ReconnectMin {
		c.ReconnectMax = c.ReconnectMin
	}

	if c.PingInterval <= 0 {
		c.PingInterval = 10 * time.Second
	}

	return c
}

// validate checks the configuration and returns an error naming each bad field and the fix.
func (c ServerConfig) validate() error {
	var errs []error

	if !namePattern.MatchString(c.Name) {
		errs = append(errs, fmt.Errorf("server name %q is invalid: use 1 to 64 letters, digits, '-' or '_'", c.Name))
	}

	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		errs = append(errs, fmt.Errorf("server %q: ARI URL is missing: set it like http://127.0.0.1:8088/ari", c.Name))
	case err != nil:
		errs = append(errs, fmt.Errorf("server %q: ARI URL is invalid: %w", c.Name, err))
	case u.Scheme != "http" && u.Scheme != "https":
		errs = append(errs, fmt.Errorf("server %q: ARI URL %q must start with http:// or https://", c.Name, u.Redacted()))
	case u.User != nil:
		errs = append(errs, fmt.Errorf("server %q: ARI URL %q contains credentials: set Username and Password instead", c.Name, u.Redacted()))
	case u.RawQuery != "" || u.Fragment != "":
		errs = append(errs, fmt.Errorf("server %q: ARI URL %q must not have a query or fragment", c.Name, u.Redacted()))
	}

	if c.Username == "" || c.Password == "" {
		errs = append(errs, fmt.Errorf("server %q: ARI username and password are required (an ari.conf user)", c.Name))
	}

	if strings.Contains(c.Username, ":") {
		errs = append(errs, fmt.Errorf("server %q: ARI username must not contain ':' (HTTP basic auth separates user and password with it)", c.Name))
	}

	if !namePattern.MatchString(c.Application) {
		errs = append(errs, fmt.Errorf("server %q: Stasis application name %q is invalid: use 1 to 64 letters, digits, '-' or '_'", c.Name, c.Application))
	}

	return errors.Join(errs...)
}

// LogValue keeps the password out of logs.
func (c ServerConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("name", c.Name),
		slog.String("url", c.URL),
		slog.String("username", c.Username),
		slog.String("application", c.Application),
	)
}

// restBase returns the ARI base URL without a trailing slash.
func (c ServerConfig) restBase() string {
	return strings.TrimRight(c.URL, "/")
}

// eventsURL returns the WebSocket URL of the events stream with the application subscribed.
// subscribeAll is on because Dial events of originated legs and ChannelDestroyed after
// StasisEnd are needed, as in the recorded Asterisk 22 traffic; the translator filters the rest.
func (c ServerConfig) eventsURL() string {
	u, _ := url.Parse(c.restBase() + "/events")
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}

	q := url.Values{}
	q.Set("app", c.Application)
	q.Set("subscribeAll", "true")
	u.RawQuery = q.Encode()

	return u.String()
}
