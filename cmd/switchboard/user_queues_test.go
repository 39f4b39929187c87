package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestUserQueuesAddSetList(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)

	cli.mustRun("", "user", "add", "olga", "--name", "Ольга", "--role", "agent", "--queue", "sales")
	cli.mustRun("", "user", "add", "ivan", "--name", "Иван", "--role", "agent")
	if got := cli.user("olga").Queues; !reflect.DeepEqual(got, []string{"sales"}) {
		t.Errorf("olga's queues after add = %q, want [sales]", got)
	}
	if got := cli.user("ivan").Queues; got != nil {
		t.Errorf("ivan's queues after add without --queue = %q, want none", got)
	}

	table := cli.mustRun("", "user", "list")
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "QUEUES") {
		t.Fatalf("table lacks the QUEUES column or a user:\n%s", table)
	}
	if ivan := strings.Fields(lines[1]); ivan[0] != "ivan" || ivan[len(ivan)-2] != "(all)" {
		t.Errorf("ivan's row = %q, want (all) in the queue column", lines[1])
	}
	if olga := strings.Fields(lines[2]); olga[0] != "olga" || olga[len(olga)-2] != "sales" {
		t.Errorf("olga's row = %q, want sales in the queue column", lines[2])
	}
	russian := cli.mustRun("", "user", "list", "--lang", "ru")
	if !strings.Contains(russian, "ОЧЕРЕДИ") || !strings.Contains(russian, "(все)") {
		t.Errorf("Russian table lacks the ОЧЕРЕДИ column or (все):\n%s", russian)
	}

	stdout := cli.mustRun("", "user", "set", "olga", "--queue", "support", "--queue", "sales,support")
	if got := cli.user("olga").Queues; !reflect.DeepEqual(got, []string{"sales", "support"}) {
		t.Errorf("olga's queues after set = %q, want [sales support]", got)
	}
	if !strings.Contains(stdout, "queues: sales → sales, support") {
		t.Errorf("set output %q does not show the queue change", stdout)
	}

	var listed []userJSON
	if err := json.Unmarshal([]byte(cli.mustRun("", "user", "list", "--json")), &listed); err != nil {
		t.Fatalf("list --json: %v", err)
	}
	if len(listed) != 2 || listed[0].Queues == nil || len(listed[0].Queues) != 0 ||
		!reflect.DeepEqual(listed[1].Queues, []string{"sales", "support"}) {
		t.Errorf("list --json queues = %+v, want [] for ivan and [sales support] for olga", listed)
	}

	stdout = cli.mustRun("", "user", "set", "olga", "--no-queues", "--lang", "ru")
	if got := cli.user("olga").Queues; got != nil {
		t.Errorf("olga's queues after --no-queues = %q, want none", got)
	}
	if !strings.Contains(stdout, "очереди: sales, support → (все)") {
		t.Errorf("set output %q does not show the queues cleared", stdout)
	}

	entries := cli.auditEntries("olga")
	if len(entries) != 3 {
		t.Fatalf("olga has %d audit entries, want create and two updates", len(entries))
	}
	var last struct {
		Changes map[string]struct{ From, To []string } `json:"changes"`
	}
	if err := json.Unmarshal(entries[2].Details, &last); err != nil {
		t.Fatal(err)
	}
	change, ok := last.Changes["queues"]
	if !ok || !reflect.DeepEqual(change.From, []string{"sales", "support"}) || len(change.To) != 0 {
		t.Errorf("audit of --no-queues = %s, want queues from [sales support] to []", entries[2].Details)
	}
}

func TestUserRejectsUnknownQueue(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)
	cli.mustRun("", "user", "add", "olga", "--name", "Ольга", "--role", "agent", "--queue", "sales")

	// Without [[queue]] tables the node serves support and sales.
	tests := []struct {
		name   string
		args   []string
		en, ru string
	}{
		{"add", []string{"user", "add", "vera", "--name", "Вера", "--role", "agent", "--queue", "support,vip"},
			`queue "vip" is not configured: use one of support, sales, or add a [[queue]] table with that name to the configuration`,
			`очередь «vip» не настроена: укажите одну из support, sales или добавьте в конфигурацию таблицу [[queue]] с этим именем`},
		{"set", []string{"user", "set", "olga", "--queue", "Sales"},
			`queue "Sales" is not configured: use one of support, sales`,
			`очередь «Sales» не настроена: укажите одну из support, sales`},
	}
	for _, tt := range tests {
		for lang, want := range map[string]string{"en": tt.en, "ru": tt.ru} {
			code, _, stderr := cli.run("", append(tt.args, "--lang", lang)...)
			if code != exitUsage {
				t.Errorf("%s (%s): exit code %d, want %d", tt.name, lang, code, exitUsage)
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("%s (%s): stderr %q does not contain %q", tt.name, lang, stderr, want)
			}
		}
	}
	if n := countUsers(t, cli); n != 1 {
		t.Errorf("%d users after the rejected add, want 1", n)
	}
	if got := cli.user("olga").Queues; !reflect.DeepEqual(got, []string{"sales"}) {
		t.Errorf("olga's queues after the rejected set = %q, want [sales]", got)
	}

	// A queue of the configuration file is accepted, and the defaults no longer are.
	file := filepath.Join(t.TempDir(), "switchboard.toml")
	if err := os.WriteFile(file, []byte("[[queue]]\nname = \"vip\"\n\n[[queue]]\nname = \"billing\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.mustRun("", "user", "set", "olga", "--queue", "vip", "--config", file)
	if got := cli.user("olga").Queues; !reflect.DeepEqual(got, []string{"vip"}) {
		t.Errorf("olga's queues with the file's queues = %q, want [vip]", got)
	}
	code, _, stderr := cli.run("", "user", "set", "olga", "--queue", "sales", "--config", file)
	if code != exitUsage || !strings.Contains(stderr, `queue "sales" is not configured: use one of vip, billing`) {
		t.Errorf("set --queue sales with a file of other queues: exit code %d, stderr %q", code, stderr)
	}
}

func countUsers(t *testing.T, cli userCLI) int {
	t.Helper()
	var n int
	if err := cli.pool.QueryRow(t.Context(), `SELECT count(*) FROM users`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
