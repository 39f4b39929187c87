package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for the server goroutines and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv returns a process environment with captured streams and the given variables.
func testEnv(environ ...string) (processEnv, *syncBuffer, *syncBuffer) {
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	return processEnv{
		stdout:  stdout,
		stderr:  stderr,
		environ: environ,
		signalContext: func(parent context.Context) (context.Context, context.CancelFunc) {
			return context.WithCancel(parent)
		},
	}, stdout, stderr
}

func TestRunHelpLanguages(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		environ []string
		want    string
	}{
		{"default english", []string{"help"}, nil, "Usage:\n  switchboard"},
		{"no command", nil, nil, "Usage:\n  switchboard"},
		{"LANG russian", []string{"help"}, []string{"LANG=ru_RU.UTF-8"}, "Использование:"},
		{"LC_ALL wins over LANG", []string{"help"}, []string{"LANG=ru_RU.UTF-8", "LC_ALL=en_US.UTF-8"}, "Usage:"},
		{"LC_MESSAGES before LANG", []string{"help"}, []string{"LANG=en_GB.UTF-8", "LC_MESSAGES=ru_RU.UTF-8"}, "Использование:"},
		{"flag russian", []string{"--lang", "ru", "help"}, []string{"LANG=C"}, "Использование:"},
		{"flag equals english", []string{"--lang=en", "help"}, []string{"LANG=ru_RU.UTF-8"}, "Usage:"},
		{"command help russian", []string{"help", "migrate", "--lang=ru"}, nil, "откатить последнюю миграцию"},
		{"flag after help", []string{"help", "--lang", "ru"}, []string{"LANG=C"}, "Использование:"},
		{"flag after help topic", []string{"help", "import", "--lang", "ru"}, []string{"LANG=C"}, "Использование: switchboard import contacts"},
		{"flag equals after help", []string{"help", "--lang=ru"}, []string{"LANG=C"}, "Использование:"},
		{"LANG russian help topic", []string{"help", "import"}, []string{"LANG=ru_RU.UTF-8"}, "Использование: switchboard import contacts"},
		{"flag english overrides LANG", []string{"help", "import", "--lang", "en"}, []string{"LANG=ru_RU.UTF-8"}, "Usage: switchboard import contacts"},
		{"dash h", []string{"serve", "-h"}, nil, "Usage: switchboard serve"},
		{"dash help russian", []string{"--lang", "ru", "import", "--help"}, nil, "Использование: switchboard import contacts"},
		{"user line names queues", []string{"help"}, nil, "roles, phone, skills, queues, password"},
		{"user line names queues russian", []string{"help", "--lang", "ru"}, nil, "роли, телефон, навыки, очереди, пароль"},
		{"import usage lists tab", []string{"help", "import"}, nil, "[--delimiter auto|,|;|tab]"},
		{"import usage lists tab russian", []string{"help", "import", "--lang", "ru"}, nil, "[--delimiter auto|,|;|tab]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, stdout, stderr := testEnv(tt.environ...)
			if code := run(tt.args, env); code != exitOK {
				t.Fatalf("exit code %d, stderr %q", code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tt.want)
			}
		})
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"srve"}, `unknown command "srve"`},
		{"unknown command russian", []string{"--lang=ru", "srve"}, `неизвестная команда "srve"`},
		{"unknown flag", []string{"serve", "--listen", "x"}, `unknown option --listen; "switchboard help serve" lists the options`},
		{"unknown flag after help", []string{"help", "--bogus"}, `unknown option --bogus; "switchboard help" lists the options`},
		{"unknown flag before help", []string{"--bogus", "help"}, `unknown option --bogus; "switchboard help" lists the options`},
		{"unknown flag after help topic", []string{"help", "import", "--bogus"}, "unknown option --bogus"},
		{"unknown single-dash flag", []string{"import", "contacts", "a.csv", "-x"}, `unknown option --x; "switchboard help import" lists the options`},
		{"flag without value", []string{"help", "--lang"}, "option --lang needs a value"},
		{"command flag without value", []string{"serve", "--config"}, `option --config needs a value, for example --config=VALUE; "switchboard help serve"`},
		{"unknown flag russian", []string{"--lang=ru", "serve", "--bogus"}, `неизвестный ключ --bogus; список ключей: "switchboard help serve"`},
		{"bad lang after help", []string{"help", "--lang", "de"}, `invalid --lang "de": use en or ru`},
		{"migrate without action", []string{"migrate"}, "missing arguments; usage: switchboard migrate up|down|down-all|status"},
		{"migrate bad action", []string{"migrate", "sideways"}, `invalid argument "sideways"; usage: switchboard migrate up|down|down-all|status`},
		{"migrate bad action russian", []string{"--lang=ru", "migrate", "sideways"}, `недопустимый аргумент "sideways"; использование: switchboard migrate`},
		{"migrate extra argument", []string{"migrate", "up", "now"}, `unexpected argument "now"; usage: switchboard migrate`},
		{"import without file", []string{"import", "contacts"}, "missing arguments; usage: switchboard import contacts FILE"},
		{"import wrong noun", []string{"import", "companies", "a.csv"}, `invalid argument "companies"; usage: switchboard import contacts FILE`},
		{"export wrong noun russian", []string{"--lang=ru", "export", "companies", "a.csv"}, `недопустимый аргумент "companies"; использование: switchboard export contacts ФАЙЛ`},
		{"import bad delimiter", []string{"import", "contacts", "a.csv", "--delimiter", "|"}, `invalid --delimiter "|"`},
		{"export too many", []string{"export", "contacts", "a.csv", "b.csv"}, `unexpected argument "b.csv"; usage: switchboard export contacts FILE`},
		{"bad lang", []string{"--lang", "de", "help"}, `invalid --lang "de": use en or ru`},
		{"unknown help topic", []string{"help", "fly"}, `unknown help topic "fly"`},
		{"user list extra", []string{"user", "list", "extra"}, `unexpected argument "extra"; usage: switchboard user list`},
		{"user passwd without login", []string{"user", "passwd"}, "missing arguments; usage: switchboard user passwd"},
		{"campaign start without name", []string{"campaign", "start"}, "missing arguments; usage: switchboard campaign"},
		{"campaign start extra", []string{"campaign", "start", "spring", "autumn"}, `unexpected argument "autumn"`},
		{"dnc add without number", []string{"dnc", "add"}, "missing arguments; usage: switchboard dnc"},
		{"dnc list extra", []string{"dnc", "list", "+74951234567"}, `unexpected argument "+74951234567"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, stderr := testEnv()
			if code := run(tt.args, env); code != exitUsage {
				t.Fatalf("exit code %d, want %d; stderr %q", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.want)
			}
			if !strings.Contains(stderr.String(), "switchboard help") {
				t.Errorf("stderr %q does not point to the help", stderr.String())
			}
		})
	}
}

func TestRunUsageErrorsRussianLocale(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"help", "--bogus"}, `switchboard: неизвестный ключ --bogus; список ключей: "switchboard help"`},
		{"flag without value", []string{"help", "import", "--lang"}, "switchboard: у ключа --lang нет значения"},
		{"bad lang", []string{"help", "--lang", "de"}, `switchboard: недопустимое значение --lang "de": используйте en или ru`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, stderr := testEnv("LANG=ru_RU.UTF-8")
			if code := run(tt.args, env); code != exitUsage {
				t.Fatalf("exit code %d, want %d; stderr %q", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.want)
			}
			if !strings.Contains(stderr.String(), `Справка: "switchboard help".`) {
				t.Errorf("stderr %q lacks the Russian hint", stderr.String())
			}
		})
	}
}

func TestRunConfigErrors(t *testing.T) {
	env, _, stderr := testEnv("SWITCHBOARD_LOG_LEVEL=loud", "LANG=ru_RU.UTF-8")
	if code := run([]string{"serve"}, env); code != exitError {
		t.Fatalf("exit code %d, want %d", code, exitError)
	}
	out := stderr.String()
	for _, want := range []string{
		"switchboard: database.url", "SWITCHBOARD_DATABASE_URL", "не задан",
		"switchboard: log.level = \"loud\"", "используйте debug, info, warn или error",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr %q does not contain %q", out, want)
		}
	}
}

func TestRunConfigErrorsInOneRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "switchboard.toml")
	if err := os.WriteFile(path, []byte("[http]\nlisten = 8080\n\n[log]\nlevel = \"chatty\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		want []string
	}{
		{"en", []string{
			`switchboard: http.listen = "8080" (from file ` + path + `; variable SWITCHBOARD_HTTP_LISTEN overrides it): an integer, but the key takes a string; put the value in double quotes, for example listen = "127.0.0.1:8080"`,
			`switchboard: log.level = "chatty" (from file ` + path + `; variable SWITCHBOARD_LOG_LEVEL overrides it): unknown level; use debug, info, warn or error`,
			`switchboard: shutdown.grace_period = "2h0m0s" (from variable SWITCHBOARD_SHUTDOWN_GRACE_PERIOD): must be more than 0 and at most 1h`,
		}},
		{"ru", []string{
			`switchboard: http.listen = "8080" (из файла ` + path + `; переменная SWITCHBOARD_HTTP_LISTEN переопределяет его): целое число, а ожидается строка; заключите значение в двойные кавычки, например listen = "127.0.0.1:8080"`,
			`switchboard: log.level = "chatty" (из файла ` + path + `; переменная SWITCHBOARD_LOG_LEVEL переопределяет его): неизвестный уровень`,
			`switchboard: shutdown.grace_period = "2h0m0s" (из переменной SWITCHBOARD_SHUTDOWN_GRACE_PERIOD): должно быть больше 0 и не больше 1h`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			env, _, stderr := testEnv("SWITCHBOARD_DATABASE_URL=postgres://u:p@127.0.0.1:1/db", "SWITCHBOARD_SHUTDOWN_GRACE_PERIOD=2h")
			if code := run([]string{"--config", path, "--lang", tt.lang, "serve"}, env); code != exitError {
				t.Fatalf("exit code %d, want %d", code, exitError)
			}
			out := stderr.String()
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("stderr does not contain\n%s\nin\n%s", want, out)
				}
			}
			if lines := strings.Count(strings.TrimSpace(out), "\n") + 1; lines != len(tt.want) {
				t.Errorf("stderr has %d lines, want one per problem (%d):\n%s", lines, len(tt.want), out)
			}
		})
	}
}

func TestRunConfigFileFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "switchboard.toml")
	if err := os.WriteFile(path, []byte("[log]\nlevel = \"verbose\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// --config after the command name is the same option as before it.
	for _, args := range [][]string{{"--config", path, "serve"}, {"serve", "--config=" + path}} {
		env, _, stderr := testEnv("SWITCHBOARD_DATABASE_URL=postgres://u:p@127.0.0.1:1/db")
		if code := run(args, env); code != exitError {
			t.Fatalf("%v: exit code %d, want %d", args, code, exitError)
		}
		if want := `log.level = "verbose" (from file ` + path; !strings.Contains(stderr.String(), want) {
			t.Errorf("%v: stderr %q does not contain %q", args, stderr.String(), want)
		}
	}
}

func TestRunVersion(t *testing.T) {
	env, stdout, _ := testEnv()
	if code := run([]string{"version"}, env); code != exitOK {
		t.Fatalf("exit code %d", code)
	}
	if !strings.HasPrefix(stdout.String(), "switchboard ") || !strings.Contains(stdout.String(), "go1.") {
		t.Errorf("version output %q lacks the name or the Go version", stdout.String())
	}
}

func TestRunImportMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.csv")
	env, _, stderr := testEnv("SWITCHBOARD_DATABASE_URL=postgres://u:p@127.0.0.1:1/db", "LANG=ru_RU.UTF-8")
	if code := run([]string{"import", "contacts", missing}, env); code != exitError {
		t.Fatalf("exit code %d, want %d", code, exitError)
	}
	if want := "не удалось открыть " + missing + ": нет такого файла или папки"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q does not contain %q", stderr.String(), want)
	}
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		args    []string
		environ []string
		want    string
	}{
		{nil, nil, "en"},
		{nil, []string{"LANG=ru_RU.UTF-8"}, "ru"},
		{nil, []string{"LANG=RU"}, "ru"},
		{nil, []string{"LC_ALL=", "LANG=ru_RU.UTF-8"}, "ru"},
		{nil, []string{"LC_ALL=C", "LANG=ru_RU.UTF-8"}, "en"},
		{[]string{"-lang", "ru"}, nil, "ru"},
		{[]string{"serve", "--lang=ru"}, nil, "ru"},
		{[]string{"--", "--lang=ru"}, nil, "en"},
		{[]string{"--lang=de"}, []string{"LANG=ru_RU.UTF-8"}, "ru"},
		{[]string{"help", "--lang"}, []string{"LANG=ru_RU.UTF-8"}, "ru"},
		{[]string{"--lang", "de"}, nil, "en"},
	}
	for _, tt := range tests {
		env, _, _ := testEnv(tt.environ...)
		if got := detectLanguage(tt.args, env); got != tt.want {
			t.Errorf("detectLanguage(%q, %q) = %q, want %q", tt.args, tt.environ, got, tt.want)
		}
	}
}

func TestBrowserAddress(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8080",
		":8080":          "127.0.0.1:8080",
		"0.0.0.0:80":     "127.0.0.1:80",
		"[::]:8080":      "127.0.0.1:8080",
		"[::1]:8080":     "[::1]:8080",
		"crm.local:8080": "crm.local:8080",
	}
	for in, want := range tests {
		if got := browserAddress(in); got != want {
			t.Errorf("browserAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
