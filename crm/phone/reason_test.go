package phone_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

func TestParseReason(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want phone.Reason
	}{
		{"anonymous", phone.ReasonWithheld},
		{"", phone.ReasonWithheld},
		{strings.Repeat("9", 300), phone.ReasonInputTooLong},
		{"abc", phone.ReasonNoDigits},
		{"a1", phone.ReasonNotANumber},
		{"+999 1234567", phone.ReasonUnknownCountryCode},
		{"+7 495 12", phone.ReasonTooShort},
		{"+7 495 123-45-67-89-01-23", phone.ReasonTooLong},
		{"123 45 67", phone.ReasonNoAreaCode},
		{"+7 4951234567890", phone.ReasonInvalidLength},
		{"+49000000000", phone.ReasonUnstable},
		// E.164 allows 7 to 15 digits even where German metadata allows fewer or more.
		{"+490000", phone.ReasonTooShort},
		{"+4910000000000000", phone.ReasonTooLong},
	} {
		_, err := phone.Parse(tc.raw)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want reason %s", tc.raw, tc.want)
			continue
		}
		got, ok := phone.ReasonOf(fmt.Errorf("import row 3: %w", err))
		if !ok {
			t.Errorf("Parse(%q) error %v carries no reason through a wrap", tc.raw, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Parse(%q) reason = %s, want %s (error %v)", tc.raw, got, tc.want, err)
		}

		withheld := tc.want == phone.ReasonWithheld
		if errors.Is(err, phone.ErrWithheld) != withheld {
			t.Errorf("Parse(%q) error %v: errors.Is(ErrWithheld) = %v, want %v", tc.raw, err, !withheld, withheld)
		}
		if errors.Is(err, phone.ErrInvalid) == withheld {
			t.Errorf("Parse(%q) error %v: errors.Is(ErrInvalid) = %v, want %v", tc.raw, err, withheld, !withheld)
		}
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := phone.Parse("+7 495 12")
	want := `invalid phone number "+7 495 12": it is too short; write it with the country code, for example +7 495 123-45-67`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %q", err, want)
	}

	_, err = phone.Parse("Restricted")
	want = `phone number withheld: "Restricted" hides the caller's number, so it matches no contact`
	if err == nil || err.Error() != want {
		t.Errorf("Parse error = %v, want %q", err, want)
	}

	if r, ok := phone.ReasonOf(errors.New("invalid phone number")); ok {
		t.Errorf("ReasonOf(plain error) = %s, true; want false", r)
	}
}
