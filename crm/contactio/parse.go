package contactio

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// parsedFile is a whole file decoded and validated, not yet written anywhere.
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

// parseChunkSize is the number of rows a worker validates between checks of
// the context. Phone parsing dominates the cost (tens of microseconds a number),
// so rows are validated on all cores.
const parseChunkSize = 1024

// parseFile decodes data and validates every row. It returns a *FileError when
// the file cannot be read as a whole; problems in single rows go into the result.
func parseFile(ctx context.Context, data []byte, encoding string, delimiter rune, normalizer *phone.Normalizer, source string) (parsedFile, error) {
	records, err := ReadRecords(data, ReadOptions{Encoding: encoding, Delimiter: delimiter, Source: source})
	if err != nil {
		return parsedFile{}, err
	}
	result := parsedFile{encoding: records.Encoding, bom: records.BOM, delimiter: records.Delimiter, warnings: records.Warnings}

	h, err := mapHeader(records.Header, records.HeaderLine, source)
	if err != nil {
		return parsedFile{}, err
	}
	result.warnings = append(result.warnings, h.warnings...)
	result.dataRows = len(records.Rows)

	results := make([]rowResult, len(records.Rows))
	if err := forEachChunk(ctx, len(records.Rows), func(i int) {
		results[i] = parseRow(records.Rows[i].Cells, records.Rows[i].Line, h, normalizer)
	}); err != nil {
		return parsedFile{}, err
	}

	result.rows = make([]contactRow, 0, len(results))
	for _, res := range results {
		if res.rejected() {
			result.rejected++
			result.rejections = append(result.rejections, res.rejections...)
			continue
		}
		result.warnings = append(result.warnings, res.warnings...)
		result.rows = append(result.rows, res.row)
	}
	return result, nil
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

// forEachChunk calls fn for every index in [0, n) on GOMAXPROCS goroutines and
// waits for all of them. It stops early and returns the context's error when ctx
// is cancelled.
func forEachChunk(ctx context.Context, n int, fn func(i int)) error {
	chunks := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for start := range chunks {
				for i := start; i < min(start+parseChunkSize, n); i++ {
					fn(i)
				}
			}
		})
	}

	var err error
	for start := 0; start < n; start += parseChunkSize {
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
