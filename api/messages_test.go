package api

import (
	"testing"

	"github.com/switchboard-cc/switchboard/api/protocol"
)

func TestEveryCodeHasBothLanguages(t *testing.T) {
	internalRU := userMessage(protocol.CodeInternal, LocaleRussian)
	internalEN := userMessage(protocol.CodeInternal, LocaleEnglish)

	for _, code := range protocol.Codes() {
		ru := userMessage(code, LocaleRussian)
		en := userMessage(code, LocaleEnglish)
		if ru == "" || en == "" || ru == en {
			t.Errorf("code %s: ru %q, en %q; want two different non-empty messages", code, ru, en)
		}
		if code != protocol.CodeInternal && (ru == internalRU || en == internalEN) {
			t.Errorf("code %s falls back to the internal error message", code)
		}
	}
}

func TestMatchLocale(t *testing.T) {
	m := newLocaleMatcher()
	tests := []struct {
		header string
		want   string
	}{
		{"ru-RU,ru;q=0.9,en;q=0.8", LocaleRussian},
		{"en-GB,en;q=0.9", LocaleEnglish},
		{"de-DE,en;q=0.5", LocaleEnglish},
		{"de-DE", LocaleRussian},
		{"", LocaleRussian},
		{"!!!", LocaleRussian},
	}
	for _, tt := range tests {
		if got := matchLocale(m, tt.header, LocaleRussian); got != tt.want {
			t.Errorf("matchLocale(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestEveryReasonHasBothLanguages(t *testing.T) {
	generic := map[string]bool{
		userMessage(protocol.CodeConflict, LocaleRussian): true,
		userMessage(protocol.CodeConflict, LocaleEnglish): true,
	}
	seen := map[string]string{}
	for _, reason := range protocol.Reasons() {
		ru := commandErrorMessage(protocol.CodeConflict, reason, LocaleRussian)
		en := commandErrorMessage(protocol.CodeConflict, reason, LocaleEnglish)
		if ru == "" || en == "" || ru == en {
			t.Errorf("reason %s: ru %q, en %q; want two different non-empty messages", reason, ru, en)
		}
		if generic[ru] || generic[en] {
			t.Errorf("reason %s falls back to the generic conflict message", reason)
		}
		if other, dup := seen[en]; dup {
			t.Errorf("reasons %s and %s share the message %q", other, reason, en)
		}
		seen[en] = reason
	}
}
