package contactio

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestImportUTF8WithBOM(t *testing.T) {
	db := pgtest.New(t)
	report := importTestdata(t, db, "utf8_bom.csv")

	if report.Encoding != EncodingUTF8 || !report.BOM || report.Delimiter != ',' {
		t.Errorf("detected %s bom=%t delimiter %q, want utf-8 with BOM and ','", report.Encoding, report.BOM, report.Delimiter)
	}
	// Line 5 repeats the phone of line 2. Line 6 has no name, and line 7 only an
	// invalid phone. Line 9 has an invalid phone but a valid e-mail.
	checkCounts(t, report, 8, 5, 1, 2)
	checkIssues(t, "rejections", report.Rejections, "6:no_name", "7:invalid_phone")
	checkIssues(t, "warnings", report.Warnings, "1:unknown_column", "9:invalid_phone")
	if got := report.Rejections[1].Value; got != "12345" {
		t.Errorf("rejection on line 7 names value %q, want 12345", got)
	}

	contacts := loadContacts(t, db)
	wantKeys := []string{"Smith|John|", "Иванов|Иван|Иванович", "Орлов|Олег|", "Петрова|Анна|Сергеевна", "Сидоров|Пётр|"}
	if keys := contactKeys(contacts); !slices.Equal(keys, wantKeys) {
		t.Fatalf("stored names %q, want %q", keys, wantKeys)
	}

	ivanov := mustContact(t, contacts, "Иванов|Иван|Иванович")
	if want := []string{"+74951234567 other", "+79161234567 mobile"}; !slices.Equal(ivanov.Phones, want) {
		t.Errorf("Иванов phones %v, want %v", ivanov.Phones, want)
	}
	if want := []string{"ivan@gmail.com", "ivanov@romashka.ru"}; !slices.Equal(ivanov.Emails, want) {
		t.Errorf("Иванов e-mails %v, want %v", ivanov.Emails, want)
	}
	if want := []string{"VIP", "клиент", "опт"}; !slices.Equal(ivanov.Tags, want) {
		t.Errorf("Иванов tags %v, want %v", ivanov.Tags, want)
	}
	if ivanov.Company != `ООО "Ромашка"` || ivanov.Position != "Директор" || !ivanov.VIP {
		t.Errorf("Иванов company %q position %q vip %t", ivanov.Company, ivanov.Position, ivanov.VIP)
	}
	if want := "Звонить после обеда\nВторой e-mail"; ivanov.Note != want {
		t.Errorf("Иванов note %q, want %q", ivanov.Note, want)
	}

	orlov := mustContact(t, contacts, "Орлов|Олег|")
	if len(orlov.Phones) != 0 || !slices.Equal(orlov.Emails, []string{"orlov@mail.ru"}) {
		t.Errorf("Орлов phones %v e-mails %v, want no phones and orlov@mail.ru", orlov.Phones, orlov.Emails)
	}
	if smith := mustContact(t, contacts, "Smith|John|"); !slices.Equal(smith.Phones, []string{"+442079460958 other"}) || !smith.VIP {
		t.Errorf("Smith phones %v vip %t", smith.Phones, smith.VIP)
	}
	if n := countRows(t, db, "companies"); n != 3 {
		t.Errorf("%d companies stored, want 3", n)
	}
	if n := countRows(t, db, "audit_log"); n != 1 {
		t.Errorf("%d audit log rows, want 1", n)
	}
}

