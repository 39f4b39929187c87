package contactio

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/language"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

func newTestNormalizer(t testing.TB) *phone.Normalizer {
	t.Helper()
	normalizer, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatalf("phone normalizer: %v", err)
	}
	return normalizer
}

func parseText(t *testing.T, text string) parsedFile {
	t.Helper()
	parsed, err := parseFile(context.Background(), []byte(text), "", 0, newTestNormalizer(t), "test.csv")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return parsed
}

func TestDetectDelimiter(t *testing.T) {
	cases := []struct {
		name   string
		header string
		want   rune
	}{
		{"comma", "Фамилия,Имя,Телефон\n", ','},
		{"semicolon", "Фамилия;Имя;Телефон\r\n", ';'},
		{"tab", "Фамилия\tИмя\tТелефон\n", '\t'},
		{"semicolon wins a tie", "Фамилия;Имя,Отчество\n", ';'},
		{"delimiters inside quotes ignored", "\"Фамилия, Имя, Отчество\";Телефон\n", ';'},
		{"only the first line counts", "Фамилия;Телефон\nИванов, Иван;1,2,3\n", ';'},
		{"single column defaults to comma", "Телефон\n", ','},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := detectDelimiter(tc.header); got != tc.want {
				t.Errorf("detectDelimiter(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}

func TestDecodeDetectsEncoding(t *testing.T) {
	cyrillic := "Фамилия;Телефон\nЁлкин;+7 495 123-45-67\n"
	windows1251, err := charmap.Windows1251.NewEncoder().String(cyrillic)
	if err != nil {
		t.Fatalf("encode Windows-1251: %v", err)
	}
	cases := []struct {
		name     string
		data     []byte
		encoding string
		want     string
		bom      bool
	}{
		{"UTF-8", []byte(cyrillic), "", EncodingUTF8, false},
		{"UTF-8 with BOM", append(append([]byte{}, utf8BOM...), cyrillic...), "", EncodingUTF8, true},
		{"Windows-1251", []byte(windows1251), "", EncodingWindows1251, false},
		{"ASCII read as Windows-1251 on request", []byte("Name,Phone\nA,1\n"), EncodingWindows1251, EncodingWindows1251, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode(tc.data, tc.encoding, "test.csv")
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got.encoding != tc.want || got.bom != tc.bom {
				t.Errorf("encoding %s bom=%t, want %s bom=%t", got.encoding, got.bom, tc.want, tc.bom)
			}
			if tc.want == EncodingUTF8 || tc.name == "Windows-1251" {
				if got.text != cyrillic {
					t.Errorf("text %q, want %q", got.text, cyrillic)
				}
			}
		})
	}
}

func TestExcelSeparatorLine(t *testing.T) {
	parsed := parseText(t, "sep=,\r\nФамилия,Телефон\r\nИванов,+7 495 123-45-67\r\n,12\r\n")
	if parsed.delimiter != ',' || parsed.dataRows != 2 {
		t.Errorf("delimiter %q and %d data rows, want ',' and 2", parsed.delimiter, parsed.dataRows)
	}
	// Line numbers still count the sep= line.
	checkIssues(t, "rejections", parsed.rejections, "4:no_name", "4:invalid_phone")
}

func TestNormalizeHeader(t *testing.T) {
	cases := map[string]field{
		"E-mail":                fieldEmail,
		" e mail ":              fieldEmail,
		"EMAIL":                 fieldEmail,
		"Эл. почта":             fieldEmail,
		"E-mail 2 Address":      fieldEmail,
		"ТЕЛЕФОН 2":             fieldPhone,
		"Рабочий  телефон":      fieldPhone,
		"Phone 1 - Value":       fieldPhone,
		"Ф.И.О.":                fieldFullName,
		"Full name":             fieldFullName,
		"Фамилия":               fieldLastName,
		"last_name":             fieldLastName,
		"Отчество":              fieldMiddleName,
		"Организация":           fieldCompany,
		"Job Title":             fieldPosition,
		"Тэги":                  fieldTags,
		"Примечание":            fieldNote,
		"Vip":                   fieldVIP,
		"Ёлочные игрушки":       fieldUnknown,
		"Дата рождения":         fieldUnknown,
		"Organization 1 - Name": fieldCompany,
	}
	for header, want := range cases {
		if got := headerNames[normalizeHeader(header)].field; got != want {
			t.Errorf("header %q maps to field %d, want %d", header, got, want)
		}
	}
}

func TestPhoneColumnKinds(t *testing.T) {
	parsed := parseText(t, joinLines(
		"Имя,Телефон,Мобильный,Рабочий телефон,Домашний,Факс",
		"Анна,+7 495 000-00-01,+7 916 000-00-02,+7 495 000-00-03,+7 495 000-00-04,+7 495 000-00-05",
	))
	var kinds []string
	for _, p := range parsed.rows[0].phones {
		kinds = append(kinds, p.kind)
	}
	if want := []string{"other", "mobile", "work", "home", "fax"}; !slices.Equal(kinds, want) {
		t.Errorf("phone kinds %v, want %v", kinds, want)
	}
}

func TestSplitFullName(t *testing.T) {
	cases := []struct {
		full                string
		last, first, middle string
	}{
		// Three Cyrillic words with a patronymic last: Фамилия Имя Отчество.
		{"Иванов Иван Иванович", "Иванов", "Иван", "Иванович"},
		{"Петрова Анна Сергеевна", "Петрова", "Анна", "Сергеевна"},
		{"Ёлкин Фёдор Ильич", "Ёлкин", "Фёдор", "Ильич"},
		{"Ильина Ольга Никитична", "Ильина", "Ольга", "Никитична"},
		{"Мамедов Рашид Гейдар оглы", "Мамедов", "Рашид", "Гейдар оглы"},
		{"Алиева Лейла Рашид кызы", "Алиева", "Лейла", "Рашид кызы"},
		{"Шостакович Дмитрий Дмитриевич", "Шостакович", "Дмитрий", "Дмитриевич"},
		// A patronymic second: Имя Отчество Фамилия.
		{"Иван Петрович Сидоров", "Сидоров", "Иван", "Петрович"},
		{"Анна Сергеевна Петрова", "Петрова", "Анна", "Сергеевна"},
		// Both look like patronymics: a known first name in front decides.
		{"Дмитрий Дмитриевич Шостакович", "Шостакович", "Дмитрий", "Дмитриевич"},
		{"Абрамович Роман Аркадьевич", "Абрамович", "Роман", "Аркадьевич"},
		// No patronymic at all: the Russian order stays.
		{"Иванов Иван Петров", "Иванов", "Иван", "Петров"},

		// Two Cyrillic words.
		{"  Петрова   Анна ", "Петрова", "Анна", ""},
		{"Мария Иванова", "Иванова", "Мария", ""},
		{"Иван Иванов", "Иванов", "Иван", ""},
		{"Иванов Иван", "Иванов", "Иван", ""},
		{"Марина Ильина", "Ильина", "Марина", ""},
		{"Ильина Марина", "Ильина", "Марина", ""},
		{"Виктор Цой", "Цой", "Виктор", ""},
		{"Цой Виктор", "Цой", "Виктор", ""},
		{"Роман Романов", "Романов", "Роман", ""},
		{"Дмитрий Шостакович", "Шостакович", "Дмитрий", ""},
		{"Лейла Алиева", "Алиева", "Лейла", ""},
		{"Армен Петросян", "Петросян", "Армен", ""},
		{"Ёлкина Алёна", "Ёлкина", "Алёна", ""},
		{"Анна Петровна", "", "Анна", "Петровна"},
		{"Смирнов А.В.", "Смирнов", "А.В.", ""},
		{"А.В. Смирнов", "Смирнов", "А.В.", ""},
		// Neither word gives a hint: the Russian order.
		{"Цой Ким", "Цой", "Ким", ""},

		// Latin script: First Middle Last.
		{"John Smith", "Smith", "John", ""},
		{"Maria Ivanova", "Ivanova", "Maria", ""},
		{"John Ronald Reuel Tolkien", "Tolkien", "John", "Ronald Reuel"},
		{"John Paul Jankovich", "Jankovich", "John", "Paul"},
		{"Roman Arkadyevich Abramovich", "Abramovich", "Roman", "Arkadyevich"},
		{"Smith J.", "Smith", "J.", ""},
		// A transliterated Russian name in the Russian order.
		{"Ivanov Ivan Ivanovich", "Ivanov", "Ivan", "Ivanovich"},
		{"Kim Anna Sergeevna", "Kim", "Anna", "Sergeevna"},

		// A comma after the surname.
		{"Smith, John", "Smith", "John", ""},
		{"Иванов, Иван Иванович", "Иванов", "Иван", "Иванович"},

		{"Мадонна", "", "Мадонна", ""},
		{"", "", "", ""},
	}
	for _, tc := range cases {
		last, first, middle := splitFullName(tc.full)
		if last != tc.last || first != tc.first || middle != tc.middle {
			t.Errorf("splitFullName(%q) = %q %q %q, want %q %q %q", tc.full, last, first, middle, tc.last, tc.first, tc.middle)
		}
	}
}

func TestImportedFullNameColumn(t *testing.T) {
	parsed := parseText(t, joinLines(
		"ФИО;Телефон",
		"Мария Иванова;+7 495 100-00-01",
		"Сидоров Пётр Ильич;+7 495 100-00-02",
		"John Smith;+7 495 100-00-03",
	))
	var got []string
	for _, row := range parsed.rows {
		got = append(got, row.lastName+"|"+row.firstName+"|"+row.middleName)
	}
	if want := []string{"Иванова|Мария|", "Сидоров|Пётр|Ильич", "Smith|John|"}; !slices.Equal(got, want) {
		t.Errorf("names %q, want %q", got, want)
	}
}

func TestParseRowRules(t *testing.T) {
	parsed := parseText(t, joinLines(
		"Фамилия;Имя;Телефон;E-mail;Теги;VIP",
		// Two numbers and an extension written after a comma.
		`Один;Первый;"+7 495 100-00-01, доб. 12; 8 916 100-00-01";;;да`,
		// An invalid second phone is a warning when another is valid.
		`Два;Второй;"+7 495 100-00-02, 123";;;maybe`,
		// An invalid e-mail with a valid one.
		`Три;Третий;;"bad@, three@example.ru";;`,
		// Formula protection removed.
		`'=Четыре;Четвёртый;'+7 495 100-00-04;;;`,
		// More non-empty cells than the header: the delimiter inside a value.
		`Пять;Пятый;+7 495 100-00-05;;;;ООО Пять`,
		// Empty trailing cells are fine.
		`Шесть;Шестой;+7 495 100-00-06;;;;;;`,
		"Семь;Седьмой;+7 495 100-00-07;;"+strings.Repeat("т", maxTagLength+1)+";",
		";;;;;",
		";;+7 495 100-00-09;;;",
		"Одиннадцать;;+7 495 100-00-11 доб. 12345678901;;;",
	))

	if parsed.dataRows != 9 {
		t.Errorf("%d data rows, want 9 (the blank row is skipped)", parsed.dataRows)
	}
	checkIssues(t, "rejections", parsed.rejections, "6:extra_cells", "8:value_too_long", "10:no_name", "11:extension_too_long")
	checkIssues(t, "warnings", parsed.warnings, "3:invalid_vip", "3:invalid_phone", "4:invalid_email")

	rows := map[string]contactRow{}
	for _, row := range parsed.rows {
		rows[row.lastName] = row
	}
	one := rows["Один"]
	var numbers []string
	for _, p := range one.phones {
		numbers = append(numbers, p.number.String())
	}
	if want := []string{"+74951000001;ext=12", "+79161000001"}; !slices.Equal(numbers, want) {
		t.Errorf("phones %v, want %v", numbers, want)
	}
	if !one.vip {
		t.Error("VIP да not read as yes")
	}
	if rows["Два"].vip {
		t.Error("VIP maybe read as yes")
	}
	if want := []string{"three@example.ru"}; !slices.Equal(rows["Три"].emails, want) {
		t.Errorf("e-mails %v, want %v", rows["Три"].emails, want)
	}
	if _, ok := rows["=Четыре"]; !ok {
		t.Errorf("formula apostrophe not removed: rows %v", slices.Collect(func(yield func(string) bool) {
			for k := range rows {
				if !yield(k) {
					return
				}
			}
		}))
	} else if got := rows["=Четыре"].phones[0].raw; got != "+7 495 100-00-04" {
		t.Errorf("phone raw %q, want the apostrophe removed", got)
	}
}

func TestGroupRowsTransitively(t *testing.T) {
	parsed := parseText(t, joinLines(
		"Фамилия,Имя,Телефон,E-mail,Комментарий",
		"А,,+7 495 100-00-01,,первый",
		"Б,Борис,\"+7 495 100-00-01, +7 495 100-00-02\",,второй",
		"В,,+7 495 100-00-02,shared@example.ru,первый",
		"Г,,,shared@example.ru,",
		"Д,,,SHARED@example.ru,",
		"Е,,+7 495 100-00-03,,",
	))
	groups := groupRows(parsed.rows)
	if len(groups) != 3 {
		t.Fatalf("%d groups, want 3: А+Б+В by phones, Г+Д by e-mail, Е", len(groups))
	}
	first := groups[0]
	if !slices.Equal(first.members, []int{0, 1, 2}) || first.contact.lastName != "А" || first.contact.firstName != "Борис" {
		t.Errorf("first group rows %v, name %q %q, want rows [0 1 2] named А Борис", first.members, first.contact.lastName, first.contact.firstName)
	}
	if first.contact.note != "первый\nвторой" {
		t.Errorf("first group note %q, want each note once", first.contact.note)
	}
	if len(groups[1].members) != 2 || !groups[1].byEmail || groups[1].contact.lastName != "Г" {
		t.Errorf("second group %+v, want Г and Д merged by e-mail", groups[1])
	}
}

func TestReportFormat(t *testing.T) {
	report := Report{
		Source: "contacts.csv", Encoding: EncodingUTF8, BOM: true, Delimiter: ';',
		DataRows: 12345, Imported: 12000, Merged: 300, Rejected: 45,
		Rejections: []Issue{{Line: 7, Code: CodeInvalidPhone, Column: "Телефон", Value: "12345", PhoneReason: phone.ReasonTooShort}},
		Warnings:   []Issue{{Line: 1, Code: CodeUnknownColumn, Column: "Skype"}},
	}
	cases := map[string]string{
		"en": joinLines(
			"contacts.csv: encoding utf-8 (with BOM), delimiter semicolon, data rows: 12,345",
			"Imported: 12,000, merged: 300, rejected: 45",
			"Rejected rows:",
			`  line 7: Телефон: "12345" is not a valid phone number (too few digits): write it with the country or area code, for example +7 495 123-45-67 or 8 (495) 123-45-67`,
			"Warnings:",
			`  line 1: column "Skype" is not recognised and was ignored`,
		),
		"ru_RU.UTF-8": joinLines(
			"contacts.csv: кодировка utf-8 (с BOM), разделитель точка с запятой, строк данных: 12 345",
			"Импортировано: 12 000, объединено: 300, отклонено: 45",
			"Отклонённые строки:",
			"  строка 7: Телефон: «12345» — неверный номер телефона (слишком мало цифр): укажите номер с кодом страны или города, например +7 495 123-45-67 или 8 (495) 123-45-67",
			"Предупреждения:",
			"  строка 1: столбец «Skype» не распознан и пропущен",
		),
	}
	for lang, want := range cases {
		var buf bytes.Buffer
		if err := report.Format(&buf, lang); err != nil {
			t.Fatalf("format: %v", err)
		}
		// The Russian locale groups thousands with a no-break space.
		if got := strings.ReplaceAll(buf.String(), "\u00a0", " "); got != want {
			t.Errorf("Format(%s):\n%s\nwant:\n%s", lang, got, want)
		}
	}
}

func TestInvalidPhoneCarriesReason(t *testing.T) {
	parsed := parseText(t, joinLines(
		"Фамилия;Телефон;E-mail",
		"Короткий;12345;a@example.ru",
		"Безцифр;не знаю;b@example.ru",
		"Безкода;123-45-67;c@example.ru",
		"Страна;+999 123 456 789;d@example.ru",
		"Длинный;1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6-7-8;e@example.ru",
		"Скрытый;anonymous;f@example.ru",
	))
	want := []phone.Reason{
		phone.ReasonTooShort, phone.ReasonNoDigits, phone.ReasonNoAreaCode,
		phone.ReasonUnknownCountryCode, phone.ReasonTooLong, phone.ReasonWithheld,
	}
	if len(parsed.warnings) != len(want) {
		t.Fatalf("%d warnings %+v, want %d", len(parsed.warnings), parsed.warnings, len(want))
	}
	for i, issue := range parsed.warnings {
		if issue.Code != CodeInvalidPhone || issue.PhoneReason != want[i] {
			t.Errorf("line %d: %s with reason %q, want invalid_phone with %q", issue.Line, issue.Code, issue.PhoneReason, want[i])
		}
	}

	// A rejected row names the reason too.
	rejected := parseText(t, joinLines("Фамилия;Телефон", "Иванов;123-45-67"))
	checkIssues(t, "rejections", rejected.rejections, "2:invalid_phone")
	cases := map[string]string{
		"en": `line 2: Телефон: "123-45-67" is not a valid phone number (no area code): write it with the country or area code, for example +7 495 123-45-67 or 8 (495) 123-45-67`,
		"ru": "строка 2: Телефон: «123-45-67» — неверный номер телефона (нет кода города): укажите номер с кодом страны или города, например +7 495 123-45-67 или 8 (495) 123-45-67",
	}
	for lang, wantMessage := range cases {
		if got := rejected.rejections[0].Message(lang); got != wantMessage {
			t.Errorf("Message(%s) = %q, want %q", lang, got, wantMessage)
		}
	}
}

func TestInvalidPhoneMessageWithoutReason(t *testing.T) {
	for _, reason := range []phone.Reason{"", "reason_added_later"} {
		issue := Issue{Line: 4, Code: CodeInvalidPhone, Column: "Phone", Value: "x", PhoneReason: reason}
		want := map[string]string{
			"en": `line 4: Phone: "x" is not a valid phone number: write it with the country or area code, for example +7 495 123-45-67 or 8 (495) 123-45-67`,
			"ru": "строка 4: Phone: «x» — неверный номер телефона: укажите номер с кодом страны или города, например +7 495 123-45-67 или 8 (495) 123-45-67",
		}
		for lang, wantMessage := range want {
			if got := issue.Message(lang); got != wantMessage {
				t.Errorf("reason %q: Message(%s) = %q, want %q", reason, lang, got, wantMessage)
			}
		}
	}
}

func TestEveryPhoneReasonHasBothTranslations(t *testing.T) {
	reasons := []phone.Reason{
		phone.ReasonWithheld, phone.ReasonInputTooLong, phone.ReasonNoDigits, phone.ReasonNotANumber,
		phone.ReasonUnknownCountryCode, phone.ReasonTooShort, phone.ReasonTooLong, phone.ReasonNoAreaCode,
		phone.ReasonInvalidLength, phone.ReasonUnstable,
	}
	for _, reason := range reasons {
		text, ok := translations[phoneReasonKey(reason)]
		if !ok || text.en == "" || text.ru == "" {
			t.Errorf("phone reason %s lacks a translation", reason)
			continue
		}
		issue := Issue{Line: 3, Code: CodeInvalidPhone, Column: "Телефон", Value: "x", PhoneReason: reason}
		for _, lang := range []string{"en", "ru"} {
			message := issue.Message(lang)
			if strings.Contains(message, "%!") || strings.Contains(message, "phone_reason.") || strings.Contains(message, "()") {
				t.Errorf("reason %s renders badly in %s: %q", reason, lang, message)
			}
		}
	}
}

func TestEveryCodeHasBothTranslations(t *testing.T) {
	codes := []Code{
		CodeNoName, CodeNoContact, CodeInvalidPhone, CodeExtensionTooLong, CodeInvalidEmail, CodeExtraCells, CodeInvalidVIP,
		CodeUnknownColumn, CodeDuplicateColumn, CodeSeveralContacts, CodeNameDiffers, CodeValueTooLong,
		CodeEmptyFile, CodeZipFile, CodeUTF16, CodeBinary, CodeInvalidUTF8, CodeUndefinedByte, CodeBOMMismatch,
		CodeBareQuote, CodeUnclosedQuote, CodeTextAfterQuote, CodeNoHeader, CodeNoPhoneColumn, CodeNoNameColumn,
		CodeUnknownEncoding, CodeInvalidDelimiter, CodeUnknownRegion,
		CodeEncodingUncertain, CodeFieldTooLarge, CodeRecordTooLarge, CodeLenientQuotes,
	}
	for _, code := range codes {
		text, ok := translations[messageKey(code)]
		if !ok || text.en == "" || text.ru == "" {
			t.Errorf("code %s lacks a translation", code)
			continue
		}
		issue := Issue{Line: 3, Code: code, Column: "Телефон", Value: "x", Count: 2, Size: 70000}
		for _, lang := range []string{"en", "ru"} {
			if message := issue.Message(lang); strings.Contains(message, "%!") || strings.Contains(message, "code.") {
				t.Errorf("code %s renders badly in %s: %q", code, lang, message)
			}
		}
	}
}

func TestMatchLanguage(t *testing.T) {
	cases := map[string]language.Tag{
		"ru":          language.Russian,
		"ru_RU.UTF-8": language.Russian,
		"ru-RU":       language.Russian,
		"en_GB.UTF-8": language.English,
		"C":           language.English,
		"":            language.English,
		"de":          language.English,
		"uk_UA":       language.English,
	}
	for lang, want := range cases {
		if got := matchLanguage(lang); got != want {
			t.Errorf("matchLanguage(%q) = %v, want %v", lang, got, want)
		}
	}
}

func TestParseFileStopsOnCancelledContext(t *testing.T) {
	var text strings.Builder
	text.WriteString("Фамилия;Телефон\n")
	for range 3 * parseChunkSize {
		text.WriteString("Иванов;+7 495 123-45-67\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := parseFile(ctx, []byte(text.String()), "", 0, newTestNormalizer(t), "test.csv")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("parseFile with a cancelled context returned %v, want context.Canceled", err)
	}
}
