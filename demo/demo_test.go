package demo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm/password"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

var anchor = time.Date(2026, 3, 18, 15, 30, 0, 0, time.UTC)

func TestGenerateDeterministic(t *testing.T) {
	first, err := generate(DefaultSeed, anchor)
	if err != nil {
		t.Fatal(err)
	}
	second, err := generate(DefaultSeed, anchor)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, second) {
		t.Error("the same seed and anchor gave different data")
	}
	other, err := generate(DefaultSeed+1, anchor)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(first.contacts, other.contacts) {
		t.Error("a different seed gave the same contacts")
	}
}

func TestGenerateInvariants(t *testing.T) {
	data, err := generate(DefaultSeed, anchor)
	if err != nil {
		t.Fatal(err)
	}
	if len(data.contacts) != russianContacts+englishContacts {
		t.Errorf("%d contacts, want %d", len(data.contacts), russianContacts+englishContacts)
	}

	e164 := regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	cyrillic := regexp.MustCompile(`^[А-ЯЁ][а-яё]+$`)
	seen := map[string]bool{}
	for i, c := range data.contacts {
		if !c.english && (!cyrillic.MatchString(c.firstName) || !cyrillic.MatchString(c.middleName) || !cyrillic.MatchString(c.lastName)) {
			t.Errorf("contact %d: Russian name %q %q %q is not three Cyrillic words", i, c.lastName, c.firstName, c.middleName)
		}
		if c.english && c.middleName != "" {
			t.Errorf("contact %d: English contact has a patronymic %q", i, c.middleName)
		}
		primaries := 0
		for _, p := range c.phones {
			if !e164.MatchString(p.e164) {
				t.Errorf("contact %d: %q is not E.164", i, p.e164)
			}
			if seen[p.e164] {
				t.Errorf("contact %d: number %s is used twice", i, p.e164)
			}
			seen[p.e164] = true
			if p.primary {
				primaries++
			}
		}
		if primaries != 1 {
			t.Errorf("contact %d has %d primary phones, want 1", i, primaries)
		}
		// Feminine patronymics end in -на, masculine ones in -ич.
		if !c.english && strings.HasSuffix(c.middleName, "на") != strings.HasSuffix(c.lastName, "а") &&
			!strings.HasSuffix(c.lastName, "ко") && !strings.HasSuffix(c.lastName, "их") && c.lastName != "Ким" &&
			!strings.HasSuffix(c.lastName, "ая") {
			t.Errorf("contact %d: %s %s mixes genders", i, c.lastName, c.middleName)
		}
	}

	oldest := anchor.AddDate(0, 0, -historyDays-1)
	for _, call := range data.interactions {
		if call.arrived.Before(oldest) || call.arrived.After(anchor) {
			t.Errorf("call %s arrived at %v, outside the last %d days before %v", call.callID, call.arrived, historyDays, anchor)
		}
		if !call.offered.IsZero() && call.offered.Before(call.arrived) ||
			!call.answered.IsZero() && call.answered.Before(call.arrived) ||
			call.ended.Before(call.arrived) ||
			!call.answered.IsZero() && call.ended.Before(call.answered) {
			t.Errorf("call %s has timestamps out of order: %+v", call.callID, call)
		}
		if call.outcome == "answered" && (call.agent == noRef || call.disposition == "" || call.note == "") {
			t.Errorf("answered call %s lacks an agent, disposition or note", call.callID)
		}
	}
}

// counts returns the number of rows of each demo table.
func tableCounts(t *testing.T, pool *pgxpool.Pool) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, table := range []string{"users", "user_skills", "user_queues", "companies", "contacts", "phones", "emails", "tags", "contact_tags", "interactions", "tickets", "tasks", "audit_log"} {
		var n int
		if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		counts[table] = n
	}
	return counts
}

func TestSeedOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()

	result, err := Seed(ctx, pool, Options{Now: anchor})
	if err != nil {
		t.Fatalf("first Seed: %v", err)
	}
	if !result.Seeded {
		t.Fatal("first Seed on an empty database did not seed")
	}
	after := tableCounts(t, pool)
	want := map[string]int{
		"users": result.Counts.Users, "companies": result.Counts.Companies, "contacts": result.Counts.Contacts,
		"phones": result.Counts.Phones, "emails": result.Counts.Emails, "interactions": result.Counts.Interactions,
		"tickets": result.Counts.Tickets, "tasks": result.Counts.Tasks, "audit_log": 1,
	}
	for table, n := range want {
		if after[table] != n {
			t.Errorf("%s has %d rows, Seed reported %d", table, after[table], n)
		}
	}
	if result.Counts.Contacts < 300 || result.Counts.Interactions < 500 || result.Counts.Tickets < 10 || result.Counts.Tasks < 20 {
		t.Errorf("demo data is too thin: %+v", result.Counts)
	}

	again, err := Seed(ctx, pool, Options{Now: anchor.Add(48 * time.Hour), Seed: 7})
	if err != nil {
		t.Fatalf("second Seed: %v", err)
	}
	if again.Seeded || len(again.Logins) != 0 {
		t.Errorf("second Seed = %+v, want nothing seeded and no logins", again)
	}
	if second := tableCounts(t, pool); !reflect.DeepEqual(second, after) {
		t.Errorf("second Seed changed row counts: %v, then %v", after, second)
	}
}

