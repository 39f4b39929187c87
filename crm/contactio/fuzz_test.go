package contactio

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Patterns of the schema's CHECK constraints (phones_e164_valid,
// phones_extension_valid, emails_address_valid): a row that passes the parser
// must never fail them, or one bad row would abort a whole import.
var (
	e164Check      = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	extensionCheck = regexp.MustCompile(`^[0-9]{0,10}$`)
	emailCheck     = regexp.MustCompile(`^[^@\s]+@[^@\s]+$`)
)

// FuzzParseFile feeds arbitrary bytes to the decoder and parser. It checks that
// nothing panics, that a failure is always a *FileError, that every data row is
// counted once, that accepted rows satisfy the database constraints, and that
// parsing is deterministic.
func FuzzParseFile(f *testing.F) {
	for _, name := range []string{"utf8_bom.csv", "windows1251_semicolon.csv", "quoted_newline.csv", "unclosed_quote.csv", "koi8r_comma.csv"} {
		data := readTestdataForFuzz(f, name)
		f.Add(data, uint8(0), uint8(0))
	}
	f.Add([]byte("Фамилия;Телефон\n\"Иванов\"x;+7 495 123-45-67\n"), uint8(1), uint8(2))
	f.Add([]byte("ФИО\tТелефон\tТеги\nИванов Иван\t8 916 123 45 67 доб. 5\t a, b ;c\n"), uint8(0), uint8(3))
	f.Add([]byte("\xef\xbb\xbfName,Phone,Email\n'=1+2,+44 20 7946 0958,x@y.z\n"), uint8(2), uint8(1))

	normalizer := newTestNormalizer(f)
	encodings := []string{"", EncodingUTF8, EncodingWindows1251, EncodingKOI8R}
	delimiters := []rune{0, ',', ';', '\t'}

	f.Fuzz(func(t *testing.T, data []byte, encodingChoice, delimiterChoice uint8) {
		encoding := encodings[int(encodingChoice)%len(encodings)]
		delimiter := delimiters[int(delimiterChoice)%len(delimiters)]

		parsed, err := parseFile(context.Background(), data, encoding, delimiter, normalizer, "fuzz.csv")
		if err != nil {
			var fileErr *FileError
			if !errors.As(err, &fileErr) {
				t.Fatalf("error is not a *FileError: %v", err)
			}
			if message := ErrorMessage(err, "ru"); strings.Contains(message, "%!") && !strings.Contains(string(data), "%") {
				t.Fatalf("error message has a formatting error: %q", message)
			}
			return
		}

		if parsed.dataRows != parsed.rejected+len(parsed.rows) {
			t.Fatalf("%d data rows but %d rejected and %d accepted", parsed.dataRows, parsed.rejected, len(parsed.rows))
		}
		maxLine := strings.Count(string(data), "\n") + 1
		for _, issue := range append(append([]Issue{}, parsed.rejections...), parsed.warnings...) {
			if issue.Code == CodeEncodingUncertain && issue.Line == 0 {
				continue // a warning about the whole file
			}
			if issue.Line < 1 || issue.Line > maxLine {
				t.Fatalf("issue %+v has line %d outside 1..%d", issue, issue.Line, maxLine)
			}
			if !utf8.ValidString(issue.Value) || !utf8.ValidString(issue.Column) {
				t.Fatalf("issue %+v holds invalid UTF-8", issue)
			}
		}
		for _, row := range parsed.rows {
			checkRowFitsSchema(t, row)
		}

		grouped := 0
		for _, g := range groupRows(parsed.rows) {
			grouped += len(g.members)
			checkRowFitsSchema(t, g.contact)
		}
		if grouped != len(parsed.rows) {
			t.Fatalf("groups hold %d rows, want %d", grouped, len(parsed.rows))
		}

		again, err := parseFile(context.Background(), data, encoding, delimiter, normalizer, "fuzz.csv")
		if err != nil || !reflect.DeepEqual(parsed, again) {
			t.Fatalf("second parse differs (error %v)", err)
		}
	})
}

func checkRowFitsSchema(t *testing.T, row contactRow) {
	t.Helper()
	if row.lastName == "" && row.firstName == "" && row.middleName == "" {
		t.Fatalf("row on line %d accepted without a name", row.line)
	}
	if len(row.phones) == 0 && len(row.emails) == 0 {
		t.Fatalf("row on line %d accepted without a phone or e-mail", row.line)
	}
	for _, p := range row.phones {
		if !e164Check.MatchString(p.number.E164) || !extensionCheck.MatchString(p.number.Extension) {
			t.Fatalf("phone %q -> %+v fails the schema checks", p.raw, p.number)
		}
	}
	for _, e := range row.emails {
		if !emailCheck.MatchString(e) {
			t.Fatalf("e-mail %q fails the schema check", e)
		}
	}
	for _, tag := range row.tags {
		if tag == "" || tag != strings.TrimSpace(tag) || utf8.RuneCountInString(tag) > maxTagLength {
			t.Fatalf("tag %q fails the schema check", tag)
		}
	}
	if row.company != strings.TrimSpace(row.company) {
		t.Fatalf("company %q is not trimmed", row.company)
	}
	for _, s := range []string{row.lastName, row.firstName, row.middleName, row.company, row.position, row.note} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			t.Fatalf("value %q is not valid text for PostgreSQL", s)
		}
	}
}

func readTestdataForFuzz(f *testing.F, name string) []byte {
	f.Helper()
	data, err := readTestdataFile(name)
	if err != nil {
		f.Fatalf("read testdata: %v", err)
	}
	return data
}
