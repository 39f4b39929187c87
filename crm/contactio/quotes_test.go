package contactio

import (
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func readRecordsText(t *testing.T, text string) Records {
	t.Helper()
	records, err := ReadRecords([]byte(text), ReadOptions{Source: "test.csv"})
	if err != nil {
		t.Fatalf("ReadRecords: %v", err)
	}
	return records
}

func readRecordsError(t *testing.T, text string) *FileError {
	t.Helper()
	records, err := ReadRecords([]byte(text), ReadOptions{Source: "bad.csv"})
	var fileErr *FileError
	if !errors.As(err, &fileErr) {
		t.Fatalf("ReadRecords returned %v (records %+v), want a *FileError", err, records)
	}
	return fileErr
}

func TestBareQuotesKeptInValues(t *testing.T) {
	records := readRecordsText(t, strings.Join([]string{
		"Фамилия;Компания;Телефон;Комментарий",
		`Иванов;ООО "Ромашка";+7 495 123-45-67;`,
		// A quoted value with a line break and doubled quotes still reads as one value.
		`Петров;"ООО ""Кедр""";+7 495 123-45-68;"первая`,
		`вторая"`,
		`Сидоров;ИП "Сидоров" и партнёры;+7 495 123-45-69;"Звонить ""после"" обеда"`,
		// A quote at the end of the input, after a carriage return that encoding/csv drops.
		`Орлов;АО "Вектор"`,
	}, "\r\n")+";+7 495 123-45-70;\r")

	want := []Record{
		{Line: 2, Cells: []string{"Иванов", `ООО "Ромашка"`, "+7 495 123-45-67", ""}},
		{Line: 3, Cells: []string{"Петров", `ООО "Кедр"`, "+7 495 123-45-68", "первая\nвторая"}},
		{Line: 5, Cells: []string{"Сидоров", `ИП "Сидоров" и партнёры`, "+7 495 123-45-69", `Звонить "после" обеда`}},
		{Line: 6, Cells: []string{"Орлов", `АО "Вектор"`, "+7 495 123-45-70", ""}},
	}
	if !reflect.DeepEqual(records.Rows, want) {
		t.Errorf("rows:\n%+v\nwant:\n%+v", records.Rows, want)
	}

	if len(records.Warnings) != 1 {
		t.Fatalf("warnings %+v, want one lenient_quotes", records.Warnings)
	}
	warning := records.Warnings[0]
	if warning.Code != CodeLenientQuotes || warning.Line != 2 || warning.Value != `ООО "Ромашка"` || warning.Count != 3 {
		t.Errorf("warning %+v, want lenient_quotes on line 2 naming ООО \"Ромашка\" with count 3", warning)
	}
	messages := map[string]string{
		"en": `line 2: values with double quotes that are not enclosed in quotes were imported with the quotes as written (3 in all, the first: ООО "Ромашка"): check them, and to import without this warning enclose each such value in double quotes and double every quote inside it`,
		"ru": `строка 2: значения с двойными кавычками, не заключённые в кавычки, импортированы с кавычками как есть (всего: 3, первое: ООО "Ромашка"): проверьте их, а чтобы импортировать без этого предупреждения, заключите каждое такое значение в двойные кавычки и удвойте каждую кавычку внутри`,
	}
	for lang, want := range messages {
		if got := warning.Message(lang); got != want {
			t.Errorf("Message(%s) = %q, want %q", lang, got, want)
		}
	}
}

func TestBareQuotesWithTrailingEmptyCells(t *testing.T) {
	// Excel pads rows with delimiters, and a few more empty cells than the
	// header are harmless.
	records := readRecordsText(t, joinLines("Фамилия,Компания,Телефон", `Иванов,ООО "Ромашка",+7 495 123-45-67,,`))
	if got := records.Rows[0].Cells[1]; got != `ООО "Ромашка"` {
		t.Errorf("company %q, want ООО \"Ромашка\"", got)
	}
}

func TestStrictFileHasNoQuoteWarning(t *testing.T) {
	records := readRecordsText(t, joinLines("Фамилия;Компания", `Иванов;"ООО ""Ромашка"""`))
	if len(records.Warnings) != 0 {
		t.Errorf("warnings %+v for a correctly quoted file, want none", records.Warnings)
	}
}

// A bare quote in a record whose cell count differs from the header's was
// probably meant to open a value with a line break or a delimiter, so the file
// is rejected as before, pointing at that quote.
func TestBareQuoteWithWrongCellCount(t *testing.T) {
	cases := []struct {
		name        string
		text        string
		line        int
		quoteLine   string
		quoteColumn int
	}{
		{
			name: "fewer cells",
			text: joinLines("Фамилия;Имя;Телефон", "Иванов;Иван;+7 495 123-45-67", `Петров "Петя";+7 495 765-43-21`),
			line: 3, quoteLine: "3", quoteColumn: 8,
		},
		{
			name: "delimiter inside the quotes",
			text: joinLines("Фамилия;Компания;Телефон", `Иванов;ООО "Ромашка; филиал";+7 495 123-45-67`),
			line: 2, quoteLine: "2", quoteColumn: 12,
		},
		{
			name: "line break inside the quotes",
			text: joinLines("Фамилия;Адрес;Телефон", `Иванов; "ул. Ленина,`, ` д. 5";+7 495 123-45-67`),
			line: 2, quoteLine: "2", quoteColumn: 9,
		},
		{
			name: "after a quoted line break in the same record",
			text: joinLines("Фамилия;Комментарий;Компания;Телефон", `Иванов;"раз`, `два";ООО "Ромашка"`, "Петров;;;+7 495 123-45-67"),
			line: 2, quoteLine: "3", quoteColumn: 10,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fileErr := readRecordsError(t, tc.text)
			if fileErr.Code != CodeBareQuote || fileErr.Line != tc.line {
				t.Errorf("error %s at line %d, want bare_quote at line %d: %v", fileErr.Code, fileErr.Line, tc.line, fileErr)
			}
			if fileErr.Value != tc.quoteLine || fileErr.Count != tc.quoteColumn {
				t.Errorf("quote at line %s column %d, want line %s column %d", fileErr.Value, fileErr.Count, tc.quoteLine, tc.quoteColumn)
			}
		})
	}
}

