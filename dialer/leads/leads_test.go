package leads

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/switchboard-cc/switchboard/crm/contactio"
	"github.com/switchboard-cc/switchboard/crm/phone"
)

func normalizer(t testing.TB) *phone.Normalizer {
	n, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestParseReportsRowsWithLines(t *testing.T) {
	file := "Телефон;Имя\n8 (495) 123-45-67;Анна\n\n;Пусто\nnot a number;Борис\n+7 495 123 45 67;Дубль\n+7 916 000-00-01;\"Иванов; Пётр\"\n"
	list, err := Parse(strings.NewReader(file), normalizer(t), "leads.csv")
	if err != nil {
		t.Fatal(err)
	}
	if list.Delimiter != ';' || list.Encoding != "utf-8" {
		t.Errorf("delimiter %q, encoding %s; want ';' and utf-8", list.Delimiter, list.Encoding)
	}
	if len(list.Rows) != 2 {
		t.Fatalf("rows = %+v, want 2", list.Rows)
	}
	if r := list.Rows[0]; r.Line != 2 || r.Phone != "+74951234567" || r.Raw != "8 (495) 123-45-67" || r.Name != "Анна" {
		t.Errorf("first row = %+v", r)
	}
	if r := list.Rows[1]; r.Line != 7 || r.Name != "Иванов; Пётр" {
		t.Errorf("second row = %+v, want line 7 with a quoted name", r)
	}
	want := []struct {
		line int
		kind ProblemKind
	}{{4, MissingPhone}, {5, InvalidPhone}, {6, DuplicateInFile}}
	if len(list.Problems) != len(want) {
		t.Fatalf("problems = %+v, want %d", list.Problems, len(want))
	}
	for i, w := range want {
		if p := list.Problems[i]; p.Line != w.line || p.Kind != w.kind {
			t.Errorf("problem %d = %+v, want line %d kind %d", i, p, w.line, w.kind)
		}
	}
}

func TestParseGivesPhoneReason(t *testing.T) {
	file := "phone,name\n+7 495 12,Short\nanonymous,Hidden\n+999 1234567,Nowhere\n"
	list, err := Parse(strings.NewReader(file), normalizer(t), "leads.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []phone.Reason{phone.ReasonTooShort, phone.ReasonWithheld, phone.ReasonUnknownCountryCode}
	if len(list.Problems) != len(want) {
		t.Fatalf("problems = %+v, want %d", list.Problems, len(want))
	}
	for i, reason := range want {
		p := list.Problems[i]
		if p.Kind != InvalidPhone {
			t.Errorf("line %d: kind %d, want InvalidPhone", p.Line, p.Kind)
		}
		if p.PhoneReason != reason {
			t.Errorf("line %d (%q): phone reason %q, want %q", p.Line, p.Raw, p.PhoneReason, reason)
		}
	}
}

func TestParseWindows1251(t *testing.T) {
	encoded, err := charmap.Windows1251.NewEncoder().String("phone,name\n+74951234567,Ёлкин Сергей\n")
	if err != nil {
		t.Fatal(err)
	}
	list, err := Parse(strings.NewReader(encoded), normalizer(t), "leads.csv")
	if err != nil {
		t.Fatal(err)
	}
	if list.Encoding != "windows-1251" || len(list.Rows) != 1 || list.Rows[0].Name != "Ёлкин Сергей" {
		t.Errorf("list = %+v, want one row named Ёлкин Сергей read as windows-1251", list)
	}
}

func TestParseRejectsFileWithoutPhoneColumn(t *testing.T) {
	_, err := Parse(strings.NewReader("name,email\nAnna,a@example.com\n"), normalizer(t), "leads.csv")
	var fileErr *contactio.FileError
	if !errors.As(err, &fileErr) || fileErr.Code != contactio.CodeNoPhoneColumn || fileErr.Line != 1 {
		t.Errorf("err = %v, want a file error no_phone_column on line 1", err)
	}
	if ru := contactio.ErrorMessage(err, "ru"); !strings.Contains(ru, "нет телефона") {
		t.Errorf("Russian message %q does not say the phone column is missing", ru)
	}
	if _, err := Parse(strings.NewReader(""), normalizer(t), "leads.csv"); err == nil {
		t.Error("empty file: want an error")
	}
	if _, err := Parse(bytes.NewReader(append([]byte("\xef\xbb\xbfphone\n\"+7495"), 0)), normalizer(t), "leads.csv"); err == nil {
		t.Error("unterminated quote: want an error")
	}
	// A KOI8-R list is read like a contact file would be.
	koi8, err := charmap.KOI8R.NewEncoder().String("Телефон;Имя\n+7 916 123-45-67;Ёлкин Сергей Петрович\n")
	if err != nil {
		t.Fatal(err)
	}
	list, err := Parse(strings.NewReader(koi8), normalizer(t), "koi8.csv")
	if err != nil || list.Encoding != contactio.EncodingKOI8R || len(list.Rows) != 1 || list.Rows[0].Name != "Ёлкин Сергей Петрович" {
		t.Errorf("KOI8-R list = %+v, %v; want one row read as koi8-r", list, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("phone;name\n+74951234567;Anna\n"))
	f.Add([]byte("\xef\xbb\xbfТелефон,Имя\n8 495 123-45-67,\"A, B\"\n"))
	n := normalizer(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := Parse(bytes.NewReader(data), n, "fuzz.csv")
		if err != nil {
			return
		}
		seen := make(map[string]bool)
		for _, r := range list.Rows {
			if !strings.HasPrefix(r.Phone, "+") || seen[r.Phone] || r.Line < 2 {
				t.Fatalf("row %+v: want a unique E.164 number on line 2 or later", r)
			}
			seen[r.Phone] = true
		}
	})
}
