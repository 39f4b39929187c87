package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

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
