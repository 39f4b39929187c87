package config

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const validDB = "postgres://switchboard:s3cret@127.0.0.1:5432/switchboard?sslmode=disable"

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "switchboard.toml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load("", []string{"SWITCHBOARD_DATABASE_URL=" + validDB})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.HTTP.Listen != "127.0.0.1:8080" {
		t.Errorf("http.listen = %q, want 127.0.0.1:8080", cfg.HTTP.Listen)
	}
	if got, want := cfg.HTTP.Origins(), []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"}; !slices.Equal(got, want) {
		t.Errorf("Origins() = %v, want %v", got, want)
	}
	if cfg.HTTP.CookieSecure {
		t.Error("http.cookie_secure defaults to true, want false")
	}
	if cfg.Phone.DefaultRegion != "RU" {
		t.Errorf("phone.default_region = %q, want RU", cfg.Phone.DefaultRegion)
	}
	if cfg.Log.Level != "info" || cfg.Log.Format != "auto" {
		t.Errorf("log = %+v, want info/auto", cfg.Log)
	}
	if time.Duration(cfg.Shutdown.GracePeriod) != 15*time.Second {
		t.Errorf("shutdown.grace_period = %v, want 15s", time.Duration(cfg.Shutdown.GracePeriod))
	}
	if cfg.CallLog.SpoolDir != ".run/spool" {
		t.Errorf("call_log.spool_dir = %q, want .run/spool", cfg.CallLog.SpoolDir)
	}
	if cfg.Redis.URL != "" || len(cfg.ARI) != 0 {
		t.Errorf("redis/ari not empty by default: %q %v", cfg.Redis.URL, cfg.ARI)
	}
}

func TestLoadFileThenEnvironment(t *testing.T) {
	path := writeFile(t, `
[http]
listen = "127.0.0.1:9000"
public_origins = ["https://crm.example.com/"]
cookie_secure = true

[database]
url = "postgres://file:filepw@db.example.com/switchboard"

[phone]
default_region = "gb"

[log]
level = "DEBUG"
format = "json"

[shutdown]
grace_period = "40s"

[[ari]]
name = "pbx1"
url = "http://10.0.0.1:8088/ari"
username = "switchboard"
password = "filesecret"

[[ari]]
url = "http://10.0.0.2:8088/ari"
username = "sb2"
password = "pw2"
application = "sb-test"
`)
	env := []string{
		"SWITCHBOARD_HTTP_LISTEN=127.0.0.1:9100",
		"SWITCHBOARD_DATABASE_URL=" + validDB,
		"SWITCHBOARD_ARI_0_PASSWORD=envsecret",
		"SWITCHBOARD_ARI_2_URL=https://10.0.0.3/ari",
		"SWITCHBOARD_ARI_2_USERNAME=third",
		"SWITCHBOARD_ARI_2_PASSWORD=pw3",
		"SWITCHBOARD_PG_PORT=55433", // a service-script variable, not a key: ignored
		"OTHER=1",
	}
	cfg, err := Load(path, env)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}

	if cfg.HTTP.Listen != "127.0.0.1:9100" {
		t.Errorf("http.listen = %q, want the environment's 127.0.0.1:9100", cfg.HTTP.Listen)
	}
	if got := cfg.HTTP.PublicOrigins; len(got) != 1 || got[0] != "https://crm.example.com" {
		t.Errorf("public_origins = %v, want [https://crm.example.com] without the slash", got)
	}
	if !cfg.HTTP.CookieSecure {
		t.Error("cookie_secure from the file was lost")
	}
	if cfg.Database.URL.Reveal() != validDB {
		t.Errorf("database.url = %q, want the environment's", cfg.Database.URL.Reveal())
	}
	if cfg.Phone.DefaultRegion != "GB" {
		t.Errorf("default_region = %q, want GB", cfg.Phone.DefaultRegion)
	}
	if cfg.Log.Level != "debug" || cfg.Log.Format != "json" {
		t.Errorf("log = %+v, want debug/json", cfg.Log)
	}
	if time.Duration(cfg.Shutdown.GracePeriod) != 40*time.Second {
		t.Errorf("grace_period = %v, want 40s", time.Duration(cfg.Shutdown.GracePeriod))
	}

	if len(cfg.ARI) != 3 {
		t.Fatalf("ari has %d servers, want 3: %+v", len(cfg.ARI), cfg.ARI)
	}
	if cfg.ARI[0].Name != "pbx1" || cfg.ARI[0].Password.Reveal() != "envsecret" || cfg.ARI[0].Application != "switchboard" {
		t.Errorf("ari[0] = %+v, want pbx1 with the environment's password and the default application", cfg.ARI[0])
	}
	if cfg.ARI[1].Name != "10-0-0-2-8088" || cfg.ARI[1].Application != "sb-test" {
		t.Errorf("ari[1] = %+v, want the host and port as name and sb-test", cfg.ARI[1])
	}
	if cfg.ARI[2].URL != "https://10.0.0.3/ari" || cfg.ARI[2].Username != "third" {
		t.Errorf("ari[2] = %+v, want the server added from the environment", cfg.ARI[2])
	}
}

