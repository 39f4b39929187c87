package contactio

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// encodeCodePage converts UTF-8 text to a single-byte code page. Characters
// the code page lacks (such as « » in KOI8-R) become a substitute byte.
func encodeCodePage(t *testing.T, table *charmap.Charmap, text string) []byte {
	t.Helper()
	data, err := encoding.ReplaceUnsupported(table.NewEncoder()).Bytes([]byte(text))
	if err != nil {
		t.Fatalf("encode %s: %v", table, err)
	}
	return data
}

func TestDetectCyrillicCodePage(t *testing.T) {
	long := string(bytes.TrimPrefix(generateContactsFile(2000, 7), utf8BOM))
	samples := map[string]string{
		"one capitalised surname": "Name;Phone\nИванов;+7 495 123-45-67\n",
		"surname in capitals":     "Name;Phone\nИВАНОВ;+7 495 123-45-67\n",
		"Russian header only":     "Фамилия;Имя;Телефон\n",
		"whole file in capitals":  "ФАМИЛИЯ;ИМЯ;ТЕЛЕФОН\nСМИРНОВ;ГЕННАДИЙ;+7 812 222-33-44\n",
		"rare letters":            "Фамилия;Телефон\nЩукин;+7 903 333-44-55\nЭдуард Цой;+7 903 333-44-56\n",
		"2000 generated rows":     long,
	}
	for name, text := range samples {
		for _, want := range []string{EncodingWindows1251, EncodingKOI8R} {
			t.Run(name+" in "+want, func(t *testing.T) {
				data := encodeCodePage(t, codePages[want], text)
				got, certain := detectCyrillicCodePage(data)
				if got != want || !certain {
					t.Errorf("detected %s (certain %t), want %s", got, certain, want)
				}
			})
		}
	}
}

func TestDetectCyrillicCodePageTooClose(t *testing.T) {
	// Neither text has a capitalised Cyrillic word, so only the letter
	// frequencies speak, and for so few letters they are not enough.
	samples := map[string]string{
		"one short word in capitals": "Name;Phone\nЦОЙ;+7 495 123-45-67\n",
		"number sign only":           "Name;Phone;Note\nSmith;+7 495 123-45-67;№ 5\n",
	}
	for name, text := range samples {
		for _, table := range []*charmap.Charmap{charmap.Windows1251, charmap.KOI8R} {
			t.Run(name+" in "+table.String(), func(t *testing.T) {
				got, certain := detectCyrillicCodePage(encodeCodePage(t, table, text))
				if got != EncodingWindows1251 || certain {
					t.Errorf("detected %s (certain %t), want an uncertain windows-1251", got, certain)
				}
			})
		}
	}
}

func TestDecodeWarnsWhenCodePageUncertain(t *testing.T) {
	data := encodeCodePage(t, charmap.Windows1251, "Name;Phone\nЦОЙ;+7 495 123-45-67\n")
	decoded, err := decode(data, "", "test.csv")
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if decoded.encoding != EncodingWindows1251 {
		t.Errorf("encoding %s, want windows-1251", decoded.encoding)
	}
	checkIssues(t, "warnings", decoded.warnings, "0:encoding_uncertain")

	// A forced encoding is never doubted.
	for _, forced := range []string{EncodingWindows1251, EncodingKOI8R} {
		decoded, err := decode(data, forced, "test.csv")
		if err != nil {
			t.Fatalf("decode as %s: %v", forced, err)
		}
		if decoded.encoding != forced || len(decoded.warnings) != 0 {
			t.Errorf("forced %s: got %s with warnings %v", forced, decoded.encoding, issueSummary(decoded.warnings))
		}
	}

	// The warning names both code pages and the way to force one, in both languages.
	for lang, words := range map[string][]string{
		"en": {"windows-1251", "koi8-r", "set windows-1251", "encoding set to koi8-r"},
		"ru": {"windows-1251", "koi8-r", "с кодировкой koi8-r", "укажите windows-1251"},
	} {
		message := decoded.warnings[0].Message(lang)
		for _, word := range words {
			if !strings.Contains(message, word) {
				t.Errorf("%s warning %q lacks %q", lang, message, word)
			}
		}
	}
}

func TestNormalizeEncodingNameKOI8R(t *testing.T) {
	for _, spelling := range []string{"koi8-r", "KOI8-R", "koi8r", "koi8_r", " koi8 ", "cp20866"} {
		if got, ok := normalizeEncodingName(spelling); !ok || got != EncodingKOI8R {
			t.Errorf("normalizeEncodingName(%q) = %q, %t; want koi8-r", spelling, got, ok)
		}
	}
	for _, spelling := range []string{"koi8-u", "cp866", "iso-8859-5"} {
		if _, ok := normalizeEncodingName(spelling); ok {
			t.Errorf("normalizeEncodingName(%q) accepted an unsupported encoding", spelling)
		}
	}
}

