package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// fromTerminal stands for standard input that is a terminal in userCLI.run.
const fromTerminal = "\x00terminal"

// userCLI runs "switchboard user" commands in-process against one test database.
type userCLI struct {
	t    *testing.T
	pool *pgxpool.Pool
}

func newUserCLI(t *testing.T) userCLI {
	return userCLI{t: t, pool: pgtest.New(t)}
}

// run runs args with stdin as standard input (fromTerminal for a terminal) and returns
// the exit code, standard output and standard error.
func (c userCLI) run(stdin string, args ...string) (int, string, string) {
	c.t.Helper()
	env, stdout, stderr := testEnv("SWITCHBOARD_DATABASE_URL="+c.pool.Config().ConnString(), "LANG=C.UTF-8")
	env.osUser = "tester"
	if stdin == fromTerminal {
		env.stdinIsTerminal = true
		env.stdin = strings.NewReader("")
	} else {
		env.stdin = strings.NewReader(stdin)
	}
	code := run(args, env)
	return code, stdout.String(), stderr.String()
}

// mustRun runs args and fails the test unless they succeed; it returns standard output.
func (c userCLI) mustRun(stdin string, args ...string) string {
	c.t.Helper()
	code, stdout, stderr := c.run(stdin, args...)
	if code != exitOK {
		c.t.Fatalf("%v: exit code %d; stderr %s", args, code, stderr)
	}
	return stdout
}

func (c userCLI) user(login string) crm.User {
	c.t.Helper()
	u, err := storage.NewUsers(c.pool).GetByLogin(c.t.Context(), login)
	if err != nil {
		c.t.Fatalf("get user %q: %v", login, err)
	}
	return u
}

// authenticates reports whether login signs in with plain through the same repository
// call the API's sign-in uses.
func (c userCLI) authenticates(login, plain string) bool {
	c.t.Helper()
	_, err := storage.NewUsers(c.pool).Authenticate(c.t.Context(), login, plain)
	if err != nil && !errors.Is(err, crm.ErrInvalidCredentials) {
		c.t.Fatalf("authenticate %q: %v", login, err)
	}
	return err == nil
}

// auditEntries returns the audit log entries of the user with login, oldest first.
func (c userCLI) auditEntries(login string) []crm.AuditEntry {
	c.t.Helper()
	u := c.user(login)
	entries, err := storage.NewAuditLog(c.pool).List(c.t.Context(), storage.AuditFilter{
		Entity: auditEntityUser, EntityID: fmt.Sprint(u.ID), Page: storage.Page{Limit: 100},
	})
	if err != nil {
		c.t.Fatal(err)
	}
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	return entries
}

// generatedPassword returns the password printed on the line after the notice.
func generatedPassword(t *testing.T, stdout string) string {
	t.Helper()
	_, after, ok := strings.Cut(stdout, "store it now:\n")
	if !ok {
		t.Fatalf("output does not announce a generated password:\n%s", stdout)
	}
	line, _, _ := strings.Cut(after, "\n")
	return strings.TrimSpace(line)
}

func TestUserAddFromStdin(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)

	stdout := cli.mustRun("Secret-пароль-1\n", "user", "add", "anna", "--name", " Анна Петрова ",
		"--role", "agent", "--phone", "PJSIP/1001", "--skill", "english:3", "--skill", "russian:5",
		"--locale", "en", "--password-stdin")
	if !strings.Contains(stdout, "created user anna (id ") {
		t.Errorf("output %q does not report the new user", stdout)
	}
	if strings.Contains(stdout, "Secret") || strings.Contains(stdout, "Generated") {
		t.Errorf("output %q prints or generates a password that came from standard input", stdout)
	}

	u := cli.user("anna")
	if u.DisplayName != "Анна Петрова" {
		t.Errorf("name = %q, want the trimmed Анна Петрова", u.DisplayName)
	}
	if len(u.Roles) != 1 || u.Roles[0] != crm.RoleAgent {
		t.Errorf("roles = %v, want [agent]", u.Roles)
	}
	if u.Endpoint != "PJSIP/1001" {
		t.Errorf("phone = %q, want PJSIP/1001", u.Endpoint)
	}
	if got := skillStrings(u.Skills); strings.Join(got, " ") != "english:3 russian:5" {
		t.Errorf("skills = %v, want english:3 russian:5", got)
	}
	if u.Locale != crm.LocaleEN {
		t.Errorf("locale = %q, want en", u.Locale)
	}
	if u.Disabled {
		t.Error("a new user is disabled")
	}

	if !cli.authenticates("anna", "Secret-пароль-1") {
		t.Error("the password from standard input, less its line break, does not authenticate")
	}
	if cli.authenticates("anna", "Secret-пароль-1\n") {
		t.Error("the trailing line break became part of the password")
	}
}

