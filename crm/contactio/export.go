package contactio

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
)

// ExportOptions controls Export.
type ExportOptions struct {
	// Lang selects the header and VIP words: "ru" (the default) or "en", or a
	// locale such as "en_US.UTF-8".
	Lang string
}

// exportColumn is one column of an export: its headers and how a contact fills it.
type exportColumn struct {
	ru, en string
	value  func(c exportedContact, lang language.Tag) string
}

// exportedContact is one live contact as read for export.
type exportedContact struct {
	lastName, firstName, middleName string
	company, position, note         string
	vip                             bool
	phoneKinds, phoneE164s          []string
	phoneExtensions                 []string
	emails, tags                    []string
}

// exportColumns lists every column. Each phone kind has its own column, so an
// export imports back with the kinds it had; every header is one Import
// recognises.
var exportColumns = []exportColumn{
	{ru: "Фамилия", en: "Last name", value: func(c exportedContact, _ language.Tag) string { return c.lastName }},
	{ru: "Имя", en: "First name", value: func(c exportedContact, _ language.Tag) string { return c.firstName }},
	{ru: "Отчество", en: "Middle name", value: func(c exportedContact, _ language.Tag) string { return c.middleName }},
	{ru: "Мобильный", en: "Mobile", value: phonesOfKind(phoneKindMobile)},
	{ru: "Рабочий телефон", en: "Work phone", value: phonesOfKind(phoneKindWork)},
	{ru: "Домашний телефон", en: "Home phone", value: phonesOfKind(phoneKindHome)},
	{ru: "Факс", en: "Fax", value: phonesOfKind(phoneKindFax)},
	{ru: "Телефон", en: "Phone", value: phonesOfKind(phoneKindOther)},
	{ru: "Компания", en: "Company", value: func(c exportedContact, _ language.Tag) string { return c.company }},
	{ru: "Должность", en: "Position", value: func(c exportedContact, _ language.Tag) string { return c.position }},
	{ru: "E-mail", en: "E-mail", value: func(c exportedContact, _ language.Tag) string { return strings.Join(c.emails, ", ") }},
	// NOTE: a tag whose name contains a comma or semicolon (possible when tags
	// are created outside Import) is split into several tags on re-import.
	{ru: "Теги", en: "Tags", value: func(c exportedContact, _ language.Tag) string { return strings.Join(c.tags, ", ") }},
	{ru: "Комментарий", en: "Note", value: func(c exportedContact, _ language.Tag) string { return c.note }},
	{ru: "VIP", en: "VIP", value: func(c exportedContact, lang language.Tag) string {
		switch {
		case !c.vip:
			return ""
		case lang == language.Russian:
			return "да"
		}
		return "yes"
	}},
}

// phonesOfKind returns a column value that lists the contact's numbers of one
// kind in international format, separated by ", ", the primary number first.
//
// The value starts with a space, so a spreadsheet shows it as text without a
// visible mark. E.164 ("+74951234567") would be read as a number and lose its
// plus. A cell that starts with "+" can be read as a formula, since the OWASP
// guidance on CSV injection lists = + - @ as the characters that start one in
// spreadsheets. The apostrophe that protectFormula adds stays visible in
// LibreOffice Calc. Calc 7.4 reads " +7 495 123-45-67" as text, with formula
// evaluation on and off. Import trims the space.
// NOTE: this form was not checked in Excel. It assumes that Excel, as the
// OWASP list implies, looks for a formula only at the first character.
func phonesOfKind(kind string) func(exportedContact, language.Tag) string {
	return func(c exportedContact, lang language.Tag) string {
		var numbers []string
		for i, k := range c.phoneKinds {
			if k == kind {
				numbers = append(numbers, formatPhone(c.phoneE164s[i], c.phoneExtensions[i], lang))
			}
		}
		if len(numbers) == 0 {
			return ""
		}
		return phoneCellPrefix + strings.Join(numbers, ", ")
	}
}

// phoneCellPrefix starts every non-empty phone cell of an export.
const phoneCellPrefix = " "

// formatPhone writes an E.164 number the way people read it ("+7 495 123-45-67"),
// with the extension after the word Import and the phone parser recognise.
func formatPhone(e164, extension string, lang language.Tag) string {
	text := e164
	if parsed, err := phonenumbers.Parse(e164, ""); err == nil {
		text = phonenumbers.Format(parsed, phonenumbers.INTERNATIONAL)
	}
	if extension == "" {
		return text
	}
	if lang == language.Russian {
		return text + " доб. " + extension
	}
	return text + " ext. " + extension
}