func TestImportWindows1251Semicolons(t *testing.T) {
	data := readTestdata(t, "windows1251_semicolon.csv")
	if utf8.Valid(data) {
		t.Fatal("testdata/windows1251_semicolon.csv is valid UTF-8, so it does not test Windows-1251")
	}

	db := pgtest.New(t)
	report := importBytes(t, db, data, ImportOptions{Source: "windows1251_semicolon.csv"})

	if report.Encoding != EncodingWindows1251 || report.BOM || report.Delimiter != ';' {
		t.Errorf("detected %s bom=%t delimiter %q, want windows-1251 and ';'", report.Encoding, report.BOM, report.Delimiter)
	}
	// Line 4 shares the second phone of line 2. Line 5 has neither phone nor
	// e-mail. Line 7 has line 2's number with an extension, so it is another person.
	checkCounts(t, report, 6, 4, 1, 1)
	checkIssues(t, "rejections", report.Rejections, "5:no_contact")
	checkIssues(t, "warnings", report.Warnings)

	contacts := loadContacts(t, db)
	wantKeys := []string{"Волкова|Елена|", "Мамедов|Рашид|Гейдар оглы", "Новиков|Игорь|", "Смирнов|Алексей|Викторович"}
	if keys := contactKeys(contacts); !slices.Equal(keys, wantKeys) {
		t.Fatalf("stored names %q, want %q", keys, wantKeys)
	}
	smirnov := mustContact(t, contacts, "Смирнов|Алексей|Викторович")
	if want := "Звонить; после 18:00\nДубль"; smirnov.Note != want {
		t.Errorf("Смирнов note %q, want %q", smirnov.Note, want)
	}
	if want := []string{"+74952223344 other", "+79262223344 other"}; !slices.Equal(smirnov.Phones, want) {
		t.Errorf("Смирнов phones %v, want %v", smirnov.Phones, want)
	}
	if smirnov.Company != "ЗАО «Север»" || smirnov.Position != "Инженер" {
		t.Errorf("Смирнов company %q position %q", smirnov.Company, smirnov.Position)
	}
	novikov := mustContact(t, contacts, "Новиков|Игорь|")
	if want := []string{"+74952223344;ext=105 other"}; !slices.Equal(novikov.Phones, want) {
		t.Errorf("Новиков phones %v, want %v", novikov.Phones, want)
	}
	if novikov.Company != smirnov.Company {
		t.Errorf("Новиков company %q, want the same company as Смирнов", novikov.Company)
	}
	if n := countRows(t, db, "companies"); n != 2 {
		t.Errorf("%d companies stored, want 2 (ЗАО «Север» once, ИП Волкова)", n)
	}
}

func TestImportQuotedLineBreak(t *testing.T) {
	db := pgtest.New(t)
	report := importTestdata(t, db, "quoted_newline.csv")

	// Records span lines 2–3 and 4–7, so the invalid phone of the third record
	// is on physical line 8, and the fourth record, which shares Лебедева's
	// second number, is merged into her.
	checkCounts(t, report, 4, 2, 1, 1)
	checkIssues(t, "rejections", report.Rejections, "8:invalid_phone")

	contacts := loadContacts(t, db)
	if keys := contactKeys(contacts); !slices.Equal(keys, []string{"Козлов|Дмитрий|", "Лебедева|Ольга|"}) {
		t.Fatalf("stored names %q", keys)
	}
	kozlov := mustContact(t, contacts, "Козлов|Дмитрий|")
	if kozlov.Note != "Первая строка\nВторая строка" || kozlov.Company != `ООО "Кедр"` {
		t.Errorf("Козлов note %q company %q", kozlov.Note, kozlov.Company)
	}
	lebedeva := mustContact(t, contacts, "Лебедева|Ольга|")
	if want := []string{"+79110001122 other", "+79110001133 other"}; !slices.Equal(lebedeva.Phones, want) {
		t.Errorf("Лебедева phones %v, want %v", lebedeva.Phones, want)
	}
	if want := "Многострочный\nкомментарий\nиз трёх строк"; lebedeva.Note != want {
		t.Errorf("Лебедева note %q, want %q", lebedeva.Note, want)
	}
}

