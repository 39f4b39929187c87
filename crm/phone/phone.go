// Package phone normalises telephone numbers to E.164 for caller lookup and storage.
//
// A Normalizer accepts the forms a number arrives in: written by a person
// ("8 (495) 123 45 67", "+7 495 123-45-67 доб. 123"), a tel: URI (RFC 3966), the user part
// of a SIP URI as Asterisk reports it ("<sip:84951234567@10.0.0.1>"), or bare digits. The
// parsing itself is github.com/nyaruka/phonenumbers (a port of Google's libphonenumber);
// this package only peels off URI syntax and recognises withheld numbers.
//
// A Normalizer is immutable and safe for concurrent use.
package phone

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region assumed for numbers written without a country code.
const DefaultRegion = "RU"

// maxInputLength bounds the text handed to the parser; no real number form is longer.
const maxInputLength = 256

// minDigits is the fewest digits of a stored E.164 number, country code included
// (Niue's +683 and four digits).
const minDigits = 7

// maxDigits is the most digits E.164 (ITU-T) allows, country code included.
const maxDigits = 15

var (
	// ErrWithheld means the caller withheld the number ("anonymous", "Restricted", empty).
	// A withheld number never matches a contact.
	ErrWithheld = errors.New("phone number withheld")
	// ErrInvalid means the text is not a telephone number.
	ErrInvalid = errors.New("invalid phone number")
)

// Number is a normalised telephone number.
type Number struct {
	// E164 is the number in E.164 form, for example +74951234567.
	E164 string
	// Extension is the internal extension dialled after the call is answered, digits
	// only, or empty.
	Extension string
}

// String returns the E.164 form followed by ";ext=" and the extension when there is one
// (RFC 3966 notation), a form Parse accepts again.
func (n Number) String() string {
	if n.Extension == "" {
		return n.E164
	}
	return n.E164 + ";ext=" + n.Extension
}

// Normalizer parses numbers, reading those without a country code as numbers of its
// default region.
type Normalizer struct {
	region string
}

// NewNormalizer returns a Normalizer for the default region, an ISO 3166-1 alpha-2 code
// such as "RU" or "GB". An empty region means DefaultRegion.
func NewNormalizer(region string) (*Normalizer, error) {
	if region == "" {
		region = DefaultRegion
	}
	region = strings.ToUpper(strings.TrimSpace(region))
	if phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return nil, fmt.Errorf("unknown phone region %q: use an ISO 3166-1 alpha-2 code such as RU, KZ or GB", region)
	}
	return &Normalizer{region: region}, nil
}

// Region returns the default region.
func (n *Normalizer) Region() string {
	if n == nil {
		return DefaultRegion
	}
	return n.region
}

// Parse normalises raw. The error is a *ParseError whose Reason gives why raw was rejected.
// It wraps ErrWithheld for a withheld number and ErrInvalid for text that is not a possible
// telephone number, and its message quotes raw. A nil Normalizer uses DefaultRegion.
func (n *Normalizer) Parse(raw string) (Number, error) {
	if n == nil {
		n = defaultNormalizer
	}
	if len(raw) > maxInputLength {
		return Number{}, &ParseError{Raw: raw, Reason: ReasonInputTooLong}
	}

	text := unwrapURI(raw)
	if IsWithheld(text) {
		return Number{}, &ParseError{Raw: raw, Reason: ReasonWithheld}
	}
	if !strings.ContainsFunc(text, unicode.IsDigit) {
		return Number{}, invalid(raw, ReasonNoDigits)
	}

	// Plain digits parse the same as the written form but several times faster,
	// because the parser's extension pattern is tried at every position of its input.
	input := text
	if compact, ok := compactDigits(text); ok {
		input = compact
	}
	parsed, err := phonenumbers.Parse(input, n.region)
	if err != nil {
		return Number{}, invalid(raw, parseErrorReason(err))
	}
	if reason := phonenumbers.IsPossibleNumberWithReason(parsed); reason != phonenumbers.IS_POSSIBLE {
		return Number{}, invalid(raw, possibilityReason(reason))
	}

	e164 := phonenumbers.Format(parsed, phonenumbers.E164)

	// Metadata of some countries (Germany) calls numbers of 6 or 16 digits possible, but
	// the schema stores 7 to 15 digits, the range of real E.164 numbers.
	digits := len(e164) - 1
	if digits < minDigits {
		return Number{}, invalid(raw, ReasonTooShort)
	}
	if digits > maxDigits {
		return Number{}, invalid(raw, ReasonTooLong)
	}

	// The parser drops a national prefix written after the country code ("+49 0 30...").
	// For runs of zeros that changes the number again on every parse, so a stored number
	// would stop matching itself. Only numbers that are their own normal form are accepted.
	// When the parser's input already was the E.164 form, the parse above was that check.
	if input != e164 {
		if again, err := phonenumbers.Parse(e164, n.region); err != nil || phonenumbers.Format(again, phonenumbers.E164) != e164 {
			return Number{}, invalid(raw, ReasonUnstable)
		}
	}

	return Number{E164: e164, Extension: parsed.GetExtension()}, nil
}

