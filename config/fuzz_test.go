package config

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
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
			// input, may legitimately remain in the output as part of another component. A
			// password that contains the mask cannot be told apart from it.
			if len(secret) < 4 || strings.Count(raw, secret) != 1 || strings.Contains(secret, redacted) {
				continue
			}
			// The mask may spell the password together with its neighbours ("=xxx" in
			// "=xxxxx"), so only the text between masks is searched. Replacing the mask
			// with some other character could spell it too ("rd=\x00").
			for _, piece := range strings.Split(redactedURL, redacted) {
				if strings.Contains(piece, secret) {
					t.Fatalf("RedactURL(%q) = %q still contains the password %q", raw, redactedURL, secret)
				}
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

// FuzzLoadFile checks that any file content gives a configuration or errors that name a key,
// never a panic, and that neither a password or token nor the value of an unknown key reaches
// an error message.
func FuzzLoadFile(f *testing.F) {
	for _, seed := range []string{
		"[http]\nlisten = 8080\ncookie_secure = \"maybe\"\n",
		"[[ari]]\nurl = \"http://127.0.0.1:8088/ari\"\nusername = \"u\"\npassword = \"s3cretpw\"\n",
		"[ari]\nurl = 1\n",
		"ari = [{url = \"http://h/ari\", password = \"s3cretpw\"}, 5]\n",
		"[shutdown]\ngrace_period = 1979-05-27T07:32:00Z\n",
		"[http]\npublic_origins = [\"https://a.example\", 5]\n",
		"listen = \"x\"\n[htp]\n",
		"[http]\nmetrics_tokn = \"s3cretpw\"\nmetrics_token = [\"s3cretpw\"]\n",
		"[http\n",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(t.TempDir(), "switchboard.toml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path, []string{"SWITCHBOARD_DATABASE_URL=postgres://u:p@127.0.0.1:1/db"})
		if err == nil {
			return
		}
		var fileErr *FileError
		if errors.As(err, &fileErr) {
			return
		}
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok {
			t.Fatalf("error %T is neither a *FileError nor joined *FieldErrors: %v", err, err)
		}
		for _, e := range joined.Unwrap() {
			var field *FieldError
			if !errors.As(e, &field) || field.Key == "" {
				t.Fatalf("error %v is not a *FieldError with a key", e)
			}
			mayShowValue := !field.valueHidden && !strings.HasSuffix(field.Key, "password") && !strings.HasSuffix(field.Key, "token")
			if !mayShowValue && strings.Contains(field.Localize("en")+field.Localize("ru"), "s3cretpw") {
				t.Fatalf("error %q shows a secret or the value of an unknown key", field.Localize("en"))
			}
		}
	})
}
