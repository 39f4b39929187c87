// Package leads reads a campaign's call list from CSV, with a phone column and an optional
// name column under Russian or English headers. crm/contactio decodes the file as it does
// contact files: UTF-8, Windows-1251 or KOI8-R, comma, semicolon or tab, with size limits.
// Every number goes through crm/phone, and every row that cannot be used is reported with its
// line number.
package leads

import (
	"fmt"
	"io"
	"strings"

	"github.com/switchboard-cc/switchboard/crm/contactio"
	"github.com/switchboard-cc/switchboard/crm/phone"
)

// MaxFileSize is the largest call list Parse reads, 64 MiB: about a million rows.
const MaxFileSize = 64 << 20

// Row is one usable lead of the file.
type Row struct {
	Line  int    // line of the record in the file, from 1
	Phone string // E.164
	Raw   string // the number as the file wrote it
	Name  string
}

// Problem is a row that cannot be used.
type Problem struct {
	Line   int
	Raw    string // the phone cell
	Reason string // why, in English, for logs; the CLI translates Kind and PhoneReason
	Kind   ProblemKind
	// PhoneReason is crm/phone's cause for rejecting the number, for InvalidPhone.
	PhoneReason phone.Reason
	// First is the earlier line with the same number, for DuplicateInFile.
	First int
}

// ProblemKind classifies a rejected row.
type ProblemKind int

// Kinds of rejected rows.
const (
	// InvalidPhone is a number crm/phone rejects.
	InvalidPhone ProblemKind = iota + 1
	// MissingPhone is a row whose phone cell is empty.
	MissingPhone
	// DuplicateInFile is a number an earlier row of the file already has.
	DuplicateInFile
)

// List is the parsed file.
type List struct {
	Rows     []Row
	Problems []Problem
	// Encoding is contactio's name of the file's encoding; Delimiter is its delimiter.
	Encoding  string
	Delimiter rune
	// Warnings are file-level notes from the decoding, such as an uncertain code page.
	Warnings []contactio.Issue
}

var (
	phoneHeaders = []string{"phone", "phone number", "number", "tel", "telephone", "mobile", "телефон", "номер", "номер телефона", "мобильный"}
	nameHeaders  = []string{"name", "full name", "contact", "имя", "фио", "контакт", "название"}
)

// Parse reads the whole call list from r; source names the file in errors. A file it cannot
// read as a whole (too large, undecodable, no header, no phone column, broken CSV) returns a
// *contactio.FileError, whose message contactio.ErrorMessage gives in English or Russian; bad
// rows become Problems.
func Parse(r io.Reader, numbers *phone.Normalizer, source string) (List, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return List{}, fmt.Errorf("read call list %s: %w", source, err)
	}
	if len(data) > MaxFileSize {
		return List{}, fmt.Errorf("call list %s is larger than %d MiB: split it into several files", source, MaxFileSize>>20)
	}

	records, err := contactio.ReadRecords(data, contactio.ReadOptions{Source: source})
	if err != nil {
		return List{}, err
	}
	list := List{Encoding: records.Encoding, Delimiter: records.Delimiter, Warnings: records.Warnings}
	phoneCol, nameCol := columnIndex(records.Header, phoneHeaders), columnIndex(records.Header, nameHeaders)
	if phoneCol < 0 {
		return List{}, &contactio.FileError{Source: source, Issue: contactio.Issue{
			Line: records.HeaderLine, Code: contactio.CodeNoPhoneColumn, Value: strings.Join(records.Header, ", "),
		}}
	}

	seen := make(map[string]int)
	for _, record := range records.Rows {
		line := record.Line
		raw := cell(record.Cells, phoneCol)
		if raw == "" {
			list.Problems = append(list.Problems, Problem{Line: line, Kind: MissingPhone, Reason: "phone is empty"})
			continue
		}
		number, err := numbers.Parse(raw)
		if err != nil {
			reason, _ := phone.ReasonOf(err)
			list.Problems = append(list.Problems, Problem{Line: line, Raw: raw, Kind: InvalidPhone, Reason: err.Error(), PhoneReason: reason})
			continue
		}
		if first, dup := seen[number.E164]; dup {
			list.Problems = append(list.Problems, Problem{Line: line, Raw: raw, Kind: DuplicateInFile, First: first,
				Reason: fmt.Sprintf("number %s is already on line %d", number.E164, first)})
			continue
		}
		seen[number.E164] = line
		list.Rows = append(list.Rows, Row{Line: line, Phone: number.E164, Raw: raw, Name: cell(record.Cells, nameCol)})
	}
	return list, nil
}

func columnIndex(header []string, names []string) int {
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		for _, name := range names {
			if h == name {
				return i
			}
		}
	}
	return -1
}

func cell(record []string, i int) string {
	if i < 0 || i >= len(record) {
		return ""
	}
	return strings.TrimSpace(record[i])
}