func TestImportMergesWithExistingContacts(t *testing.T) {
	db := pgtest.New(t)
	importBytes(t, db, []byte(joinLines(
		"Фамилия;Имя;Отчество;Телефон;Компания;Должность;E-mail;Теги;Комментарий",
		"Белов;Борис;;+7 495 100-00-01;;;belov@example.ru;старый;Первый звонок",
		"Чернов;Charles;Чарльзович;+7 495 100-00-02;Старая компания;Менеджер;;;",
		"Удалов;Ульян;;+7 495 100-00-03;;;;;",
		";Почта;;;;;only@example.ru;;",
	)), ImportOptions{Source: "first.csv"})

	// A deleted contact's phone must not attract new rows.
	if _, err := db.Exec(testContext(t), `UPDATE contacts SET deleted_at = now() WHERE last_name = 'Удалов'`); err != nil {
		t.Fatalf("soft-delete contact: %v", err)
	}
	before := snapshotTables(t, db)

	report := importBytes(t, db, []byte(joinLines(
		"Фамилия;Имя;Отчество;Телефон;Компания;Должность;E-mail;Теги;Комментарий",
		// Same number as Белов: fills the empty middle name, not the first name.
		"Другой;Богдан;Борисович;8 495 100-00-01, +7 916 100-00-01;Новая компания;Инженер;BELOV@example.ru;новый, Старый;Второй звонок",
		// Same number as Чернов: the company and position stay.
		"Чернов;;;+7 (495) 100-00-02;Новая компания;Директор;chernov@example.ru;;",
		// The deleted contact's number: a new contact.
		"Удалов;Ульян;;+7 495 100-00-03;;;;;",
		// No phone, same e-mail as the phone-less contact: merged by e-mail.
		"Почтовый;Павел;;;;;Only@Example.ru;;",
	)), ImportOptions{Source: "second.csv"})

	checkCounts(t, report, 4, 1, 3, 0)
	// Другой Богдан and Почтовый Павел name other people than the contacts
	// their phone and e-mail lead to.
	checkIssues(t, "warnings", report.Warnings, "2:name_differs", "5:name_differs")

	contacts := loadContacts(t, db)
	belov := mustContact(t, contacts, "Белов|Борис|Борисович")
	if want := []string{"+74951000001 other", "+79161000001 other"}; !slices.Equal(belov.Phones, want) {
		t.Errorf("Белов phones %v, want %v", belov.Phones, want)
	}
	if want := []string{"belov@example.ru"}; !slices.Equal(belov.Emails, want) {
		t.Errorf("Белов e-mails %v, want %v (the same address in another case is not added)", belov.Emails, want)
	}
	if want := []string{"новый", "старый"}; !slices.Equal(belov.Tags, want) {
		t.Errorf("Белов tags %v, want %v", belov.Tags, want)
	}
	if belov.Company != "Новая компания" || belov.Position != "Инженер" {
		t.Errorf("Белов company %q position %q, want the empty fields filled", belov.Company, belov.Position)
	}
	if want := "Первый звонок\nВторой звонок"; belov.Note != want {
		t.Errorf("Белов note %q, want %q", belov.Note, want)
	}

	chernov := mustContact(t, contacts, "Чернов|Charles|Чарльзович")
	if chernov.Company != "Старая компания" || chernov.Position != "Менеджер" {
		t.Errorf("Чернов company %q position %q, want the existing values kept", chernov.Company, chernov.Position)
	}
	if !slices.Equal(chernov.Emails, []string{"chernov@example.ru"}) {
		t.Errorf("Чернов e-mails %v, want chernov@example.ru added", chernov.Emails)
	}

	// The phone-less row found the phone-less contact by e-mail: its last name
	// filled the empty one, its first name did not replace the existing one.
	if _, ok := contacts["Почтовый|Почта|"]; !ok {
		t.Errorf("phone-less row was not merged by e-mail; stored: %q", contactKeys(contacts))
	}
	if _, ok := contacts["Удалов|Ульян|"]; !ok {
		t.Error("row with a deleted contact's number was not imported as a new contact")
	}
	var deleted int
	if err := db.QueryRow(testContext(t), `SELECT count(*) FROM contacts WHERE deleted_at IS NOT NULL`).Scan(&deleted); err != nil || deleted != 1 {
		t.Errorf("deleted contacts: %d (err %v), want the one deleted contact untouched", deleted, err)
	}

	after := snapshotTables(t, db)
	if before["contacts"] == after["contacts"] {
		t.Error("contacts unchanged by a merge that fills names")
	}

	// A row with a phone of Белов and one of Чернов goes to the older contact.
	report = importBytes(t, db, []byte(joinLines(
		"Фамилия;Телефон;Теги",
		`Смешанный;"+7 495 100-00-01; +7 495 100-00-02";общий`,
	)), ImportOptions{Source: "third.csv"})
	checkCounts(t, report, 1, 0, 1, 0)
	checkIssues(t, "warnings", report.Warnings, "2:several_contacts", "2:name_differs")
	if len(report.Warnings) == 2 && report.Warnings[0].Count != 2 {
		t.Errorf("several_contacts warning counts %d contacts, want 2", report.Warnings[0].Count)
	}
	contacts = loadContacts(t, db)
	if tags := mustContact(t, contacts, "Белов|Борис|Борисович").Tags; !slices.Contains(tags, "общий") {
		t.Errorf("Белов tags %v, want the row merged into Белов, the older contact", tags)
	}
	if tags := mustContact(t, contacts, "Чернов|Charles|Чарльзович").Tags; len(tags) != 0 {
		t.Errorf("Чернов tags %v, want none", tags)
	}
}