func TestUserAddGeneratesPassword(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)

	// A terminal on standard input does not matter without --password-stdin.
	stdout := cli.mustRun(fromTerminal, "user", "add", "Boss", "--name", "Иван Иванов", "--role", "admin,supervisor")
	plain := generatedPassword(t, stdout)
	if len(plain) != 26 {
		t.Errorf("generated password %q has %d characters, want 26", plain, len(plain))
	}
	if !strings.Contains(stdout, "shown only this once") {
		t.Errorf("output %q does not say the password is shown once", stdout)
	}
	if !cli.authenticates("boss", plain) {
		t.Error("the generated password does not authenticate")
	}
	u := cli.user("boss")
	if !u.HasRole(crm.RoleAdmin) || !u.HasRole(crm.RoleSupervisor) || len(u.Roles) != 2 {
		t.Errorf("roles = %v, want admin and supervisor", u.Roles)
	}
	if u.Locale != crm.LocaleRU {
		t.Errorf("default locale = %q, want ru", u.Locale)
	}

	entries := cli.auditEntries("boss")
	if len(entries) != 1 {
		t.Fatalf("audit entries = %d, want 1", len(entries))
	}
	if strings.Contains(string(entries[0].Details), plain) {
		t.Errorf("audit details %s contain the password", entries[0].Details)
	}
	var details map[string]any
	if err := json.Unmarshal(entries[0].Details, &details); err != nil {
		t.Fatal(err)
	}
	if details["password"] != "generated" {
		t.Errorf("audit password source = %v, want generated", details["password"])
	}
}

func TestUserList(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)

	code, stdout, stderr := cli.run("", "user", "list")
	if code != exitOK || !strings.Contains(stdout, "no users yet") {
		t.Errorf("empty list: exit code %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	cli.mustRun("password-number-one\n", "user", "add", "anna", "--name", "Анна Петрова", "--role", "agent",
		"--phone", "PJSIP/1001", "--skill", "russian:5", "--skill", "english:3", "--password-stdin")
	cli.mustRun("password-number-two\n", "user", "add", "zed", "--name", "Zed Smith", "--role", "supervisor,agent",
		"--locale", "en", "--password-stdin")
	cli.mustRun("", "user", "set", "zed", "--disable")

	table := cli.mustRun("", "user", "list")
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("table has %d lines, want a header and 2 users:\n%s", len(lines), table)
	}
	for _, want := range []string{"LOGIN", "NAME", "ROLES", "PHONE", "SKILLS", "QUEUES", "DISABLED"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("header %q lacks %s", lines[0], want)
		}
	}
	anna := strings.Fields(lines[1])
	if want := []string{"anna", "Анна", "Петрова", "agent", "ru", "PJSIP/1001", "english:3,", "russian:5", "(all)", "no"}; strings.Join(anna, " ") != strings.Join(want, " ") {
		t.Errorf("anna's row = %q, want the fields %q", lines[1], want)
	}
	zed := strings.Fields(lines[2])
	if want := []string{"zed", "Zed", "Smith", "agent,", "supervisor", "en", "-", "-", "(all)", "yes"}; strings.Join(zed, " ") != strings.Join(want, " ") {
		t.Errorf("zed's row = %q, want the fields %q", lines[2], want)
	}
	// Columns line up although Cyrillic letters take two bytes.
	if strings.Index(lines[0], "ROLES") != runeIndex(lines[1], "agent") {
		t.Errorf("ROLES column is not aligned:\n%s", table)
	}

	russian := cli.mustRun("", "user", "list", "--lang", "ru")
	for _, want := range []string{"ЛОГИН", "ИМЯ", "РОЛИ", "ТЕЛЕФОН", "НАВЫКИ", "ОТКЛЮЧЁН", "да", "нет"} {
		if !strings.Contains(russian, want) {
			t.Errorf("Russian table lacks %q:\n%s", want, russian)
		}
	}

	var listed []userJSON
	if err := json.Unmarshal([]byte(cli.mustRun("", "user", "list", "--json")), &listed); err != nil {
		t.Fatalf("list --json is not a JSON array of users: %v", err)
	}
	if len(listed) != 2 {
		t.Fatalf("list --json has %d users, want 2", len(listed))
	}
	a, z := listed[0], listed[1]
	if a.Login != "anna" || a.Name != "Анна Петрова" || a.Phone == nil || *a.Phone != "PJSIP/1001" || a.Disabled {
		t.Errorf("anna in JSON = %+v", a)
	}
	if len(a.Skills) != 2 || a.Skills[0] != (skillJSON{"english", 3}) || a.Skills[1] != (skillJSON{"russian", 5}) {
		t.Errorf("anna's skills in JSON = %+v, want english 3 and russian 5", a.Skills)
	}
	if z.Login != "zed" || z.Phone != nil || !z.Disabled || z.Locale != "en" || len(z.Skills) != 0 {
		t.Errorf("zed in JSON = %+v", z)
	}
	if a.ID == 0 || a.Created.IsZero() {
		t.Errorf("anna in JSON lacks the id or creation time: %+v", a)
	}
}

