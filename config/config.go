// Package config loads Switchboard's settings from an optional TOML file and from
// SWITCHBOARD_<SECTION>_<KEY> environment variables, which override the file.
//
// Every key, its default, unit and environment variable is listed in docs/configuration.md.
// Load is the only entry point; the package never reads the process environment itself, so
// callers pass os.Environ() (or a test's list) in. A loaded Config is a plain value and safe
// to share read-only between goroutines.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"
)

// DefaultARIApplication is the Stasis application name used when an ARI server entry names none.
const DefaultARIApplication = "switchboard"

// Config is the whole configuration of one Switchboard process.
type Config struct {
	HTTP     HTTP        `toml:"http"`
	Database Database    `toml:"database"`
	Redis    Redis       `toml:"redis"`
	Phone    Phone       `toml:"phone"`
	Log      Log         `toml:"log"`
	ARI      []ARIServer `toml:"ari"`
	CallLog  CallLog     `toml:"call_log"`
	Shutdown Shutdown    `toml:"shutdown"`
	// Queues are the call queues; none means the two of asterisk-config's dialplan.
	Queues []Queue `toml:"queue"`
}

// CallLog holds the settings of the call log.
type CallLog struct {
	// SpoolDir is the folder where call records wait while PostgreSQL is unreachable. It must
	// survive restarts, so that no record is lost with the process.
	SpoolDir string `toml:"spool_dir"`
}

// HTTP is the web server's listener and browser-facing security settings.
type HTTP struct {
	// Listen is the TCP address (host:port) of the HTTP server.
	Listen string `toml:"listen"`
	// PublicOrigins are the scheme://host[:port] origins from which browsers may open the
	// WebSocket. Empty means http://<Listen>, plus its localhost, 127.0.0.1 and [::1] forms
	// when Listen is a loopback address.
	PublicOrigins []string `toml:"public_origins"`
	// CookieSecure sets the Secure attribute on session cookies; turn it on behind HTTPS.
	CookieSecure bool `toml:"cookie_secure"`
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken Secret `toml:"metrics_token"`
}

// Origins returns the allowed WebSocket origins: PublicOrigins, or http://<Listen> when none
// are set. A browser on the same machine may open a loopback listener as localhost, 127.0.0.1
// or [::1], and sends that name in its Origin header, so a loopback Listen allows all three.
// http://<Listen> comes first because messages name the first origin.
func (h HTTP) Origins() []string {
	if len(h.PublicOrigins) > 0 {
		return h.PublicOrigins
	}
	origins := []string{"http://" + h.Listen}
	host, port, err := net.SplitHostPort(h.Listen)
	if err != nil || !isLoopbackHost(host) {
		return origins
	}
	for _, alias := range []string{"localhost", "127.0.0.1", "::1"} {
		origin := "http://" + net.JoinHostPort(alias, port)
		if !slices.Contains(origins, origin) {
			origins = append(origins, origin)
		}
	}
	return origins
}

// isLoopbackHost reports whether host is "localhost" or a loopback IP address. Other names
// are not resolved, because a name that resolves to loopback today may not tomorrow.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Database is the PostgreSQL connection.
type Database struct {
	// URL is a pgx connection string (postgres://user:password@host:port/db?sslmode=...).
	URL SecretURL `toml:"url"`
}

// Redis is the optional Redis connection; an empty URL runs one node without Redis.
type Redis struct {
	URL SecretURL `toml:"url"`
}

// Phone holds the rules for reading phone numbers.
type Phone struct {
	// DefaultRegion is the ISO 3166-1 alpha-2 region assumed for numbers written without
	// a country code, such as 8 (495) 123-45-67 in Russia.
	DefaultRegion string `toml:"default_region"`
}

// Log selects the log level and output format.
type Log struct {
	// Level is one of debug, info, warn, error.
	Level string `toml:"level"`
	// Format is auto (text on a terminal, JSON otherwise), text or json.
	Format string `toml:"format"`
}

// SlogLevel returns Level as a slog.Level. Load has validated it, so the error is nil then.
func (l Log) SlogLevel() (slog.Level, error) {
	var level slog.Level
	err := level.UnmarshalText([]byte(l.Level))
	return level, err
}

// ARIServer is one Asterisk server reached through the Asterisk REST Interface.
type ARIServer struct {
	// Name identifies the server in logs and metrics: letters, digits, '-' and '_'. It
	// defaults to the URL's host and port with other characters replaced by '-'.
	Name string `toml:"name"`
	// URL is the ARI base URL, for example http://127.0.0.1:8088/ari.
	URL string `toml:"url"`
	// Username and Password are the ari.conf user's credentials.
	Username string `toml:"username"`
	Password Secret `toml:"password"`
	// Application is the Stasis application the dialplan sends calls to.
	Application string `toml:"application"`
}

