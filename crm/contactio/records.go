package contactio

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
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
// splits the text into records. A file that cannot be read as a whole returns a *FileError,
// whose message exists in English and Russian (ErrorMessage).
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

	reader := csv.NewReader(strings.NewReader(text))
	reader.Comma = delimiter
	reader.FieldsPerRecord = -1

	header, err := reader.Read()
	if errors.Is(err, io.EOF) {
		return Records{}, fileError(opts.Source, Issue{Code: CodeEmptyFile}, nil)
	}
	if err != nil {
		return Records{}, csvError(err, text, opts.Source)
	}
	result.Header = header
	result.HeaderLine, _ = reader.FieldPos(0)

	// A row of a typical file takes about a hundred bytes. Guessing the count from the size
	// spares most of the copies of a growing slice.
	result.Rows = make([]Record, 0, len(text)/100)
	for {
		cells, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Records{}, csvError(err, text, opts.Source)
		}
		if isBlank(cells) {
			continue
		}
		line, _ := reader.FieldPos(0)
		result.Rows = append(result.Rows, Record{Line: line, Cells: cells})
	}
	return result, nil
}