const exportSQL = `
SELECT c.last_name, c.first_name, c.middle_name, coalesce(co.name, ''), c.position, c.vip, c.note,
       coalesce(ph.kinds, '{}'), coalesce(ph.numbers, '{}'), coalesce(ph.extensions, '{}'),
       coalesce(em.addresses, '{}'), coalesce(tg.names, '{}')
FROM contacts c
LEFT JOIN companies co ON co.id = c.company_id
LEFT JOIN LATERAL (
    SELECT array_agg(p.kind ORDER BY p.is_primary DESC, p.id) AS kinds,
           array_agg(p.e164 ORDER BY p.is_primary DESC, p.id) AS numbers,
           array_agg(p.extension ORDER BY p.is_primary DESC, p.id) AS extensions
    FROM phones p WHERE p.contact_id = c.id
) ph ON true
LEFT JOIN LATERAL (
    SELECT array_agg(e.address ORDER BY e.is_primary DESC, e.id) AS addresses
    FROM emails e WHERE e.contact_id = c.id
) em ON true
LEFT JOIN LATERAL (
    SELECT array_agg(t.name ORDER BY lower(t.name)) AS names
    FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
    WHERE ct.contact_id = c.id
) tg ON true
WHERE c.deleted_at IS NULL
ORDER BY c.last_name, c.first_name, c.middle_name, c.id`

// Export writes every live (not deleted) contact to w as a CSV that Excel opens
// correctly in a Russian locale. The file is UTF-8 with a byte order mark,
// because without one Excel reads it as Windows-1251. Cells are separated by
// semicolons, the list separator of the Russian locale, where the comma is the
// decimal separator. Lines end in CRLF, and the header is Russian unless
// opts.Lang selects English.
//
// Phones are written as " +7 495 123-45-67", after a space that keeps
// spreadsheets from reading them as a formula (see phonesOfKind). Other cells
// that start with = + - @, a tab or a carriage return get a leading apostrophe,
// so a spreadsheet keeps them as text instead of evaluating a formula. Import
// removes that apostrophe and the space again. Export returns the number of
// contacts written.
func Export(ctx context.Context, db *pgxpool.Pool, w io.Writer, opts ExportOptions) (int, error) {
	lang := language.Russian
	if opts.Lang != "" {
		lang = matchLanguage(opts.Lang)
	}

	buffered := bufio.NewWriter(w)
	if _, err := buffered.Write(utf8BOM); err != nil {
		return 0, fmt.Errorf("write export: %w", err)
	}
	out := csv.NewWriter(buffered)
	out.Comma = ';'
	out.UseCRLF = true

	record := make([]string, len(exportColumns))
	for i, col := range exportColumns {
		record[i] = col.en
		if lang == language.Russian {
			record[i] = col.ru
		}
	}
	if err := out.Write(record); err != nil {
		return 0, fmt.Errorf("write export header: %w", err)
	}

	rows, err := db.Query(ctx, exportSQL)
	if err != nil {
		return 0, fmt.Errorf("query contacts for export: %w", err)
	}
	defer rows.Close()

	count := 0
	for rows.Next() {
		var c exportedContact
		if err := rows.Scan(&c.lastName, &c.firstName, &c.middleName, &c.company, &c.position, &c.vip, &c.note,
			&c.phoneKinds, &c.phoneE164s, &c.phoneExtensions, &c.emails, &c.tags); err != nil {
			return count, fmt.Errorf("scan contact for export: %w", err)
		}
		for i, col := range exportColumns {
			record[i] = protectFormula(col.value(c, lang))
		}
		if err := out.Write(record); err != nil {
			return count, fmt.Errorf("write export row %d: %w", count+1, err)
		}
		count++
	}
	if err := rows.Err(); err != nil {
		return count, fmt.Errorf("query contacts for export: %w", err)
	}

	out.Flush()
	if err := out.Error(); err != nil {
		return count, fmt.Errorf("write export: %w", err)
	}
	if err := buffered.Flush(); err != nil {
		return count, fmt.Errorf("write export: %w", err)
	}
	return count, nil
}

// protectFormula prefixes an apostrophe to a cell that a spreadsheet would read
// as a formula.
func protectFormula(cell string) string {
	if cell != "" && strings.IndexByte(formulaPrefixes, cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}
