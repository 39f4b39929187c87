package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestMigrateCommands(t *testing.T) {
	t.Parallel()
	_, databaseURL := pgtest.NewEmpty(t)
	database := "SWITCHBOARD_DATABASE_URL=" + databaseURL
	pendingLine := regexp.MustCompile(`(?m)^pending  \d+ \S+\.sql$`)
	appliedLine := regexp.MustCompile(`(?m)^applied  \d+ \S+\.sql \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$`)

	migrate := func(action string) (int, string, string) {
		env, stdout, stderr := testEnv(database)
		code := run([]string{"migrate", action, "--yes"}, env)
		return code, stdout.String(), stderr.String()
	}

	code, out, errOut := migrate("status")
	total := len(pendingLine.FindAllString(out, -1))
	if code != exitError || total == 0 || appliedLine.MatchString(out) {
		t.Fatalf("status on an empty database = %d:\n%s%s\nwant exit 1 and every migration pending", code, out, errOut)
	}
	if want := fmt.Sprintf("pending migrations: %d;", total); !strings.Contains(errOut, want) {
		t.Errorf("status error %q does not contain %q", errOut, want)
	}

	code, out, errOut = migrate("up")
	if code != exitOK || strings.Count(out, "applied ") != total {
		t.Fatalf("up = %d:\n%s%s\nwant %d migrations applied", code, out, errOut, total)
	}
	if code, out, _ = migrate("up"); code != exitOK || !strings.Contains(out, "no migrations to run") {
		t.Errorf("second up = %d %q, want no migrations to run", code, out)
	}

	code, out, _ = migrate("status")
	if code != exitOK || len(appliedLine.FindAllString(out, -1)) != total || !strings.Contains(out, "migrations are current") {
		t.Fatalf("status after up = %d:\n%s\nwant %d applied and current", code, out, total)
	}

	if code, out, _ = migrate("down"); code != exitOK || strings.Count(out, "rolled back") != 1 {
		t.Fatalf("down = %d %q, want one migration rolled back", code, out)
	}
	if code, out, errOut = migrate("status"); code != exitError || len(pendingLine.FindAllString(out, -1)) != 1 {
		t.Errorf("status after down = %d:\n%s\nwant exit 1 with one pending", code, out)
	}
	// One pending migration must not read "1 migrations are pending".
	if !strings.Contains(errOut, "pending migrations: 1;") {
		t.Errorf("status error after down = %q, want pending migrations: 1", errOut)
	}

	if code, out, _ = migrate("down-all"); code != exitOK || strings.Count(out, "rolled back") != total-1 {
		t.Fatalf("down-all = %d:\n%s\nwant %d rolled back", code, out, total-1)
	}
	if code, out, _ = migrate("up"); code != exitOK || strings.Count(out, "applied ") != total {
		t.Errorf("up after down-all = %d:\n%s\nwant %d applied", code, out, total)
	}
}

func TestMigrateRollbackNeedsConfirmation(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	database := pool.Config().ConnConfig.Database
	environ := []string{"SWITCHBOARD_DATABASE_URL=" + pool.Config().ConnString()}

	tests := []struct {
		name     string
		args     []string
		terminal bool
		stdin    string
		want     string
	}{
		{"down-all from a pipe", []string{"migrate", "down-all"}, false, database + "\n",
			`"migrate down-all" deletes data and needs confirmation: add --yes`},
		{"down from a pipe", []string{"migrate", "down"}, false, "",
			`"migrate down" deletes data and needs confirmation: add --yes`},
		{"down-all from /dev/null", []string{"migrate", "down-all"}, true, "",
			`no confirmation received, so nothing was rolled back`},
		{"wrong database name", []string{"migrate", "down-all"}, true, "switchboard\n",
			`"switchboard" does not match the database name "` + database + `"; nothing was rolled back`},
		{"russian", []string{"--lang", "ru", "migrate", "down-all"}, false, "",
			`"migrate down-all" удаляет данные и требует подтверждения: добавьте --yes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, stdout, stderr := testEnv(environ...)
			env.stdin = strings.NewReader(tt.stdin)
			env.stdinIsTerminal = tt.terminal
			if code := run(tt.args, env); code != exitUsage {
				t.Errorf("exit code %d, want %d; stderr %q", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.want)
			}
			if strings.Contains(stdout.String(), "rolled back") || strings.Contains(stdout.String(), "откачена") {
				t.Errorf("stdout %q reports a rollback", stdout.String())
			}
			if err := storage.CheckMigrations(context.Background(), pool); err != nil {
				t.Fatalf("migrations after a rejected rollback: %v", err)
			}
		})
	}

	// The database name typed on a terminal confirms the rollback.
	env, stdout, stderr := testEnv(environ...)
	env.stdin = strings.NewReader(database + "\n")
	env.stdinIsTerminal = true
	if code := run([]string{"migrate", "down"}, env); code != exitOK {
		t.Fatalf("down confirmed with the database name = %d; stderr %q", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Type the database name to confirm") {
		t.Errorf("stderr %q lacks the prompt", stderr.String())
	}
	if strings.Count(stdout.String(), "rolled back") != 1 {
		t.Errorf("stdout %q, want one migration rolled back", stdout.String())
	}
}
