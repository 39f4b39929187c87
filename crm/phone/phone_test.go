package phone_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

func TestParseForms(t *testing.T) {
	const moscow = "+74951234567"
	tests := []struct {
		name, raw, e164, ext string
	}{
		{"international with dashes", "+7 495 123-45-67", moscow, ""},
		{"national trunk prefix 8", "8 (495) 123 45 67", moscow, ""},
		{"digits with country code", "74951234567", moscow, ""},
		{"national digits", "4951234567", moscow, ""},
		{"tel URI", "tel:+74951234567", moscow, ""},
		{"tel URI with phone context", "tel:+7-495-123-45-67;phone-context=example.ru", moscow, ""},
		{"SIP URI user part", "sip:+74951234567@host;user=phone", moscow, ""},
		{"SIP URI in angle brackets", "<sip:84951234567@10.0.0.1>", moscow, ""},
		{"SIP URI with display name", `"Иван Петров" <sip:84951234567@10.0.0.1:5060>;tag=as1`, moscow, ""},
		{"SIPS URI escaped plus", "sips:%2B74951234567@pbx.example.ru", moscow, ""},
		{"SIP URI upper-case scheme", "SIP:74951234567@host", moscow, ""},
		{"Russian extension label", "+7 495 123-45-67 доб. 123", moscow, "123"},
		{"English extension label", "+7 495 123-45-67 ext. 12", moscow, "12"},
		{"RFC 3966 extension", "+74951234567;ext=12", moscow, "12"},
		{"tel URI with extension", "tel:+74951234567;ext=12", moscow, "12"},
		{"surrounding spaces", "  +7 (495) 123-45-67\t", moscow, ""},
		{"mobile number", "8-916-123-45-67", "+79161234567", ""},
		{"foreign number", "+44 20 7946 0958", "+442079460958", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := phone.Parse(tt.raw)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.raw, err)
			}
			if got.E164 != tt.e164 {
				t.Errorf("Parse(%q).E164 = %q, want %q", tt.raw, got.E164, tt.e164)
			}
			if got.Extension != tt.ext {
				t.Errorf("Parse(%q).Extension = %q, want %q", tt.raw, got.Extension, tt.ext)
			}
		})
	}
}

func TestParseWithheld(t *testing.T) {
	for _, raw := range []string{
		"anonymous", "Anonymous", "ANONYMOUS", "Restricted", "unknown", "unavailable", "Private",
		"", " ", "\t\n", "sip:anonymous@anonymous.invalid", "<sip:Anonymous@10.0.0.1>", "tel:anonymous",
	} {
		_, err := phone.Parse(raw)
		if !errors.Is(err, phone.ErrWithheld) {
			t.Errorf("Parse(%q) error = %v, want ErrWithheld", raw, err)
		}
		if errors.Is(err, phone.ErrInvalid) {
			t.Errorf("Parse(%q) error %v is also ErrInvalid; withheld must be distinct", raw, err)
		}
		if !phone.IsWithheld(raw) {
			t.Errorf("IsWithheld(%q) = false", raw)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, raw := range []string{
		"12", "abc", "+", "+0 123 456", "1001", "ext. 12", "+7 495 123-45-67-89-01-23",
		"sip:pbx.example.ru", strings.Repeat("9", 300),
		// Found by FuzzParse: a national prefix after the country code, and lengths
		// that German metadata allows but E.164 does not.
		"+49000000000", "+490000", "+4910000000000000",
	} {
		_, err := phone.Parse(raw)
		if !errors.Is(err, phone.ErrInvalid) {
			t.Errorf("Parse(%q) error = %v, want ErrInvalid", raw, err)
			continue
		}
		// The message names the value, so an operator can find the bad row or header.
		quoted := raw
		if len(quoted) > 40 {
			quoted = quoted[:40]
		}
		if !strings.Contains(err.Error(), quoted) {
			t.Errorf("Parse(%q) error %q does not quote the value", raw, err)
		}
	}
}

func TestNormalizerRegion(t *testing.T) {
	kz, err := phone.NewNormalizer("kz")
	if err != nil {
		t.Fatalf("NewNormalizer(kz): %v", err)
	}
	if kz.Region() != "KZ" {
		t.Errorf("Region() = %q, want KZ", kz.Region())
	}

	gb, err := phone.NewNormalizer("GB")
	if err != nil {
		t.Fatal(err)
	}
	got, err := gb.Parse("020 7946 0958")
	if err != nil {
		t.Fatalf("GB Parse: %v", err)
	}
	if got.E164 != "+442079460958" {
		t.Errorf("GB national number = %q, want +442079460958", got.E164)
	}

	def, err := phone.NewNormalizer("")
	if err != nil || def.Region() != phone.DefaultRegion {
		t.Errorf("NewNormalizer(\"\") = %v, %v; want region %s", def, err, phone.DefaultRegion)
	}

	if _, err := phone.NewNormalizer("XX"); err == nil || !strings.Contains(err.Error(), `"XX"`) {
		t.Errorf("NewNormalizer(XX) error = %v, want an error naming XX", err)
	}
}

func TestNumberStringRoundTrip(t *testing.T) {
	n, err := phone.Parse("+7 495 123-45-67 доб. 123")
	if err != nil {
		t.Fatal(err)
	}
	if n.String() != "+74951234567;ext=123" {
		t.Errorf("String() = %q", n.String())
	}
	again, err := phone.Parse(n.String())
	if err != nil || again != n {
		t.Errorf("Parse(String()) = %+v, %v; want %+v", again, err, n)
	}
}
