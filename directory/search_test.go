package directory_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/storage"
)

// searchContact is a contact to seed for the search tests; phones are as entered.
type searchContact struct {
	last, first, middle string
	company             string
	phones              []string
	emails              []string
	tags                []string
	vip, deleted        bool
}

// seedSearch stores the contacts and returns their ids by last name.
func seedSearch(t *testing.T, pool *pgxpool.Pool, contacts []searchContact) map[string]string {
	t.Helper()
	ctx := context.Background()
	numbers, err := phone.NewNormalizer("RU")
	if err != nil {
		t.Fatal(err)
	}
	store := storage.NewContacts(pool, numbers)
	companies := storage.NewCompanies(pool)

	ids := make(map[string]string)
	for _, sc := range contacts {
		c := crm.Contact{LastName: sc.last, FirstName: sc.first, MiddleName: sc.middle, VIP: sc.vip, Tags: sc.tags}
		if sc.company != "" {
			company, err := companies.Ensure(ctx, sc.company)
			if err != nil {
				t.Fatalf("company %q: %v", sc.company, err)
			}
			c.CompanyID = company.ID
		}
		for _, raw := range sc.phones {
			p, err := crm.NewPhone(numbers, raw, crm.PhoneMobile)
			if err != nil {
				t.Fatalf("phone %q: %v", raw, err)
			}
			c.Phones = append(c.Phones, p)
		}
		for _, e := range sc.emails {
			c.Emails = append(c.Emails, crm.Email{Address: e})
		}
		stored, err := store.Create(ctx, c)
		if err != nil {
			t.Fatalf("create contact %s: %v", sc.last, err)
		}
		if sc.deleted {
			if err := store.Delete(ctx, stored.ID); err != nil {
				t.Fatalf("delete contact %s: %v", sc.last, err)
			}
		}
		ids[sc.last] = strconv.FormatInt(stored.ID, 10)
	}
	return ids
}

// searchContacts is the data of the search tests: three names starting with "Ива" (one of
// them with ё), a deleted one, and one that only contains "ива" inside a word.
var searchContacts = []searchContact{
	{last: "Иванов", first: "Пётр", middle: "Сергеевич", company: "ООО «Ромашка»", phones: []string{"+7 916 123-45-67", "8 495 765 43 21 доб. 12"},
		emails: []string{"ivanov@example.com"}, tags: []string{"Опт"}, vip: true},
	{last: "Ивашкина", first: "Алёна", company: "ООО «Ромашка»", phones: []string{"8 (903) 000-11-22"}, tags: []string{"опт", "жалоба"}},
	{last: "Ивлев", first: "Игорь", phones: []string{"+7 903 555 00 00"}},
	{last: "Ивахненко", first: "Олег", deleted: true, phones: []string{"+7 903 555 00 01"}},
	{last: "Сиваков", first: "Иван"},
	{last: "Smith", first: "John", company: "Acme Ltd", phones: []string{"+44 20 7946 0958"}},
}

func contactNames(list protocol.ContactList) []string {
	var names []string
	for _, c := range list.Contacts {
		names = append(names, c.Name)
	}
	return names
}

func TestSearchByNamePrefix(t *testing.T) {
	d, pool := newDirectoryPool(t)
	seedSearch(t, pool, searchContacts)
	ctx := context.Background()

	tests := []struct {
		query string
		want  []string
	}{
		// "Сиваков Иван" matches through its first name; "Ивахненко" is deleted.
		{"ива", []string{"Иванов Пётр Сергеевич", "Ивашкина Алёна", "Сиваков Иван"}},
		{"ИВАШ", []string{"Ивашкина Алёна"}},
		{"алена ив", []string{"Ивашкина Алёна"}},
		{"петр", []string{"Иванов Пётр Сергеевич"}},
		{"Сергеевич Иванов", []string{"Иванов Пётр Сергеевич"}},
		{"john", []string{"Smith John"}},
		{"ивановa", nil},
		{"o'brien", nil},
	}
	for _, tt := range tests {
		list, err := d.Search(ctx, protocol.SearchContacts{Query: tt.query, Limit: 10})
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.query, err)
		}
		if got := contactNames(list); !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %q, want %q", tt.query, got, tt.want)
		}
		if list.More {
			t.Errorf("Search(%q): more = true with %d results of 10", tt.query, len(list.Contacts))
		}
	}
}

func TestSearchByPhoneForms(t *testing.T) {
	d, pool := newDirectoryPool(t)
	ids := seedSearch(t, pool, searchContacts)
	ctx := context.Background()

	for _, query := range []string{"8 (916) 123-45-67", "+79161234567", "79161234567", "tel:+7-916-123-45-67"} {
		list, err := d.Search(ctx, protocol.SearchContacts{Query: query, Limit: 10})
		if err != nil {
			t.Fatalf("Search(%q): %v", query, err)
		}
		if len(list.Contacts) != 1 || list.Contacts[0].ContactID != ids["Иванов"] {
			t.Errorf("Search(%q) = %q, want only Иванов (id %s)", query, contactNames(list), ids["Иванов"])
		}
	}

	// A deleted contact's number finds nobody.
	list, err := d.Search(ctx, protocol.SearchContacts{Query: "+7 903 555 00 01", Limit: 10})
	if err != nil || len(list.Contacts) != 0 {
		t.Errorf("Search of a deleted contact's phone = %q, %v; want none", contactNames(list), err)
	}
}

