package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestImportExportContacts(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	dir := t.TempDir()
	database := "SWITCHBOARD_DATABASE_URL=" + pool.Config().ConnString()

	// A Windows-1251 file with semicolons, as Excel saves it in a Russian locale.
	csv := "Фамилия;Имя;Отчество;Телефон;Компания\r\n" +
		"Иванов;Иван;Иванович;8 (495) 123-45-67;ООО «Ромашка»\r\n" +
		"Петрова;Анна;Сергеевна;+7 916 555-44-33;\r\n" +
		"Иванов;Иван;;+7 495 123 45 67;\r\n" +
		"Безномерный;Пётр;;;\r\n"
	encoded, err := charmap.Windows1251.NewEncoder().String(csv)
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "contacts.csv")
	if err := os.WriteFile(input, []byte(encoded), 0o600); err != nil {
		t.Fatal(err)
	}

	env, stdout, stderr := testEnv(database, "LANG=ru_RU.UTF-8")
	if code := run([]string{"import", "contacts", input}, env); code != exitOK {
		t.Fatalf("import exit code %d; stderr %s", code, stderr.String())
	}
	report := stdout.String()
	if !strings.Contains(report, "contacts.csv") || !strings.Contains(report, "5") {
		t.Errorf("import report lacks the file name or the line of the rejected row:\n%s", report)
	}

	var contacts, phones int
	var name string
	err = pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM phones),
		(SELECT last_name || ' ' || first_name || ' ' || middle_name FROM contacts c JOIN phones p ON p.contact_id = c.id WHERE p.e164 = '+74951234567')`).
		Scan(&contacts, &phones, &name)
	if err != nil {
		t.Fatal(err)
	}
	if contacts != 2 || phones != 2 {
		t.Errorf("after import: %d contacts and %d phones, want 2 and 2 (the duplicate merged, the row without a phone rejected)", contacts, phones)
	}
	if name != "Иванов Иван Иванович" {
		t.Errorf("stored name = %q, want Иванов Иван Иванович", name)
	}

	output := filepath.Join(dir, "export.csv")
	env, stdout, stderr = testEnv(database)
	if code := run([]string{"export", "contacts", output, "--lang", "ru"}, env); code != exitOK {
		t.Fatalf("export exit code %d; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "2") {
		t.Errorf("export output %q does not give the count", stdout.String())
	}
	exported, err := os.ReadFile(output)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(exported, []byte("\xef\xbb\xbf")) {
		t.Error("export does not start with a UTF-8 byte order mark")
	}
	for _, want := range []string{"Фамилия", "Иванов", "Петрова", "ООО «Ромашка»"} {
		if !strings.Contains(string(exported), want) {
			t.Errorf("export lacks %q:\n%s", want, exported)
		}
	}
	if info, err := os.Stat(output); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("export file mode = %v, %v; want 0644", info.Mode().Perm(), err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".export.csv.*")); len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	// "-" writes the export to standard output and the count to standard error.
	env, stdout, stderr = testEnv(database)
	if code := run([]string{"export", "contacts", "-", "--lang", "ru"}, env); code != exitOK {
		t.Fatalf("export to standard output: exit code %d; stderr %s", code, stderr.String())
	}
	if stdout.String() != string(exported) {
		t.Errorf("export to standard output differs from the file export:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "2") {
		t.Errorf("export to standard output: stderr %q does not give the count", stderr.String())
	}
	if _, err := os.Stat("-"); err == nil {
		t.Error("export created a file named -")
	}
}

func TestImportMalformedFileChangesNothing(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	input := filepath.Join(t.TempDir(), "broken.csv")
	if err := os.WriteFile(input, []byte("Имя;Телефон\n\"Анна;+79161234567\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	env, _, stderr := testEnv("SWITCHBOARD_DATABASE_URL="+pool.Config().ConnString(), "LANG=ru_RU.UTF-8")
	if code := run([]string{"import", "contacts", input}, env); code != exitError {
		t.Fatalf("exit code %d, want %d; stderr %s", code, exitError, stderr.String())
	}
	if !strings.Contains(stderr.String(), "broken.csv") {
		t.Errorf("error %q does not name the file", stderr.String())
	}
	var contacts int
	if err := pool.QueryRow(t.Context(), "SELECT count(*) FROM contacts").Scan(&contacts); err != nil {
		t.Fatal(err)
	}
	if contacts != 0 {
		t.Errorf("a malformed file stored %d contacts", contacts)
	}
}

// TestExportCountMatchesImportReport checks that the export summary groups the digits of
// its count as the import report does, in both languages.
func TestExportCountMatchesImportReport(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	database := "SWITCHBOARD_DATABASE_URL=" + pool.Config().ConnString()
	dir := t.TempDir()

	var csv strings.Builder
	csv.WriteString("Фамилия;Телефон\n")
	for i := range 1001 {
		fmt.Fprintf(&csv, "Иванов;+7 495 %03d-%02d-%02d\n", 100+i/10000, (i/100)%100, i%100)
	}
	input := filepath.Join(dir, "many.csv")
	if err := os.WriteFile(input, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	env, stdout, stderr := testEnv(database, "LANG=en_US.UTF-8")
	if code := run([]string{"import", "contacts", input}, env); code != exitOK {
		t.Fatalf("import exit code %d; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Imported: 1,001") {
		t.Fatalf("import report does not count 1,001 contacts:\n%s", stdout.String())
	}

	output := filepath.Join(dir, "out.csv")
	env, stdout, stderr = testEnv(database, "LANG=en_US.UTF-8")
	if code := run([]string{"export", "contacts", output}, env); code != exitOK {
		t.Fatalf("export exit code %d; stderr %s", code, stderr.String())
	}
	if want := "Exported contacts: 1,001, file " + output + "\n"; stdout.String() != want {
		t.Errorf("export summary = %q, want %q", stdout.String(), want)
	}

	env, stdout, stderr = testEnv(database, "LANG=ru_RU.UTF-8")
	if code := run([]string{"export", "contacts", "-"}, env); code != exitOK {
		t.Fatalf("Russian export exit code %d; stderr %s", code, stderr.String())
	}
	if want := numberPrinter("ru").Sprintf("Выгружено контактов: %d, файл -\n", 1001); stderr.String() != want || !strings.Contains(want, "1\u00a0001") {
		t.Errorf("Russian export summary = %q, want %q with a no-break space between thousands", stderr.String(), want)
	}
}
