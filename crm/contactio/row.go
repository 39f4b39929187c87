package contactio

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// Maximum lengths in characters of imported values. The schema limits only tag
// names (64). The other limits catch a cell that swallowed half a file, which
// happens when a spreadsheet writes an unbalanced quote.
const (
	maxNameLength     = 100
	maxCompanyLength  = 300
	maxPositionLength = 200
	maxNoteLength     = 10000
	maxTagLength      = 64
	maxEmailLength    = 254
	// maxExtensionDigits is the limit of the phones_extension_valid constraint;
	// the phone parser accepts longer extensions.
	maxExtensionDigits = 10
)

// contactRow is one valid data row, or the merge of several rows that share a
// phone number.
type contactRow struct {
	line       int
	lastName   string
	firstName  string
	middleName string
	company    string
	position   string
	note       string
	vip        bool
	phones     []phoneEntry
	emails     []string
	tags       []string
}

// phoneEntry is one normalised number with the text it was read from.
type phoneEntry struct {
	number phone.Number
	raw    string
	kind   string
}

// key identifies the number for merging: colleagues who share an office number
// but have their own extensions stay separate contacts.
func (p phoneEntry) key() string {
	return p.number.String()
}

// rowResult is the outcome of parseRow for one record.
type rowResult struct {
	row        contactRow
	rejections []Issue
	warnings   []Issue
}

func (r rowResult) rejected() bool { return len(r.rejections) > 0 }

// parseRow validates one record. A row is rejected when it has no name, when it
// has neither a valid phone nor a valid e-mail, when it has more non-empty cells
// than the header, or when a value is too long. Invalid phones and e-mails in a
// row that is kept are warnings: the row is imported with the valid ones.
func parseRow(record []string, line int, h header, normalizer *phone.Normalizer) rowResult {
	var res rowResult
	res.row.line = line
	reject := func(issue Issue) {
		issue.Line = line
		res.rejections = append(res.rejections, issue)
	}
	warn := func(issue Issue) {
		issue.Line = line
		res.warnings = append(res.warnings, issue)
	}

	if extra := countExtraCells(record, h.width); extra > 0 {
		reject(Issue{Code: CodeExtraCells, Count: len(record)})
	}

	var fullName string
	var invalidPhones, invalidEmails []Issue
	var notes []string
	for _, col := range h.columns {
		if col.index >= len(record) {
			continue
		}
		value := cleanCell(record[col.index])
		if value == "" {
			continue
		}

		switch col.field {
		case fieldLastName:
			res.row.lastName = collapseSpaces(value)
		case fieldFirstName:
			res.row.firstName = collapseSpaces(value)
		case fieldMiddleName:
			res.row.middleName = collapseSpaces(value)
		case fieldFullName:
			fullName = collapseSpaces(value)
		case fieldCompany:
			res.row.company = collapseSpaces(value)
		case fieldPosition:
			res.row.position = collapseSpaces(value)
		case fieldNote:
			notes = append(notes, value)
		case fieldVIP:
			vip, ok := parseYesNo(value)
			if !ok {
				warn(Issue{Code: CodeInvalidVIP, Column: col.header, Value: displayValue(value)})
			}
			res.row.vip = vip
		case fieldPhone:
			for _, raw := range splitPhones(value) {
				number, err := normalizer.Parse(raw)
				if err != nil {
					// Normalizer.Parse always returns a *phone.ParseError. Should that
					// change, the reason is empty and the message gives none.
					reason, _ := phone.ReasonOf(err)
					invalidPhones = append(invalidPhones, Issue{
						Code: CodeInvalidPhone, Column: col.header, Value: displayValue(raw), PhoneReason: reason,
					})
					continue
				}
				if len(number.Extension) > maxExtensionDigits {
					invalidPhones = append(invalidPhones, Issue{
						Code: CodeExtensionTooLong, Column: col.header, Value: displayValue(raw), Count: maxExtensionDigits,
					})
					continue
				}
				res.row.phones = appendPhone(res.row.phones, phoneEntry{number: number, raw: raw, kind: col.phoneKind})
			}
		case fieldEmail:
			for _, address := range splitEmails(value) {
				normalized, ok := parseEmail(address)
				if !ok {
					invalidEmails = append(invalidEmails, Issue{Code: CodeInvalidEmail, Column: col.header, Value: displayValue(address)})
					continue
				}
				res.row.emails = appendFolded(res.row.emails, normalized)
			}
		case fieldTags:
			for _, tag := range splitList(value) {
				if utf8.RuneCountInString(tag) > maxTagLength {
					reject(Issue{Code: CodeValueTooLong, Column: col.header, Count: maxTagLength})
					continue
				}
				res.row.tags = appendFolded(res.row.tags, tag)
			}
		}
	}
	res.row.note = strings.Join(notes, "\n")

	if res.row.lastName == "" && res.row.firstName == "" && res.row.middleName == "" {
		res.row.lastName, res.row.firstName, res.row.middleName = splitFullName(fullName)
	}
	checkLengths(res.row, h, reject)

	if res.row.lastName == "" && res.row.firstName == "" && res.row.middleName == "" {
		reject(Issue{Code: CodeNoName})
	}
	if len(res.row.phones) == 0 && len(res.row.emails) == 0 {
		// The invalid values caused the rejection, so the report names them. A
		// row without any phone or e-mail value gets the generic reason.
		reasons := append(invalidPhones, invalidEmails...)
		if len(reasons) == 0 {
			reasons = []Issue{{Code: CodeNoContact}}
		}
		for _, issue := range reasons {
			reject(issue)
		}
		return res
	}
	for _, issue := range append(invalidPhones, invalidEmails...) {
		warn(issue)
	}
	return res
}