// runeIndex returns the index in runes of substr in s.
func runeIndex(s, substr string) int {
	i := strings.Index(s, substr)
	if i < 0 {
		return -1
	}
	return len([]rune(s[:i]))
}

func TestUserPasswd(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)
	cli.mustRun("first-password-1\n", "user", "add", "anna", "--name", "Анна", "--role", "agent", "--password-stdin")

	stdout := cli.mustRun("second-password\r\n", "user", "passwd", "ANNA", "--password-stdin")
	if !strings.Contains(stdout, "changed the password of anna") {
		t.Errorf("output %q does not confirm the change", stdout)
	}
	if !strings.Contains(stdout, "end within 30 seconds") {
		t.Errorf("output %q does not say that open sessions end", stdout)
	}
	if cli.authenticates("anna", "first-password-1") {
		t.Error("the old password still authenticates")
	}
	if !cli.authenticates("anna", "second-password") {
		t.Error("the new password does not authenticate")
	}

	stdout = cli.mustRun("", "user", "passwd", "anna")
	plain := generatedPassword(t, stdout)
	if cli.authenticates("anna", "second-password") {
		t.Error("the previous password still authenticates after a generated one")
	}
	if !cli.authenticates("anna", plain) {
		t.Error("the generated password does not authenticate")
	}

	entries := cli.auditEntries("anna")
	if len(entries) != 3 {
		t.Fatalf("audit entries = %d, want create and two password changes", len(entries))
	}
	for i, want := range []string{"stdin", "stdin", "generated"} {
		e := entries[i]
		var details map[string]any
		if err := json.Unmarshal(e.Details, &details); err != nil {
			t.Fatal(err)
		}
		if details["password"] != want {
			t.Errorf("entry %d (%s) password source = %v, want %s", i, e.Action, details["password"], want)
		}
		for _, secret := range []string{"first-password-1", "second-password", plain} {
			if strings.Contains(string(e.Details), secret) {
				t.Errorf("entry %d (%s) contains a password: %s", i, e.Action, e.Details)
			}
		}
	}
	if entries[1].Action != auditActionSetPass || entries[2].Action != auditActionSetPass {
		t.Errorf("actions = %s, %s; want %s twice", entries[1].Action, entries[2].Action, auditActionSetPass)
	}
}

