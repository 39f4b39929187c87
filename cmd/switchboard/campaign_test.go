package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/storage"
)

func TestCampaignCommandsLifecycle(t *testing.T) {
	cli := newUserCLI(t)

	out := cli.mustRun("", "campaign", "add", "spring", "--queue", "sales", "--policy", "predictive",
		"--abandon-target", "2.5", "--max-lines", "4", "--window", "10:00-20:30", "--time-zone", "Asia/Almaty")
	if !strings.Contains(out, "Created campaign spring for queue sales") {
		t.Errorf("add output = %q", out)
	}
	c, err := storage.NewCampaigns(cli.pool).GetByName(t.Context(), "spring")
	if err != nil {
		t.Fatal(err)
	}
	if c.Policy != storage.PolicyPredictive || c.AbandonTarget != 2.5 || c.MaxLines != 4 || c.TimeZone != "Asia/Almaty" ||
		formatWindow(c) != "10:00-20:30" || c.Status != storage.CampaignDraft {
		t.Errorf("stored campaign = %+v", c)
	}

	cli.mustRun("", "dnc", "add", "8 (495) 000-00-03", "--reason", "asked")
	if out := cli.mustRun("", "dnc", "list"); !strings.Contains(out, "+74950000003") || !strings.Contains(out, "asked") {
		t.Errorf("dnc list = %q", out)
	}

	file := filepath.Join(t.TempDir(), "leads.csv")
	csv := "Телефон;Имя\n+7 495 000-00-01;Анна\nчепуха;Борис\n84950000003;Вера\n+74950000001;Дубль\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out = cli.mustRun("", "campaign", "leads", "spring", file)
	for _, want := range []string{
		"Leads imported: 1; duplicates: 1, invalid rows: 1, on the do-not-call list: 1",
		"line 3: invalid phone number \"чепуха\"", "line 4: +74950000003 is on the do-not-call list", "line 5: +74950000001 repeats the number of line 2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("leads report lacks %q:\n%s", want, out)
		}
	}
	// Loading the same file again imports nothing new.
	out = cli.mustRun("", "campaign", "leads", "spring", file)
	if !strings.Contains(out, "Leads imported: 0; duplicates: 3") || !strings.Contains(out, "line 2: +74950000001 is already in the campaign") {
		t.Errorf("second load report:\n%s", out)
	}

	cli.mustRun("", "campaign", "start", "spring")
	if out := cli.mustRun("", "campaign", "list"); !strings.Contains(out, "spring") || !strings.Contains(out, "running") {
		t.Errorf("list = %q", out)
	}
	cli.mustRun("", "campaign", "pause", "spring")
	out = cli.mustRun("", "campaign", "status", "spring")
	if !strings.Contains(out, "paused") || !strings.Contains(out, "new             1") || !strings.Contains(out, "do not call     1") ||
		!strings.Contains(out, "no answered calls yet") {
		t.Errorf("status = %q", out)
	}
	cli.mustRun("", "campaign", "stop", "spring")
	code, _, stderr := cli.run("", "campaign", "start", "spring")
	if code != exitError || !strings.Contains(stderr, "is done and cannot be started again") {
		t.Errorf("restart of a stopped campaign: exit %d, stderr %q", code, stderr)
	}

	cli.mustRun("", "dnc", "remove", "+74950000003")
	if out := cli.mustRun("", "dnc", "list"); !strings.Contains(out, "empty") {
		t.Errorf("dnc list after remove = %q", out)
	}
}