// checkLengths rejects values longer than the limits above, naming the column
// they came from (the first column of the field, which is the one used).
func checkLengths(row contactRow, h header, reject func(Issue)) {
	limits := []struct {
		field field
		value string
		max   int
	}{
		{fieldLastName, row.lastName, maxNameLength},
		{fieldFirstName, row.firstName, maxNameLength},
		{fieldMiddleName, row.middleName, maxNameLength},
		{fieldCompany, row.company, maxCompanyLength},
		{fieldPosition, row.position, maxPositionLength},
		{fieldNote, row.note, maxNoteLength},
	}
	for _, limit := range limits {
		if utf8.RuneCountInString(limit.value) <= limit.max {
			continue
		}
		column := h.columnHeader(limit.field)
		if column == "" {
			// A name split from the full name column.
			column = h.columnHeader(fieldFullName)
		}
		reject(Issue{Code: CodeValueTooLong, Column: column, Count: limit.max})
	}
}

func (h header) columnHeader(f field) string {
	for _, c := range h.columns {
		if c.field == f {
			return c.header
		}
	}
	return ""
}

// countExtraCells returns how many non-empty cells lie beyond the header's width.
// Empty trailing cells are common (a spreadsheet pads rows with delimiters) and
// harmless.
func countExtraCells(record []string, width int) int {
	extra := 0
	for i := width; i < len(record); i++ {
		if strings.TrimSpace(record[i]) != "" {
			extra++
		}
	}
	return extra
}

// formulaPrefixes are the first characters that spreadsheets read as the start of
// a formula. Export protects cells starting with them by a leading apostrophe.
const formulaPrefixes = "=+-@\t\r"

// cleanCell trims spaces (including no-break spaces) and removes the apostrophe
// that Export puts before a cell starting with a formula character, so an export
// imports back unchanged.
func cleanCell(value string) string {
	value = strings.TrimSpace(value)
	if len(value) >= 2 && value[0] == '\'' && strings.IndexByte(formulaPrefixes, value[1]) >= 0 {
		value = strings.TrimSpace(value[1:])
	}
	return value
}

// collapseSpaces replaces every run of white space, line breaks included, by one space.
func collapseSpaces(value string) string {
	return strings.Join(strings.Fields(value), " ")
}

// splitPhones splits a cell holding several numbers separated by commas,
// semicolons or line breaks. A part that starts with a word rather than a digit
// ("доб. 12", "ext 12") continues the previous number as its extension, since
// people write "+7 495 123-45-67, доб. 12".
func splitPhones(value string) []string {
	parts := strings.FieldsFunc(value, func(r rune) bool {
		return r == ',' || r == ';' || r == '\n' || r == '\r'
	})
	var numbers []string
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if len(numbers) > 0 && startsWithLetter(part) {
			numbers[len(numbers)-1] += " " + part
			continue
		}
		numbers = append(numbers, part)
	}
	return numbers
}

func startsWithLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func appendPhone(phones []phoneEntry, entry phoneEntry) []phoneEntry {
	for _, p := range phones {
		if p.key() == entry.key() {
			return phones
		}
	}
	return append(phones, entry)
}

// splitEmails splits a cell on commas, semicolons and white space, the
// separators people put between several addresses.
func splitEmails(value string) []string {
	return strings.FieldsFunc(value, func(r rune) bool {
		return r == ',' || r == ';' || unicode.IsSpace(r)
	})
}

// parseEmail accepts a bare address (optionally in angle brackets or after
// "mailto:") whose domain has a dot, and returns it trimmed. Addresses keep the
// case they were written in; duplicates are found case-insensitively, as the
// schema's unique index does.
func parseEmail(value string) (string, bool) {
	value = strings.TrimPrefix(strings.TrimSuffix(value, ">"), "<")
	if len(value) > len("mailto:") && strings.EqualFold(value[:len("mailto:")], "mailto:") {
		value = value[len("mailto:"):]
	}
	if len(value) > maxEmailLength {
		return "", false
	}
	addr, err := mail.ParseAddress(value)
	if err != nil || addr.Address != value || addr.Name != "" {
		return "", false
	}
	at := strings.LastIndexByte(value, '@')
	if at <= 0 || strings.Count(value, "@") != 1 || strings.ContainsFunc(value, unicode.IsSpace) {
		return "", false
	}
	domain := value[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", false
	}
	return value, true
}