func TestSearchSummaryFields(t *testing.T) {
	d, pool := newDirectoryPool(t)
	ids := seedSearch(t, pool, searchContacts)

	list, err := d.Search(context.Background(), protocol.SearchContacts{Query: "иванов", Limit: 10})
	if err != nil || len(list.Contacts) != 1 {
		t.Fatalf("Search(иванов) = %q, %v; want one contact", contactNames(list), err)
	}
	c := list.Contacts[0]
	if c.ContactID != ids["Иванов"] {
		t.Errorf("contact_id = %s, want %s", c.ContactID, ids["Иванов"])
	}
	if c.FirstName != "Пётр" || c.LastName != "Иванов" || c.MiddleName != "Сергеевич" {
		t.Errorf("name parts = %q %q %q, want Пётр Иванов Сергеевич", c.FirstName, c.LastName, c.MiddleName)
	}
	if c.Company != "ООО «Ромашка»" {
		t.Errorf("company = %q, want ООО «Ромашка»", c.Company)
	}
	if !c.VIP {
		t.Error("vip = false, want true")
	}
	if !slices.Equal(c.Emails, []string{"ivanov@example.com"}) {
		t.Errorf("emails = %q, want ivanov@example.com", c.Emails)
	}
	if !slices.Equal(c.Tags, []string{"Опт"}) {
		t.Errorf("tags = %q, want Опт", c.Tags)
	}
	want := []protocol.ContactPhone{
		{Number: "+79161234567", Entered: "+7 916 123-45-67", Label: "mobile", Primary: true},
		{Number: "+74957654321", Entered: "8 495 765 43 21 доб. 12", Extension: "12", Label: "mobile"},
	}
	if !slices.Equal(c.Phones, want) {
		t.Errorf("phones = %+v, want %+v", c.Phones, want)
	}

	// A contact without phones, e-mails or tags has empty lists, not null ones.
	list, err = d.Search(context.Background(), protocol.SearchContacts{Query: "сиваков", Limit: 10})
	if err != nil || len(list.Contacts) != 1 {
		t.Fatalf("Search(сиваков) = %q, %v; want one contact", contactNames(list), err)
	}
	if s := list.Contacts[0]; s.Phones == nil || s.Emails == nil || s.Tags == nil || s.Company != "" {
		t.Errorf("summary without parts = %+v, want empty lists and no company", s)
	}
}

func TestSearchPagesWithMore(t *testing.T) {
	d, pool := newDirectoryPool(t)
	seedSearch(t, pool, searchContacts)
	ctx := context.Background()

	var pages [][]string
	var more []bool
	for offset := 0; offset < 6; offset += 2 {
		list, err := d.Search(ctx, protocol.SearchContacts{Limit: 2, Offset: offset})
		if err != nil {
			t.Fatalf("Search offset %d: %v", offset, err)
		}
		pages = append(pages, contactNames(list))
		more = append(more, list.More)
	}

	// Five live contacts in storage's order: last name, then first name, Latin before Cyrillic.
	wantPages := [][]string{
		{"Smith John", "Иванов Пётр Сергеевич"},
		{"Ивашкина Алёна", "Ивлев Игорь"},
		{"Сиваков Иван"},
	}
	for i := range wantPages {
		if !slices.Equal(pages[i], wantPages[i]) {
			t.Errorf("page %d = %q, want %q", i, pages[i], wantPages[i])
		}
	}
	if !slices.Equal(more, []bool{true, true, false}) {
		t.Errorf("more per page = %v, want [true true false]", more)
	}

	// A page that ends exactly at the last match has no more.
	list, err := d.Search(ctx, protocol.SearchContacts{Limit: 5})
	if err != nil || len(list.Contacts) != 5 || list.More {
		t.Errorf("Search limit 5 = %d contacts, more %v, %v; want 5 and no more", len(list.Contacts), list.More, err)
	}
}

func TestSearchByTag(t *testing.T) {
	d, pool := newDirectoryPool(t)
	seedSearch(t, pool, searchContacts)
	ctx := context.Background()

	list, err := d.Search(ctx, protocol.SearchContacts{Tag: "ОПТ", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := contactNames(list), []string{"Иванов Пётр Сергеевич", "Ивашкина Алёна"}; !slices.Equal(got, want) {
		t.Errorf("Search tag ОПТ = %q, want %q", got, want)
	}

	list, err = d.Search(ctx, protocol.SearchContacts{Query: "ива", Tag: "жалоба", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := contactNames(list), []string{"Ивашкина Алёна"}; !slices.Equal(got, want) {
		t.Errorf("Search ива with tag жалоба = %q, want %q", got, want)
	}

	list, err = d.Search(ctx, protocol.SearchContacts{Tag: "нет-такого", Limit: 10})
	if err != nil || len(list.Contacts) != 0 || list.Contacts == nil {
		t.Errorf("Search of an unknown tag = %#v, %v; want an empty list", list.Contacts, err)
	}
}
