package storage_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// FuzzContactSearch checks that no search text breaks the text-search query List builds
// from it: whatever the user types, List returns matches or none, never a query error.
func FuzzContactSearch(f *testing.F) {
	pool := pgtest.New(f)
	contacts := storage.NewContacts(pool, nil)
	company, err := storage.NewCompanies(pool).Create(f.Context(), crm.Company{Name: "«Рога и копыта»"})
	if err != nil {
		f.Fatal(err)
	}
	mustContactF(f, contacts, crm.Contact{LastName: "Иванов", FirstName: "Пётр", MiddleName: "Сергеевич", CompanyID: company.ID})
	mustContactF(f, contacts, crm.Contact{LastName: "O'Brien", FirstName: "Seán"})

	for _, seed := range []string{
		"Иванов Пётр", "ива | smi & !(:*", `o'\`, "o'brien", "«рога»", "a:*B", "<->", "' & '", "\\'",
		"салтыков-щедрин", "8 (903) 111-22-33", "   ", "ё Ё", "(", ")", "!", "&&", "::", "'':*",
		"\xff", "a\x00b", "ива\xd0",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		got, err := contacts.List(t.Context(), storage.ContactFilter{Query: query})
		if !utf8.ValidString(query) || strings.ContainsRune(query, 0) {
			// PostgreSQL text holds neither, so List must reject the text before the query.
			if !errors.Is(err, crm.ErrInvalid) || !strings.Contains(err.Error(), "search text") {
				t.Fatalf("List(%q) = %v; want an ErrInvalid error that names the search text", query, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("List(%q): %v", query, err)
		}
		if len(got) > 2 {
			t.Fatalf("List(%q) returned %d contacts from a table of 2", query, len(got))
		}
	})
}

func mustContactF(f *testing.F, contacts *storage.Contacts, c crm.Contact) {
	f.Helper()
	if _, err := contacts.Create(f.Context(), c); err != nil {
		f.Fatalf("create contact %q: %v", c.FullName(), err)
	}
}
