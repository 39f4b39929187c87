package contactio

import (
	"strings"
	"unicode"
)

// field is the contact attribute a column fills.
type field int

const (
	fieldUnknown field = iota
	fieldLastName
	fieldFirstName
	fieldMiddleName
	fieldFullName
	fieldPhone
	fieldCompany
	fieldPosition
	fieldEmail
	fieldTags
	fieldNote
	fieldVIP
)

// multiValued reports whether several columns may fill the field. Every other
// field takes its first column; later ones are ignored with a warning.
func (f field) multiValued() bool {
	return f == fieldPhone || f == fieldEmail || f == fieldTags || f == fieldNote
}

// Phone kinds recorded with each number, from the column it came from.
const (
	phoneKindOther  = "other"
	phoneKindMobile = "mobile"
	phoneKindWork   = "work"
	phoneKindHome   = "home"
	phoneKindFax    = "fax"
)

type headerName struct {
	field     field
	phoneKind string
}

// headerNames maps a normalised header (see normalizeHeader) to its field. It
// covers Russian and English spellings and the column names of the Outlook and
// Google Contacts CSV exports.
var headerNames = map[string]headerName{
	"фамилия":    {field: fieldLastName},
	"lastname":   {field: fieldLastName},
	"surname":    {field: fieldLastName},
	"familyname": {field: fieldLastName},

	"имя":       {field: fieldFirstName},
	"firstname": {field: fieldFirstName},
	"givenname": {field: fieldFirstName},

	"отчество":       {field: fieldMiddleName},
	"middlename":     {field: fieldMiddleName},
	"patronymic":     {field: fieldMiddleName},
	"additionalname": {field: fieldMiddleName},

	"фио":                {field: fieldFullName},
	"фамилияимяотчество": {field: fieldFullName},
	"полноеимя":          {field: fieldFullName},
	"контакт":            {field: fieldFullName},
	"контактноелицо":     {field: fieldFullName},
	"fullname":           {field: fieldFullName},
	"name":               {field: fieldFullName},
	"contactname":        {field: fieldFullName},
	"displayname":        {field: fieldFullName},

	"телефон":           {field: fieldPhone, phoneKind: phoneKindOther},
	"телефоны":          {field: fieldPhone, phoneKind: phoneKindOther},
	"тел":               {field: fieldPhone, phoneKind: phoneKindOther},
	"номертелефона":     {field: fieldPhone, phoneKind: phoneKindOther},
	"контактныйтелефон": {field: fieldPhone, phoneKind: phoneKindOther},
	"phone":             {field: fieldPhone, phoneKind: phoneKindOther},
	"phones":            {field: fieldPhone, phoneKind: phoneKindOther},
	"phonenumber":       {field: fieldPhone, phoneKind: phoneKindOther},
	"phonevalue":        {field: fieldPhone, phoneKind: phoneKindOther},
	"telephone":         {field: fieldPhone, phoneKind: phoneKindOther},
	"tel":               {field: fieldPhone, phoneKind: phoneKindOther},
	"otherphone":        {field: fieldPhone, phoneKind: phoneKindOther},

	"мобильный":        {field: fieldPhone, phoneKind: phoneKindMobile},
	"мобильныйтелефон": {field: fieldPhone, phoneKind: phoneKindMobile},
	"моб":              {field: fieldPhone, phoneKind: phoneKindMobile},
	"мобтел":           {field: fieldPhone, phoneKind: phoneKindMobile},
	"сотовый":          {field: fieldPhone, phoneKind: phoneKindMobile},
	"сотовыйтелефон":   {field: fieldPhone, phoneKind: phoneKindMobile},
	"mobile":           {field: fieldPhone, phoneKind: phoneKindMobile},
	"mobilephone":      {field: fieldPhone, phoneKind: phoneKindMobile},
	"cell":             {field: fieldPhone, phoneKind: phoneKindMobile},
	"cellphone":        {field: fieldPhone, phoneKind: phoneKindMobile},
	"рабочий":          {field: fieldPhone, phoneKind: phoneKindWork},
	"рабочийтелефон":   {field: fieldPhone, phoneKind: phoneKindWork},
	"служебныйтелефон": {field: fieldPhone, phoneKind: phoneKindWork},
	"workphone":        {field: fieldPhone, phoneKind: phoneKindWork},
	"businessphone":    {field: fieldPhone, phoneKind: phoneKindWork},
	"officephone":      {field: fieldPhone, phoneKind: phoneKindWork},
	"домашний":         {field: fieldPhone, phoneKind: phoneKindHome},
	"домашнийтелефон":  {field: fieldPhone, phoneKind: phoneKindHome},
	"homephone":        {field: fieldPhone, phoneKind: phoneKindHome},
	"факс":             {field: fieldPhone, phoneKind: phoneKindFax},
	"fax":              {field: fieldPhone, phoneKind: phoneKindFax},
	"businessfax":      {field: fieldPhone, phoneKind: phoneKindFax},
	"homefax":          {field: fieldPhone, phoneKind: phoneKindFax},

	"компания":          {field: fieldCompany},
	"организация":       {field: fieldCompany},
	"названиекомпании":  {field: fieldCompany},
	"фирма":             {field: fieldCompany},
	"company":           {field: fieldCompany},
	"companyname":       {field: fieldCompany},
	"organization":      {field: fieldCompany},
	"organisation":      {field: fieldCompany},
	"organizationname":  {field: fieldCompany},
	"должность":         {field: fieldPosition},
	"position":          {field: fieldPosition},
	"title":             {field: fieldPosition},
	"jobtitle":          {field: fieldPosition},
	"organizationtitle": {field: fieldPosition},

	"email":            {field: fieldEmail},
	"emailaddress":     {field: fieldEmail},
	"emailvalue":       {field: fieldEmail},
	"mail":             {field: fieldEmail},
	"почта":            {field: fieldEmail},
	"электроннаяпочта": {field: fieldEmail},
	"элпочта":          {field: fieldEmail},
	"емейл":            {field: fieldEmail},
	"имейл":            {field: fieldEmail},

	"теги":       {field: fieldTags},
	"тэги":       {field: fieldTags},
	"метки":      {field: fieldTags},
	"tags":       {field: fieldTags},
	"labels":     {field: fieldTags},
	"categories": {field: fieldTags},

	"комментарий": {field: fieldNote},
	"комментарии": {field: fieldNote},
	"примечание":  {field: fieldNote},
	"примечания":  {field: fieldNote},
	"заметка":     {field: fieldNote},
	"заметки":     {field: fieldNote},
	"note":        {field: fieldNote},
	"notes":       {field: fieldNote},
	"comment":     {field: fieldNote},
	"comments":    {field: fieldNote},

	"vip": {field: fieldVIP},
	"вип": {field: fieldVIP},
}