func TestUnclosedQuoteMessageUnchanged(t *testing.T) {
	fileErr := readRecordsError(t, string(readTestdata(t, "unclosed_quote.csv")))
	want := "bad.csv: line 3: a quote that opens on this line is never closed, so the value takes up the rest of the file (70 bytes): close the quote, and double each quote inside the value"
	if got := ErrorMessage(fileErr, "en"); got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}

func TestBareQuoteBeforeUnclosedQuote(t *testing.T) {
	// The bare quote on line 2 is read leniently, so the error is the quote on
	// line 4 that is never closed.
	fileErr := readRecordsError(t, joinLines(
		"Фамилия;Компания;Телефон",
		`Иванов;ООО "Ромашка";+7 495 123-45-67`,
		"Сидоров;;+7 495 111-22-33",
		`Петров;"ООО Кедр;+7 495 765-43-21`,
		"Орлов;;+7 495 222-33-44",
	))
	if fileErr.Code != CodeUnclosedQuote || fileErr.Line != 4 {
		t.Errorf("error %s at line %d, want unclosed_quote at line 4: %v", fileErr.Code, fileErr.Line, fileErr)
	}
	if want := len("\"ООО Кедр;+7 495 765-43-21\nОрлов;;+7 495 222-33-44\n"); fileErr.Size != want {
		t.Errorf("unclosed value of %d bytes, want %d", fileErr.Size, want)
	}
}

// A quote inside a quoted value must be doubled. Without that the value's end
// is ambiguous, so the file stays rejected, with the column an editor shows even
// when an earlier value on the line was read leniently.
func TestQuoteInsideQuotedValueRejected(t *testing.T) {
	cases := []struct {
		name string
		text string
	}{
		{"alone", joinLines("Фамилия;Компания;Телефон", `Иванов;"ООО "Ромашка"";+7 495 123-45-67`)},
		{"after a bare quote", joinLines("Фамилия;Компания;Телефон", `Иванов "Ваня";"ООО "Ромашка"";+7 495 123-45-67`)},
		{"after a bare quote on an earlier line", joinLines("Фамилия;Компания;Телефон",
			`Иванов;ООО "Ромашка";+7 495 123-45-67`, `Петров;"ООО "Кедр"";+7 495 765-43-21`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fileErr := readRecordsError(t, tc.text)
			if fileErr.Code != CodeTextAfterQuote {
				t.Fatalf("error %s, want text_after_quote: %v", fileErr.Code, fileErr)
			}

			// The same text with each bare quote replaced by a character of the
			// same width fails strictly at the same place.
			lines := strings.Split(tc.text, "\n")
			for i, line := range lines {
				if before, _, found := strings.Cut(line, `;"`); found {
					lines[i] = strings.ReplaceAll(before, `"`, "'") + line[len(before):]
				}
			}
			strict := readRecordsError(t, strings.Join(lines, "\n"))
			if fileErr.Issue != strict.Issue {
				t.Errorf("issue %+v, want %+v as for the strict file", fileErr.Issue, strict.Issue)
			}
		})
	}
}

