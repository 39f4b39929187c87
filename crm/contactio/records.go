package contactio

import (
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Records is a CSV file read as a whole but not interpreted: its header, its non-blank data
// records with their line numbers, and how it was decoded. Import reads contact files
// through it, and other lists (a campaign's call list) can too.
type Records struct {
	Encoding   string // EncodingUTF8, EncodingWindows1251 or EncodingKOI8R
	BOM        bool
	Delimiter  rune
	Header     []string
	HeaderLine int
	Rows       []Record
	// Warnings are file-level issues, such as a guess between two code pages that was
	// too close to call.
	Warnings []Issue
}

// Record is one non-blank data record and the line it starts on.
type Record struct {
	Line  int
	Cells []string
}

// ReadOptions controls ReadRecords. The zero value detects encoding and delimiter.
type ReadOptions struct {
	// Encoding is "" to detect, or one of the names Import accepts.
	Encoding string
	// Delimiter is 0 to detect, or ',', ';' or '\t'.
	Delimiter rune
	// Source names the file in errors.
	Source string
}

// ReadRecords decodes data as UTF-8 with or without BOM, Windows-1251 or KOI8-R, detected
// unless given. It takes the delimiter from an Excel "sep=" line or else from the header
// (the more frequent of ',' and ';'), enforces the size limits of a value and a record, and
// splits the text into records. A double quote inside an unquoted value, as in ООО "Ромашка",
// is kept as part of the value with a CodeLenientQuotes warning (see readWithBareQuotes).
// A file that cannot be read as a whole returns a *FileError, whose message exists in
// English and Russian (ErrorMessage).
func ReadRecords(data []byte, opts ReadOptions) (Records, error) {
	encoding, ok := normalizeEncodingName(opts.Encoding)
	if !ok {
		return Records{}, fileError(opts.Source, Issue{Code: CodeUnknownEncoding, Value: opts.Encoding}, nil)
	}
	if opts.Delimiter != 0 && !validDelimiter(opts.Delimiter) {
		return Records{}, fileError(opts.Source, Issue{Code: CodeInvalidDelimiter, Value: string(opts.Delimiter)}, nil)
	}

	decoded, err := decode(data, encoding, opts.Source)
	if err != nil {
		return Records{}, err
	}
	text, declared := stripSeparatorLine(decoded.text)
	delimiter := opts.Delimiter
	switch {
	case delimiter != 0:
	case declared != 0:
		delimiter = declared
	default:
		delimiter = detectDelimiter(text)
	}
	if err := checkRecordSizes(text, delimiter, opts.Source); err != nil {
		return Records{}, err
	}
	result := Records{Encoding: decoded.encoding, BOM: decoded.bom, Delimiter: delimiter, Warnings: decoded.warnings}

	read, err := readCSV(text, delimiter)
	if errors.Is(err, csv.ErrBareQuote) {
		var warning Issue
		read, warning, err = readWithBareQuotes(text, delimiter, opts.Source)
		if err != nil {
			return Records{}, err
		}
		result.Warnings = append(result.Warnings, warning)
	}
	if errors.Is(err, io.EOF) {
		return Records{}, fileError(opts.Source, Issue{Code: CodeEmptyFile}, nil)
	}
	if err != nil {
		return Records{}, csvError(err, text, opts.Source)
	}
	result.Header, result.HeaderLine, result.Rows = read.header, read.headerLine, read.rows
	return result, nil
}

// csvRecords are the records of a text as encoding/csv splits them.
type csvRecords struct {
	header     []string
	headerLine int
	rows       []Record
}

// readCSV splits text into records with encoding/csv, skipping blank data
// records. It returns io.EOF for a text without any record, and the reader's
// *csv.ParseError for a malformed one.
func readCSV(text string, delimiter rune) (csvRecords, error) {
	reader := csv.NewReader(strings.NewReader(text))
	reader.Comma = delimiter
	reader.FieldsPerRecord = -1

	header, err := reader.Read()
	if err != nil {
		return csvRecords{}, err
	}
	result := csvRecords{header: header}
	result.headerLine, _ = reader.FieldPos(0)

	// A row of a typical file takes about a hundred bytes. Guessing the count from the size
	// spares most of the copies of a growing slice.
	result.rows = make([]Record, 0, len(text)/100)
	for {
		cells, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return csvRecords{}, err
		}
		if isBlank(cells) {
			continue
		}
		line, _ := reader.FieldPos(0)
		result.rows = append(result.rows, Record{Line: line, Cells: cells})
	}
	return result, nil
}