// splitList splits a tag cell on commas, semicolons and line breaks.
func splitList(value string) []string {
	var items []string
	for _, item := range strings.FieldsFunc(value, func(r rune) bool {
		return r == ',' || r == ';' || r == '\n' || r == '\r'
	}) {
		if item = collapseSpaces(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// appendFolded appends value unless list already has it, compared case-insensitively.
func appendFolded(list []string, value string) []string {
	for _, v := range list {
		if strings.EqualFold(v, value) {
			return list
		}
	}
	return append(list, value)
}

var (
	yesValues = map[string]bool{
		"да": true, "д": true, "yes": true, "y": true, "true": true, "1": true,
		"+": true, "x": true, "х": true, "v": true, "✓": true, "✔": true, "vip": true, "вип": true,
	}
	noValues = map[string]bool{
		"нет": true, "н": true, "no": true, "n": true, "false": true, "0": true, "-": true,
	}
)

// parseYesNo reads a VIP cell. Unknown values read as no, with ok false.
func parseYesNo(value string) (yes, ok bool) {
	value = strings.ToLower(strings.TrimSpace(value))
	switch {
	case yesValues[value]:
		return true, true
	case noValues[value]:
		return false, true
	}
	return false, false
}

// splitFullName splits a full name into last, first and middle names.
//
//   - A single comma after a single word puts the surname first, as Outlook
//     writes "Smith, John" and "Иванов, Иван Иванович". Other commas stay in
//     the words, so "Иванов Иван, директор" is not read as a surname of two words.
//   - Three or more Cyrillic words are "Фамилия Имя Отчество" (words past the
//     third stay with the patronymic, as in "Мамедов Рашид Гейдар оглы"), unless
//     only the second word is a patronymic: "Иван Петрович Сидоров" is
//     "Имя Отчество Фамилия". When both the second and the last word look like
//     patronymics ("Роман Аркадьевич Абрамович"), a known first name in front
//     decides.
//   - Two Cyrillic words have no fixed order (see splitTwoCyrillicWords).
//   - Latin names follow the English order "First Middle Last", except a
//     transliterated "Ivanov Ivan Ivanovich" whose last word is a patronymic.
//   - A single word is taken as the first name, because that is what an agent
//     addresses the caller by.
func splitFullName(full string) (last, first, middle string) {
	if before, after, found := strings.Cut(full, ","); found && !strings.Contains(after, ",") {
		surname, givenNames := strings.Fields(before), strings.Fields(after)
		if len(surname) == 1 && len(givenNames) > 0 {
			return surname[0], givenNames[0], strings.Join(givenNames[1:], " ")
		}
	}

	words := strings.Fields(full)
	switch {
	case len(words) == 0:
		return "", "", ""
	case len(words) == 1:
		return "", words[0], ""
	case len(words) == 2:
		if isCyrillic(full) {
			return splitTwoCyrillicWords(words[0], words[1])
		}
		if isInitials(words[1]) && !isInitials(words[0]) {
			return words[0], words[1], ""
		}
		return words[1], words[0], ""
	}

	if !isCyrillic(full) {
		return splitLatinWords(words)
	}
	secondIsPatronymic := len(words) == 3 && isPatronymic(words[1])
	lastIsPatronymic := isPatronymic(words[len(words)-1])
	if secondIsPatronymic && (!lastIsPatronymic || isKnownFirstName(words[0])) {
		return words[2], words[0], words[1]
	}
	return words[0], words[1], strings.Join(words[2:], " ")
}

// splitLatinWords splits a Latin name of three or more words as "First Middle
// Last", unless it is a Russian name transliterated in the Russian order. Such
// a name ends in a female patronymic ("Petrova Anna Sergeevna"), or in a male
// one after a first word with a surname ending ("Ivanov Ivan Ivanovich"). A
// lone "-vich" is not enough, because it also ends surnames ("John Paul
// Jankovich").
func splitLatinWords(words []string) (last, first, middle string) {
	final := words[len(words)-1]
	if isPatronymic(final) && (isFemalePatronymic(final) || hasSurnameEnding(words[0])) {
		return words[0], words[1], strings.Join(words[2:], " ")
	}
	return final, words[0], strings.Join(words[1:len(words)-1], " ")
}

// splitTwoCyrillicWords splits a name of two Cyrillic words. Russian lists write
// "Иванов Иван", while people also type "Мария Иванова" in the spoken order, so
// the words themselves decide, strongest evidence first:
//   - a female patronymic second ("Анна Петровна") makes first and middle names;
//   - initials ("Смирнов А.В.", "А.В. Смирнов") are the first name;
//   - a common first name on one side only is the first name;
//   - a surname ending (-ов, -ева, -ин, -ский, ...) on one side only is the
//     surname.
//
// Anything else keeps the Russian order. A male patronymic second is not
// trusted, because "-вич" also ends surnames ("Дмитрий Шостакович").
func splitTwoCyrillicWords(a, b string) (last, first, middle string) {
	firstLast := func() (string, string, string) { return b, a, "" }
	lastFirst := func() (string, string, string) { return a, b, "" }

	switch {
	case isFemalePatronymic(b):
		return "", a, b
	case isInitials(b) != isInitials(a):
		if isInitials(a) {
			return firstLast()
		}
		return lastFirst()
	case isKnownFirstName(a) != isKnownFirstName(b):
		if isKnownFirstName(a) {
			return firstLast()
		}
		return lastFirst()
	case hasSurnameEnding(a) != hasSurnameEnding(b):
		if hasSurnameEnding(b) {
			return firstLast()
		}
		return lastFirst()
	}
	return lastFirst()
}

// foldName lowercases a name and writes ё as е, as most lists spell it.
func foldName(word string) string {
	return strings.ReplaceAll(strings.ToLower(word), "ё", "е")
}

// patronymicSuffixes end Russian patronymics and their usual Latin
// transliterations: -ович/-евич/-ич (Ильич), -овна/-евна, -ична/-инична
// (Никитична, Ильинична).
var patronymicSuffixes = []string{"ич", "вна", "ична", "vich", "vna", "ichna"}

// patronymicMarkers are the Turkic words that follow the father's name instead
// of a suffix ("Гейдар оглы" is "son of Гейдар"), or end it as one word
// ("Гейдароглы").
var patronymicMarkers = []string{"оглы", "кызы", "улы", "гызы", "ogly", "kyzy", "uly", "gyzy"}

// isPatronymic reports whether word looks like a patronymic or ends one.
func isPatronymic(word string) bool {
	folded := foldName(word)
	for _, marker := range patronymicMarkers {
		if strings.HasSuffix(folded, marker) {
			return true
		}
	}
	return hasSuffixWithStem(folded, patronymicSuffixes, 2)
}

// isFemalePatronymic reports whether word ends like a woman's patronymic
// (-вна, -ична). Russian surnames practically never end so, unlike -вич.
func isFemalePatronymic(word string) bool {
	return hasSuffixWithStem(foldName(word), []string{"вна", "ична", "vna", "ichna"}, 2)
}

// surnameSuffixes end most Russian, Ukrainian, Belarusian, Armenian and
// Georgian surnames, in Cyrillic and in the usual transliteration. Women's
// first names such as Марина and Ирина end in -ина too, which is why
// isKnownFirstName is checked before hasSurnameEnding. The Latin list leaves out
// -in and -ina, which end English first names (Kevin, Justin, Christina).
var surnameSuffixes = []string{
	"ов", "ова", "ев", "ева", "ин", "ина", "ын", "ына",
	"ский", "ская", "цкий", "цкая", "ской", "цкой",
	"ых", "их", "енко", "ук", "юк", "ян", "янц", "дзе", "швили",
	"ov", "ova", "ev", "eva", "sky", "skaya", "skiy", "skii", "enko", "yan", "dze", "shvili",
}

// hasSurnameEnding reports whether word ends like a surname after a stem of at
// least two letters, so that "Лев" or "Ян" does not count.
func hasSurnameEnding(word string) bool {
	return hasSuffixWithStem(foldName(word), surnameSuffixes, 2)
}

func hasSuffixWithStem(folded string, suffixes []string, minStem int) bool {
	for _, suffix := range suffixes {
		if strings.HasSuffix(folded, suffix) && utf8.RuneCountInString(folded)-utf8.RuneCountInString(suffix) >= minStem {
			return true
		}
	}
	return false
}

// isInitials reports whether word is one or more initials, each a letter and a
// dot: "А.", "А.В.", "J.".
func isInitials(word string) bool {
	if word == "" {
		return false
	}
	for rest := word; rest != ""; {
		r, size := utf8.DecodeRuneInString(rest)
		if !unicode.IsLetter(r) || !strings.HasPrefix(rest[size:], ".") {
			return false
		}
		rest = rest[size+1:]
	}
	return true
}

// isKnownFirstName reports whether word is a common first name in Russia, in
// the full or the everyday short form.
func isKnownFirstName(word string) bool {
	_, ok := commonFirstNames[foldName(word)]
	return ok
}

// commonFirstNames contains the first names that most Russian contact lists
// are made of, folded by foldName. It does not need to be complete: a name
// missing here is still placed by its surname ending or by the Russian order.
var commonFirstNames = makeNameSet(
	// Men.
	"александр", "алексей", "анатолий", "андрей", "антон", "аркадий", "арсений", "артем", "артур",
	"богдан", "борис", "вадим", "валентин", "валерий", "василий", "виктор", "виталий", "владимир",
	"владислав", "всеволод", "вячеслав", "геннадий", "георгий", "герман", "глеб", "григорий", "давид",
	"даниил", "данил", "денис", "дмитрий", "евгений", "егор", "захар", "иван", "игорь", "илья",
	"кирилл", "константин", "лев", "леонид", "макар", "максим", "марат", "марк", "матвей", "михаил",
	"никита", "николай", "олег", "павел", "петр", "платон", "родион", "роман", "руслан", "рустам",
	"савелий", "святослав", "семен", "сергей", "станислав", "степан", "тимофей", "тимур", "федор",
	"филипп", "эдуард", "юрий", "ярослав", "ильдар", "ринат", "рашид", "айдар", "азат", "камиль",
	"саша", "дима", "миша", "сережа", "коля", "леша", "вова", "женя", "паша", "костя", "слава", "ваня",
	// Women.
	"александра", "алена", "алина", "алла", "альбина", "анастасия", "ангелина", "анна", "антонина",
	"арина", "валентина", "валерия", "варвара", "вера", "вероника", "виктория", "галина", "дарья",
	"диана", "дина", "ева", "евгения", "екатерина", "елена", "елизавета", "жанна", "зарина", "злата",
	"зоя", "инна", "ирина", "карина", "кира", "кристина", "ксения", "лариса", "лидия", "лилия",
	"любовь", "людмила", "маргарита", "марина", "мария", "милана", "надежда", "наталья", "наталия",
	"нина", "оксана", "олеся", "ольга", "полина", "регина", "римма", "светлана", "софия", "софья",
	"таисия", "тамара", "татьяна", "ульяна", "эвелина", "эльвира", "юлия", "яна", "гульнара",
	"маша", "катя", "лена", "оля", "таня", "света", "юля", "настя", "наташа", "ира", "аня", "даша",
)

func makeNameSet(names ...string) map[string]struct{} {
	set := make(map[string]struct{}, len(names))
	for _, name := range names {
		set[name] = struct{}{}
	}
	return set
}

func isCyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}
