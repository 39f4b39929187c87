package phone

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// compactSeeds are written forms of numbers, with the separators compactDigits
// removes and the characters that make it leave the text alone.
var compactSeeds = []string{
	"+7 (495) 123-45-67", "8 (495) 123 45 67", "74951234567", "+7 495 123.45.67",
	"8-800-555-35-35", "(8 495) 1234567", "+49 0 30 1234567", "+49 00 30 123456",
	"+44 (0) 20 7946 0958", "+1 (201) 555-0123", "8 495 123-45-67 доб. 12",
	"8 495 123-45-67 x12", "+1 201 555 0123 - 503#", "8 495 1234567,,12",
	"+", "()", "12-34", "+-7 495 1234567", "7+495", "0", "...123...",
}

// FuzzCompactDigits checks that phonenumbers.Parse gives the same number,
// extension and error for compactDigits' output as for the text it came from,
// in the default region and in one whose national prefix is 0.
func FuzzCompactDigits(f *testing.F) {
	for _, seed := range compactSeeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		compact, ok := compactDigits(text)
		if !ok {
			return
		}
		for _, region := range []string{"RU", "DE"} {
			assertSameParse(t, text, compact, region)
		}
	})
}

func TestCompactDigitsSeeds(t *testing.T) {
	for _, text := range compactSeeds {
		compact, ok := compactDigits(text)
		if !ok {
			continue
		}
		for _, region := range []string{"RU", "DE", "GB", "US"} {
			assertSameParse(t, text, compact, region)
		}
	}
}

func TestCompactDigitsRejects(t *testing.T) {
	for _, text := range []string{
		"8 495 123-45-67 доб. 12", "8 495 1234567 x12", "8 495 1234567#", "8 495 1234567;ext=1",
		"8 495 1234567,,12", "７４９５", "＋7 495 1234567", "7+495", "+7\t495", "+7 495/1234567",
	} {
		if compact, ok := compactDigits(text); ok {
			t.Errorf("compactDigits(%q) = %q, want the text left to the parser", text, compact)
		}
	}
}

func TestCompactDigitsOutput(t *testing.T) {
	compact, ok := compactDigits("+7 (495) 123-45.67")
	if !ok || compact != "+74951234567" {
		t.Errorf(`compactDigits("+7 (495) 123-45.67") = %q, %t, want "+74951234567", true`, compact, ok)
	}
}

func assertSameParse(t *testing.T, text, compact, region string) {
	t.Helper()
	written, writtenErr := phonenumbers.Parse(text, region)
	digits, digitsErr := phonenumbers.Parse(compact, region)
	if writtenErr != digitsErr {
		t.Fatalf("region %s: parsing %q fails with %v, but its compact form %q with %v",
			region, text, writtenErr, compact, digitsErr)
	}
	if writtenErr != nil {
		return
	}
	if a, b := phonenumbers.Format(written, phonenumbers.E164), phonenumbers.Format(digits, phonenumbers.E164); a != b {
		t.Fatalf("region %s: %q parses to %s, but its compact form %q to %s", region, text, a, compact, b)
	}
	if a, b := written.GetExtension(), digits.GetExtension(); a != b {
		t.Fatalf("region %s: %q has extension %q, but its compact form %q has %q", region, text, a, compact, b)
	}
	if a, b := phonenumbers.IsPossibleNumberWithReason(written), phonenumbers.IsPossibleNumberWithReason(digits); a != b {
		t.Fatalf("region %s: %q is possible with reason %v, but its compact form %q with %v", region, text, a, compact, b)
	}
	if a, b := written.GetItalianLeadingZero(), digits.GetItalianLeadingZero(); a != b {
		t.Fatalf("region %s: %q has Italian leading zero %t, but its compact form %q has %t", region, text, a, compact, b)
	}
}