func TestCampaignCommandsRejectBadInput(t *testing.T) {
	cli := newUserCLI(t)
	cli.mustRun("", "campaign", "add", "draft-only", "--queue", "sales")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"campaign", "add", "x"}, exitUsage, "needs --queue"},
		{[]string{"campaign", "add", "x", "--queue", "nosuchq"}, exitUsage, `queue "nosuchq" is not configured`},
		{[]string{"campaign", "add", "x", "--queue", "sales", "--window", "9-21"}, exitUsage, `invalid calling window "9-21"`},
		{[]string{"campaign", "add", "x", "--queue", "sales", "--policy", "greedy"}, exitUsage, `invalid policy "greedy"`},
		{[]string{"campaign", "add", "x", "--queue", "sales", "--max-lines", "0"}, exitUsage, `invalid value "0" for --max-lines`},
		{[]string{"campaign", "add", "a,b", "--queue", "sales"}, exitUsage, `invalid campaign name "a,b"`},
		{[]string{"campaign", "add", "x", "--queue", "sales", "--time-zone", "Mars/Base"}, exitUsage, `unknown time zone "Mars/Base"`},
		{[]string{"campaign", "start", "missing"}, exitError, `campaign "missing" not found`},
		{[]string{"campaign", "pause", "draft-only"}, exitError, `campaign "draft-only" has not started`},
		{[]string{"campaign", "start", "x", "--queue", "sales"}, exitUsage, "--queue"},
		{[]string{"campaign", "launch", "x"}, exitUsage, `unknown subcommand "launch" of campaign`},
		{[]string{"dnc", "add", "12"}, exitError, `invalid phone number "12"`},
		{[]string{"dnc", "remove", "+74950000009"}, exitError, "+74950000009 is not on the do-not-call list"},
	}
	for _, tc := range cases {
		code, _, stderr := cli.run("", tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}

	// Messages follow --lang.
	code, _, stderr := cli.run("", "--lang", "ru", "campaign", "start", "missing")
	if code != exitError || !strings.Contains(stderr, "кампания «missing» не найдена") {
		t.Errorf("Russian error: exit %d, stderr %q", code, stderr)
	}
	if code, out, _ := cli.run("", "--lang", "ru", "help", "campaign"); code != exitOK || !strings.Contains(out, "Исходящие кампании") {
		t.Errorf("Russian help: exit %d, %q", code, out)
	}
}

func TestCampaignLeadsReportInRussian(t *testing.T) {
	cli := newUserCLI(t)
	cli.mustRun("", "campaign", "add", "autumn", "--queue", "sales")

	file := filepath.Join(t.TempDir(), "leads.csv")
	csv := "Телефон;Имя\n+7 495 000-00-01;Анна\n+7 495 12;Борис\nчепуха;Вера\n+999 1234567;Глеб\nanonymous;Дарья\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out := cli.mustRun("", "--lang", "ru", "campaign", "leads", "autumn", file)
	for _, want := range []string{
		"Загружено номеров: 1; дубликатов: 0, недопустимых строк: 4",
		"строка 3: недопустимый номер телефона «+7 495 12»: номер слишком короткий; запишите его с кодом страны",
		"строка 4: недопустимый номер телефона «чепуха»: в нём нет цифр",
		"строка 5: недопустимый номер телефона «+999 1234567»: код страны неизвестен",
		"строка 6: недопустимый номер телефона «anonymous»: это обозначение скрытого номера, а не номер",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("Russian leads report lacks %q:\n%s", want, out)
		}
	}
	// crm/phone's English text is for logs and must not leak into the Russian report.
	for _, english := range []string{"too short", "contains no digits", "country code", "withheld"} {
		if strings.Contains(out, english) {
			t.Errorf("Russian leads report contains the English %q:\n%s", english, out)
		}
	}

	code, _, stderr := cli.run("", "--lang", "ru", "dnc", "add", "12")
	if code != exitError || stderr != "switchboard: недопустимый номер телефона «12»: номер слишком короткий; запишите его с кодом страны, например +7 495 123-45-67\n" {
		t.Errorf("Russian dnc add of a short number: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = cli.run("", "dnc", "add", "12")
	if code != exitError || stderr != "switchboard: invalid phone number \"12\": it is too short; write it with the country code, for example +7 495 123-45-67\n" {
		t.Errorf("English dnc add of a short number: exit %d, stderr %q", code, stderr)
	}
}

// TestCampaignErrorsInRussian checks that every campaign validation error comes out wholly
// in Russian, with values in «» as in the contact import report.
func TestCampaignErrorsInRussian(t *testing.T) {
	cli := newUserCLI(t)
	cli.mustRun("", "campaign", "add", "taken", "--queue", "sales")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"campaign", "add", "trial5", "--queue", "sales", "--time-zone", "Mars/Base"}, "неизвестный часовой пояс «Mars/Base»"},
		{[]string{"campaign", "add", "trial5", "--queue", "sales", "--time-zone", ""}, "неизвестный часовой пояс «»"},
		{[]string{"campaign", "add", "a,b", "--queue", "sales"}, "недопустимое имя кампании «a,b»"},
		{[]string{"campaign", "add", strings.Repeat("x", 65), "--queue", "sales"}, "недопустимое имя кампании «"},
		{[]string{"campaign", "add", "trial5", "--queue", "nosuchq"}, "очередь «nosuchq» не настроена"},
		{[]string{"campaign", "add", "trial5", "--queue", "sales", "--window", "9-21"}, "недопустимое окно обзвона «9-21»"},
		{[]string{"campaign", "add", "trial5", "--queue", "sales", "--policy", "greedy"}, "недопустимая политика «greedy»"},
		{[]string{"campaign", "add", "trial5", "--queue", "sales", "--abandon-target", "0"}, "недопустимое значение «0» для --abandon-target"},
		{[]string{"campaign", "add", "trial5", "--queue", "sales", "--max-lines", "1001"}, "недопустимое значение «1001» для --max-lines"},
		{[]string{"campaign", "add", "trial5", "--queue", "sales", "--max-attempts", "21"}, "недопустимое значение «21» для --max-attempts"},
		{[]string{"campaign", "add", "trial5", "--queue", "sales", "--retry-delay", "-1m"}, "недопустимое значение «-1m» для --retry-delay"},
		{[]string{"campaign", "add", "taken", "--queue", "sales"}, "кампания «taken» уже существует"},
		{[]string{"campaign", "pause", "taken"}, "кампания «taken» ещё не запущена"},
		{[]string{"campaign", "launch", "x"}, "неизвестная подкоманда «launch» команды campaign"},
	}
	for _, tc := range cases {
		code, _, stderr := cli.run("", append([]string{"--lang", "ru"}, tc.args...)...)
		if code == exitOK || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error with %q", tc.args, code, stderr, tc.want)
		}
		// The first line is the error; the second is the usual pointer to the help.
		message, _, _ := strings.Cut(stderr, "\n")
		for _, english := range []string{"invalid", "unknown", "campaign trial5", "must", "use an IANA", `"`} {
			if strings.Contains(message, english) {
				t.Errorf("%v: Russian error contains %q: %s", tc.args, english, message)
			}
		}
	}
}

