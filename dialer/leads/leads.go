// Package leads reads a campaign's call list from CSV: UTF-8 (with or without a byte order
// mark) or Windows-1251, comma or semicolon delimited, with a phone column and an optional
// name column under Russian or English headers. Every number goes through crm/phone, and
// every row that cannot be used is reported with its line number.
package leads

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

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
	Reason string // why, in English; the CLI shows its own translation of Kind
	Kind   ProblemKind
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
	// Encoding is "utf-8" or "windows-1251"; Delimiter is ',' or ';'.
	Encoding  string
	Delimiter rune
}

// ErrNoPhoneColumn is returned for a header without a phone column.
var ErrNoPhoneColumn = errors.New("the header has no phone column: name one column phone, телефон, number or номер")

var (
	phoneHeaders = []string{"phone", "phone number", "number", "tel", "telephone", "mobile", "телефон", "номер", "номер телефона", "мобильный"}
	nameHeaders  = []string{"name", "full name", "contact", "имя", "фио", "контакт", "название"}
)

// Parse reads the whole call list from r. A file it cannot read as a whole (too large, no
// header, no phone column, broken CSV) returns an error; bad rows become Problems.
func Parse(r io.Reader, numbers *phone.Normalizer) (List, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return List{}, fmt.Errorf("read call list: %w", err)
	}
	if len(data) > MaxFileSize {
		return List{}, fmt.Errorf("call list is larger than %d MiB: split it into several files", MaxFileSize>>20)
	}

	list := List{Encoding: "utf-8"}
	text, hadBOM := bytes.CutPrefix(data, []byte("\xef\xbb\xbf"))
	if !hadBOM && !utf8.Valid(text) {
		// A file that is not UTF-8 is taken as Windows-1251, the code page Excel writes in a
		// Russian locale.
		decoded, err := charmap.Windows1251.NewDecoder().Bytes(text)
		if err != nil {
			return List{}, fmt.Errorf("decode call list as Windows-1251: %w", err)
		}
		text, list.Encoding = decoded, "windows-1251"
	}
	list.Delimiter = detectDelimiter(text)

	reader := csv.NewReader(bytes.NewReader(text))
	reader.Comma = list.Delimiter
	reader.FieldsPerRecord = -1
	reader.ReuseRecord = true

	header, err := reader.Read()
	if err == io.EOF {
		return List{}, errors.New("call list is empty: the first line must be a header with a phone column")
	}
	if err != nil {
		return List{}, fmt.Errorf("read call list header: %w", err)
	}
	phoneCol, nameCol := columnIndex(header, phoneHeaders), columnIndex(header, nameHeaders)
	if phoneCol < 0 {
		return List{}, ErrNoPhoneColumn
	}

	seen := make(map[string]int)
	for {
		record, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return List{}, fmt.Errorf("read call list: %w", err)
		}
		line, _ := reader.FieldPos(0)
		if isBlank(record) {
			continue
		}
		raw := cell(record, phoneCol)
		if raw == "" {
			list.Problems = append(list.Problems, Problem{Line: line, Kind: MissingPhone, Reason: "phone is empty"})
			continue
		}
		number, err := numbers.Parse(raw)
		if err != nil {
			list.Problems = append(list.Problems, Problem{Line: line, Raw: raw, Kind: InvalidPhone, Reason: err.Error()})
			continue
		}
		if first, dup := seen[number.E164]; dup {
			list.Problems = append(list.Problems, Problem{Line: line, Raw: raw, Kind: DuplicateInFile,
				Reason: fmt.Sprintf("number %s is already on line %d", number.E164, first)})
			continue
		}
		seen[number.E164] = line
		list.Rows = append(list.Rows, Row{Line: line, Phone: number.E164, Raw: raw, Name: cell(record, nameCol)})
	}
	return list, nil
}

// detectDelimiter picks ';' or ',', whichever the first line has more of outside quotes.
func detectDelimiter(text []byte) rune {
	first, _, _ := bytes.Cut(text, []byte("\n"))
	commas, semicolons, quoted := 0, 0, false
	for _, b := range first {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ',':
			commas++
		case b == ';':
			semicolons++
		}
	}
	if semicolons > commas {
		return ';'
	}
	return ','
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

func isBlank(record []string) bool {
	for _, v := range record {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}
