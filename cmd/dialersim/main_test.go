package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

var tinyGrid = []string{"-agents", "3", "-p", "0.3", "-targets", "0.03", "-seeds", "2", "-hours", "0.1", "-warmup", "1m", "-search-steps", "1"}

func TestRunPrintsTable(t *testing.T) {
	for _, tc := range []struct{ lang, row, check string }{
		{"en", "| predictive |", "within the 3.0 % target"},
		{"ru", "| предиктивная |", "цели 3.0 %"},
	} {
		var out, errOut bytes.Buffer
		args := append([]string{"-lang", tc.lang}, tinyGrid...)
		if code := run(context.Background(), args, &out, &errOut); code != 0 {
			t.Fatalf("%s: exit code %d, stderr %q", tc.lang, code, errOut.String())
		}
		text := out.String()
		if !strings.Contains(text, tc.row) {
			t.Errorf("%s: output has no predictive row:\n%s", tc.lang, text)
		}
		if got := strings.Count(text, "\n| 3 | 0.30 | 3.0 % |"); got != 5 {
			t.Errorf("%s: %d table rows for the cell, want 5 (one per policy)", tc.lang, got)
		}
		if !strings.Contains(text, tc.check) && !strings.Contains(text, "OVER") && !strings.Contains(text, "ВЫШЕ") {
			t.Errorf("%s: output has no check line for the cell:\n%s", tc.lang, text)
		}
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	cases := []struct {
		args []string
		word string
	}{
		{[]string{"-agents", "ten"}, "-agents"},
		{[]string{"-p", "0.3,x"}, "-p"},
		{[]string{"-lang", "de"}, "-lang"},
		{[]string{"-hours", "0"}, "-hours"},
		{[]string{"-handle", "gamma"}, "gamma"},
		{[]string{"-seeds", "1"}, "seeds"},
	}
	for _, tc := range cases {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errOut)
		if code == 0 {
			t.Errorf("run %v: exit code 0, want an error", tc.args)
		}
		if !strings.Contains(errOut.String(), tc.word) {
			t.Errorf("run %v: stderr %q does not name %q", tc.args, errOut.String(), tc.word)
		}
	}
}