func TestLoadSecretFromFile(t *testing.T) {
	secretPath := filepath.Join(t.TempDir(), "db-url")
	if err := os.WriteFile(secretPath, []byte(validDB+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load("", []string{"SWITCHBOARD_DATABASE_URL_FILE=" + secretPath})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Database.URL.Reveal() != validDB {
		t.Errorf("database.url = %q, want the file's contents without the newline", cfg.Database.URL.Reveal())
	}

	_, err = Load("", []string{"SWITCHBOARD_DATABASE_URL_FILE=" + secretPath, "SWITCHBOARD_DATABASE_URL=" + validDB})
	if err == nil || !strings.Contains(err.Error(), "SWITCHBOARD_DATABASE_URL_FILE") {
		t.Errorf("both set: err = %v, want a complaint naming both variables", err)
	}
}

// fieldErrors returns the *FieldError values joined in err.
func fieldErrors(t *testing.T, err error) []*FieldError {
	t.Helper()
	if err == nil {
		t.Fatal("Load returned no error")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %T is not a joined error: %v", err, err)
	}
	var out []*FieldError
	for _, e := range joined.Unwrap() {
		var fe *FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("error %T is not a *FieldError: %v", e, e)
		}
		out = append(out, fe)
	}
	return out
}

func TestLoadValidationErrors(t *testing.T) {
	tests := []struct {
		name      string
		env       []string
		key       string
		value     string
		wantFixIn string
	}{
		{"missing database", nil, "database.url", "", "SWITCHBOARD_DATABASE_URL"},
		{"bad database", []string{"SWITCHBOARD_DATABASE_URL=postgres://u:topsecret@h/db?sslmode=bogus"}, "database.url", "postgres://u:xxxxx@h/db?sslmode=bogus", "postgres://"},
		{"unparsable database", []string{"SWITCHBOARD_DATABASE_URL=postgres://u:topsecret@h:notaport/db"}, "database.url", "xxxxx", "percent-encode"},
		{"listen without port", []string{"SWITCHBOARD_HTTP_LISTEN=localhost"}, "http.listen", "localhost", "127.0.0.1:8080"},
		{"listen port too big", []string{"SWITCHBOARD_HTTP_LISTEN=127.0.0.1:70000"}, "http.listen", "127.0.0.1:70000", "host:port"},
		{"origin with path", []string{"SWITCHBOARD_HTTP_PUBLIC_ORIGINS=https://a.example/desk"}, "http.public_origins", "https://a.example/desk", "scheme://host"},
		{"origin ftp", []string{"SWITCHBOARD_HTTP_PUBLIC_ORIGINS=ftp://a.example"}, "http.public_origins", "ftp://a.example", "scheme://host"},
		{"cookie not bool", []string{"SWITCHBOARD_HTTP_COOKIE_SECURE=yes please"}, "http.cookie_secure", "yes please", "docs/configuration.md"},
		{"bad redis", []string{"SWITCHBOARD_REDIS_URL=http://:pw@h:6379"}, "redis.url", "http://:xxxxx@h:6379", "redis://"},
		{"unknown region", []string{"SWITCHBOARD_PHONE_DEFAULT_REGION=XX"}, "phone.default_region", "XX", "ISO 3166-1"},
		{"unknown level", []string{"SWITCHBOARD_LOG_LEVEL=loud"}, "log.level", "loud", "debug, info"},
		{"unknown format", []string{"SWITCHBOARD_LOG_FORMAT=xml"}, "log.format", "xml", "json"},
		{"zero grace", []string{"SWITCHBOARD_SHUTDOWN_GRACE_PERIOD=0s"}, "shutdown.grace_period", "0s", "15s"},
		{"grace not duration", []string{"SWITCHBOARD_SHUTDOWN_GRACE_PERIOD=15"}, "shutdown.grace_period", "15", "docs/configuration.md"},
		{"ari gap", []string{"SWITCHBOARD_ARI_1_URL=http://h/ari"}, "ari[1]", "1", "without gaps"},
		{"ari missing password", []string{"SWITCHBOARD_ARI_0_URL=http://h:8088/ari", "SWITCHBOARD_ARI_0_USERNAME=u"}, "ari[0].password", "", "PASSWORD_FILE"},
		{"ari bad application", []string{"SWITCHBOARD_ARI_0_URL=http://h:8088/ari", "SWITCHBOARD_ARI_0_USERNAME=u", "SWITCHBOARD_ARI_0_PASSWORD=p", "SWITCHBOARD_ARI_0_APPLICATION=my app"}, "ari[0].application", "my app", "letters"},
		{"ari bad name", []string{"SWITCHBOARD_ARI_0_URL=http://h:8088/ari", "SWITCHBOARD_ARI_0_USERNAME=u", "SWITCHBOARD_ARI_0_PASSWORD=p", "SWITCHBOARD_ARI_0_NAME=pbx 1"}, "ari[0].name", "pbx 1", "letters, digits"},
		{"empty spool dir", []string{"SWITCHBOARD_CALL_LOG_SPOOL_DIR= "}, "call_log.spool_dir", " ", "survives restarts"},
		{"ari credentials in url", []string{"SWITCHBOARD_ARI_0_URL=http://u:leak@h:8088/ari", "SWITCHBOARD_ARI_0_USERNAME=u", "SWITCHBOARD_ARI_0_PASSWORD=p"}, "ari[0].url", "http://u:xxxxx@h:8088/ari", "username and password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if tt.key != "database.url" {
				env = append([]string{"SWITCHBOARD_DATABASE_URL=" + validDB}, env...)
			}
			errs := fieldErrors(t, func() error { _, err := Load("", env); return err }())
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
			}
			fe := errs[0]
			if fe.Key != tt.key {
				t.Errorf("key = %q, want %q", fe.Key, tt.key)
			}
			if fe.Value != tt.value {
				t.Errorf("value = %q, want %q", fe.Value, tt.value)
			}
			if !strings.Contains(fe.Error(), tt.wantFixIn) {
				t.Errorf("message %q does not contain %q", fe.Error(), tt.wantFixIn)
			}
			if strings.Contains(fe.Error(), "topsecret") || strings.Contains(fe.Error(), "leak") {
				t.Errorf("message leaks a secret: %q", fe.Error())
			}
			if ru := fe.Localize("ru"); ru == fe.Error() || !strings.Contains(ru, tt.key) {
				t.Errorf("Russian message %q is not translated or lacks the key", ru)
			}
		})
	}
}