// compactDigits returns text without the spaces, brackets, hyphens and dots
// that people put between digits, and reports whether text consisted of ASCII
// digits (at least three), those characters and at most a leading '+'. Only
// then is the result equivalent for phonenumbers.Parse: it drops these
// characters itself, and every extension form it recognises needs a letter,
// '#', '~', ',' or ';'. With fewer than three digits it would judge the
// separators themselves.
// FuzzCompactDigits checks the equivalence against the parser.
func compactDigits(text string) (string, bool) {
	// The parser rejects longer input as too long, so such text must reach it as it is.
	if len(text) > phonenumbers.MAX_INPUT_STRING_LENGTH {
		return "", false
	}
	var buf [maxInputLength]byte
	compact := buf[:0]
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c >= '0' && c <= '9':
			compact = append(compact, c)
		case c == '+' && i == 0:
			compact = append(compact, c)
		case c == ' ' || c == '(' || c == ')' || c == '-' || c == '.':
		default:
			return "", false
		}
	}
	digits := len(compact)
	if len(compact) > 0 && compact[0] == '+' {
		digits--
	}
	if digits < 3 {
		return "", false
	}
	return string(compact), true
}

// Parse normalises raw with a Normalizer for DefaultRegion.
func Parse(raw string) (Number, error) {
	return defaultNormalizer.Parse(raw)
}

// defaultNormalizer is never changed after initialisation.
var defaultNormalizer = &Normalizer{region: DefaultRegion}

// withheldValues are the caller id values (lowercased) that mean "no number": SIP's
// anonymous URI (RFC 3323), and what carriers and Asterisk put in CALLERID(num).
var withheldValues = map[string]bool{
	"":                  true,
	"anonymous":         true,
	"anonymous.invalid": true,
	"restricted":        true,
	"private":           true,
	"withheld":          true,
	"unknown":           true,
	"unavailable":       true,
	"blocked":           true,
	"no caller id":      true,
}

// IsWithheld reports whether s, as received in a caller id or a SIP URI user part, means
// the caller's number is withheld.
func IsWithheld(s string) bool {
	return withheldValues[strings.ToLower(strings.TrimSpace(unwrapURI(s)))]
}

// unwrapURI returns the telephone part of s: the user part of a SIP or SIPS URI (with or
// without a display name and angle brackets), the number of a tel: URI with its
// parameters, or s itself, trimmed.
func unwrapURI(s string) string {
	s = strings.TrimSpace(s)

	// "Display Name" <sip:user@host>;tag=x: keep what is inside the angle brackets.
	if open := strings.IndexByte(s, '<'); open >= 0 {
		if end := strings.IndexByte(s[open:], '>'); end > 0 {
			s = strings.TrimSpace(s[open+1 : open+end])
		}
	}

	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "sip:"), strings.HasPrefix(lower, "sips:"):
		s = s[strings.IndexByte(s, ':')+1:]
		// The user part ends at '@'; without one, the URI names a host only.
		if at := strings.IndexByte(s, '@'); at >= 0 {
			s = s[:at]
		}
		// A user part may carry a password (user:password) per RFC 3261.
		if colon := strings.IndexByte(s, ':'); colon >= 0 {
			s = s[:colon]
		}
		// Escaped characters are allowed in the user part ("%2B7495...").
		if unescaped, err := url.PathUnescape(s); err == nil {
			s = unescaped
		}
	case strings.HasPrefix(lower, "tel:"):
		s = s[len("tel:"):]
	}

	// RFC 3966 parameters other than ext (phone-context, isub) are not part of the number;
	// ";ext=" stays for the parser.
	if semi := strings.IndexByte(s, ';'); semi >= 0 {
		number, params := s[:semi], strings.Split(s[semi+1:], ";")
		for _, p := range params {
			if strings.HasPrefix(strings.ToLower(p), "ext=") {
				number += ";" + p
			}
		}
		s = number
	}
	return strings.TrimSpace(s)
}

func invalid(raw string, reason Reason) error {
	return &ParseError{Raw: raw, Reason: reason}
}

func parseErrorReason(err error) Reason {
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return ReasonUnknownCountryCode
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return ReasonTooShort
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return ReasonTooLong
	default:
		return ReasonNotANumber
	}
}

func possibilityReason(r phonenumbers.ValidationResult) Reason {
	switch r {
	case phonenumbers.TOO_SHORT:
		return ReasonTooShort
	case phonenumbers.TOO_LONG:
		return ReasonTooLong
	case phonenumbers.INVALID_COUNTRY_CODE:
		return ReasonUnknownCountryCode
	case phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
		return ReasonNoAreaCode
	default:
		return ReasonInvalidLength
	}
}