func TestImportTwiceChangesNothing(t *testing.T) {
	db := pgtest.New(t)
	importTestdata(t, db, "utf8_bom.csv")
	before := snapshotTables(t, db)

	report := importTestdata(t, db, "utf8_bom.csv")
	checkCounts(t, report, 8, 0, 6, 2)

	after := snapshotTables(t, db)
	for _, table := range crmTables {
		if table != "audit_log" && before[table] != after[table] {
			t.Errorf("second import changed %s: %s -> %s", table, before[table], after[table])
		}
	}
}

func TestImportMalformedFileLeavesDatabaseUnchanged(t *testing.T) {
	db := pgtest.New(t)
	importTestdata(t, db, "utf8_bom.csv")
	before := snapshotTables(t, db)

	cases := []struct {
		name string
		data []byte
		opts ImportOptions
		code Code
		line int
	}{
		{"unclosed quote", readTestdata(t, "unclosed_quote.csv"), ImportOptions{}, CodeUnclosedQuote, 3},
		{"bare quote in a row short of cells", []byte(joinLines("Фамилия;Имя;Телефон", "Иванов;Иван;+7 495 123-45-67", `Петров "Петя";+7 495 765-43-21`)),
			ImportOptions{}, CodeBareQuote, 3},
		{"text after closing quote", []byte(joinLines("Фамилия;Телефон", `"Иванов"x;+7 495 123-45-67`)),
			ImportOptions{}, CodeTextAfterQuote, 2},
		{"broken UTF-8 among Cyrillic", append([]byte(joinLines("Фамилия;Телефон", "Иванов;+7 495 123-45-67")), 0xD0, '\n'),
			ImportOptions{}, CodeInvalidUTF8, 3},
		{"Windows-1251 read as UTF-8", readTestdata(t, "windows1251_semicolon.csv"),
			ImportOptions{Encoding: "utf-8"}, CodeInvalidUTF8, 1},
		{"byte undefined in Windows-1251", append([]byte("Name;Phone\nA;+7 495 123-45-67\n"), 0x98, '\n'),
			ImportOptions{Encoding: "cp1251"}, CodeUndefinedByte, 3},
		{"BOM with Windows-1251 requested", readTestdata(t, "utf8_bom.csv"),
			ImportOptions{Encoding: "windows-1251"}, CodeBOMMismatch, 0},
		{"no header", []byte(joinLines("Иванов;Иван;+7 495 123-45-67")), ImportOptions{}, CodeNoHeader, 1},
		{"no phone column", []byte(joinLines("Фамилия;Имя;E-mail", "Иванов;Иван;i@example.ru")), ImportOptions{}, CodeNoPhoneColumn, 1},
		{"no name column", []byte(joinLines("Телефон;E-mail", "+7 495 123-45-67;i@example.ru")), ImportOptions{}, CodeNoNameColumn, 1},
		{"empty", []byte("\ufeff \r\n"), ImportOptions{}, CodeEmptyFile, 0},
		{"xlsx workbook", []byte("PK\x03\x04\x14\x00\x06\x00"), ImportOptions{}, CodeZipFile, 0},
		{"UTF-16", []byte("\xff\xfeФ\x00"), ImportOptions{}, CodeUTF16, 0},
		{"NUL byte", []byte("Фамилия;Телефон\nИванов\x00;+7 495 123-45-67\n"), ImportOptions{}, CodeBinary, 2},
		{"unknown encoding option", readTestdata(t, "quoted_newline.csv"), ImportOptions{Encoding: "cp866"}, CodeUnknownEncoding, 0},
		{"invalid delimiter option", readTestdata(t, "quoted_newline.csv"), ImportOptions{Delimiter: 'x'}, CodeInvalidDelimiter, 0},
		{"unknown region option", readTestdata(t, "quoted_newline.csv"), ImportOptions{Region: "XX"}, CodeUnknownRegion, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Source = "bad.csv"
			report, err := Import(testContext(t), db, bytes.NewReader(tc.data), tc.opts)
			var fileErr *FileError
			if !errors.As(err, &fileErr) {
				t.Fatalf("Import returned %v (report %+v), want a *FileError", err, report)
			}
			if fileErr.Code != tc.code || fileErr.Line != tc.line {
				t.Errorf("error %s at line %d, want %s at line %d: %v", fileErr.Code, fileErr.Line, tc.code, tc.line, err)
			}
			for _, lang := range []string{"en", "ru"} {
				message := ErrorMessage(err, lang)
				if !strings.HasPrefix(message, "bad.csv: ") || strings.Contains(message, "%!") {
					t.Errorf("%s message %q lacks the file name or has a formatting error", lang, message)
				}
			}
			if after := snapshotTables(t, db); !maps.Equal(before, after) {
				t.Errorf("database changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestImportRollsBackOnDatabaseError(t *testing.T) {
	db := pgtest.New(t)
	importTestdata(t, db, "quoted_newline.csv")

	// Tagging is the last step before the audit record; failing it must undo
	// the contacts, phones and tags written before it. The trigger must fire
	// although the import turns off foreign-key triggers where it can.
	_, err := db.Exec(testContext(t), `
CREATE FUNCTION test_reject_tagging() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'tagging disabled by test'; END $$;
CREATE TRIGGER test_reject_tagging BEFORE INSERT ON contact_tags
    FOR EACH ROW EXECUTE FUNCTION test_reject_tagging();`)
	if err != nil {
		t.Fatalf("install failing trigger: %v", err)
	}
	before := snapshotTables(t, db)

	_, err = Import(testContext(t), db, bytes.NewReader(readTestdata(t, "utf8_bom.csv")), ImportOptions{Source: "utf8_bom.csv"})
	if err == nil || !strings.Contains(err.Error(), "tagging disabled by test") {
		t.Fatalf("Import error %v, want the trigger's error", err)
	}
	var fileErr *FileError
	if errors.As(err, &fileErr) {
		t.Errorf("a database failure was reported as a file error: %v", err)
	}
	checkUnchangedExceptIDs(t, before, snapshotTables(t, db))
}

func TestImportConcurrentSameFile(t *testing.T) {
	db := pgtest.New(t)
	data := readTestdata(t, "utf8_bom.csv")

	const imports = 4
	reports := make([]Report, imports)
	errs := make([]error, imports)
	var wg sync.WaitGroup
	for i := range imports {
		wg.Go(func() {
			reports[i], errs[i] = Import(testContext(t), db, bytes.NewReader(data), ImportOptions{Source: "utf8_bom.csv"})
		})
	}
	wg.Wait()

	created := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		created += reports[i].Imported
	}
	if created != 5 {
		t.Errorf("concurrent imports created %d contacts in total, want 5 (the first creates, the rest merge)", created)
	}
	if n := countRows(t, db, "contacts"); n != 5 {
		t.Errorf("%d contacts stored, want 5", n)
	}
}

func TestImportHeaderOnlyWritesNothing(t *testing.T) {
	db := pgtest.New(t)
	before := snapshotTables(t, db)

	report := importBytes(t, db, []byte("Фамилия;Имя;Телефон\r\n;;\r\n"), ImportOptions{Source: "empty.csv"})
	checkCounts(t, report, 0, 0, 0, 0)
	if after := snapshotTables(t, db); !maps.Equal(before, after) {
		t.Errorf("a file without data rows changed the database:\nbefore %v\nafter  %v", before, after)
	}
}

func TestImportTabSeparatedWithOptions(t *testing.T) {
	db := pgtest.New(t)
	data := []byte(joinLines(
		"Full name\tWork phone\tEmail\tTags",
		"Jane Doe\t020 7946 0018\tjane@example.co.uk\tpartner",
	))

	// The number has no country code, so it is read in the region given.
	report := importBytes(t, db, data, ImportOptions{Source: "uk.tsv", Region: "GB", Delimiter: '\t', Encoding: "utf8"})
	checkCounts(t, report, 1, 1, 0, 0)
	jane := mustContact(t, loadContacts(t, db), "Doe|Jane|")
	if want := []string{"+442079460018 work"}; !slices.Equal(jane.Phones, want) {
		t.Errorf("phones %v, want %v", jane.Phones, want)
	}

	// Read as Russian, the same national number is invalid and the row has only
	// its e-mail left, so it is kept with a warning.
	db = pgtest.New(t)
	report = importBytes(t, db, data, ImportOptions{Source: "uk.tsv"})
	checkCounts(t, report, 1, 1, 0, 0)
	checkIssues(t, "warnings", report.Warnings, "2:invalid_phone")
}
