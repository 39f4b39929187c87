package contactio

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// Catalog keys that are not issue codes.
const (
	keyAtLine     = "line"
	keySummary    = "summary"
	keyFileInfo   = "file_info"
	keyRejections = "rejections"
	keyWarnings   = "warnings"
	keyComma      = "delimiter_comma"
	keySemicolon  = "delimiter_semicolon"
	keyTab        = "delimiter_tab"
	keyBOM        = "with_bom"
	// keyInvalidPhoneNoReason renders CodeInvalidPhone when the issue carries no
	// reason that the catalog can translate.
	keyInvalidPhoneNoReason = "invalid_phone_no_reason"
)

// phoneReasonKey returns the catalog key of the phrase that explains a reason of
// crm/phone. The phrase goes inside the parentheses of the CodeInvalidPhone message.
func phoneReasonKey(reason phone.Reason) string {
	return "phone_reason." + string(reason)
}

// translation is one message in English and Russian. Every argument is referred
// to by its index (%[n]), because fmt-style printers report unused arguments
// only when none of the verbs carries an index.
type translation struct{ en, ru string }

// translations is the whole user-facing vocabulary of the package. Issue
// messages receive (column, value, count, size, phone reason phrase) and file
// errors the same; the line is added by keyAtLine.
var translations = map[string]translation{
	messageKey(CodeNoName): {
		en: "no name: fill in Last name, First name or Full name",
		ru: "нет имени: заполните Фамилию, Имя или ФИО",
	},
	messageKey(CodeNoContact): {
		en: "no phone or e-mail: fill in a phone number (for example +7 495 123-45-67) or an e-mail address",
		ru: "нет ни телефона, ни e-mail: укажите номер телефона (например, +7 495 123-45-67) или адрес e-mail",
	},
	messageKey(CodeInvalidPhone): {
		en: `%[1]s: "%[2]s" is not a valid phone number (%[5]s): write it with the country or area code, for example +7 495 123-45-67 or 8 (495) 123-45-67`,
		ru: "%[1]s: «%[2]s» — неверный номер телефона (%[5]s): укажите номер с кодом страны или города, например +7 495 123-45-67 или 8 (495) 123-45-67",
	},
	keyInvalidPhoneNoReason: {
		en: `%[1]s: "%[2]s" is not a valid phone number: write it with the country or area code, for example +7 495 123-45-67 or 8 (495) 123-45-67`,
		ru: "%[1]s: «%[2]s» — неверный номер телефона: укажите номер с кодом страны или города, например +7 495 123-45-67 или 8 (495) 123-45-67",
	},
	phoneReasonKey(phone.ReasonWithheld): {
		en: "a withheld-number mark, not a number",
		ru: "отметка скрытого номера, а не номер",
	},
	phoneReasonKey(phone.ReasonInputTooLong): {
		en: "longer than any phone number",
		ru: "длиннее любого номера телефона",
	},
	phoneReasonKey(phone.ReasonNoDigits): {
		en: "no digits",
		ru: "нет цифр",
	},
	phoneReasonKey(phone.ReasonNotANumber): {
		en: "not readable as a phone number",
		ru: "не читается как номер телефона",
	},
	phoneReasonKey(phone.ReasonUnknownCountryCode): {
		en: "unknown country code",
		ru: "неизвестный код страны",
	},
	phoneReasonKey(phone.ReasonTooShort): {
		en: "too few digits",
		ru: "слишком мало цифр",
	},
	phoneReasonKey(phone.ReasonTooLong): {
		en: "too many digits",
		ru: "слишком много цифр",
	},
	phoneReasonKey(phone.ReasonNoAreaCode): {
		en: "no area code",
		ru: "нет кода города",
	},
	phoneReasonKey(phone.ReasonInvalidLength): {
		en: "no number of that country has this many digits",
		ru: "у номеров этой страны не бывает столько цифр",
	},
	phoneReasonKey(phone.ReasonUnstable): {
		en: "no stable international form, check the zeros after the country code",
		ru: "нет однозначной международной формы, проверьте нули после кода страны",
	},
	messageKey(CodeExtensionTooLong): {
		en: `%[1]s: the extension in "%[2]s" has more than %[3]d digits: check the number`,
		ru: "%[1]s: добавочный номер в «%[2]s» длиннее %[3]d цифр: проверьте номер",
	},
	messageKey(CodeInvalidEmail): {
		en: `%[1]s: "%[2]s" is not a valid e-mail address: write it as name@example.com`,
		ru: "%[1]s: «%[2]s» — неверный адрес e-mail: укажите его в виде name@example.ru",
	},
	messageKey(CodeExtraCells): {
		en: "the row has %[3]d cells, more than the header: a value probably contains the delimiter, so enclose that value in double quotes",
		ru: "в строке больше ячеек (%[3]d), чем в заголовке: вероятно, значение содержит разделитель, заключите это значение в двойные кавычки",
	},
	messageKey(CodeInvalidVIP): {
		en: `%[1]s: "%[2]s" is neither yes nor no, so the contact was imported without the VIP mark (write да/нет or yes/no)`,
		ru: "%[1]s: «%[2]s» — не «да» и не «нет», поэтому контакт импортирован без отметки VIP (укажите да/нет или yes/no)",
	},
	messageKey(CodeUnknownColumn): {
		en: `column "%[1]s" is not recognised and was ignored`,
		ru: "столбец «%[1]s» не распознан и пропущен",
	},
	messageKey(CodeDuplicateColumn): {
		en: `column "%[1]s" repeats an earlier column and was ignored`,
		ru: "столбец «%[1]s» повторяет один из предыдущих и пропущен",
	},
	messageKey(CodeNameDiffers): {
		en: `the row's phone or e-mail belongs to the stored contact "%[2]s", who has another name: the row was merged into that contact, and the contact keeps its name; check whether the number has changed hands`,
		ru: "телефон или e-mail строки принадлежит сохранённому контакту «%[2]s» с другим именем: строка объединена с этим контактом, имя контакта не изменено; проверьте, не сменил ли номер владельца",
	},
	messageKey(CodeSeveralContacts): {
		en: "the phones belong to %[3]d existing contacts, so the row was merged into the oldest of them",
		ru: "телефоны принадлежат нескольким существующим контактам (%[3]d), поэтому строка объединена с самым старым из них",
	},
	// NOTE: the advice to delete the contacts created from the file takes SQL for now,
	// because neither the command line nor the API deletes contacts, and contacts do not
	// record the file they came from.
	messageKey(CodeEncodingUncertain): {
		en: "the file is not UTF-8 and reads about equally well as windows-1251 and as koi8-r, so it was read as %[2]s. If the imported names look garbled, delete the contacts created from this file and import it again with the encoding set to koi8-r: a repeated import never replaces a stored name. To keep this reading without the warning, set windows-1251",
		ru: "файл не в UTF-8 и примерно одинаково читается как windows-1251 и как koi8-r, поэтому он прочитан как %[2]s. Если импортированные имена искажены, удалите созданные из этого файла контакты и импортируйте его снова с кодировкой koi8-r: повторный импорт не заменяет сохранённые имена. Чтобы оставить это прочтение без предупреждения, укажите windows-1251",
	},
	messageKey(CodeMixedEncoding): {
		en: "this line is in UTF-8 while the file was read as %[2]s, so its letters were imported garbled: save the whole file in one encoding (UTF-8 is best) and import it again",
		ru: "эта строка в UTF-8, а файл прочитан как %[2]s, поэтому её буквы импортированы искажёнными: сохраните весь файл в одной кодировке (лучше UTF-8) и импортируйте его снова",
	},
	messageKey(CodeLenientQuotes): {
		en: "values with double quotes that are not enclosed in quotes were imported with the quotes as written (%[3]d in all, the first: %[2]s): check them, and to import without this warning enclose each such value in double quotes and double every quote inside it",
		ru: "значения с двойными кавычками, не заключённые в кавычки, импортированы с кавычками как есть (всего: %[3]d, первое: %[2]s): проверьте их, а чтобы импортировать без этого предупреждения, заключите каждое такое значение в двойные кавычки и удвойте каждую кавычку внутри",
	},
	messageKey(CodeValueTooLong): {
		en: "%[1]s: the value is longer than %[3]d characters: shorten it",
		ru: "%[1]s: значение длиннее %[3]d символов: сократите его",
	},

	messageKey(CodeEmptyFile): {
		en: "the file is empty: save the contacts together with a header line",
		ru: "файл пуст: сохраните контакты вместе со строкой заголовков",
	},
	messageKey(CodeZipFile): {
		en: "the file is a ZIP archive, probably an Excel workbook (.xlsx): save it as CSV (File → Save As → CSV UTF-8)",
		ru: "файл — ZIP-архив, вероятно книга Excel (.xlsx): сохраните её как CSV (Файл → Сохранить как → CSV UTF-8)",
	},
	messageKey(CodeUTF16): {
		en: "the file is in UTF-16: save it as CSV in UTF-8 or Windows-1251",
		ru: "файл в кодировке UTF-16: сохраните его как CSV в кодировке UTF-8 или Windows-1251",
	},
	messageKey(CodeBinary): {
		en: "the file contains a NUL byte, so it is not a CSV text file: save it as CSV UTF-8",
		ru: "файл содержит нулевой байт, значит это не текстовый CSV: сохраните его как CSV UTF-8",
	},
	messageKey(CodeInvalidUTF8): {
		en: "byte %[2]s is not valid UTF-8: save the file in UTF-8, or set the encoding to windows-1251 or koi8-r if the file is in one of them",
		ru: "байт %[2]s недопустим в UTF-8: сохраните файл в UTF-8 или укажите кодировку windows-1251 или koi8-r, если файл в одной из них",
	},
	messageKey(CodeUndefinedByte): {
		en: "byte %[2]s is not defined in Windows-1251: check the file's encoding, or set the encoding to utf-8",
		ru: "байт %[2]s не определён в Windows-1251: проверьте кодировку файла или укажите кодировку utf-8",
	},
	messageKey(CodeBOMMismatch): {
		en: "the file starts with a UTF-8 byte order mark but the encoding is set to %[2]s: set the encoding to utf-8 or leave it empty",
		ru: "файл начинается с метки порядка байтов UTF-8, а указана кодировка %[2]s: укажите кодировку utf-8 или не указывайте её",
	},
	messageKey(CodeBareQuote): {
		en: "a double quote inside an unquoted value (line %[2]s, column %[3]d): enclose every value that contains quotes, the delimiter or line breaks in double quotes, and double each quote inside it",
		ru: "двойная кавычка внутри значения без кавычек (строка %[2]s, позиция %[3]d): заключите в двойные кавычки каждое значение, содержащее кавычки, разделитель или перевод строки, и удвойте каждую кавычку внутри",
	},
	messageKey(CodeUnclosedQuote): {
		en: "a quote that opens on this line is never closed, so the value takes up the rest of the file (%[4]d bytes): close the quote, and double each quote inside the value",
		ru: "кавычка, открытая в этой строке, нигде не закрыта, поэтому значение занимает весь остаток файла (байт: %[4]d): закройте кавычку и удвойте каждую кавычку внутри значения",
	},
	messageKey(CodeFieldTooLarge): {
		en: "a value that starts on this line is %[4]d bytes long, over the limit of %[3]d KiB: check the quoting (a quoted value ends only at the next single quote mark, so double each quote inside it) and check that the delimiter is right",
		ru: "значение, начинающееся в этой строке, больше предела %[3]d КиБ (байт: %[4]d): проверьте кавычки (значение в кавычках заканчивается только на следующей одиночной кавычке, поэтому удвойте каждую кавычку внутри него) и проверьте, правильный ли разделитель",
	},
	messageKey(CodeRecordTooLarge): {
		en: "the record that starts on this line is %[4]d bytes long, over the limit of %[3]d MiB: split the file into lines of one contact each (a file whose lines end in a bare carriage return reads as one line), and check the delimiter and the quoting",
		ru: "запись, начинающаяся в этой строке, больше предела %[3]d МиБ (байт: %[4]d): разбейте файл на строки по одному контакту (файл, строки которого заканчиваются только возвратом каретки, читается как одна строка) и проверьте разделитель и кавычки",
	},
	messageKey(CodeTextAfterQuote): {
		en: "text follows a closing quote (line %[2]s, column %[3]d): enclose the whole value in quotes, and double each quote inside it",
		ru: "после закрывающей кавычки идёт текст (строка %[2]s, позиция %[3]d): заключите всё значение в кавычки и удвойте каждую кавычку внутри",
	},
	messageKey(CodeNoHeader): {
		en: `no known column in the first line "%[2]s": the first line must be a header such as Фамилия;Имя;Телефон or Last name,First name,Phone`,
		ru: "в первой строке «%[2]s» нет известных столбцов: первая строка должна быть заголовком, например Фамилия;Имя;Телефон",
	},
	messageKey(CodeNoPhoneColumn): {
		en: "no phone column among the recognised columns (%[2]s): add a column named Телефон or Phone",
		ru: "среди распознанных столбцов (%[2]s) нет телефона: добавьте столбец «Телефон»",
	},
	messageKey(CodeNoNameColumn): {
		en: "no name column among the recognised columns (%[2]s): add a column named Фамилия, Имя or ФИО (Last name, First name or Full name)",
		ru: "среди распознанных столбцов (%[2]s) нет имени: добавьте столбец «Фамилия», «Имя» или «ФИО»",
	},
	messageKey(CodeUnknownEncoding): {
		en: `unknown encoding "%[2]s": use utf-8, windows-1251 or koi8-r, or leave it empty to detect it`,
		ru: "неизвестная кодировка «%[2]s»: укажите utf-8, windows-1251 или koi8-r либо не указывайте, чтобы определить автоматически",
	},
	messageKey(CodeInvalidDelimiter): {
		en: "delimiter %[2]s cannot be used: use a comma, a semicolon or a tab",
		ru: "разделитель %[2]s недопустим: используйте запятую, точку с запятой или табуляцию",
	},
	messageKey(CodeUnknownRegion): {
		en: `unknown region "%[2]s": use a two-letter country code such as RU`,
		ru: "неизвестный регион «%[2]s»: укажите двухбуквенный код страны, например RU",
	},

	keyAtLine: {
		en: "line %[1]s: %[2]s",
		ru: "строка %[1]s: %[2]s",
	},
	keySummary: {
		en: "Imported: %[1]d, merged: %[2]d, rejected: %[3]d",
		ru: "Импортировано: %[1]d, объединено: %[2]d, отклонено: %[3]d",
	},
	keyFileInfo: {
		en: "%[1]s: encoding %[2]s, delimiter %[3]s, data rows: %[4]d",
		ru: "%[1]s: кодировка %[2]s, разделитель %[3]s, строк данных: %[4]d",
	},
	keyRejections: {en: "Rejected rows:", ru: "Отклонённые строки:"},
	keyWarnings:   {en: "Warnings:", ru: "Предупреждения:"},
	keyComma:      {en: "comma", ru: "запятая"},
	keySemicolon:  {en: "semicolon", ru: "точка с запятой"},
	keyTab:        {en: "tab", ru: "табуляция"},
	keyBOM:        {en: "with BOM", ru: "с BOM"},
}

