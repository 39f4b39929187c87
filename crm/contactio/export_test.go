package contactio

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// importAllTestdata fills db with the three valid test files.
func importAllTestdata(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	for _, name := range []string{"utf8_bom.csv", "windows1251_semicolon.csv", "quoted_newline.csv"} {
		importTestdata(t, db, name)
	}
}

func exportBytes(t *testing.T, db *pgxpool.Pool, opts ExportOptions) ([]byte, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := Export(testContext(t), db, &buf, opts)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes(), n
}

func TestExportFormatForRussianExcel(t *testing.T) {
	db := pgtest.New(t)
	importAllTestdata(t, db)
	data, n := exportBytes(t, db, ExportOptions{})

	if n != 11 {
		t.Errorf("exported %d contacts, want 11", n)
	}
	if !bytes.HasPrefix(data, utf8BOM) {
		t.Fatalf("export does not start with a UTF-8 byte order mark: % x", data[:min(len(data), 8)])
	}
	if !utf8.Valid(data) {
		t.Error("export is not valid UTF-8")
	}
	if bytes.Count(data, []byte("\n")) != bytes.Count(data, []byte("\r\n")) {
		t.Error("export has line feeds without a carriage return before them")
	}

	reader := csv.NewReader(bytes.NewReader(data[len(utf8BOM):]))
	reader.Comma = ';'
	records, err := reader.ReadAll()
	if err != nil {
		t.Fatalf("export is not a semicolon-separated CSV: %v", err)
	}
	wantHeader := "Фамилия;Имя;Отчество;Мобильный;Рабочий телефон;Домашний телефон;Факс;Телефон;Компания;Должность;E-mail;Теги;Комментарий;VIP"
	if got := strings.Join(records[0], ";"); got != wantHeader {
		t.Errorf("header %q, want %q", got, wantHeader)
	}
	if len(records) != n+1 {
		t.Errorf("%d records, want header and %d contacts", len(records), n)
	}

	byName := map[string][]string{}
	for _, record := range records[1:] {
		byName[record[0]+" "+record[1]] = record
	}
	ivanov := byName["Иванов Иван"]
	if ivanov == nil {
		t.Fatalf("no row for Иванов Иван in %q", records)
	}
	// Phones are in international format after a space, which keeps
	// spreadsheets from reading them as numbers or formulas, and without the
	// apostrophe that LibreOffice Calc shows.
	if got := ivanov[3]; got != " +7 916 123-45-67" {
		t.Errorf("Иванов mobile cell %q, want \" +7 916 123-45-67\"", got)
	}
	if got := ivanov[7]; got != " +7 495 123-45-67" {
		t.Errorf("Иванов phone cell %q, want \" +7 495 123-45-67\"", got)
	}
	if got := ivanov[13]; got != "да" {
		t.Errorf("Иванов VIP cell %q, want да", got)
	}
	if got := byName["Новиков Игорь"][7]; got != " +7 495 222-33-44 доб. 105" {
		t.Errorf("Новиков phone cell %q, want the extension after доб.", got)
	}
	if got := byName["Сидоров Пётр"][3]; got != " +7 903 111-22-33, +7 903 111-22-44" {
		t.Errorf("Сидоров mobile cell %q, want both numbers", got)
	}
	if got := ivanov[5]; got != "" {
		t.Errorf("Иванов home phone cell %q, want it empty", got)
	}
	for _, record := range records[1:] {
		for column := 3; column <= 7; column++ {
			if strings.Contains(record[column], "'") {
				t.Errorf("phone cell %q has an apostrophe", record[column])
			}
		}
	}
	if !bytes.Contains(data, []byte("\"Многострочный\r\nкомментарий\r\nиз трёх строк\"")) {
		t.Error("multi-line note is not written as one quoted cell with CRLF line breaks")
	}
	for _, record := range records {
		for _, cell := range record {
			if cell != "" && strings.ContainsAny(cell[:1], "=+-@") {
				t.Errorf("cell %q starts with a formula character", cell)
			}
		}
	}

	english, _ := exportBytes(t, db, ExportOptions{Lang: "en"})
	if !bytes.HasPrefix(english, append(append([]byte{}, utf8BOM...), "Last name;First name;Middle name;Mobile;"...)) {
		t.Errorf("English export header: %q", english[:min(len(english), 60)])
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	source := pgtest.New(t)
	importAllTestdata(t, source)
	// Values a spreadsheet would run as formulas, and text that needs quoting.
	importBytes(t, source, []byte(joinLines(
		"Фамилия,Имя,Телефон,Рабочий телефон,Компания,Комментарий,Теги,VIP",
		`"=HYPERLINK(""http://example.com"")",@SUM,+7 999 000-00-01,"+7 999 000-00-02, +7 999 000-00-03","-ООО; ""Тест""",-5,"+tag, a;b",да`,
		`Tab,	Lead,+7 999 000-00-04,,,"line one`+"\r\n"+`line two",,`,
	)), ImportOptions{Source: "formulas.csv"})
	want := loadContacts(t, source)
	if _, ok := want[`=HYPERLINK("http://example.com")|@SUM|`]; !ok {
		t.Fatalf("formula-like names not stored as written: %q", contactKeys(want))
	}

	for _, lang := range []string{"ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			data, n := exportBytes(t, source, ExportOptions{Lang: lang})

			target := pgtest.New(t)
			report := importBytes(t, target, data, ImportOptions{Source: "export.csv"})
			checkCounts(t, report, n, n, 0, 0)
			checkIssues(t, "warnings", report.Warnings)

			got := loadContacts(t, target)
			for _, key := range contactKeys(want) {
				if got[key].String() != want[key].String() {
					t.Errorf("round trip changed a contact:\n got %s\nwant %s", got[key], want[key])
				}
			}
			if !slices.Equal(contactKeys(got), contactKeys(want)) {
				t.Errorf("round trip contacts %q, want %q", contactKeys(got), contactKeys(want))
			}

			// Importing the export into the database it came from finds every
			// contact and changes nothing.
			before := snapshotTables(t, source)
			report = importBytes(t, source, data, ImportOptions{Source: "export.csv"})
			checkCounts(t, report, n, 0, n, 0)
			after := snapshotTables(t, source)
			for _, table := range crmTables {
				if table != "audit_log" && before[table] != after[table] {
					t.Errorf("re-import of the export changed %s", table)
				}
			}
		})
	}
}

func TestExportSkipsDeletedContacts(t *testing.T) {
	db := pgtest.New(t)
	importTestdata(t, db, "quoted_newline.csv")
	if _, err := db.Exec(testContext(t), `UPDATE contacts SET deleted_at = now() WHERE last_name = 'Козлов'`); err != nil {
		t.Fatalf("soft-delete contact: %v", err)
	}
	data, n := exportBytes(t, db, ExportOptions{})
	if n != 1 || bytes.Contains(data, []byte("Козлов")) {
		t.Errorf("exported %d contacts, want only the live one:\n%s", n, data)
	}
}
