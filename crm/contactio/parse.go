package contactio

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// sourceFile is a file read as a whole, with its header mapped, before any of
// its rows is validated.
type sourceFile struct {
	records Records
	header  header
	// warnings are the file-level issues of decoding and of the header.
	warnings []Issue
}

// readSource decodes data, splits it into records and maps the header. It
// returns a *FileError when the file cannot be read as a whole, before anything
// is written.
func readSource(data []byte, encoding string, delimiter rune, source string) (sourceFile, error) {
	records, err := ReadRecords(data, ReadOptions{Encoding: encoding, Delimiter: delimiter, Source: source})
	if err != nil {
		return sourceFile{}, err
	}
	h, err := mapHeader(records.Header, records.HeaderLine, source)
	if err != nil {
		return sourceFile{}, err
	}
	return sourceFile{
		records:  records,
		header:   h,
		warnings: append(append([]Issue{}, records.Warnings...), h.warnings...),
	}, nil
}

// parsedFile is the outcome of validating a file's rows, not yet written
// anywhere.
type parsedFile struct {
	encoding  string
	bom       bool
	delimiter rune
	dataRows  int
	// rows are the valid rows in file order.
	rows       []contactRow
	rejected   int
	rejections []Issue
	warnings   []Issue
}

func newParsedFile(file sourceFile) parsedFile {
	return parsedFile{
		encoding:  file.records.Encoding,
		bom:       file.records.BOM,
		delimiter: file.records.Delimiter,
		dataRows:  len(file.records.Rows),
		rows:      make([]contactRow, 0, len(file.records.Rows)),
		warnings:  file.warnings,
	}
}

// add takes the next row's result, in file order.
func (p *parsedFile) add(res rowResult) {
	if res.rejected() {
		p.rejected++
		p.rejections = append(p.rejections, res.rejections...)
		return
	}
	p.warnings = append(p.warnings, res.warnings...)
	p.rows = append(p.rows, res.row)
}

// parseChunkSize is the number of rows a worker validates between checks of
// the context. Phone parsing dominates the cost (several microseconds a
// number), so rows are validated on several goroutines.
const parseChunkSize = 1024

// parseRows validates the records [from, to) of file into results[from:to] on
// workers goroutines.
func parseRows(ctx context.Context, file sourceFile, normalizer *phone.Normalizer, results []rowResult, from, to, workers int) error {
	return forEachChunk(ctx, from, to, workers, func(i int) {
		record := file.records.Rows[i]
		results[i] = parseRow(record.Cells, record.Line, file.header, normalizer)
	})
}

// stripSeparatorLine recognises the "sep=;" line that Excel writes before the
// header of some CSV files to declare the delimiter. It returns the text with
// that line emptied, so line numbers stay those of the file, and the declared
// delimiter, or 0 when there is no such line or it names no valid delimiter.
func stripSeparatorLine(text string) (string, rune) {
	line, _, found := strings.Cut(text, "\n")
	if !found || !strings.HasPrefix(strings.ToLower(line), "sep=") {
		return text, 0
	}
	value := strings.TrimSuffix(line[len("sep="):], "\r")
	declared, size := utf8.DecodeRuneInString(value)
	if size != len(value) || !validDelimiter(declared) {
		return text, 0
	}
	return text[len(line):], declared
}

// forEachChunk calls fn for every index in [from, to) on workers goroutines
// and waits for all of them. It stops early and returns the context's error when
// ctx is cancelled.
func forEachChunk(ctx context.Context, from, to, workers int, fn func(i int)) error {
	chunks := make(chan int)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for start := range chunks {
				for i := start; i < min(start+parseChunkSize, to); i++ {
					fn(i)
				}
			}
		})
	}

	var err error
	for start := from; start < to; start += parseChunkSize {
		if err = ctx.Err(); err != nil {
			break
		}
		chunks <- start
	}
	close(chunks)
	wg.Wait()
	if err != nil {
		return fmt.Errorf("validate rows: %w", err)
	}
	return nil
}

func isBlank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvError turns an encoding/csv error into a *FileError whose line is where
// the broken record starts. The column is counted in characters, not bytes, so
// it matches what an editor shows on Cyrillic lines.
func csvError(err error, text, source string) error {
	var parseErr *csv.ParseError
	if !errors.As(err, &parseErr) {
		return fmt.Errorf("read CSV: %w", err)
	}
	offset := byteOffset(text, parseErr.Line, parseErr.Column)
	issue := Issue{
		Line:  parseErr.StartLine,
		Value: strconv.Itoa(parseErr.Line),
		Count: utf8.RuneCountInString(text[lineStart(text, offset):offset]) + 1,
	}
	switch {
	case errors.Is(parseErr.Err, csv.ErrBareQuote):
		issue.Code = CodeBareQuote
	case strings.TrimSpace(text[offset:]) == "":
		// encoding/csv reports a quote that is never closed at the end of the
		// input. checkRecordSizes finds such quotes first, with the line where
		// the quote opens. This keeps the message right if the two disagree.
		issue.Code = CodeUnclosedQuote
		issue.Size = len(text) - byteOffset(text, parseErr.StartLine, 1)
	default:
		issue.Code = CodeTextAfterQuote
	}
	return fileError(source, issue, err)
}

// byteOffset converts a 1-based line and 1-based byte column to an offset in
// text, clamped to its length.
func byteOffset(text string, line, column int) int {
	offset := 0
	for i := 1; i < line; i++ {
		next := strings.IndexByte(text[offset:], '\n')
		if next < 0 {
			return len(text)
		}
		offset += next + 1
	}
	return min(offset+max(column-1, 0), len(text))
}

func lineStart(text string, offset int) int {
	return strings.LastIndexByte(text[:offset], '\n') + 1
}