func TestLoadReportsEveryError(t *testing.T) {
	errs := fieldErrors(t, func() error {
		_, err := Load("", []string{"SWITCHBOARD_LOG_LEVEL=loud", "SWITCHBOARD_HTTP_LISTEN=nope"})
		return err
	}())
	keys := map[string]bool{}
	for _, fe := range errs {
		keys[fe.Key] = true
	}
	for _, want := range []string{"log.level", "http.listen", "database.url"} {
		if !keys[want] {
			t.Errorf("no error for %s among %v", want, errs)
		}
	}
}

func TestLoadFileErrors(t *testing.T) {
	env := []string{"SWITCHBOARD_DATABASE_URL=" + validDB}
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"not toml", "[http\nlisten=", "not valid TOML"},
		{"duplicate key", "[http]\nlisten = \"a:1\"\nlisten = \"b:2\"\n", "not valid TOML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeFile(t, tt.content), env)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FileError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to mention %q", err, tt.want)
			}
		})
	}

	_, err := Load(filepath.Join(t.TempDir(), "absent.toml"), env)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestLoadFileKeyErrors(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		key       string
		env       string
		value     string
		wantEn    string
		wantRu    string
		wantFixIn string
	}{
		{"unknown key", "[http]\nlisten = \"127.0.0.1:1\"\nlistn = \"x\"\n", "http.listn", "", "",
			"unknown key", "неизвестный ключ", "listen, public_origins"},
		{"unknown section", "[htp]\nlisten = \"127.0.0.1:1\"\n", "htp", "", "",
			"unknown section", "неизвестный раздел", "[http], [database]"},
		{"key outside a section", "listen = \"127.0.0.1:1\"\n", "listen", "", "",
			"unknown key", "неизвестный ключ", "under its section"},
		{"string for bool", "[http]\ncookie_secure = \"maybe\"\n", "http.cookie_secure", "SWITCHBOARD_HTTP_COOKIE_SECURE", "maybe",
			"a string, but the key takes true or false", "строка, а ожидается true или false", "without quotes"},
		{"integer for string", "[http]\nlisten = 8080\n", "http.listen", "SWITCHBOARD_HTTP_LISTEN", "8080",
			"an integer, but the key takes a string", "целое число, а ожидается строка", `listen = "127.0.0.1:8080"`},
		{"bare port for listen", "[http]\nlisten = 9090\n", "http.listen", "SWITCHBOARD_HTTP_LISTEN", "9090",
			"an integer, but the key takes a string", "целое число, а ожидается строка", `listen = "127.0.0.1:9090"`},
		{"bad duration", "[shutdown]\ngrace_period = \"soon\"\n", "shutdown.grace_period", "SWITCHBOARD_SHUTDOWN_GRACE_PERIOD", "soon",
			"not a duration", "это не длительность", `"1m30s"`},
		{"integer for duration", "[shutdown]\ngrace_period = 15\n", "shutdown.grace_period", "SWITCHBOARD_SHUTDOWN_GRACE_PERIOD", "15",
			"an integer, but the key takes a duration", "целое число", `"15s"`},
		{"string for list", "[http]\npublic_origins = \"https://crm.example.com\"\n", "http.public_origins", "SWITCHBOARD_HTTP_PUBLIC_ORIGINS", "https://crm.example.com",
			"a string, but the key takes a list of strings", "список строк", `public_origins = ["https://crm.example.com"]`},
		{"numeric secret", "[http]\nmetrics_token = 123456789\n", "http.metrics_token", "SWITCHBOARD_HTTP_METRICS_TOKEN", "xxxxx",
			"an integer", "целое число", "double quotes"},
		{"single ari table", "[ari]\nurl = \"http://127.0.0.1:8088/ari\"\n", "ari", "", "{…}",
			"a table, but the key takes a list of tables", "список таблиц", "[[ari]]"},
		{"section as a value", "http = 5\n", "http", "", "5",
			"an integer, but the key takes a table", "целое число, а ожидается таблица", "[http]"},
		{"misspelt password key", "[[ari]]\nurl = \"http://127.0.0.1:8088/ari\"\nusername = \"u\"\npassword = \"p\"\npasword = \"s3cretpw\"\n", "ari[0].pasword", "", "",
			"unknown key", "неизвестный ключ", "name, url, username"},
		{"integer ari password", "[[ari]]\nurl = \"http://127.0.0.1:8088/ari\"\nusername = \"u\"\npassword = 1234\n", "ari[0].password", "SWITCHBOARD_ARI_0_PASSWORD", "xxxxx",
			"an integer", "целое число", "double quotes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			errs := fieldErrors(t, func() error { _, err := Load(path, []string{"SWITCHBOARD_DATABASE_URL=" + validDB}); return err }())
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
			}
			fe := errs[0]
			if fe.Key != tt.key {
				t.Errorf("key = %q, want %q", fe.Key, tt.key)
			}
			if fe.Env != tt.env {
				t.Errorf("variable = %q, want %q", fe.Env, tt.env)
			}
			if fe.Value != tt.value {
				t.Errorf("value = %q, want %q", fe.Value, tt.value)
			}
			if fe.Source != "file "+path {
				t.Errorf("source = %q, want the file", fe.Source)
			}
			if en := fe.Localize("en"); !strings.Contains(en, tt.wantEn) || !strings.Contains(en, tt.wantFixIn) {
				t.Errorf("English message %q does not contain %q and %q", en, tt.wantEn, tt.wantFixIn)
			}
			if ru := fe.Localize("ru"); !strings.Contains(ru, tt.wantRu) || !strings.Contains(ru, tt.key) {
				t.Errorf("Russian message %q does not contain %q and the key", ru, tt.wantRu)
			}
			if tt.value == redacted || tt.value == "" {
				for _, secret := range []string{"123456789", "1234", "s3cretpw"} {
					if strings.Contains(fe.Error(), secret) || strings.Contains(fe.Localize("ru"), secret) {
						t.Errorf("message leaks the secret %s: %q", secret, fe.Error())
					}
				}
			}
		})
	}
}

