package contactio

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"golang.org/x/text/message"
)

// Report is the outcome of an import.
//
// Every non-blank data row is counted exactly once: Imported + Merged + Rejected
// equals DataRows.
type Report struct {
	// Source is the file name given in ImportOptions.Source.
	Source string
	// Encoding is EncodingUTF8, EncodingWindows1251 or EncodingKOI8R. BOM
	// reports whether the file started with a UTF-8 byte order mark.
	Encoding  string
	BOM       bool
	Delimiter rune
	// DataRows is the number of rows after the header, blank rows not counted.
	DataRows int
	// Imported is the number of rows that became new contacts.
	Imported int
	// Merged is the number of rows added to a contact that already existed in the
	// database or was created from an earlier row of the same file.
	Merged int
	// Rejected is the number of rows not imported.
	Rejected int
	// Rejections gives the reasons for the rejected rows, ordered by line. A row
	// rejected for several reasons has one entry for each.
	Rejections []Issue
	// Warnings lists problems that did not stop a row from being imported
	// (an invalid second phone, an unknown column), ordered by line. Warnings
	// about the whole file come first: an uncertain encoding has line 0, while
	// a UTF-8 line in a code-page file and values with unenclosed quotes name
	// the first line concerned.
	Warnings []Issue
}

// Format writes the report for a user in lang: "ru", "en", or a locale such as
// "ru_RU.UTF-8"; anything else gives English. Every rejection and warning is
// listed.
func (r Report) Format(w io.Writer, lang string) error {
	p := newPrinter(lang)
	out := bufio.NewWriter(w)

	source := r.Source
	if source == "" {
		source = "-"
	}
	encoding := r.Encoding
	if r.BOM {
		encoding += " (" + p.Sprintf(keyBOM) + ")"
	}
	fmt.Fprintln(out, p.Sprintf(keyFileInfo, source, encoding, delimiterName(p, r.Delimiter), r.DataRows))
	fmt.Fprintln(out, p.Sprintf(keySummary, r.Imported, r.Merged, r.Rejected))

	if len(r.Rejections) > 0 {
		fmt.Fprintln(out, p.Sprintf(keyRejections))
		for _, issue := range r.Rejections {
			fmt.Fprintln(out, "  "+formatIssue(p, issue))
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintln(out, p.Sprintf(keyWarnings))
		for _, issue := range r.Warnings {
			fmt.Fprintln(out, "  "+formatIssue(p, issue))
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write import report: %w", err)
	}
	return nil
}

// Message renders the issue in lang, prefixed with its line when it has one.
func (i Issue) Message(lang string) string {
	return formatIssue(newPrinter(lang), i)
}

func formatIssue(p *message.Printer, issue Issue) string {
	text := p.Sprintf(issueMessageKey(issue), issueArgs(p, issue)...)
	if issue.Line > 0 {
		// Line numbers are passed as text so they are not grouped like amounts ("1 234").
		text = p.Sprintf(keyAtLine, strconv.Itoa(issue.Line), text)
	}
	return text
}

func delimiterName(p *message.Printer, delimiter rune) string {
	switch delimiter {
	case ',':
		return p.Sprintf(keyComma)
	case ';':
		return p.Sprintf(keySemicolon)
	case '\t':
		return p.Sprintf(keyTab)
	}
	return strconv.QuoteRune(delimiter)
}