// closedWindow returns a one-hour calling window in UTC that starts two hours after now,
// so the window is closed at now.
func closedWindow(now time.Time) string {
	start := (now.UTC().Hour() + 2) % 24
	return fmt.Sprintf("%02d:00-%02d:00", start, start+1)
}

func TestCampaignStartNotices(t *testing.T) {
	cli := newUserCLI(t)
	window := closedWindow(time.Now())
	cli.mustRun("", "campaign", "add", "night", "--queue", "sales", "--window", window, "--time-zone", "UTC")

	out := cli.mustRun("", "campaign", "start", "night")
	for _, want := range []string{
		"Campaign night is now running.",
		"Nothing is dialed until the calling window " + window + " opens (time zone UTC",
		"The campaign has no leads, so nothing is dialed: load them with switchboard campaign leads night FILE.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("start output lacks %q:\n%s", want, out)
		}
	}
	out = cli.mustRun("", "--lang", "ru", "campaign", "start", "night")
	for _, want := range []string{"Номера не набираются, пока не откроется окно обзвона " + window, "В кампании нет номеров"} {
		if !strings.Contains(out, want) {
			t.Errorf("Russian start output lacks %q:\n%s", want, out)
		}
	}
	out = cli.mustRun("", "campaign", "status", "night")
	if want := "Calling window: " + window + ", time zone UTC (closed now)"; !strings.Contains(out, want) {
		t.Errorf("status lacks %q:\n%s", want, out)
	}
	out = cli.mustRun("", "--lang", "ru", "campaign", "status", "night")
	if want := "Окно обзвона: " + window + ", часовой пояс UTC (сейчас закрыто)"; !strings.Contains(out, want) {
		t.Errorf("Russian status lacks %q:\n%s", want, out)
	}

	// Equal start and end mean all day, so a campaign with leads starts without a notice.
	cli.mustRun("", "campaign", "add", "allday", "--queue", "sales", "--window", "00:00-00:00")
	file := filepath.Join(t.TempDir(), "leads.csv")
	if err := os.WriteFile(file, []byte("Телефон\n+7 495 000-00-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.mustRun("", "campaign", "leads", "allday", file)
	if out := cli.mustRun("", "campaign", "start", "allday"); out != "Campaign allday is now running.\n" {
		t.Errorf("start inside the window with leads = %q, want only the status line", out)
	}
	if out := cli.mustRun("", "campaign", "status", "allday"); !strings.Contains(out, "Calling window: 00:00-00:00, time zone Europe/Moscow (open now)") {
		t.Errorf("status of an all-day campaign:\n%s", out)
	}
}