// issueMessageKey returns the catalog key of the issue's message.
func issueMessageKey(issue Issue) string {
	if issue.Code == CodeInvalidPhone {
		if _, ok := translations[phoneReasonKey(issue.PhoneReason)]; !ok {
			return keyInvalidPhoneNoReason
		}
	}
	return messageKey(issue.Code)
}

// phoneReasonPhrase returns the phrase for reason in the printer's language, or
// "" when the catalog has none (an empty reason, or one added to crm/phone later).
func phoneReasonPhrase(p *message.Printer, reason phone.Reason) string {
	if _, ok := translations[phoneReasonKey(reason)]; !ok {
		return ""
	}
	return p.Sprintf(phoneReasonKey(reason))
}

// messages is built once from translations and only read afterwards.
var messages = buildCatalog()

func buildCatalog() catalog.Catalog {
	builder := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, text := range translations {
		if err := builder.SetString(language.English, key, text.en); err != nil {
			panic("contactio: bad English message " + key + ": " + err.Error())
		}
		if err := builder.SetString(language.Russian, key, text.ru); err != nil {
			panic("contactio: bad Russian message " + key + ": " + err.Error())
		}
	}
	return builder
}

var languageMatcher = language.NewMatcher([]language.Tag{language.English, language.Russian})

// newPrinter returns a printer for lang, which may be a BCP 47 tag ("ru",
// "en-GB") or a POSIX locale ("ru_RU.UTF-8"). Anything else falls back to English.
func newPrinter(lang string) *message.Printer {
	return message.NewPrinter(matchLanguage(lang), message.Catalog(messages))
}

func matchLanguage(lang string) language.Tag {
	lang, _, _ = strings.Cut(lang, ".")
	lang, _, _ = strings.Cut(lang, "@")
	lang = strings.ReplaceAll(lang, "_", "-")
	tag, err := language.Parse(lang)
	if err != nil {
		return language.English
	}
	_, index, confidence := languageMatcher.Match(tag)
	if confidence == language.No {
		return language.English
	}
	return []language.Tag{language.English, language.Russian}[index]
}
