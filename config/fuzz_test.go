package config

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRedactURL checks that a password written once in a URL's user information, in its
// password= query parameter or in a libpq password= keyword never survives redaction.
func FuzzRedactURL(f *testing.F) {
	for _, seed := range []string{
		"postgres://switchboard:s3cretpw@127.0.0.1:55432/switchboard?sslmode=disable",
		"redis://:s3cretpw@127.0.0.1:6379/0",
		"postgres://h/db?user=u&password=s3cretpw",
		"host=h user=u password=s3cretpw dbname=d",
		"host=h password='s3cret pw' dbname=d",
		"u:s3cretpw@h",
		"postgres://u:p%40ss%2Fword@h/db",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		redactedURL := RedactURL(raw)
		for _, secret := range passwordsIn(raw) {
			// A password shorter than 4 bytes, or one that also appears elsewhere in the
			// input, may legitimately remain in the output as part of another component.
			if len(secret) < 4 || strings.Count(raw, secret) != 1 {
				continue
			}
			if strings.Contains(redactedURL, secret) {
				t.Fatalf("RedactURL(%q) = %q still contains the password %q", raw, redactedURL, secret)
			}
		}
	})
}

// passwordsIn returns the passwords a connection string carries, as written in it.
func passwordsIn(raw string) []string {
	var secrets []string
	if parsed, err := url.Parse(raw); err == nil && parsed.Scheme != "" {
		if password, ok := parsed.User.Password(); ok {
			secrets = append(secrets, password)
			if _, escaped, found := strings.Cut(parsed.User.String(), ":"); found {
				secrets = append(secrets, escaped)
			}
		}
		for _, value := range parsed.Query()["password"] {
			secrets = append(secrets, value, url.QueryEscape(value))
		}
	}
	for _, match := range keywordPassword.FindAllStringSubmatch(raw, -1) {
		secrets = append(secrets, strings.Trim(match[2], "'"))
	}
	return secrets
}