func TestImportBareQuotes(t *testing.T) {
	db := pgtest.New(t)
	report := importBytes(t, db, []byte(joinLines(
		"Фамилия;Имя;Компания;Телефон",
		`Иванов;Иван;ООО "Ромашка";+7 495 123-45-67`,
		`Петрова;Анна;"АО ""Вектор""";+7 495 123-45-68`,
	)), ImportOptions{Source: "1c.csv"})

	checkCounts(t, report, 2, 2, 0, 0)
	checkIssues(t, "warnings", report.Warnings, "2:lenient_quotes")
	contacts := loadContacts(t, db)
	if got := mustContact(t, contacts, "Иванов|Иван|").Company; got != `ООО "Ромашка"` {
		t.Errorf("Иванов company %q, want ООО \"Ромашка\"", got)
	}
	if got := mustContact(t, contacts, "Петрова|Анна|").Company; got != `АО "Вектор"` {
		t.Errorf("Петрова company %q, want АО \"Вектор\"", got)
	}
}

// FuzzQuoteBareValues checks the lenient reading against encoding/csv. On a
// text where no value starts with a quote, every quote is a bare one, and
// LazyQuotes relaxes nothing else, so the two must read the same records on
// the same lines. On any text, the rewritten text never has a bare quote, and
// a text that encoding/csv reads strictly is left unchanged.
func FuzzQuoteBareValues(f *testing.F) {
	f.Add("a;b\nc \"d\";e\n", uint8(0))
	f.Add("a,b\r\nООО \"Р\",x\r\n\r\n\"q\"\"\",y\"\r", uint8(1))
	f.Add("a\tb\nx\"\ty\"\"\n\"open\n", uint8(2))
	f.Add("a;b\n\"x\"y;z\nc\"d;e\n", uint8(0))
	delimiters := []rune{';', ',', '\t'}

	f.Fuzz(func(t *testing.T, text string, delimiterChoice uint8) {
		delimiter := delimiters[int(delimiterChoice)%len(delimiters)]
		quoted := quoteBareValues(text, byte(delimiter))
		if quoted.cellMismatch != nil {
			return
		}

		strict, strictErr := readAll(text, delimiter, false)
		if strictErr == nil && quoted.text != text {
			t.Fatalf("text that encoding/csv reads was changed: %q -> %q", text, quoted.text)
		}
		rewritten, rewrittenErr := readAll(quoted.text, delimiter, false)
		if errors.Is(rewrittenErr, csv.ErrBareQuote) {
			t.Fatalf("%q rewritten as %q still has a bare quote: %v", text, quoted.text, rewrittenErr)
		}
		if strictErr == nil && !reflect.DeepEqual(strict, rewritten) {
			t.Fatalf("records differ for %q", text)
		}

		if startsQuotedValue(text, delimiter) {
			return
		}
		lazy, lazyErr := readAll(text, delimiter, true)
		if lazyErr != nil || rewrittenErr != nil {
			t.Fatalf("errors for %q without quoted values: lazy %v, rewritten %v", text, lazyErr, rewrittenErr)
		}
		if !reflect.DeepEqual(lazy, rewritten) {
			t.Fatalf("records of %q:\nlazy      %+v\nrewritten %+v", text, lazy, rewritten)
		}
	})
}

// readAll returns every record with the line where it starts.
func readAll(text string, delimiter rune, lazyQuotes bool) ([]Record, error) {
	reader := csv.NewReader(strings.NewReader(text))
	reader.Comma = delimiter
	reader.FieldsPerRecord = -1
	reader.LazyQuotes = lazyQuotes
	var records []Record
	for {
		cells, err := reader.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return records, nil
			}
			return records, err
		}
		line, _ := reader.FieldPos(0)
		records = append(records, Record{Line: line, Cells: cells})
	}
}

// startsQuotedValue reports whether any value of text starts with a quote,
// counting every delimiter and line feed as a boundary. That is exact only for
// texts without quoted values, which is what it is used to find.
func startsQuotedValue(text string, delimiter rune) bool {
	for i, r := range text {
		if r != '"' {
			continue
		}
		if i == 0 || slices.Contains([]byte{byte(delimiter), '\n'}, text[i-1]) {
			return true
		}
	}
	return false
}
