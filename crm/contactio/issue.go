package contactio

import (
	"errors"
	"fmt"

	"golang.org/x/text/message"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// Code identifies a problem found in an import file. The text shown to users is
// looked up by code in the message catalogs, so a code never changes its meaning.
type Code string

// Codes of row problems. A rejection carries one or more of them; a warning
// carries one.
const (
	// CodeNoName: the row has no last, first, middle or full name.
	CodeNoName Code = "no_name"
	// CodeNoContact: the row has neither a phone nor an e-mail.
	CodeNoContact Code = "no_contact"
	// CodeInvalidPhone: Value in Column is not a valid phone number, for the
	// reason in PhoneReason.
	CodeInvalidPhone Code = "invalid_phone"
	// CodeExtensionTooLong: the extension of Value in Column has more than
	// Count digits.
	CodeExtensionTooLong Code = "extension_too_long"
	// CodeInvalidEmail: Value in Column is not a valid e-mail address.
	CodeInvalidEmail Code = "invalid_email"
	// CodeExtraCells: the row has Count cells but the header has fewer, so a
	// value probably contains an unquoted delimiter.
	CodeExtraCells Code = "extra_cells"
	// CodeInvalidVIP: Value in the VIP column is neither yes nor no.
	CodeInvalidVIP Code = "invalid_vip"
	// CodeUnknownColumn: Column is not recognised and was ignored.
	CodeUnknownColumn Code = "unknown_column"
	// CodeDuplicateColumn: Column repeats a single-valued column and was ignored.
	CodeDuplicateColumn Code = "duplicate_column"
	// CodeSeveralContacts: the row's phones belong to Count existing contacts;
	// it was merged into the oldest one.
	CodeSeveralContacts Code = "several_contacts"
	// CodeNameDiffers: the row was merged into the stored contact named Value
	// by a shared phone (or e-mail), but the row names someone else: the number
	// may have changed hands. The contact keeps its name.
	CodeNameDiffers Code = "name_differs"
	// CodeValueTooLong: Value in Column is longer than Count characters.
	CodeValueTooLong Code = "value_too_long"
	// CodeEncodingUncertain: a file-level warning. The file is not UTF-8, and
	// it scores about the same as Windows-1251 and as KOI8-R, so it was read as
	// Windows-1251.
	CodeEncodingUncertain Code = "encoding_uncertain"
	// CodeMixedEncoding: a warning on the first line of a single-byte file that
	// holds UTF-8 text, which Value (the code page read) turns into nonsense
	// such as "РЈС‚".
	CodeMixedEncoding Code = "mixed_encoding"
	// CodeLenientQuotes: a file-level warning. Count values contain a double
	// quote but do not start with one, such as ООО "Ромашка", so the quotes
	// were read as part of the values. Value is the first of them, and Line
	// is where its record starts.
	CodeLenientQuotes Code = "lenient_quotes"
)

// Codes of file errors: the file as a whole cannot be read, and nothing was imported.
const (
	CodeEmptyFile     Code = "empty_file"
	CodeZipFile       Code = "zip_file"
	CodeUTF16         Code = "utf16"
	CodeBinary        Code = "binary"
	CodeInvalidUTF8   Code = "invalid_utf8"
	CodeUndefinedByte Code = "undefined_byte"
	CodeBOMMismatch   Code = "bom_mismatch"
	CodeBareQuote     Code = "bare_quote"
	// CodeUnclosedQuote: the quote that opens on Line is never closed, so the
	// value takes the last Size bytes of the file.
	CodeUnclosedQuote    Code = "unclosed_quote"
	CodeTextAfterQuote   Code = "text_after_quote"
	CodeNoHeader         Code = "no_header"
	CodeNoPhoneColumn    Code = "no_phone_column"
	CodeNoNameColumn     Code = "no_name_column"
	CodeUnknownEncoding  Code = "unknown_encoding"
	CodeInvalidDelimiter Code = "invalid_delimiter"
	CodeUnknownRegion    Code = "unknown_region"
	// CodeFieldTooLarge: a value that starts on Line is Size bytes long, more
	// than the limit of Count KiB.
	CodeFieldTooLarge Code = "field_too_large"
	// CodeRecordTooLarge: the record that starts on Line is Size bytes long,
	// more than the limit of Count MiB.
	CodeRecordTooLarge Code = "record_too_large"
)

// Issue is one problem found in an import file: a row rejection, a warning, or
// the reason a whole file was refused.
type Issue struct {
	// Line is the physical line (counted from 1) where the record starts, or 0
	// when the problem concerns no single line.
	Line int
	Code Code
	// Column is the header of the column concerned, as written in the file.
	Column string
	// Value is the offending value, as written in the file.
	Value string
	// Count is a number the message needs (cells, contacts, characters, KiB).
	Count int
	// Size is a length in bytes of UTF-8 text, for the codes that report an
	// oversized value or record.
	Size int
	// PhoneReason is the cause that crm/phone gave for rejecting Value, for
	// CodeInvalidPhone. It is empty for every other code.
	PhoneReason phone.Reason
}

// FileError reports a file that cannot be imported at all. Import returns it
// (possibly wrapped) before anything is written, so the database is unchanged.
type FileError struct {
	Source string
	Issue
	// Err is the underlying error, if any (for example a *csv.ParseError).
	Err error
}

// Error renders the error in English; ErrorMessage renders it in Russian too.
func (e *FileError) Error() string {
	return formatFileError(e, "en")
}

func (e *FileError) Unwrap() error { return e.Err }

// ErrorMessage renders err for a user in lang ("ru", "en", or a locale such as
// "ru_RU.UTF-8"). A *FileError anywhere in the chain is translated; any other
// error is returned as its English text, since it is not about the file's content.
func ErrorMessage(err error, lang string) string {
	var fileErr *FileError
	if errors.As(err, &fileErr) {
		return formatFileError(fileErr, lang)
	}
	return err.Error()
}

func formatFileError(e *FileError, lang string) string {
	text := formatIssue(newPrinter(lang), e.Issue)
	if e.Source != "" {
		text = e.Source + ": " + text
	}
	return text
}

func fileError(source string, issue Issue, cause error) *FileError {
	return &FileError{Source: source, Issue: issue, Err: cause}
}

// issueArgs returns the arguments every catalog message takes, in a fixed order,
// so each translation can pick the ones it needs by position. The fifth is the
// phone reason as a phrase in the printer's language.
func issueArgs(p *message.Printer, issue Issue) []any {
	return []any{issue.Column, issue.Value, issue.Count, issue.Size, phoneReasonPhrase(p, issue.PhoneReason)}
}

func messageKey(code Code) string {
	return fmt.Sprintf("code.%s", code)
}
