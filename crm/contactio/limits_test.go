package contactio

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"maps"
	"runtime"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestCheckRecordSizes(t *testing.T) {
	header := "Фамилия;Телефон;Комментарий\n"
	row := "Иванов;+7 495 123-45-67;ok\n"
	bigValue := strings.Repeat("я", maxFieldBytes/2) // two bytes a letter, so exactly the limit
	cases := []struct {
		name string
		text string
		code Code // "" when the text passes
		line int
		size int
	}{
		{"ordinary file", header + row + row, "", 0, 0},
		{"value at the limit", header + "Иванов;+7 495 123-45-67;" + bigValue + "\n", "", 0, 0},
		{"quoted value at the limit", header + `Иванов;+7 495 123-45-67;"` + bigValue[2:] + `"` + "\n", "", 0, 0},
		{"value one byte over", header + row + "Иванов;+7 495 123-45-67;" + bigValue + "x\n",
			CodeFieldTooLarge, 3, maxFieldBytes + 1},
		{"quoted value over the limit after a multi-line note",
			header + `Иванов;+7 495 123-45-67;"line 1` + "\r\nline 2\r\n" + `""quoted"""` + "\r\n" + `Петров;"` + bigValue + `";x` + "\n",
			CodeFieldTooLarge, 5, maxFieldBytes + 2},
		{"record over the limit", header + strings.Repeat(strings.Repeat("x", 60000)+";", 18) + "\n",
			CodeRecordTooLarge, 2, 18 * 60001},
		{"lines ended by a bare carriage return", strings.ReplaceAll(header+strings.Repeat(row, 50000), "\n", "\r"),
			CodeRecordTooLarge, 1, len(header) + 50000*len(row)},
		{"unclosed quote", header + row + `Петров;"+7 495 765-43-21;x` + "\n" + row,
			CodeUnclosedQuote, 3, len(`"+7 495 765-43-21;x`+"\n") + len(row)},
		{"unclosed quote swallowing a big file", header + row + `Петров;+7 495 765-43-21;"Позвонить` + "\n" + strings.Repeat(row, 100000),
			CodeUnclosedQuote, 3, len(`"Позвонить`+"\n") + 100000*len(row)},
		{"unclosed quote in the header", `Фамилия;"Телефон` + "\n" + row, CodeUnclosedQuote, 1, len(`"Телефон`+"\n") + len(row)},
		// encoding/csv reports these itself, after reading one short line.
		{"bare quote", header + `Петров;Пётр "Петя";x` + "\n" + row, "", 0, 0},
		{"text after a closing quote", header + `"Петров"x;+7 495 765-43-21;x` + "\n", "", 0, 0},
		// encoding/csv would read the whole line before it reports the quote.
		{"bare quote on a long line", header + `Пётр "Петя";` + strings.Repeat("x;", maxRecordBytes/2) + "\n",
			CodeRecordTooLarge, 2, len(`Пётр "Петя";`) + maxRecordBytes},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRecordSizes(tc.text, ';', "big.csv")
			if tc.code == "" {
				if err != nil {
					t.Fatalf("checkRecordSizes: %v, want no error", err)
				}
				return
			}
			var fileErr *FileError
			if !errors.As(err, &fileErr) {
				t.Fatalf("checkRecordSizes returned %v, want a *FileError", err)
			}
			if fileErr.Code != tc.code || fileErr.Line != tc.line || fileErr.Size != tc.size {
				t.Errorf("got %s at line %d, size %d; want %s at line %d, size %d",
					fileErr.Code, fileErr.Line, fileErr.Size, tc.code, tc.line, tc.size)
			}
		})
	}
}

func TestCheckRecordSizesAgreesWithCSVReader(t *testing.T) {
	// Texts within the limits that encoding/csv accepts must pass the scan.
	texts := []string{
		readTestdataString(t, "quoted_newline.csv"),
		string(bytes.TrimPrefix(readTestdata(t, "utf8_bom.csv"), utf8BOM)),
		"a;b\r\n\"\";\"\"\"\"\r\n\"x\r\ny\";z",
		"a;b\n\"last\"",
		"a;b\n\"last\"\r",
	}
	for _, text := range texts {
		delimiter := detectDelimiter(text)
		if err := checkRecordSizes(text, delimiter, "ok.csv"); err != nil {
			t.Errorf("checkRecordSizes(%q): %v", text[:min(len(text), 40)], err)
		}
		if _, err := parseFile(context.Background(), []byte(text), EncodingUTF8, delimiter, newTestNormalizer(t), "ok.csv"); err != nil {
			var fileErr *FileError
			if errors.As(err, &fileErr) && (fileErr.Code == CodeFieldTooLarge || fileErr.Code == CodeRecordTooLarge || fileErr.Code == CodeUnclosedQuote) {
				t.Errorf("parseFile(%q): %v", text[:min(len(text), 40)], err)
			}
		}
	}
}

func readTestdataString(t *testing.T, name string) string {
	t.Helper()
	return string(readTestdata(t, name))
}