// TestLoadReportsAllProblemsInOneRun checks that a type error in the file does not hide the
// range errors, and that the environment's problems come in the same run.
func TestLoadReportsAllProblemsInOneRun(t *testing.T) {
	path := writeFile(t, `
[http]
listen = 8080
cookie_secure = true

[database]
url = 5

[log]
level = "chatty"
`)
	errs := fieldErrors(t, func() error {
		_, err := Load(path, []string{
			"SWITCHBOARD_SHUTDOWN_GRACE_PERIOD=2h",
			"SWITCHBOARD_HTTP_COOKIE_SECURE=maybe",
			"SWITCHBOARD_ARI_1_URL=http://127.0.0.1:8088/ari",
		})
		return err
	}())

	want := map[string]string{
		"http.listen":           "file " + path, // type error
		"database.url":          "file " + path, // type error, not also "missing"
		"log.level":             "file " + path, // range error
		"http.cookie_secure":    "environment",  // parse error
		"shutdown.grace_period": "environment",  // range error
		"ari[1]":                "environment",  // index gap
	}
	got := map[string]string{}
	for _, fe := range errs {
		if _, seen := got[fe.Key]; seen {
			t.Errorf("key %s reported twice: %v", fe.Key, errs)
		}
		got[fe.Key] = fe.Source
	}
	for key, source := range want {
		if got[key] != source {
			t.Errorf("error for %s from %q, want one from %q", key, got[key], source)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
}

func TestLoadFileErrorsInFileOrder(t *testing.T) {
	path := writeFile(t, "[shutdown]\ngrace_period = 1\n\n[http]\nlisten = 2\ncookie_secure = 3\n")
	errs := fieldErrors(t, func() error { _, err := Load(path, []string{"SWITCHBOARD_DATABASE_URL=" + validDB}); return err }())
	var keys []string
	for _, fe := range errs {
		keys = append(keys, fe.Key)
	}
	if want := "shutdown.grace_period http.listen http.cookie_secure"; strings.Join(keys, " ") != want {
		t.Errorf("keys in order %v, want %s", keys, want)
	}
}

func TestLoadFileSourceInError(t *testing.T) {
	path := writeFile(t, "[log]\nlevel = \"chatty\"\n")
	errs := fieldErrors(t, func() error {
		_, err := Load(path, []string{"SWITCHBOARD_DATABASE_URL=" + validDB})
		return err
	}())
	if len(errs) != 1 || errs[0].Source != "file "+path || errs[0].Env != "SWITCHBOARD_LOG_LEVEL" {
		t.Fatalf("errors = %+v, want one naming the file and SWITCHBOARD_LOG_LEVEL", errs)
	}
}

// TestFieldErrorSourceWording checks that a value from the file names its variable as the
// override, not as a second source, and that a value from the variable names only it.
func TestFieldErrorSourceWording(t *testing.T) {
	path := writeFile(t, "[http]\nlisten = \"8080\"\n")
	tests := []struct {
		name    string
		path    string
		environ []string
		wantEn  string
		wantRu  string
	}{
		{"from the file", path, nil,
			`http.listen = "8080" (from file ` + path + `; variable SWITCHBOARD_HTTP_LISTEN overrides it): not a host:port address; use host:port, for example 127.0.0.1:8080`,
			`http.listen = "8080" (из файла ` + path + `; переменная SWITCHBOARD_HTTP_LISTEN переопределяет его): это не адрес вида host:port; укажите host:port, например 127.0.0.1:8080`},
		{"from the variable", "", []string{"SWITCHBOARD_HTTP_LISTEN=8080"},
			`http.listen = "8080" (from variable SWITCHBOARD_HTTP_LISTEN): not a host:port address; use host:port, for example 127.0.0.1:8080`,
			`http.listen = "8080" (из переменной SWITCHBOARD_HTTP_LISTEN): это не адрес вида host:port; укажите host:port, например 127.0.0.1:8080`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := fieldErrors(t, func() error {
				_, err := Load(tt.path, append(tt.environ, "SWITCHBOARD_DATABASE_URL="+validDB))
				return err
			}())
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
			}
			if got := errs[0].Localize("en"); got != tt.wantEn {
				t.Errorf("English message\n got %s\nwant %s", got, tt.wantEn)
			}
			if got := errs[0].Localize("ru"); got != tt.wantRu {
				t.Errorf("Russian message\n got %s\nwant %s", got, tt.wantRu)
			}
		})
	}
}

