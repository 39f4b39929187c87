package contactio

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding names accepted in ImportOptions.Encoding and reported in Report.Encoding.
const (
	EncodingUTF8        = "utf-8"
	EncodingWindows1251 = "windows-1251"
	EncodingKOI8R       = "koi8-r"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodedText is the file converted to UTF-8 with any byte order mark removed.
type decodedText struct {
	text     string
	encoding string
	bom      bool
	// warnings are file-level issues of the decoding, such as a guess between
	// two code pages that was too close to call.
	warnings []Issue
}

// normalizeEncodingName maps the spellings users type for the supported
// encodings to their canonical names; "" stays "" (detect).
func normalizeEncodingName(name string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "":
		return "", true
	case "utf-8", "utf8":
		return EncodingUTF8, true
	case "windows-1251", "windows1251", "cp1251", "cp-1251", "win-1251", "win1251":
		return EncodingWindows1251, true
	case "koi8-r", "koi8r", "koi8_r", "koi8", "cp20866":
		return EncodingKOI8R, true
	}
	return "", false
}

// decode converts data to UTF-8. With encoding "" it picks UTF-8 when the data
// starts with a UTF-8 byte order mark or is valid UTF-8 throughout. Data that
// looks like UTF-8 with a few damaged bytes is not guessed as a code page,
// because that would turn every Cyrillic letter into two wrong ones, so decode
// reports the first bad byte instead. Any other data is Windows-1251 or KOI8-R,
// whichever detectCyrillicCodePage scores higher.
func decode(data []byte, encoding, source string) (decodedText, error) {
	if err := checkNotText(data, source); err != nil {
		return decodedText{}, err
	}
	hasBOM := bytes.HasPrefix(data, utf8BOM)

	switch encoding {
	case EncodingUTF8:
		return decodeUTF8(data, hasBOM, source)
	case EncodingWindows1251, EncodingKOI8R:
		if hasBOM {
			return decodedText{}, fileError(source, Issue{Code: CodeBOMMismatch, Value: encoding}, nil)
		}
		return decodeCodePage(data, encoding, source)
	}

	if hasBOM || utf8.Valid(data) {
		return decodeUTF8(data, hasBOM, source)
	}
	if valid, invalid := countUTF8Sequences(data); valid >= invalid {
		return decodeUTF8(data, false, source)
	}

	detected, certain := detectCyrillicCodePage(data)
	decoded, err := decodeCodePage(data, detected, source)
	if err != nil {
		return decodedText{}, err
	}
	if !certain {
		decoded.warnings = []Issue{{Code: CodeEncodingUncertain, Value: detected}}
	}
	if line := firstUTF8Line(data); line > 0 {
		decoded.warnings = append(decoded.warnings, Issue{Code: CodeMixedEncoding, Line: line, Value: detected})
	}
	return decoded, nil
}

// firstUTF8Line returns the first line of data that holds at least two multi-byte UTF-8
// sequences and no byte that is invalid in UTF-8, or 0. In a file read with a single-byte
// code page, such a line was written as UTF-8: Cyrillic text in a code page almost never
// forms even one valid sequence (see countUTF8Sequences).
func firstUTF8Line(data []byte) int {
	for number, line := range bytes.Split(data, []byte{'\n'}) {
		if valid, invalid := countUTF8Sequences(line); valid >= 2 && invalid == 0 {
			return number + 1
		}
	}
	return 0
}

// checkNotText rejects inputs that are certainly not a CSV text file, with a
// message naming what the file probably is.
func checkNotText(data []byte, source string) error {
	switch {
	case len(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))) == 0:
		return fileError(source, Issue{Code: CodeEmptyFile}, nil)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return fileError(source, Issue{Code: CodeZipFile}, nil)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return fileError(source, Issue{Code: CodeUTF16}, nil)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fileError(source, Issue{Code: CodeBinary, Line: lineAt(data, i)}, nil)
	}
	return nil
}

func decodeUTF8(data []byte, hasBOM bool, source string) (decodedText, error) {
	body := data
	if hasBOM {
		body = data[len(utf8BOM):]
	}
	if i := firstInvalidUTF8(body); i >= 0 {
		return decodedText{}, fileError(source, Issue{
			Code:  CodeInvalidUTF8,
			Line:  lineAt(body, i),
			Value: fmt.Sprintf("0x%02X", body[i]),
		}, nil)
	}
	return decodedText{text: string(body), encoding: EncodingUTF8, bom: hasBOM}, nil
}

// codePages maps the single-byte encoding names to their tables.
var codePages = map[string]*charmap.Charmap{
	EncodingWindows1251: charmap.Windows1251,
	EncodingKOI8R:       charmap.KOI8R,
}

// decodeCodePage converts data from a single-byte code page byte by byte.
// Byte 0x98 is the only one that Windows-1251 leaves undefined (KOI8-R defines
// all 256), and the decoder would turn it into U+FFFD silently.
func decodeCodePage(data []byte, encoding, source string) (decodedText, error) {
	table := codePages[encoding]
	var out strings.Builder
	out.Grow(len(data) * 2)
	for i, b := range data {
		r := table.DecodeByte(b)
		if r == utf8.RuneError {
			return decodedText{}, fileError(source, Issue{
				Code:  CodeUndefinedByte,
				Line:  lineAt(data, i),
				Value: fmt.Sprintf("0x%02X", b),
			}, nil)
		}
		out.WriteRune(r)
	}
	return decodedText{text: out.String(), encoding: encoding}, nil
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// countUTF8Sequences counts valid multi-byte UTF-8 sequences and invalid bytes.
// Windows-1251 Cyrillic text almost never forms a valid sequence, because its
// letters (0xC0–0xFF) follow each other and a continuation byte must be 0x80–0xBF.
func countUTF8Sequences(data []byte) (valid, invalid int) {
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		i += size
	}
	return valid, invalid
}

// lineAt returns the 1-based line number of byte offset i.
func lineAt(data []byte, i int) int {
	return bytes.Count(data[:i], []byte{'\n'}) + 1
}

// detectDelimiter picks the most frequent of semicolon, comma and tab outside
// quotes in the first record, which is the header. Ties go to the semicolon,
// because Excel in a Russian locale writes it, and a header without any of the
// three gets the comma.
func detectDelimiter(text string) rune {
	counts := map[rune]int{}
	inQuotes := false
	for _, r := range text {
		if r == '"' {
			inQuotes = !inQuotes
			continue
		}
		if inQuotes {
			continue
		}
		if r == '\n' {
			break
		}
		counts[r]++
	}

	best, bestCount := ',', 0
	for _, candidate := range []rune{';', ',', '\t'} {
		if counts[candidate] > bestCount {
			best, bestCount = candidate, counts[candidate]
		}
	}
	return best
}

// validDelimiter reports whether r is one of the delimiters spreadsheets write.
func validDelimiter(r rune) bool {
	return r == ',' || r == ';' || r == '\t'
}