func TestSizeErrorMessages(t *testing.T) {
	cases := []struct {
		issue Issue
		en    []string
		ru    []string
	}{
		{
			Issue{Code: CodeRecordTooLarge, Line: 1, Count: maxRecordBytes >> 20, Size: 104857600},
			[]string{"line 1:", "104,857,600 bytes", "1 MiB", "split the file", "delimiter", "quoting"},
			[]string{"строка 1:", "104 857 600", "1 МиБ", "разбейте файл", "разделитель", "кавычки"},
		},
		{
			Issue{Code: CodeFieldTooLarge, Line: 7, Count: maxFieldBytes >> 10, Size: 70000},
			[]string{"line 7:", "70,000 bytes", "64 KiB", "quoting", "delimiter"},
			[]string{"строка 7:", "70 000", "64 КиБ", "кавычки", "разделитель"},
		},
		{
			Issue{Code: CodeUnclosedQuote, Line: 3, Size: 2500000},
			[]string{"line 3:", "opens on this line", "never closed", "rest of the file", "2,500,000 bytes"},
			[]string{"строка 3:", "открытая в этой строке", "не закрыта", "остаток файла", "2 500 000"},
		},
	}
	for _, tc := range cases {
		for lang, words := range map[string][]string{"en": tc.en, "ru": tc.ru} {
			// The Russian locale groups thousands with a no-break space.
			message := strings.ReplaceAll(tc.issue.Message(lang), "\u00a0", " ")
			for _, word := range words {
				if !strings.Contains(message, word) {
					t.Errorf("%s %s message %q lacks %q", tc.issue.Code, lang, message, word)
				}
			}
		}
	}
}

// TestParseOneLineFileMemory checks that a file of one huge line is refused
// before the CSV reader buffers it. Without the size check, encoding/csv
// allocates the line several times over while it reads it.
func TestParseOneLineFileMemory(t *testing.T) {
	const size = 16 << 20
	data := append([]byte("Фамилия;Телефон;"), bytes.Repeat([]byte("x;"), size/2)...)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := parseFile(context.Background(), data, "", 0, newTestNormalizer(t), "one-line.csv")
	runtime.ReadMemStats(&after)

	var fileErr *FileError
	if !errors.As(err, &fileErr) || fileErr.Code != CodeRecordTooLarge || fileErr.Line != 1 {
		t.Fatalf("parseFile returned %v, want record_too_large on line 1", err)
	}
	// Decoding makes one copy of the file as text; the scan allocates nothing.
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 2*size {
		t.Errorf("parsing a %d MiB line allocated %d MiB, want at most twice the file", size>>20, allocated>>20)
	}
}

func TestImportOversizedFileLeavesDatabaseUnchanged(t *testing.T) {
	db := pgtest.New(t)
	importTestdata(t, db, "utf8_bom.csv")
	before := snapshotTables(t, db)

	rows := strings.Repeat("Иванов;Иван;+7 495 123-45-67\n", 20000)
	cases := []struct {
		name string
		data []byte
		code Code
		line int
	}{
		{"one line of 4 MiB", append([]byte("Фамилия;Имя;Телефон;"), bytes.Repeat([]byte("Иван;"), 800000)...), CodeRecordTooLarge, 1},
		{"value of 100 KiB", []byte("Фамилия;Имя;Телефон\n" + rows + "Петров;" + strings.Repeat("x", 100<<10) + ";+7 495 123-45-67\n"),
			CodeFieldTooLarge, 20002},
		{"unclosed quote swallowing the file", []byte("Фамилия;Имя;Телефон\nПетров;\"Пётр;+7 495 765-43-21\n" + rows),
			CodeUnclosedQuote, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			report, err := Import(testContext(t), db, bytes.NewReader(tc.data), ImportOptions{Source: "big.csv"})
			var fileErr *FileError
			if !errors.As(err, &fileErr) {
				t.Fatalf("Import returned %v (report %+v), want a *FileError", err, report)
			}
			if fileErr.Code != tc.code || fileErr.Line != tc.line {
				t.Errorf("error %s at line %d, want %s at line %d: %v", fileErr.Code, fileErr.Line, tc.code, tc.line, err)
			}
			for _, lang := range []string{"en", "ru"} {
				if message := ErrorMessage(err, lang); !strings.HasPrefix(message, "big.csv: ") || strings.Contains(message, "%!") {
					t.Errorf("%s message %q lacks the file name or has a formatting error", lang, message)
				}
			}
			if after := snapshotTables(t, db); !maps.Equal(before, after) {
				t.Errorf("database changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// BenchmarkCheckRecordSizes scans the 13 MB file of BenchmarkImport100k, to
// show what the size check adds to every import.
func BenchmarkCheckRecordSizes(b *testing.B) {
	text := string(bytes.TrimPrefix(generateContactsFile(benchmarkRows, 1), utf8BOM))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if err := checkRecordSizes(text, ';', "bench.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCheckRecordSizes compares the scan with encoding/csv on inputs far below
// the limits. A text that encoding/csv reads must pass the scan, and a quote
// that the scan reports as never closed must make encoding/csv fail too.
func FuzzCheckRecordSizes(f *testing.F) {
	f.Add("a;b\n\"x\"\"y\";\"1\r\n2\"\r\n", uint8(0))
	f.Add("a,b\n\"open,1\n2,3\n", uint8(1))
	f.Add("a\tb\n\"x\"y\tz\n", uint8(2))
	f.Add("a;b\nc \"d\";e\n\"", uint8(0))
	delimiters := []rune{';', ',', '\t'}

	f.Fuzz(func(t *testing.T, text string, delimiterChoice uint8) {
		delimiter := delimiters[int(delimiterChoice)%len(delimiters)]
		scanErr := checkRecordSizes(text, delimiter, "fuzz.csv")

		reader := csv.NewReader(strings.NewReader(text))
		reader.Comma = delimiter
		reader.FieldsPerRecord = -1
		_, csvErr := reader.ReadAll()

		if csvErr == nil && scanErr != nil && len(text) <= maxFieldBytes {
			t.Fatalf("encoding/csv reads %q but the scan reports %v", text, scanErr)
		}
		var fileErr *FileError
		if errors.As(scanErr, &fileErr) && fileErr.Code == CodeUnclosedQuote && csvErr == nil {
			t.Fatalf("the scan reports an unclosed quote in %q that encoding/csv reads", text)
		}
	})
}