func TestUserSetChangesOnlyGivenFields(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)
	cli.mustRun("anna-password-123\n", "user", "add", "anna", "--name", "Анна Петрова", "--role", "agent",
		"--phone", "PJSIP/1001", "--skill", "english:3", "--locale", "en", "--password-stdin")
	before := cli.user("anna")

	stdout := cli.mustRun("", "user", "set", "anna", "--role", "agent,supervisor", "--no-skills")
	for _, want := range []string{"updated user anna:", "roles: agent → agent, supervisor", "skills: english:3 → -"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output %q lacks %q", stdout, want)
		}
	}
	after := cli.user("anna")
	if !after.HasRole(crm.RoleSupervisor) || !after.HasRole(crm.RoleAgent) || len(after.Roles) != 2 {
		t.Errorf("roles = %v, want agent and supervisor", after.Roles)
	}
	if len(after.Skills) != 0 {
		t.Errorf("skills = %v, want none", after.Skills)
	}
	if after.DisplayName != before.DisplayName || after.Endpoint != before.Endpoint || after.Locale != before.Locale || after.Disabled {
		t.Errorf("fields not given changed: before %+v, after %+v", before, after)
	}
	if !cli.authenticates("anna", "anna-password-123") {
		t.Error("set changed the password")
	}

	cli.mustRun("", "user", "set", "anna", "--name", "Анна Сидорова", "--no-phone", "--skill", "russian:10", "--locale", "ru")
	after = cli.user("anna")
	if after.DisplayName != "Анна Сидорова" || after.Endpoint != "" || after.Locale != crm.LocaleRU {
		t.Errorf("after the second set: %+v", after)
	}
	if got := skillStrings(after.Skills); len(got) != 1 || got[0] != "russian:10" {
		t.Errorf("skills = %v, want russian:10", got)
	}

	// The same values again change nothing and record nothing.
	entriesBefore := len(cli.auditEntries("anna"))
	stdout = cli.mustRun("", "user", "set", "anna", "--locale", "ru", "--role", "supervisor,agent")
	if !strings.Contains(stdout, "nothing changed") {
		t.Errorf("output %q does not say nothing changed", stdout)
	}
	if n := len(cli.auditEntries("anna")); n != entriesBefore {
		t.Errorf("an unchanged set added %d audit entries", n-entriesBefore)
	}

	entries := cli.auditEntries("anna")
	last := entries[len(entries)-1]
	if last.Action != auditActionUpdate || last.Actor != auditActorCLI {
		t.Errorf("last entry: action %q actor %q, want %q by %q", last.Action, last.Actor, auditActionUpdate, auditActorCLI)
	}
	var details struct {
		Login   string                    `json:"login"`
		OSUser  string                    `json:"os_user"`
		Changes map[string]map[string]any `json:"changes"`
	}
	if err := json.Unmarshal(last.Details, &details); err != nil {
		t.Fatal(err)
	}
	if details.Login != "anna" || details.OSUser != "tester" {
		t.Errorf("details name login %q and OS user %q, want anna and tester", details.Login, details.OSUser)
	}
	if len(details.Changes) != 4 {
		t.Errorf("changes %v, want name, phone, skills and locale", details.Changes)
	}
	if phone := details.Changes["phone"]; phone["from"] != "PJSIP/1001" || phone["to"] != nil {
		t.Errorf("phone change = %v, want PJSIP/1001 to null", phone)
	}
	if name := details.Changes["name"]; name["from"] != "Анна Петрова" || name["to"] != "Анна Сидорова" {
		t.Errorf("name change = %v", name)
	}
}

func TestUserDisableEnable(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)
	cli.mustRun("anna-password-123\n", "user", "add", "anna", "--name", "Анна", "--role", "agent", "--password-stdin")

	stdout := cli.mustRun("", "user", "set", "anna", "--disable")
	if !strings.Contains(stdout, "disabled: no → yes") || !strings.Contains(stdout, "end within 30 seconds") {
		t.Errorf("output %q does not report the change and the open sessions", stdout)
	}
	if cli.authenticates("anna", "anna-password-123") {
		t.Error("a disabled user authenticates")
	}

	cli.mustRun("", "user", "set", "anna", "--enable")
	if !cli.authenticates("anna", "anna-password-123") {
		t.Error("an enabled user does not authenticate")
	}

	var actions []string
	for _, e := range cli.auditEntries("anna") {
		actions = append(actions, e.Action)
		if e.Actor != auditActorCLI || e.Entity != auditEntityUser {
			t.Errorf("entry %s: actor %q entity %q", e.Action, e.Actor, e.Entity)
		}
	}
	if strings.Join(actions, " ") != "user.create user.update user.update" {
		t.Errorf("audit actions = %v", actions)
	}
}

