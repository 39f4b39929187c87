package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFileErrorsInRussian checks that the common file errors of import, export and
// campaign leads come out in Russian, with the path and no English reason.
func TestFileErrorsInRussian(t *testing.T) {
	cli := newUserCLI(t)
	cli.mustRun("", "campaign", "add", "spring", "--queue", "sales")
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.csv")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"import", "contacts", missing}, "не удалось открыть " + missing + ": нет такого файла или папки"},
		{[]string{"import", "contacts", dir}, "не удалось открыть " + dir + ": это папка, а не файл"},
		{[]string{"campaign", "leads", "spring", missing}, "не удалось открыть " + missing + ": нет такого файла или папки"},
		{[]string{"campaign", "leads", "spring", dir}, "не удалось открыть " + dir + ": это папка, а не файл"},
		{[]string{"export", "contacts", filepath.Join(dir, "absent", "out.csv")}, "не удалось записать " + filepath.Join(dir, "absent", "out.csv") + ": нет такого файла или папки"},
		{[]string{"export", "contacts", dir}, "не удалось записать " + dir + ": это папка, а не файл"},
	}
	for _, tc := range cases {
		code, _, stderr := cli.run("", append([]string{"--lang", "ru"}, tc.args...)...)
		if code != exitError || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, exitError, tc.want)
		}
		if strings.Contains(stderr, "no such file") || strings.Contains(stderr, "is a directory") {
			t.Errorf("%v: Russian error contains the English reason: %s", tc.args, stderr)
		}
	}

	code, _, stderr := cli.run("", "import", "contacts", missing)
	if want := "cannot open " + missing + ": no such file or folder"; code != exitError || !strings.Contains(stderr, want) {
		t.Errorf("English missing file: exit %d, stderr %q; want %q", code, stderr, want)
	}
}

// TestFileReasonOfPermission covers permission denied without a file, because the tests
// may run as root, who may read any file.
func TestFileReasonOfPermission(t *testing.T) {
	err := &fs.PathError{Op: "open", Path: "/x.csv", Err: fs.ErrPermission}
	if got := fileReasonOf(err); got.en != "permission denied" || got.ru != "нет прав доступа" {
		t.Errorf("reason of %v = %+v", err, got)
	}
	other := &fs.PathError{Op: "open", Path: "/x.csv", Err: fmt.Errorf("input/output error")}
	if got := fileReasonOf(other); got.en != "input/output error" || got.ru != "input/output error" {
		t.Errorf("reason of %v = %+v, want the system's text in both languages", other, got)
	}
	if _, err := os.Open(filepath.Join(t.TempDir(), "none")); fileReasonOf(err).ru != "нет такого файла или папки" {
		t.Errorf("reason of a missing file = %+v", fileReasonOf(err))
	}
}
