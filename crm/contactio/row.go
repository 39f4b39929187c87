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

// splitFullName splits a full name into last, first and middle names. Cyrillic
// names follow the Russian order "Фамилия Имя Отчество", and words past the
// third stay with the patronymic ("Мамедов Рашид Гейдар оглы"). Latin names
// follow the English order "First Middle Last". A single word is taken as the
// first name, because that is what an agent addresses the caller by.
func splitFullName(full string) (last, first, middle string) {
	words := strings.Fields(full)
	switch {
	case len(words) == 0:
		return "", "", ""
	case len(words) == 1:
		return "", words[0], ""
	case isCyrillic(full):
		last, first = words[0], words[1]
		return last, first, strings.Join(words[2:], " ")
	default:
		first, last = words[0], words[len(words)-1]
		return last, first, strings.Join(words[1:len(words)-1], " ")
	}
}

func isCyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}