func TestUserErrorsNeedingDatabase(t *testing.T) {
	t.Parallel()
	cli := newUserCLI(t)
	cli.mustRun("anna-password-123\n", "user", "add", "anna", "--name", "Анна", "--role", "agent",
		"--phone", "PJSIP/1001", "--password-stdin")
	cli.mustRun("boris-password-1\n", "user", "add", "boris", "--name", "Борис", "--role", "agent", "--password-stdin")

	tests := []struct {
		name   string
		args   []string
		en, ru string
	}{
		{"login taken", []string{"user", "add", "Anna", "--name", "X", "--role", "agent"},
			`login "Anna" is already taken; choose another login`,
			`логин "Anna" уже занят; выберите другой логин`},
		{"phone taken on add", []string{"user", "add", "vera", "--name", "Вера", "--role", "agent", "--phone", "PJSIP/1001"},
			`phone "PJSIP/1001" already belongs to user "anna"; choose another phone, or first remove it there with "switchboard user set anna --no-phone"`,
			`телефон "PJSIP/1001" уже закреплён за пользователем "anna"`},
		{"phone taken on set", []string{"user", "set", "boris", "--phone", "PJSIP/1001"},
			`phone "PJSIP/1001" already belongs to user "anna"`,
			`телефон "PJSIP/1001" уже закреплён за пользователем "anna"`},
		{"unknown login passwd", []string{"user", "passwd", "nobody"},
			`no user has the login "nobody"; "switchboard user list" lists the users`,
			`пользователя с логином "nobody" нет; список пользователей: "switchboard user list"`},
		{"unknown login set", []string{"user", "set", "nobody", "--disable"},
			`no user has the login "nobody"`,
			`пользователя с логином "nobody" нет`},
	}
	for _, tt := range tests {
		for lang, want := range map[string]string{"en": tt.en, "ru": tt.ru} {
			code, _, stderr := cli.run("", append(tt.args, "--lang", lang)...)
			if code != exitError {
				t.Errorf("%s (%s): exit code %d, want %d", tt.name, lang, code, exitError)
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("%s (%s): stderr %q does not contain %q", tt.name, lang, stderr, want)
			}
		}
	}

	if n := len(cli.auditEntries("boris")); n != 1 {
		t.Errorf("boris has %d audit entries after failed changes, want only the create", n)
	}
	if u := cli.user("boris"); u.Endpoint != "" {
		t.Errorf("a rejected set gave boris the phone %q", u.Endpoint)
	}
	var users int
	if err := cli.pool.QueryRow(t.Context(), `SELECT count(*) FROM users`).Scan(&users); err != nil {
		t.Fatal(err)
	}
	if users != 2 {
		t.Errorf("%d users after rejected adds, want 2", users)
	}
}

func TestUserErrorsBeforeDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		stdin  string
		args   []string
		en, ru string
	}{
		{"unknown role", "", []string{"user", "add", "anna", "--name", "Анна", "--role", "agent,operator"},
			`unknown role "operator"; use agent, supervisor, marketer or admin`,
			`неизвестная роль "operator"; используйте agent, supervisor, marketer или admin`},
		{"phone without tech", "", []string{"user", "add", "anna", "--name", "Анна", "--role", "agent", "--phone", "1001"},
			`invalid phone "1001": use the Asterisk dial-string form TECH/RESOURCE, for example PJSIP/1001`,
			`недопустимый телефон "1001": используйте форму строки набора Asterisk ТЕХНОЛОГИЯ/РЕСУРС, например PJSIP/1001`},
		{"phone with two devices", "", []string{"user", "set", "anna", "--phone", "PJSIP/1001&PJSIP/1002"},
			`invalid phone "PJSIP/1001&PJSIP/1002"`, `недопустимый телефон "PJSIP/1001&PJSIP/1002"`},
		{"skill without level", "", []string{"user", "add", "anna", "--name", "Анна", "--role", "agent", "--skill", "english"},
			`invalid skill "english": write NAME:LEVEL with a name of letters, digits, _ or - and a level from 1 to 10, for example english:3`,
			`недопустимый навык "english": пишите НАЗВАНИЕ:УРОВЕНЬ, где название из букв, цифр, _ или -, а уровень от 1 до 10, например english:3`},
		{"skill level too high", "", []string{"user", "set", "anna", "--skill", "english:11"},
			`invalid skill "english:11"`, `недопустимый навык "english:11"`},
		{"skill level zero", "", []string{"user", "set", "anna", "--skill", "english:0"},
			`invalid skill "english:0"`, `недопустимый навык "english:0"`},
		{"skill twice", "", []string{"user", "set", "anna", "--skill", "english:3", "--skill", "english:5"},
			`skill "english" is given twice`, `навык "english" указан дважды`},
		{"empty queue name", "", []string{"user", "set", "anna", "--queue", "sales,"},
			`invalid queue list "sales,": give queue names separated by commas, for example sales,support`,
			`недопустимый список очередей «sales,»: перечислите имена очередей через запятую, например sales,support`},
		{"unknown queue", "", []string{"user", "add", "anna", "--name", "Анна", "--role", "agent", "--queue", "vip"},
			`queue "vip" is not configured: use one of support, sales`, `очередь «vip» не настроена: укажите одну из support, sales`},
		{"unknown queue on set", "", []string{"user", "set", "anna", "--queue", "sales", "--queue", "vip"},
			`queue "vip" is not configured`, `очередь «vip» не настроена`},
		{"queue and no queues", "", []string{"user", "set", "anna", "--queue", "sales", "--no-queues"},
			`options --queue and --no-queues contradict each other`, `ключи --queue и --no-queues противоречат друг другу`},
		{"no-queues on add", "", []string{"user", "add", "anna", "--name", "Анна", "--role", "agent", "--no-queues"},
			`option --no-queues does not apply to "switchboard user add"`, `ключ --no-queues не относится к команде "switchboard user add"`},
		{"empty name", "", []string{"user", "add", "anna", "--name", "  ", "--role", "agent"},
			`the name is empty; set the name colleagues see`, `имя пустое; укажите имя, которое видят коллеги`},
		{"empty name on set", "", []string{"user", "set", "anna", "--name="},
			`the name is empty`, `имя пустое`},
		{"name with line break", "", []string{"user", "set", "anna", "--name", "Анна\nПетрова"},
			`invalid name "Анна\nПетрова": remove the line breaks`, `недопустимое имя "Анна\nПетрова": уберите переводы строк`},
		{"bad locale", "", []string{"user", "set", "anna", "--locale", "de"},
			`invalid locale "de": use ru or en`, `недопустимый язык "de": используйте ru или en`},
		{"login with space", "", []string{"user", "add", "anna petrova", "--name", "Анна", "--role", "agent"},
			`invalid login "anna petrova": use 1 to 64 characters without spaces`,
			`недопустимый логин "anna petrova": используйте от 1 до 64 символов без пробелов`},
		{"login too long", "", []string{"user", "add", strings.Repeat("я", 65), "--name", "Анна", "--role", "agent"},
			`invalid login "` + strings.Repeat("я", 65) + `"`, `недопустимый логин "` + strings.Repeat("я", 65) + `"`},
		{"missing role", "", []string{"user", "add", "anna", "--name", "Анна"},
			`option --role is required for "switchboard user add"`, `для "switchboard user add" нужен ключ --role`},
		{"missing name", "", []string{"user", "add", "anna", "--role", "agent"},
			`option --name is required`, `нужен ключ --name`},
		{"nothing to change", "", []string{"user", "set", "anna"},
			`nothing to change: give at least one of --name`, `нечего менять: укажите хотя бы один из ключей --name`},
		{"phone and no phone", "", []string{"user", "set", "anna", "--phone", "PJSIP/1", "--no-phone"},
			`options --phone and --no-phone contradict each other`, `ключи --phone и --no-phone противоречат друг другу`},
		{"disable and enable", "", []string{"user", "set", "anna", "--disable", "--enable"},
			`options --disable and --enable contradict each other`, `ключи --disable и --enable противоречат`},
		{"option of another subcommand", "", []string{"user", "list", "--name", "X"},
			`option --name does not apply to "switchboard user list"; "switchboard help user list" lists its options`,
			`ключ --name не относится к команде "switchboard user list"; список её ключей: "switchboard help user list"`},
		{"no-phone on add", "", []string{"user", "add", "anna", "--name", "Анна", "--role", "agent", "--no-phone"},
			`option --no-phone does not apply to "switchboard user add"`, `ключ --no-phone не относится к команде "switchboard user add"`},
		{"password flag", "", []string{"user", "add", "anna", "--name", "Анна", "--role", "agent", "--password", "x"},
			`unknown option --password; "switchboard help user add" lists the options`,
			`неизвестный ключ --password; список ключей: "switchboard help user add"`},
		{"unknown subcommand", "", []string{"user", "delete", "anna"},
			`unknown user command "delete"; use add, list, passwd or set`,
			`неизвестная команда user "delete"; используйте add, list, passwd или set`},
		{"no subcommand", "", []string{"user"},
			`usage: switchboard user add|list|passwd|set`, `использование: switchboard user add|list|passwd|set`},
		{"passwd without login", "", []string{"user", "passwd"},
			`usage: switchboard user passwd LOGIN`, `использование: switchboard user passwd ЛОГИН`},
		{"stdin is a terminal", fromTerminal, []string{"user", "passwd", "anna", "--password-stdin"},
			`--password-stdin reads the password from a pipe or a file, but standard input is a terminal`,
			`--password-stdin читает пароль из канала или файла, но стандартный ввод — терминал`},
		{"empty stdin", "\n", []string{"user", "passwd", "anna", "--password-stdin"},
			`the password on standard input is empty`, `пароль на стандартном вводе пуст`},
		{"short password", "12345678901234\n", []string{"user", "add", "anna", "--name", "Анна", "--role", "agent", "--password-stdin"},
			`the password on standard input is too short; use at least 15 characters`,
			`пароль на стандартном вводе слишком короткий; используйте не меньше 15 символов`},
		{"two lines", "password-number-one\npassword-number-two\n", []string{"user", "passwd", "anna", "--password-stdin"},
			`standard input has more than one line`, `на стандартном вводе больше одной строки`},
		{"long password", strings.Repeat("x", 1025), []string{"user", "passwd", "anna", "--password-stdin"},
			`too long; use at most 1024 bytes`, `слишком длинный; используйте не больше 1024 байт`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for lang, want := range map[string]string{"en": tt.en, "ru": tt.ru} {
				// The database URL points at a closed port: these errors must come first.
				env, _, stderr := testEnv("SWITCHBOARD_DATABASE_URL=postgres://u:p@127.0.0.1:1/db")
				env.stdin = strings.NewReader(tt.stdin)
				env.stdinIsTerminal = tt.stdin == fromTerminal
				if code := run(append(tt.args, "--lang", lang), env); code == exitOK {
					t.Errorf("%s: exit code 0", lang)
				}
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("%s: stderr %q does not contain %q", lang, stderr.String(), want)
				}
				if strings.Contains(stderr.String(), "127.0.0.1:1") {
					t.Errorf("%s: the command reached for the database before rejecting its input: %s", lang, stderr.String())
				}
			}
		})
	}
}