// LogValue describes the server for logs without its password.
func (s ARIServer) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("name", s.Name),
		slog.String("url", s.URL),
		slog.String("username", s.Username),
		slog.String("application", s.Application),
	)
}

// Shutdown shapes a graceful stop: first the drain, then the grace period.
type Shutdown struct {
	// Drain is how long after SIGINT or SIGTERM /readyz returns 503 while every other request
	// is still served, so that a load balancer stops sending new requests before the listener
	// closes. Zero skips the drain.
	Drain Duration `toml:"drain"`
	// GracePeriod is how long in-flight requests and calls may take to finish after
	// the drain before the process closes them.
	GracePeriod Duration `toml:"grace_period"`
}

// Duration is a time.Duration written in Go syntax ("15s", "1m30s") in files and variables.
type Duration time.Duration

// UnmarshalText parses Go duration syntax.
func (d *Duration) UnmarshalText(text []byte) error {
	parsed, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("parse duration %q: use Go duration syntax such as 15s or 1m30s", text)
	}
	*d = Duration(parsed)
	return nil
}

// MarshalText writes Go duration syntax.
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).String()), nil
}

// Default returns the configuration used for every key that neither the file nor the
// environment sets. The database URL has no default and must be given.
func Default() Config {
	return Config{
		HTTP:     HTTP{Listen: "127.0.0.1:8080"},
		Phone:    Phone{DefaultRegion: "RU"},
		Log:      Log{Level: "info", Format: "auto"},
		CallLog:  CallLog{SpoolDir: ".run/spool"},
		Shutdown: Shutdown{Drain: Duration(5 * time.Second), GracePeriod: Duration(15 * time.Second)},
	}
}

// Load builds the configuration: defaults, then the TOML file at path (skipped when path
// is empty), then the SWITCHBOARD_* variables in environ ("KEY=value" entries, as from
// os.Environ). It returns every problem at once, each as a *FieldError joined with
// errors.Join: unknown keys and values of the wrong type in the file, variables that cannot
// be read or parsed, and values out of range. A file that cannot be read or is not TOML at
// all gives a *FileError alone.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	sources := map[string]string{}
	// reported holds the keys already rejected, so that validation does not add a second
	// line for the same key, such as "missing" for a value of the wrong type.
	reported := map[string]bool{}
	var errs []error

	if path != "" {
		fileErrs, err := loadFile(path, &cfg, sources, reported)
		if err != nil {
			return Config{}, err
		}
		errs = append(errs, fileErrs...)
	}
	errs = append(errs, applyEnv(&cfg, environ, sources, reported)...)
	applyDerivedDefaults(&cfg)
	errs = append(errs, validate(&cfg, sources, reported)...)

	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return cfg, nil
}

// applyDerivedDefaults fills the defaults that depend on other keys.
func applyDerivedDefaults(cfg *Config) {
	for i := range cfg.ARI {
		server := &cfg.ARI[i]
		if server.Application == "" {
			server.Application = DefaultARIApplication
		}
		if server.Name == "" {
			server.Name = nameFromHost(hostOf(server.URL))
		}
		if server.Name == "" {
			server.Name = fmt.Sprintf("ari%d", i)
		}
	}
}

// LogValue describes the configuration for a start-up log line, with every secret redacted.
func (c Config) LogValue() slog.Value {
	servers := make([]any, len(c.ARI))
	for i, server := range c.ARI {
		servers[i] = slog.Attr{Key: server.Name, Value: server.LogValue()}
	}
	return slog.GroupValue(
		slog.String("http_listen", c.HTTP.Listen),
		slog.Any("http_public_origins", c.HTTP.Origins()),
		slog.Bool("http_cookie_secure", c.HTTP.CookieSecure),
		slog.Bool("http_metrics_token_set", c.HTTP.MetricsToken != ""),
		slog.String("database_url", c.Database.URL.String()),
		slog.String("redis_url", c.Redis.URL.String()),
		slog.String("phone_default_region", c.Phone.DefaultRegion),
		slog.String("log_level", c.Log.Level),
		slog.String("log_format", c.Log.Format),
		slog.Group("ari", servers...),
		slog.String("call_log_spool_dir", c.CallLog.SpoolDir),
		slog.String("shutdown_drain", time.Duration(c.Shutdown.Drain).String()),
		slog.String("shutdown_grace_period", time.Duration(c.Shutdown.GracePeriod).String()),
		slog.Any("queues", c.QueueNames()),
	)
}

// QueueNames returns the names of the configured queues in file order.
func (c Config) QueueNames() []string {
	names := make([]string, len(c.Queues))
	for i, q := range c.Queues {
		names[i] = q.Name
	}
	return names
}