// readWithBareQuotes reads a text that encoding/csv rejects for a double quote
// inside an unquoted value, such as ООО "Ромашка" as Excel and 1C write it. It
// reads each such quote as a character of its value, and nothing else
// leniently: a value that starts with a quote still ends at its closing quote,
// so a stray quote never joins lines or cells. It returns the records and a
// warning that names the first such value and their number.
//
// The file is rejected with CodeBareQuote when a record with such a
// quote has fewer cells than the header, or more non-blank ones. Such a quote
// was probably meant to open a quoted value that contains a line break or the
// delimiter, so reading it as a character would split the value.
func readWithBareQuotes(text string, delimiter rune, source string) (csvRecords, Issue, error) {
	if delimiter >= 0x80 {
		// quoteBareValues compares bytes. validDelimiter allows only ASCII
		// delimiters, so this is never reached through ReadRecords.
		_, err := readCSV(text, delimiter)
		return csvRecords{}, Issue{}, csvError(err, text, source)
	}
	quoted := quoteBareValues(text, byte(delimiter))
	if bad := quoted.cellMismatch; bad != nil {
		return csvRecords{}, Issue{}, fileError(source, Issue{
			Code:  CodeBareQuote,
			Line:  bad.recordLine,
			Value: strconv.Itoa(bad.line),
			Count: utf8.RuneCountInString(text[lineStart(text, bad.offset):bad.offset]) + 1,
		}, nil)
	}

	// The sizes that checkRecordSizes reports for the quoted text include the
	// added quotes: two for each enclosed value and one for each quote in it.
	if err := checkRecordSizes(quoted.text, delimiter, source); err != nil {
		return csvRecords{}, Issue{}, err
	}
	read, err := readCSV(quoted.text, delimiter)
	if err != nil {
		return csvRecords{}, Issue{}, csvError(quoted.originalError(err, text), text, source)
	}
	warning := Issue{Code: CodeLenientQuotes, Line: quoted.firstRecordLine, Value: displayValue(quoted.firstValue), Count: quoted.values}
	return read, warning, nil
}

// quotedText is a CSV text in which quoteBareValues has enclosed every unquoted
// value that contains a double quote in quotes and doubled the quotes inside.
// It adds no line breaks, so line numbers stay those of the original text.
type quotedText struct {
	text string
	// inserted are the offsets in text of the added quote characters, in
	// increasing order.
	inserted []int
	// values is the number of values enclosed. firstValue is the first of
	// them as encoding/csv would read it leniently, and firstRecordLine the
	// line where its record starts.
	values          int
	firstValue      string
	firstRecordLine int
	// cellMismatch is the first quote of the first record that has such a
	// value and a cell count that differs from the header's, or nil.
	cellMismatch *bareQuote
}

// bareQuote is the position of a double quote inside an unquoted value.
type bareQuote struct {
	recordLine int
	line       int
	// offset is the quote's byte offset in the original text.
	offset int
}

