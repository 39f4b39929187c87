package contactio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// ImportOptions controls Import. The zero value detects encoding and delimiter
// and reads numbers without a country code as Russian.
type ImportOptions struct {
	// Encoding is "" to detect, EncodingUTF8, EncodingWindows1251 or
	// EncodingKOI8R (also spelt "utf8", "cp1251", "koi8r").
	Encoding string
	// Delimiter is 0 to detect from the header line, or ',', ';' or '\t'.
	Delimiter rune
	// Region is the ISO 3166-1 alpha-2 country assumed for numbers written
	// without a country code; "" means "RU".
	Region string
	// Source names the file in messages and in the audit log.
	Source string
	// Actor is the login recorded in the audit log; "" means "system".
	Actor string
	// Logger receives one line per import; nil discards it.
	Logger *slog.Logger
}

// Import reads a CSV file of contacts from r and writes them to the database in
// one transaction. Rows that share a phone number are merged, within the file
// and with live (not deleted) contacts already stored. A merge adds phones,
// e-mails and tags, fills names, company and position only where they are
// empty, appends a new note and keeps VIP once set. Rows without any phone
// merge by e-mail instead. Companies are found by name, case-insensitively, or
// created.
//
// A file that cannot be read as a whole (undecodable bytes, broken quoting, a
// value over 64 KiB or a record over 1 MiB, no header, no phone or name column)
// returns a *FileError and changes nothing.
// Any database error also rolls the whole import back. Problems in single rows
// are reported in Report and do not stop the import. A row is rejected when it
// has no name, or neither a valid phone nor a valid e-mail. An invalid phone or
// e-mail in a row that still has a valid phone or e-mail is a warning, and the row is
// imported without it.
//
// The whole file and its parsed rows are held in memory. Parsing the 13 MB,
// 100,000-row file of BenchmarkParse100k peaks at about 360 MB resident.
//
// Rows are validated in batches while the batch before is written, so the
// database works while phones are being parsed. A batch writes the rows that
// start a new contact. Rows that belong to an earlier row's contact or to a
// stored contact are merged once the whole file has been read. The result is
// the same as merging the whole file first.
func Import(ctx context.Context, db *pgxpool.Pool, r io.Reader, opts ImportOptions) (Report, error) {
	return importBatched(ctx, db, r, opts, importBatchRows)
}

// importBatched is Import with batches of batchRows records.
func importBatched(ctx context.Context, db *pgxpool.Pool, r io.Reader, opts ImportOptions, batchRows int) (Report, error) {
	started := time.Now()
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	encoding, ok := normalizeEncodingName(opts.Encoding)
	if !ok {
		return Report{}, fileError(opts.Source, Issue{Code: CodeUnknownEncoding, Value: opts.Encoding}, nil)
	}
	if opts.Delimiter != 0 && !validDelimiter(opts.Delimiter) {
		return Report{}, fileError(opts.Source, Issue{Code: CodeInvalidDelimiter, Value: fmt.Sprintf("%q", opts.Delimiter)}, nil)
	}
	normalizer, err := phone.NewNormalizer(opts.Region)
	if err != nil {
		return Report{}, fileError(opts.Source, Issue{Code: CodeUnknownRegion, Value: opts.Region}, err)
	}

	data, err := io.ReadAll(r)
	if err != nil {
		return Report{}, fmt.Errorf("read contacts from %s: %w", sourceName(opts.Source), err)
	}
	file, err := readSource(data, encoding, opts.Delimiter, opts.Source)
	if err != nil {
		return Report{}, err
	}
	readAt := time.Now()

	parsed, written, err := importRecords(ctx, db, file, normalizer, opts, batchRows)
	if err != nil {
		return Report{}, err
	}
	report := Report{
		Source:     opts.Source,
		Encoding:   parsed.encoding,
		BOM:        parsed.bom,
		Delimiter:  parsed.delimiter,
		DataRows:   parsed.dataRows,
		Imported:   written.created,
		Merged:     len(parsed.rows) - written.created,
		Rejected:   parsed.rejected,
		Rejections: parsed.rejections,
		Warnings:   mergeByLine(parsed.warnings, written.warnings),
	}

	logger.InfoContext(ctx, "contacts imported",
		slog.String("source", opts.Source),
		slog.Int("data_rows", report.DataRows),
		slog.Int("imported", report.Imported),
		slog.Int("merged", report.Merged),
		slog.Int("rejected", report.Rejected),
		slog.Duration("read_duration", readAt.Sub(started)),
		slog.Duration("import_duration", time.Since(readAt)))
	return report, nil
}

// sourceName returns the file name for an error message, or a placeholder
// when the caller gave none.
func sourceName(source string) string {
	if source == "" {
		return "the input"
	}
	return source
}

// mergeByLine merges two lists of issues, each ordered by line, into one.
func mergeByLine(a, b []Issue) []Issue {
	if len(b) == 0 {
		return a
	}
	merged := make([]Issue, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].Line < a[0].Line {
			merged, b = append(merged, b[0]), b[1:]
		} else {
			merged, a = append(merged, a[0]), a[1:]
		}
	}
	return append(append(merged, a...), b...)
}

// errNoSequence means the contacts table has no identity sequence, which the
// migrations always create.
var errNoSequence = errors.New("contacts.id has no identity sequence")