// normalizeHeader folds case, replaces ё with е and drops everything that is not
// a letter, so "E-mail", "e mail" and "EMAIL" all read "email". It drops digits
// too, which turns numbered columns ("Телефон 2", "E-mail 2 Address") into
// their base name.
func normalizeHeader(header string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(header) {
		switch {
		case r == 'ё':
			b.WriteRune('е')
		case unicode.IsLetter(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// column is one recognised column of the file.
type column struct {
	index     int
	header    string
	field     field
	phoneKind string
}

// header is the result of reading the header record.
type header struct {
	columns  []column
	width    int
	warnings []Issue
}

// mapHeader recognises the columns of the header record at line. It fails when
// no column is recognised, or when the phone or the name column is missing,
// because then every row would be rejected.
func mapHeader(record []string, line int, source string) (header, error) {
	h := header{width: len(record)}
	seen := map[field]bool{}
	for i, text := range record {
		text = strings.TrimSpace(text)
		name, ok := headerNames[normalizeHeader(text)]
		if !ok {
			if text != "" {
				h.warnings = append(h.warnings, Issue{Line: line, Code: CodeUnknownColumn, Column: text})
			}
			continue
		}
		if seen[name.field] && !name.field.multiValued() {
			h.warnings = append(h.warnings, Issue{Line: line, Code: CodeDuplicateColumn, Column: text})
			continue
		}
		seen[name.field] = true
		h.columns = append(h.columns, column{index: i, header: text, field: name.field, phoneKind: name.phoneKind})
	}

	if len(h.columns) == 0 {
		firstLine := displayValue(strings.Join(record, " | "))
		return header{}, fileError(source, Issue{Line: line, Code: CodeNoHeader, Value: firstLine}, nil)
	}
	recognised := make([]string, 0, len(h.columns))
	for _, c := range h.columns {
		recognised = append(recognised, c.header)
	}
	if !seen[fieldPhone] {
		return header{}, fileError(source, Issue{Line: line, Code: CodeNoPhoneColumn, Value: strings.Join(recognised, ", ")}, nil)
	}
	if !seen[fieldLastName] && !seen[fieldFirstName] && !seen[fieldMiddleName] && !seen[fieldFullName] {
		return header{}, fileError(source, Issue{Line: line, Code: CodeNoNameColumn, Value: strings.Join(recognised, ", ")}, nil)
	}
	return h, nil
}

// displayValue prepares a value from the file for a message: control characters
// become spaces and long values are cut to 80 characters.
func displayValue(value string) string {
	const maxRunes = 80
	value = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, value)
	value = strings.TrimSpace(value)
	if runes := []rune(value); len(runes) > maxRunes {
		return string(runes[:maxRunes]) + "…"
	}
	return value
}
