package main

import (
	"regexp"
	"strings"
	"testing"

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
		code := run([]string{"migrate", action}, env)
		return code, stdout.String(), stderr.String()
	}

	code, out, errOut := migrate("status")
	total := len(pendingLine.FindAllString(out, -1))
	if code != exitError || total == 0 || appliedLine.MatchString(out) {
		t.Fatalf("status on an empty database = %d:\n%s%s\nwant exit 1 and every migration pending", code, out, errOut)
	}
	if !strings.Contains(errOut, "migrations are pending") {
		t.Errorf("status error %q does not say migrations are pending", errOut)
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
	if code, out, _ = migrate("status"); code != exitError || len(pendingLine.FindAllString(out, -1)) != 1 {
		t.Errorf("status after down = %d:\n%s\nwant exit 1 with one pending", code, out)
	}

	if code, out, _ = migrate("down-all"); code != exitOK || strings.Count(out, "rolled back") != total-1 {
		t.Fatalf("down-all = %d:\n%s\nwant %d rolled back", code, out, total-1)
	}
	if code, out, _ = migrate("up"); code != exitOK || strings.Count(out, "applied ") != total {
		t.Errorf("up after down-all = %d:\n%s\nwant %d applied", code, out, total)
	}
}