func TestUserWithoutMigrations(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewEmpty(t)
	for lang, want := range map[string]string{
		"en": `the database has no users table yet; run "switchboard migrate up" first`,
		"ru": `в базе данных ещё нет таблицы пользователей; сначала выполните "switchboard migrate up"`,
	} {
		env, _, stderr := testEnv("SWITCHBOARD_DATABASE_URL=" + pool.Config().ConnString())
		if code := run([]string{"user", "list", "--lang", lang}, env); code != exitError {
			t.Errorf("%s: exit code %d, want %d", lang, code, exitError)
		}
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("%s: stderr %q does not contain %q", lang, stderr.String(), want)
		}
	}
}

func TestUserHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"help", "user"}, []string{"Usage: switchboard user add|list|passwd|set", "audit log"}},
		{[]string{"help", "user", "add"}, []string{"Usage: switchboard user add LOGIN", "shell history", "ps"}},
		{[]string{"user", "add", "--help"}, []string{"Usage: switchboard user add LOGIN"}},
		{[]string{"user", "set", "anna", "-h", "--lang", "ru"}, []string{"Использование: switchboard user set ЛОГИН", "Меняет только указанные поля"}},
		{[]string{"help", "user", "passwd", "--lang", "ru"}, []string{"Использование: switchboard user passwd ЛОГИН"}},
		{[]string{"help", "user", "list"}, []string{"--json"}},
		{[]string{"help"}, []string{"user add|list|passwd|set"}},
		{[]string{"help", "--lang", "ru"}, []string{"user add|list|passwd|set создать"}},
	}
	for _, tt := range tests {
		env, stdout, stderr := testEnv()
		if code := run(tt.args, env); code != exitOK {
			t.Errorf("%v: exit code %d; stderr %s", tt.args, code, stderr.String())
			continue
		}
		for _, want := range tt.want {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("%v: output lacks %q:\n%s", tt.args, want, stdout.String())
			}
		}
	}
}

