package protocol

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateEndpoint(t *testing.T) {
	for _, ok := range []string{"PJSIP/1005", "SIP/1005", "PJSIP/desk-7.b_2", "PJSIP/" + strings.Repeat("a", maxEndpointResource)} {
		if err := ValidateEndpoint(ok); err != nil {
			t.Errorf("ValidateEndpoint(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{
		"", "1005", "PJSIP", "PJSIP/", "pjsip/1005", "IAX2/1005", "Local/123@evil", "PJSIP/123@trunk",
		"PJSIP/1005/sip:x@evil", "PJSIP/1005,PJSIP/1006", "PJSIP/1005&PJSIP/1006", "PJSIP/10 05",
		"PJSIP/тест", "PJSIP/1005\n", "PJSIP/" + strings.Repeat("a", maxEndpointResource+1),
	} {
		err := ValidateEndpoint(bad)
		if !errors.Is(err, ErrInvalidEndpoint) {
			t.Errorf("ValidateEndpoint(%q) = %v, want ErrInvalidEndpoint", bad, err)
		}
		if got := ValidationReason(err); got != ReasonInvalidEndpoint {
			t.Errorf("ValidationReason for %q = %q, want %q", bad, got, ReasonInvalidEndpoint)
		}
	}
}

func TestSetStatusEndpointValidation(t *testing.T) {
	cases := []struct {
		name string
		cmd  SetStatus
		ok   bool
	}{
		{"available at a phone", SetStatus{Status: StateAvailable, Endpoint: "PJSIP/1005"}, true},
		{"available without a phone", SetStatus{Status: StateAvailable}, true},
		{"dial string", SetStatus{Status: StateAvailable, Endpoint: "Local/123@evil"}, false},
		{"phone with a pause", SetStatus{Status: StatePaused, Reason: "lunch", Endpoint: "PJSIP/1005"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cmd.Validate()
			if (err == nil) != tc.ok {
				t.Errorf("Validate() = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

// FuzzValidateEndpoint checks that an accepted endpoint can only name one PJSIP or SIP
// resource.
func FuzzValidateEndpoint(f *testing.F) {
	for _, s := range []string{"PJSIP/1005", "Local/1@x", "SIP/a.b-c_d", "PJSIP/1,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateEndpoint(s) != nil {
			return
		}
		tech, resource, _ := strings.Cut(s, "/")
		if tech != "PJSIP" && tech != "SIP" {
			t.Fatalf("accepted technology %q in %q", tech, s)
		}
		if resource == "" || strings.ContainsAny(resource, "@/,&:;!() \t\r\n") {
			t.Fatalf("accepted resource %q in %q", resource, s)
		}
	})
}