func TestSeedContent(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	result, err := Seed(ctx, pool, Options{Now: anchor})
	if err != nil {
		t.Fatal(err)
	}

	queries := []struct {
		name  string
		sql   string
		check func(n int) bool
	}{
		{"Cyrillic names with patronymics", `SELECT count(*) FROM contacts WHERE middle_name ~ '^[А-ЯЁ][а-яё]+(вич|вна|ична|ич)$' AND last_name ~ '^[А-ЯЁ]'`, func(n int) bool { return n == russianContacts }},
		{"Moscow numbers", `SELECT count(*) FROM phones WHERE e164 ~ '^\+7(495|499)'`, func(n int) bool { return n > 10 }},
		{"St Petersburg numbers", `SELECT count(*) FROM phones WHERE e164 LIKE '+7812%'`, func(n int) bool { return n > 5 }},
		{"Russian mobiles", `SELECT count(*) FROM phones WHERE e164 ~ '^\+79'`, func(n int) bool { return n >= russianContacts }},
		{"UK and US numbers", `SELECT count(*) FROM phones WHERE e164 LIKE '+44%' OR e164 LIKE '+1%'`, func(n int) bool { return n == englishContacts }},
		{"raw forms as entered", `SELECT count(DISTINCT left(raw, 2)) FROM phones`, func(n int) bool { return n >= 3 }},
		{"VIPs tagged VIP", `SELECT count(*) FROM contacts c WHERE vip AND EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id AND t.name = 'VIP')`, func(n int) bool { return n > 5 }},
		{"companies with contacts", `SELECT count(DISTINCT company_id) FROM contacts`, func(n int) bool { return n >= 25 }},
		{"one user per role at least", `SELECT count(DISTINCT r) FROM users, unnest(roles) r`, func(n int) bool { return n == 4 }},
		{"calls in the last 30 days", `SELECT count(*) FROM interactions WHERE arrived_at < $1 AND arrived_at > $1 - interval '31 days'`, func(n int) bool { return n == result.Counts.Interactions }},
		{"answered calls with notes", `SELECT count(*) FROM interactions WHERE outcome = 'answered' AND disposition <> '' AND note <> '' AND agent_id IS NOT NULL`, func(n int) bool { return n > result.Counts.Interactions/2 }},
		{"abandoned calls", `SELECT count(*) FROM interactions WHERE outcome = 'abandoned'`, func(n int) bool { return n > 10 }},
		{"unknown and withheld callers", `SELECT count(*) FROM interactions WHERE direction = 'inbound' AND contact_id IS NULL`, func(n int) bool { return n > 10 }},
		{"open tickets", `SELECT count(*) FROM tickets WHERE status NOT IN ('resolved', 'closed')`, func(n int) bool { return n > 0 }},
		{"open callbacks", `SELECT count(*) FROM tasks WHERE kind = 'callback'`, func(n int) bool { return n > 5 }},
		{"only argon2id hashes", `SELECT count(*) FROM users WHERE password_hash NOT LIKE '$argon2id$%'`, func(n int) bool { return n == 0 }},
		{"agents assigned to queues", `SELECT count(DISTINCT user_id) FROM user_queues`, func(n int) bool { return n == 4 }},
		{"only the demo node's queues", `SELECT count(*) FROM user_queues WHERE queue NOT IN ('support', 'sales')`, func(n int) bool { return n == 0 }},
		{"an agent serving every queue", `SELECT count(*) FROM users u WHERE 'agent' = ANY (u.roles) AND NOT EXISTS (SELECT 1 FROM user_queues q WHERE q.user_id = u.id)`, func(n int) bool { return n == 1 }},
	}
	for _, q := range queries {
		var n int
		var args []any
		if strings.Contains(q.sql, "$1") {
			args = append(args, anchor)
		}
		if err := pool.QueryRow(ctx, q.sql, args...).Scan(&n); err != nil {
			t.Errorf("%s: %v", q.name, err)
			continue
		}
		if !q.check(n) {
			t.Errorf("%s: count %d is not what the demo promises", q.name, n)
		}
	}

	for _, login := range result.Logins {
		var hash string
		if err := pool.QueryRow(ctx, "SELECT password_hash FROM users WHERE login = $1", login.Login).Scan(&hash); err != nil {
			t.Fatalf("read %s: %v", login.Login, err)
		}
		if err := password.Verify(login.Password, hash); err != nil {
			t.Errorf("password of %s does not match its hash: %v", login.Login, err)
		}
		if strings.Contains(hash, login.Password) {
			t.Errorf("hash of %s contains the password", login.Login)
		}
	}
}