// TestUserHelpStatesLimits keeps the numbers written in the help equal to the constants
// the code enforces.
func TestUserHelpStatesLimits(t *testing.T) {
	for topic, want := range map[string]string{
		"user add": fmt.Sprintf("level from 1 to %d", crm.MaxSkillLevel),
		"user set": fmt.Sprintf("(level 1 to %d)", crm.MaxSkillLevel),
	} {
		if !strings.Contains(english.commandUsage[topic], want) {
			t.Errorf("English help of %s lacks %q", topic, want)
		}
	}
	for topic, want := range map[string]string{
		"user add": fmt.Sprintf("уровнем от 1 до %d", crm.MaxSkillLevel),
		"user set": fmt.Sprintf("(уровень от 1 до %d)", crm.MaxSkillLevel),
	} {
		if !strings.Contains(russian.commandUsage[topic], want) {
			t.Errorf("Russian help of %s lacks %q", topic, want)
		}
	}
	if !strings.Contains(english.commandUsage["user add"], fmt.Sprintf("at least %d characters", minPasswordLength)) ||
		!strings.Contains(russian.commandUsage["user add"], fmt.Sprintf("не короче %d символов", minPasswordLength)) {
		t.Errorf("help of user add does not state the minimum password length %d", minPasswordLength)
	}
}

func TestParsePhone(t *testing.T) {
	valid := []string{"PJSIP/1001", "SIP/alice", "IAX2/office-7", "Local/1001@agents", "PJSIP/1001/sip:1001@192.0.2.10:5060", " PJSIP/1001 "}
	for _, value := range valid {
		if _, err := parsePhone(value); err != nil {
			t.Errorf("parsePhone(%q): %v", value, err)
		}
	}
	invalid := []string{"", "1001", "PJSIP/", "/1001", "PJSIP//1001", "PJSIP/10 01", "PJSIP/1001&PJSIP/1002",
		"PJSIP/1001,30", "2PJSIP/1001", "PJSIP/" + strings.Repeat("1", 64)}
	for _, value := range invalid {
		if phone, err := parsePhone(value); err == nil {
			t.Errorf("parsePhone(%q) = %q, want an error", value, phone)
		}
	}
}

func TestReadPasswordLineBreaks(t *testing.T) {
	tests := map[string]string{
		"correct horse battery":     "correct horse battery",
		"correct horse battery\n":   "correct horse battery",
		"correct horse battery\r\n": "correct horse battery",
		" correct horse battery \n": " correct horse battery ",
		strings.Repeat("п", 512):    strings.Repeat("п", 512),
	}
	for input, want := range tests {
		got, err := readPassword(strings.NewReader(input))
		if err != nil {
			t.Errorf("readPassword(%q): %v", input, err)
			continue
		}
		if got != want {
			t.Errorf("readPassword(%q) = %q, want %q", input, got, want)
		}
	}
	// 1024 bytes fit; 1025 do not, with or without a line break after them.
	if _, err := readPassword(strings.NewReader(strings.Repeat("x", 1024) + "\r\n")); err != nil {
		t.Errorf("a password of exactly the maximum length: %v", err)
	}
	for _, input := range []string{strings.Repeat("x", 1025), strings.Repeat("x", 1025) + "\n", strings.Repeat("x", 1025) + "\r\n"} {
		if _, err := readPassword(strings.NewReader(input)); err == nil {
			t.Errorf("a password of %d bytes with %q after it was accepted", 1025, strings.TrimLeft(input, "x"))
		}
	}
	if _, err := readPassword(strings.NewReader("\xff\xfe not UTF-8 at all")); err == nil {
		t.Error("a password that is not UTF-8 was accepted")
	}
}