func TestImportKOI8R(t *testing.T) {
	data := readTestdata(t, "koi8r_comma.csv")
	if utf8.Valid(data) {
		t.Fatal("testdata/koi8r_comma.csv is valid UTF-8, so it does not test KOI8-R")
	}
	if got, _ := detectCyrillicCodePage(data); got != EncodingKOI8R {
		t.Fatalf("testdata/koi8r_comma.csv is detected as %s", got)
	}

	db := pgtest.New(t)
	report := importBytes(t, db, data, ImportOptions{Source: "koi8r_comma.csv"})
	if report.Encoding != EncodingKOI8R || report.BOM || report.Delimiter != ',' {
		t.Errorf("detected %s bom=%t delimiter %q, want koi8-r and ','", report.Encoding, report.BOM, report.Delimiter)
	}
	// Line 5 repeats the phone of line 4, and line 6 has no name.
	checkCounts(t, report, 5, 3, 1, 1)
	checkIssues(t, "rejections", report.Rejections, "6:no_name")
	checkIssues(t, "warnings", report.Warnings)

	contacts := loadContacts(t, db)
	wantKeys := []string{"Ёлкина|Анна|Петровна", "СМИРНОВ|ГЕННАДИЙ|", "Щукин|Эдуард|Юрьевич"}
	if keys := contactKeys(contacts); !slices.Equal(keys, wantKeys) {
		t.Fatalf("stored names %q, want %q", keys, wantKeys)
	}
	if c := mustContact(t, contacts, "Ёлкина|Анна|Петровна"); c.Company != "ЗАО Север" || c.Note != "Перезвонить в четверг" {
		t.Errorf("Ёлкина company %q note %q", c.Company, c.Note)
	}
	if c := mustContact(t, contacts, "Щукин|Эдуард|Юрьевич"); c.Company != `ООО "Щит"` || c.Note != "Повтор: объединится" {
		t.Errorf("Щукин company %q note %q", c.Company, c.Note)
	}

	var formatted bytes.Buffer
	if err := report.Format(&formatted, "ru"); err != nil {
		t.Fatalf("format report: %v", err)
	}
	if !strings.Contains(formatted.String(), "кодировка koi8-r") {
		t.Errorf("report does not name the encoding:\n%s", formatted.String())
	}
}

func TestImportEncodingOverride(t *testing.T) {
	data := readTestdata(t, "koi8r_comma.csv")

	// Forcing the wrong code page is obeyed: the header comes out garbled, so
	// no column is recognised.
	db := pgtest.New(t)
	_, err := Import(testContext(t), db, bytes.NewReader(data), ImportOptions{Source: "koi8r_comma.csv", Encoding: "cp1251"})
	var fileErr *FileError
	if !errors.As(err, &fileErr) || fileErr.Code != CodeNoHeader {
		t.Fatalf("import forced to windows-1251 returned %v, want a no_header error", err)
	}
	if want := "жБНЙМЙС"; !strings.Contains(fileErr.Value, want) {
		t.Errorf("header read as %q, want the KOI8-R bytes read as Windows-1251 (%s…)", fileErr.Value, want)
	}

	// A file too short to tell is read as Windows-1251 with a warning, and
	// forcing koi8-r reads it right without one.
	short := encodeCodePage(t, charmap.KOI8R, joinLines("Last name;Phone", "ЦОЙ;+7 495 123-45-67"))
	report := importBytes(t, db, short, ImportOptions{Source: "short.csv"})
	if report.Encoding != EncodingWindows1251 {
		t.Errorf("short file read as %s, want windows-1251", report.Encoding)
	}
	checkIssues(t, "warnings of the short file", report.Warnings, "0:encoding_uncertain")

	db = pgtest.New(t)
	report = importBytes(t, db, short, ImportOptions{Source: "short.csv", Encoding: "koi8-r"})
	checkIssues(t, "warnings with koi8-r forced", report.Warnings)
	mustContact(t, loadContacts(t, db), "ЦОЙ||")
}

// A UTF-8 line pasted into a Windows-1251 file is read garbled like the code page says, and the
// warning names its line and how to fix the file.
func TestDecodeWarnsAboutUTF8LineInCodePage(t *testing.T) {
	data := encodeCodePage(t, charmap.Windows1251, "Фамилия;Телефон\nИванов;+7 495 123-45-67\n")
	data = append(data, []byte("Уткин;+7 495 765-43-21\n")...)
	decoded, err := decode(data, "", "test.csv")
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if decoded.encoding != EncodingWindows1251 {
		t.Fatalf("encoding %s, want windows-1251", decoded.encoding)
	}
	checkIssues(t, "warnings", decoded.warnings, "3:mixed_encoding")
	for lang, word := range map[string]string{"en": "is in UTF-8", "ru": "строка в UTF-8"} {
		if message := decoded.warnings[0].Message(lang); !strings.Contains(message, word) || !strings.Contains(message, "windows-1251") {
			t.Errorf("%s warning %q lacks %q or the code page", lang, message, word)
		}
	}

	// A file wholly in the code page gets no such warning.
	clean, err := decode(encodeCodePage(t, charmap.Windows1251, "Фамилия;Телефон\nУткин;+7 495 765-43-21\n"), "", "test.csv")
	if err != nil || len(clean.warnings) != 0 {
		t.Errorf("clean Windows-1251 file: warnings %v, %v; want none", issueSummary(clean.warnings), err)
	}
}
