package phone_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// FuzzParse checks that any input either fails with one of the package's errors or yields
// a well-formed E.164 number that parses to itself again.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"+7 495 123-45-67", "8 (495) 123 45 67", "74951234567", "tel:+74951234567",
		"sip:+74951234567@host;user=phone", "<sip:84951234567@10.0.0.1>",
		"+7 495 123-45-67 доб. 123", "ext. 12", ";ext=12", "anonymous", "", " ",
		`"x" <sips:%2B74951234567:pw@h>;tag=1`, "tel:+1-201-555-0123;phone-context=x;ext=7",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n, err := phone.Parse(raw)
		if err != nil {
			if !errors.Is(err, phone.ErrInvalid) && !errors.Is(err, phone.ErrWithheld) {
				t.Fatalf("Parse(%q) error %v wraps neither ErrInvalid nor ErrWithheld", raw, err)
			}
			// Callers translate the reason, so every rejection must carry a known one.
			if reason, ok := phone.ReasonOf(err); !ok || reason == "" {
				t.Fatalf("Parse(%q) error %v carries no reason", raw, err)
			}
			return
		}
		if !e164Pattern.MatchString(n.E164) {
			t.Fatalf("Parse(%q).E164 = %q, not E.164", raw, n.E164)
		}
		again, err := phone.Parse(n.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse again: %v", raw, n, err)
		}
		if again != n {
			t.Fatalf("Parse(%q) = %+v, but parsing %q gives %+v", raw, n, n.String(), again)
		}
	})
}
