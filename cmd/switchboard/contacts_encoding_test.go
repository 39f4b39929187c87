package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// TestImportKOI8REncodingFlag imports a KOI8-R file too short to detect: without
// --encoding the report warns and names the flag value, and with
// --encoding koi8-r the name is stored right.
func TestImportKOI8REncodingFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	encoded, err := charmap.KOI8R.NewEncoder().String("Last name;Phone\r\nЦОЙ;+7 495 123-45-67\r\n")
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(dir, "short.csv")
	if err := os.WriteFile(input, []byte(encoded), 0o600); err != nil {
		t.Fatal(err)
	}

	guessed := pgtest.New(t)
	env, stdout, stderr := testEnv("SWITCHBOARD_DATABASE_URL="+guessed.Config().ConnString(), "LANG=ru_RU.UTF-8")
	if code := run([]string{"import", "contacts", input}, env); code != exitOK {
		t.Fatalf("import exit code %d; stderr %s", code, stderr.String())
	}
	for _, want := range []string{"кодировка windows-1251", "Предупреждения:", "с кодировкой koi8-r"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("report without --encoding lacks %q:\n%s", want, stdout.String())
		}
	}

	forced := pgtest.New(t)
	env, stdout, stderr = testEnv("SWITCHBOARD_DATABASE_URL="+forced.Config().ConnString(), "LANG=en_US.UTF-8")
	if code := run([]string{"import", "contacts", input, "--encoding", "koi8-r"}, env); code != exitOK {
		t.Fatalf("import --encoding koi8-r exit code %d; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "encoding koi8-r") || strings.Contains(stdout.String(), "Warnings:") {
		t.Errorf("report with --encoding koi8-r:\n%s", stdout.String())
	}
	var name string
	if err := forced.QueryRow(t.Context(), `SELECT last_name FROM contacts`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "ЦОЙ" {
		t.Errorf("stored last name %q, want ЦОЙ", name)
	}
}

// TestImportKOI8RAdviceWorks follows the report's advice for a KOI8-R file read as
// Windows-1251: a plain re-import keeps the garbled name, while deleting the contact and
// importing with --encoding koi8-r stores the right one.
func TestImportKOI8RAdviceWorks(t *testing.T) {
	t.Parallel()
	encoded, err := charmap.KOI8R.NewEncoder().String("Last name;Phone\r\nЦОЙ;+7 495 123-45-67\r\n")
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(t.TempDir(), "short.csv")
	if err := os.WriteFile(input, []byte(encoded), 0o600); err != nil {
		t.Fatal(err)
	}
	pool := pgtest.New(t)
	importFile := func(lang string, args ...string) string {
		t.Helper()
		env, stdout, stderr := testEnv("SWITCHBOARD_DATABASE_URL="+pool.Config().ConnString(), "LANG="+lang)
		if code := run(append([]string{"import", "contacts", input}, args...), env); code != exitOK {
			t.Fatalf("import %v: exit code %d; stderr %s", args, code, stderr.String())
		}
		return stdout.String()
	}
	liveName := func() (int64, string) {
		t.Helper()
		var id int64
		var name string
		if err := pool.QueryRow(t.Context(), `SELECT id, last_name FROM contacts WHERE deleted_at IS NULL`).Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		return id, name
	}

	report := importFile("en_US.UTF-8")
	if want := "delete the contacts created from this file and import it again with the encoding set to koi8-r"; !strings.Contains(report, want) {
		t.Errorf("English report lacks %q:\n%s", want, report)
	}
	id, garbled := liveName()
	if garbled == "ЦОЙ" {
		t.Fatalf("the guessed encoding read the name right, so the file does not test the advice")
	}

	// A re-import merges by phone and keeps the stored name, so it cannot be the advice.
	importFile("en_US.UTF-8", "--encoding", "koi8-r")
	if _, name := liveName(); name != garbled {
		t.Errorf("re-import changed the stored name to %q; the advice can be simpler", name)
	}

	if err := storage.NewContacts(pool, nil).Delete(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	importFile("ru_RU.UTF-8", "--encoding", "koi8-r")
	if _, name := liveName(); name != "ЦОЙ" {
		t.Errorf("after delete and import with koi8-r the name is %q, want ЦОЙ", name)
	}

	pool2 := pgtest.New(t)
	env, stdout, _ := testEnv("SWITCHBOARD_DATABASE_URL="+pool2.Config().ConnString(), "LANG=ru_RU.UTF-8")
	if code := run([]string{"import", "contacts", input}, env); code != exitOK {
		t.Fatalf("Russian import: exit code %d", code)
	}
	if want := "удалите созданные из этого файла контакты и импортируйте его снова с кодировкой koi8-r"; !strings.Contains(stdout.String(), want) {
		t.Errorf("Russian report lacks %q:\n%s", want, stdout.String())
	}
}
