package config

import (
	"log/slog"
	"net/url"
	"regexp"
)

const redacted = "xxxxx"

// Secret is a string that must never reach a log or an error message. String and
// LogValue return a placeholder; Reveal returns the value for the one place that needs it.
type Secret string

// String returns a placeholder, or "" when the secret is empty.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// LogValue returns the placeholder that String returns.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

// SecretURL is a connection URL that may carry a password. String and LogValue return the
// URL with the password replaced; Reveal returns it whole.
type SecretURL string

// String returns the URL with its password redacted.
func (u SecretURL) String() string { return RedactURL(string(u)) }

// LogValue returns the redacted URL.
func (u SecretURL) LogValue() slog.Value { return slog.StringValue(u.String()) }

// Reveal returns the URL with its password.
func (u SecretURL) Reveal() string { return string(u) }

// keywordPassword matches password=... in a libpq key/value string or a URL query.
var keywordPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)`)

// RedactURL replaces the password in a URL or in a libpq "key=value" connection string.
// A string that is neither is returned fully redacted, since it could be a bare secret.
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}

	parsed, err := url.Parse(raw)
	if err != nil || parsed.Scheme == "" {
		if keywordPassword.MatchString(raw) {
			return keywordPassword.ReplaceAllString(raw, "${1}"+redacted)
		}
		if err != nil {
			return redacted
		}
		return raw
	}

	if parsed.Opaque != "" {
		// "user:password@host" without "//" parses as scheme "user" and opaque data.
		return redacted
	}
	if _, has := parsed.User.Password(); has {
		parsed.User = url.UserPassword(parsed.User.Username(), redacted)
	}
	query := parsed.Query()
	if query.Has("password") {
		query.Set("password", redacted)
		parsed.RawQuery = query.Encode()
	}
	// A password= left in another part (a path, a fragment, a malformed query) is redacted
	// too. The path and fragment are redacted in their decoded form, because String
	// escapes them again ("password =x" becomes "password%20=x", which the pattern misses).
	if keywordPassword.MatchString(parsed.Path) {
		parsed.Path = keywordPassword.ReplaceAllString(parsed.Path, "${1}"+redacted)
		parsed.RawPath = ""
	}
	if keywordPassword.MatchString(parsed.Fragment) {
		parsed.Fragment = keywordPassword.ReplaceAllString(parsed.Fragment, "${1}"+redacted)
		parsed.RawFragment = ""
	}
	return keywordPassword.ReplaceAllString(parsed.String(), "${1}"+redacted)
}
