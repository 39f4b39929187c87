package phone

import (
	"errors"
	"fmt"
)

// Reason is the cause of a rejection by Parse. Its values are stable codes, so callers can
// map them to messages in their users' language. The English phrases of Error are for logs.
type Reason string

// Reasons of rejected numbers.
const (
	// ReasonWithheld is a caller id that means the number was withheld ("anonymous",
	// "Restricted", empty). Such an error wraps ErrWithheld, every other reason ErrInvalid.
	ReasonWithheld Reason = "withheld"
	// ReasonInputTooLong is a text longer than any written number can be (256 bytes).
	ReasonInputTooLong Reason = "input_too_long"
	// ReasonNoDigits is a text without a single digit.
	ReasonNoDigits Reason = "no_digits"
	// ReasonNotANumber is a text the parser cannot read as a telephone number.
	ReasonNotANumber Reason = "not_a_number"
	// ReasonUnknownCountryCode is a number whose country code belongs to no country.
	ReasonUnknownCountryCode Reason = "unknown_country_code"
	// ReasonTooShort is a number with fewer digits than its country's numbers have.
	ReasonTooShort Reason = "too_short"
	// ReasonTooLong is a number with more digits than its country's numbers have.
	ReasonTooLong Reason = "too_long"
	// ReasonNoAreaCode is a local number written without its area code.
	ReasonNoAreaCode Reason = "no_area_code"
	// ReasonInvalidLength is a number whose length fits no number of its country,
	// though shorter and longer ones exist.
	ReasonInvalidLength Reason = "invalid_length"
	// ReasonUnstable is a number that changes each time it is parsed, such as a national
	// prefix of zeros written after the country code ("+49 0 30 ..."), so no stored
	// form of it would match itself.
	ReasonUnstable Reason = "unstable"
)

// reasonText is the English phrase of each reason in Error messages.
var reasonText = map[Reason]string{
	ReasonNoDigits:           "it contains no digits",
	ReasonNotANumber:         "it is not a telephone number",
	ReasonUnknownCountryCode: "the country code is unknown",
	ReasonTooShort:           "it is too short",
	ReasonTooLong:            "it is too long",
	ReasonNoAreaCode:         "it lacks an area code",
	ReasonInvalidLength:      "its length fits no number of its country",
	ReasonUnstable:           "it has no stable international form",
}

// ParseError is the error of Parse: the rejected text and the reason. It wraps
// ErrWithheld for ReasonWithheld and ErrInvalid for every other reason.
type ParseError struct {
	// Raw is the text as Parse received it.
	Raw    string
	Reason Reason
}

// Error returns an English message that quotes the text (its first 40 bytes when it is
// longer than a number can be) and, for an invalid number, how to write it.
func (e *ParseError) Error() string {
	switch e.Reason {
	case ReasonWithheld:
		return fmt.Sprintf("%v: %q hides the caller's number, so it matches no contact", ErrWithheld, e.Raw)
	case ReasonInputTooLong:
		return fmt.Sprintf("%v: %.40q... is %d bytes long, more than a phone number can be (%d)",
			ErrInvalid, e.Raw, len(e.Raw), maxInputLength)
	}
	text, ok := reasonText[e.Reason]
	if !ok {
		text = string(e.Reason)
	}
	return fmt.Sprintf("%v %q: %s; write it with the country code, for example +7 495 123-45-67",
		ErrInvalid, e.Raw, text)
}

// Unwrap returns ErrWithheld or ErrInvalid, so errors.Is distinguishes the two.
func (e *ParseError) Unwrap() error {
	if e.Reason == ReasonWithheld {
		return ErrWithheld
	}
	return ErrInvalid
}

// ReasonOf returns the reason of the *ParseError in err's chain, or false when there is none.
func ReasonOf(err error) (Reason, bool) {
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe.Reason, true
	}
	return "", false
}