// quoteBareValues splits text into records and fields the way encoding/csv
// does, and encloses every unquoted value that contains a double quote in
// quotes, doubling the quotes inside. It copies the rest of the text unchanged
// from the first quoted value that encoding/csv rejects (text after the
// closing quote, or no closing quote), so that the reader reports that value
// where it is. It stops at the first record whose cell count does not match,
// and then the text is not needed.
func quoteBareValues(text string, delimiter byte) quotedText {
	var result quotedText
	var out strings.Builder
	out.Grow(len(text) + 64)
	copied := 0
	headerCells := -1
	scan := recordScanner{text: text, delimiter: delimiter, line: 1}

records:
	for scan.pos < len(text) {
		if scan.skipEmptyLine() {
			continue
		}
		recordLine := scan.line
		cells, lastNonBlank := 0, 0
		var firstBare *bareQuote
		for {
			cells++
			fieldStart := scan.pos
			var value string
			var end fieldEnd
			if text[scan.pos:] != "" && text[scan.pos] == '"' {
				end = scan.scanQuoted()
				if end == endUnclosed || end == endMalformed {
					break records
				}
				value = quotedValue(text[fieldStart:scan.pos])
			} else {
				end = scan.scanUnquotedLeniently()
				value = unquotedValue(text, fieldStart, scan.pos)
				if quote := strings.IndexByte(value, '"'); quote >= 0 {
					if firstBare == nil {
						firstBare = &bareQuote{recordLine: recordLine, line: scan.line, offset: fieldStart + quote}
					}
					if result.values == 0 {
						result.firstValue, result.firstRecordLine = value, recordLine
					}
					result.values++
					out.WriteString(text[copied:fieldStart])
					result.writeQuoted(&out, value)
					copied = fieldStart + len(value)
				}
			}
			if strings.TrimSpace(value) != "" {
				lastNonBlank = cells
			}
			if end != endField {
				break
			}
			scan.pos++ // the delimiter
		}

		if headerCells < 0 {
			headerCells = cells
		}
		if firstBare != nil && (cells < headerCells || lastNonBlank > headerCells) {
			result.cellMismatch = firstBare
			return result
		}
		if scan.pos < len(text) {
			scan.pos++ // the line feed
			scan.line++
		}
	}

	out.WriteString(text[copied:])
	result.text = out.String()
	return result
}

// writeQuoted writes value to out in quotes, with each quote inside doubled,
// and records the offsets of the quotes it adds.
func (q *quotedText) writeQuoted(out *strings.Builder, value string) {
	q.inserted = append(q.inserted, out.Len())
	out.WriteByte('"')
	for i := 0; i < len(value); i++ {
		if value[i] == '"' {
			q.inserted = append(q.inserted, out.Len())
			out.WriteByte('"')
		}
		out.WriteByte(value[i])
	}
	q.inserted = append(q.inserted, out.Len())
	out.WriteByte('"')
}

// originalError moves the column of a *csv.ParseError from q.text to the
// original text, so that the message points where an editor shows the quote.
// Lines are the same in both texts.
func (q quotedText) originalError(err error, original string) error {
	var parseErr *csv.ParseError
	if !errors.As(err, &parseErr) {
		return err
	}
	offset := byteOffset(q.text, parseErr.Line, parseErr.Column)
	offset -= sort.SearchInts(q.inserted, offset) // the quotes added before offset
	moved := *parseErr
	moved.Column = offset - lineStart(original, offset) + 1
	return &moved
}

// skipEmptyLine moves past a line that holds only a line break, which
// encoding/csv skips, and reports whether it did.
func (s *recordScanner) skipEmptyLine() bool {
	rest := s.text[s.pos:]
	switch {
	case strings.HasPrefix(rest, "\n"):
		s.pos++
	case strings.HasPrefix(rest, "\r\n"):
		s.pos += 2
	case rest == "\r":
		// encoding/csv drops a carriage return at the end of the input.
		s.pos++
		return true
	default:
		return false
	}
	s.line++
	return true
}

// scanUnquotedLeniently moves past an unquoted field, quotes included.
func (s *recordScanner) scanUnquotedLeniently() fieldEnd {
	rest := s.text[s.pos:]
	end := strings.IndexAny(rest, string(rune(s.delimiter))+"\n")
	if end < 0 {
		s.pos = len(s.text)
		return endRecord
	}
	s.pos += end
	if rest[end] == '\n' {
		return endRecord
	}
	return endField
}

// unquotedValue returns the unquoted field text[start:end] as encoding/csv
// reads it: without the carriage return of a CRLF line break, or of the end
// of the input.
func unquotedValue(text string, start, end int) string {
	value := text[start:end]
	if end == len(text) || text[end] == '\n' {
		value = strings.TrimSuffix(value, "\r")
	}
	return value
}

// quotedValue returns the value of a well-formed quoted field, given from its
// opening quote up to the delimiter or line break that follows it.
func quotedValue(field string) string {
	field = strings.TrimSuffix(field, "\r")
	return strings.ReplaceAll(field[1:len(field)-1], `""`, `"`)
}