func TestLoadLoopbackOrigins(t *testing.T) {
	tests := []struct {
		listen  string
		origins string
		want    []string
	}{
		{"127.0.0.1:9000", "", []string{"http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000"}},
		{"localhost:9000", "", []string{"http://localhost:9000", "http://127.0.0.1:9000", "http://[::1]:9000"}},
		{"[::1]:9000", "", []string{"http://[::1]:9000", "http://localhost:9000", "http://127.0.0.1:9000"}},
		{"127.0.0.2:9000", "", []string{"http://127.0.0.2:9000", "http://localhost:9000", "http://127.0.0.1:9000", "http://[::1]:9000"}},
		{"10.0.0.5:9000", "", []string{"http://10.0.0.5:9000"}},
		{"crm.internal:9000", "", []string{"http://crm.internal:9000"}},
		{"127.0.0.1:9000", "https://crm.example.com", []string{"https://crm.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.listen+" "+tt.origins, func(t *testing.T) {
			environ := []string{"SWITCHBOARD_DATABASE_URL=" + validDB, "SWITCHBOARD_HTTP_LISTEN=" + tt.listen}
			if tt.origins != "" {
				environ = append(environ, "SWITCHBOARD_HTTP_PUBLIC_ORIGINS="+tt.origins)
			}
			cfg, err := Load("", environ)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := cfg.HTTP.Origins(); !slices.Equal(got, tt.want) {
				t.Errorf("Origins() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoadShutdownDrain(t *testing.T) {
	cfg, err := Load("", []string{"SWITCHBOARD_DATABASE_URL=" + validDB})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := time.Duration(cfg.Shutdown.Drain); got != 5*time.Second {
		t.Errorf("default shutdown.drain = %v, want 5s", got)
	}

	cfg, err = Load(writeFile(t, "[shutdown]\ndrain = \"0s\"\n"), []string{"SWITCHBOARD_DATABASE_URL=" + validDB})
	if err != nil {
		t.Fatalf("Load with drain 0s: %v", err)
	}
	if cfg.Shutdown.Drain != 0 {
		t.Errorf("shutdown.drain from the file = %v, want 0s", time.Duration(cfg.Shutdown.Drain))
	}

	for _, value := range []string{"-1s", "2h", "soon"} {
		errs := fieldErrors(t, func() error {
			_, err := Load("", []string{"SWITCHBOARD_DATABASE_URL=" + validDB, "SWITCHBOARD_SHUTDOWN_DRAIN=" + value})
			return err
		}())
		if len(errs) != 1 || errs[0].Key != "shutdown.drain" || errs[0].Env != "SWITCHBOARD_SHUTDOWN_DRAIN" {
			t.Errorf("SWITCHBOARD_SHUTDOWN_DRAIN=%s: errors %v, want one on shutdown.drain", value, errs)
		}
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"postgres://u:pw@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"redis://:pw@127.0.0.1:6379/0", "redis://:xxxxx@127.0.0.1:6379/0"},
		{"postgres://h/db?user=u&password=pw", "postgres://h/db?password=xxxxx&user=u"},
		{"host=h user=u password=pw dbname=d", "host=h user=u password=xxxxx dbname=d"},
		{"host=h password='p w' dbname=d", "host=h password=xxxxx dbname=d"},
		{"u:pw@h", "xxxxx"},
		{"%zz:pw", "xxxxx"},
	}
	for _, tt := range tests {
		if got := RedactURL(tt.in); got != tt.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestConfigLogValueRedacts(t *testing.T) {
	cfg, err := Load("", []string{
		"SWITCHBOARD_DATABASE_URL=" + validDB,
		"SWITCHBOARD_REDIS_URL=redis://:redispw@127.0.0.1:6379/0",
		"SWITCHBOARD_ARI_0_URL=http://127.0.0.1:8088/ari",
		"SWITCHBOARD_ARI_0_USERNAME=u",
		"SWITCHBOARD_ARI_0_PASSWORD=aripw",
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	logger.Info("start", "config", cfg, "server", cfg.ARI[0], "password", cfg.ARI[0].Password)
	out := buf.String()
	for _, secret := range []string{"s3cret", "redispw", "aripw"} {
		if strings.Contains(out, secret) {
			t.Errorf("log line contains %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, `"http_listen":"127.0.0.1:8080"`) || !strings.Contains(out, "127.0.0.1:8088") {
		t.Errorf("log line lacks the non-secret settings: %s", out)
	}
}

func TestDocsListEveryVariable(t *testing.T) {
	for _, doc := range []string{"../docs/configuration.md", "../docs/configuration.ru.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatalf("read %s: %v", doc, err)
		}
		for _, v := range Variables() {
			if !bytes.Contains(data, []byte("`"+v.Name+"`")) {
				t.Errorf("%s does not document %s", doc, v.Name)
			}
		}
	}
}

func TestExampleConfigLoads(t *testing.T) {
	cfg, err := Load("../deploy/switchboard.toml", []string{
		"SWITCHBOARD_DATABASE_URL=" + validDB,
		"SWITCHBOARD_ARI_0_PASSWORD=example",
	})
	if err != nil {
		t.Fatalf("deploy/switchboard.toml does not load: %v", err)
	}
	if len(cfg.ARI) != 1 || cfg.ARI[0].Name != "pbx1" || !cfg.HTTP.CookieSecure {
		t.Errorf("unexpected example configuration: %+v", cfg)
	}
}
