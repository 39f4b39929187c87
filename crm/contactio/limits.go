package contactio

import "strings"

// Size limits of the decoded text, in bytes of UTF-8. encoding/csv keeps
// several copies of a record in memory while it reads it: the line, the record
// buffer and the field strings. Without limits, a 100 MB file of one line
// takes over 600 MB before it is accepted or rejected.
//
// maxFieldBytes is 64 KiB. The longest value a row may keep is a note of
// maxNoteLength (10,000) characters, at most 40,000 bytes even at four bytes a
// character, so no value that could be imported is refused. A longer cell
// almost always means a quote closed far too late. maxRecordBytes is 1 MiB,
// room for sixteen cells at the field limit, while a real contact row takes
// a few hundred bytes. A longer record means the file has no line breaks
// where the reader expects them (a single line, or lines ended by a bare
// carriage return) or a wrong delimiter.
const (
	maxFieldBytes  = 64 << 10
	maxRecordBytes = 1 << 20
)

// checkRecordSizes scans text the way encoding/csv (without LazyQuotes) splits
// it into records and fields, before the CSV reader runs. It returns a
// *FileError for a value or a record over the limits, and for a quote that is
// never closed, with the line where the value, record or quote starts.
//
// Some quotes are errors for encoding/csv: a quote inside an unquoted value,
// and text after a closing quote. At such a quote the scan only checks that the
// physical line fits maxRecordBytes and then returns nil. The CSV reader then
// reports the error as before, after reading no more than that line.
func checkRecordSizes(text string, delimiter rune, source string) error {
	if delimiter >= 0x80 {
		// The scan compares bytes. validDelimiter allows only ASCII delimiters,
		// so this is never reached through Import.
		return nil
	}
	scan := recordScanner{text: text, delimiter: byte(delimiter), line: 1}
	return scan.run(source)
}

// recordScanner walks the text once, tracking the position and line number.
type recordScanner struct {
	text      string
	delimiter byte
	pos       int
	line      int
}

func (s *recordScanner) run(source string) error {
	for s.pos < len(s.text) {
		if s.skipPlainLine() {
			continue
		}

		recordStart, recordLine := s.pos, s.line
		for {
			fieldStart, fieldLine := s.pos, s.line
			var end fieldEnd
			if s.pos < len(s.text) && s.text[s.pos] == '"' {
				end = s.scanQuoted()
			} else {
				end = s.scanUnquoted()
			}

			switch end {
			case endUnclosed:
				return fileError(source, Issue{Code: CodeUnclosedQuote, Line: fieldLine, Size: len(s.text) - fieldStart}, nil)
			case endMalformed:
				return s.checkLineAfterMalformed(recordStart, recordLine, source)
			}
			if size := s.pos - fieldStart; size > maxFieldBytes {
				return fileError(source, Issue{Code: CodeFieldTooLarge, Line: fieldLine, Count: maxFieldBytes >> 10, Size: size}, nil)
			}
			if end == endField {
				s.pos++ // the delimiter
				continue
			}
			break
		}

		if size := s.pos - recordStart; size > maxRecordBytes {
			return fileError(source, Issue{Code: CodeRecordTooLarge, Line: recordLine, Count: maxRecordBytes >> 20, Size: size}, nil)
		}
		if s.pos < len(s.text) {
			s.pos++ // the line feed
			s.line++
		}
	}
	return nil
}

// skipPlainLine moves past the line at s.pos when it has no quote and is no
// longer than maxFieldBytes, so it is one whole record that fits every limit,
// and reports whether it did. Most lines of a contact file are like that, and
// strings.IndexByte finds their ends several times faster than the scan of
// each field.
func (s *recordScanner) skipPlainLine() bool {
	rest := s.text[s.pos:]
	end := strings.IndexByte(rest, '\n')
	if end < 0 {
		end = len(rest)
	}
	if end > maxFieldBytes || strings.IndexByte(rest[:end], '"') >= 0 {
		return false
	}

	s.pos += end
	if s.pos < len(s.text) {
		s.pos++ // the line feed
		s.line++
	}
	return true
}

// fieldEnd is the kind of input that ends the scan of one field.
type fieldEnd int

const (
	endField     fieldEnd = iota // a delimiter follows; s.pos is on it
	endRecord                    // a line feed or the end of the text follows
	endUnclosed                  // the text ends inside quotes
	endMalformed                 // a quote that encoding/csv rejects
)

// scanUnquoted moves past an unquoted field.
func (s *recordScanner) scanUnquoted() fieldEnd {
	for s.pos < len(s.text) {
		switch s.text[s.pos] {
		case s.delimiter:
			return endField
		case '\n':
			return endRecord
		case '"':
			return endMalformed
		}
		s.pos++
	}
	return endRecord
}

// scanQuoted moves past a quoted field, counting the line feeds inside it.
func (s *recordScanner) scanQuoted() fieldEnd {
	s.pos++ // the opening quote
	for {
		i := strings.IndexByte(s.text[s.pos:], '"')
		if i < 0 {
			s.line += strings.Count(s.text[s.pos:], "\n")
			s.pos = len(s.text)
			return endUnclosed
		}
		s.line += strings.Count(s.text[s.pos:s.pos+i], "\n")
		s.pos += i + 1

		if s.pos < len(s.text) && s.text[s.pos] == '"' {
			s.pos++ // a doubled quote inside the value
			continue
		}
		next := s.pos
		if next < len(s.text) && s.text[next] == '\r' {
			next++ // encoding/csv reads \r\n as \n
		}
		switch {
		case s.pos == len(s.text):
			return endRecord
		case s.text[s.pos] == s.delimiter:
			return endField
		case next < len(s.text) && s.text[next] == '\n':
			s.pos = next
			return endRecord
		case next == len(s.text):
			s.pos = next
			return endRecord
		}
		return endMalformed
	}
}

// checkLineAfterMalformed makes sure that the physical line on which the scan
// stopped fits maxRecordBytes, because encoding/csv reads that whole line
// before it reports the malformed quote.
func (s *recordScanner) checkLineAfterMalformed(recordStart, recordLine int, source string) error {
	lineEnd := strings.IndexByte(s.text[s.pos:], '\n')
	if lineEnd < 0 {
		lineEnd = len(s.text)
	} else {
		lineEnd += s.pos
	}
	if size := lineEnd - recordStart; size > maxRecordBytes {
		return fileError(source, Issue{Code: CodeRecordTooLarge, Line: recordLine, Count: maxRecordBytes >> 20, Size: size}, nil)
	}
	return nil
}