func TestSeedConcurrentOnce(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	results := make([]Result, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() { results[i], errs[i] = Seed(context.Background(), pool, Options{Now: anchor}) })
	}
	wg.Wait()

	seeded := 0
	for i := range results {
		if errs[i] != nil {
			t.Errorf("Seed %d: %v", i, errs[i])
		}
		if results[i].Seeded {
			seeded++
		}
	}
	if seeded != 1 {
		t.Errorf("%d concurrent Seed calls seeded, want exactly 1", seeded)
	}
	if n := tableCounts(t, pool)["contacts"]; n != russianContacts+englishContacts {
		t.Errorf("%d contacts after concurrent seeding, want %d", n, russianContacts+englishContacts)
	}
}

func TestSeedRejectsForeignData(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "INSERT INTO contacts (first_name, last_name) VALUES ('Пётр', 'Первый')"); err != nil {
		t.Fatal(err)
	}

	_, err := Seed(ctx, pool, Options{Now: anchor})
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("Seed on a database with a contact = %v, want ErrNotEmpty", err)
	}
	counts := tableCounts(t, pool)
	if counts["contacts"] != 1 || counts["users"] != 0 || counts["interactions"] != 0 || counts["audit_log"] != 0 {
		t.Errorf("the rejected Seed wrote rows: %v", counts)
	}

	if _, err := ResetPasswords(ctx, pool); !errors.Is(err, ErrNotSeeded) {
		t.Errorf("ResetPasswords on a database without demo data = %v, want ErrNotSeeded", err)
	}
}

func TestResetPasswordsAndCheck(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := context.Background()
	result, err := Seed(ctx, pool, Options{Now: anchor})
	if err != nil {
		t.Fatal(err)
	}

	if ok, err := CheckLogins(ctx, pool, result.Logins); err != nil || !ok {
		t.Fatalf("CheckLogins with the seeded passwords = %v, %v; want true", ok, err)
	}
	if ok, err := CheckLogins(ctx, pool, nil); err != nil || ok {
		t.Errorf("CheckLogins with no logins = %v, %v; want false", ok, err)
	}

	reset, err := ResetPasswords(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(reset) != len(result.Logins) {
		t.Fatalf("ResetPasswords returned %d logins, want %d", len(reset), len(result.Logins))
	}
	if ok, _ := CheckLogins(ctx, pool, result.Logins); ok {
		t.Error("the old passwords still work after ResetPasswords")
	}
	if ok, err := CheckLogins(ctx, pool, reset); err != nil || !ok {
		t.Errorf("CheckLogins with the new passwords = %v, %v; want true", ok, err)
	}

	wrongLogin := []Login{{Login: "nobody", Password: "x"}}
	if ok, err := CheckLogins(ctx, pool, wrongLogin); err != nil || ok {
		t.Errorf("CheckLogins with an unknown login = %v, %v; want false", ok, err)
	}
}

func TestLoginsFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run", "demo-logins.txt")
	logins := []Login{
		{Role: "admin", Login: "admin", Password: "p1", Name: "Ирина Соколова"},
		{Role: "agent", Login: "agent4", Password: "p2", Name: "Emily Clarke"},
	}
	if err := WriteLogins(path, "http://127.0.0.1:8080/", logins); err != nil {
		t.Fatal(err)
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("logins file mode = %o, want 600", mode)
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if mode := dir.Mode().Perm(); mode != 0o700 {
		t.Errorf("logins folder mode = %o, want 700", mode)
	}

	read, err := ReadLogins(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(read, logins) {
		t.Errorf("ReadLogins = %+v, want %+v", read, logins)
	}

	missing, err := ReadLogins(filepath.Join(t.TempDir(), "absent"))
	if err != nil || missing != nil {
		t.Errorf("ReadLogins of a missing file = %v, %v; want nil, nil", missing, err)
	}

	if err := os.WriteFile(path, []byte("admin admin pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLogins(path); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("ReadLogins of a damaged file = %v, want an error naming line 1", err)
	}
}
