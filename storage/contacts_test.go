package storage_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestContactsRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	contacts := storage.NewContacts(pool, nil)
	company, err := storage.NewCompanies(pool).Create(ctx, crm.Company{Name: "АО «Вектор»"})
	if err != nil {
		t.Fatal(err)
	}

	in := crm.Contact{
		FirstName: "Иван", LastName: "Петров", MiddleName: "Сергеевич", CompanyID: company.ID,
		Position: "главный инженер", VIP: true, Note: "звонить после 10:00",
		Phones: []crm.Phone{
			mustPhone(t, "8 (495) 123-45-67 доб. 123", crm.PhoneWork),
			mustPhone(t, "+7 916 123-45-67", crm.PhoneMobile),
		},
		Emails: []crm.Email{{Address: "petrov@vector.example.ru", Kind: crm.EmailWork}},
		Tags:   []string{"опт", "Москва"},
	}
	created, err := contacts.Create(ctx, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.ID == 0 || len(created.Phones) != 2 || created.Phones[0].ID == 0 || created.Emails[0].ID == 0 {
		t.Fatalf("Create returned %+v", created)
	}
	if !created.Phones[0].Primary || created.Phones[1].Primary {
		t.Errorf("primary flags = %v, %v; want the first phone primary", created.Phones[0].Primary, created.Phones[1].Primary)
	}

	got, err := contacts.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !reflect.DeepEqual(got, created) {
		t.Errorf("Get  = %+v\nCreate returned %+v", got, created)
	}
	if got.FullName() != "Петров Иван Сергеевич" || got.CompanyID != company.ID || !got.VIP ||
		got.Position != in.Position || got.Note != in.Note {
		t.Errorf("Get fields = %+v, want those of %+v", got, in)
	}
	work := got.Phones[0]
	if work.E164 != "+74951234567" || work.Extension != "123" || work.Raw != "8 (495) 123-45-67 доб. 123" || work.Kind != crm.PhoneWork {
		t.Errorf("work phone = %+v", work)
	}
	if !reflect.DeepEqual(got.Tags, []string{"Москва", "опт"}) {
		t.Errorf("tags = %v, want [Москва опт]", got.Tags)
	}

	// Update: keep the mobile, drop the work phone, add a home phone, change the e-mail's
	// case and the tags.
	upd := got
	upd.LastName, upd.VIP = "Петров-Водкин", false
	upd.Phones = []crm.Phone{got.Phones[1], mustPhone(t, "8 812 555-12-34", crm.PhoneHome)}
	upd.Emails = []crm.Email{{Address: "Petrov@Vector.example.ru", Kind: crm.EmailPersonal}}
	upd.Tags = []string{"опт", "спб"}
	updated, err := contacts.Update(ctx, upd)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if updated.Phones[0].ID != got.Phones[1].ID {
		t.Errorf("kept phone id %d changed to %d", got.Phones[1].ID, updated.Phones[0].ID)
	}
	if updated.Emails[0].ID != got.Emails[0].ID || updated.Emails[0].Address != "Petrov@Vector.example.ru" {
		t.Errorf("e-mail after case change = %+v, want id %d kept and new spelling", updated.Emails[0], got.Emails[0].ID)
	}
	reread, err := contacts.Get(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(reread, updated) {
		t.Errorf("Get after Update = %+v\nUpdate returned %+v", reread, updated)
	}
	if reread.LastName != "Петров-Водкин" || reread.VIP || len(reread.Phones) != 2 ||
		reread.Phones[1].E164 != "+78125551234" || !reflect.DeepEqual(reread.Tags, []string{"опт", "спб"}) {
		t.Errorf("after Update = %+v", reread)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM phones WHERE e164 = '+74951234567'`); n != 0 {
		t.Errorf("dropped phone still stored (%d rows)", n)
	}

	if _, err := contacts.Create(ctx, crm.Contact{Phones: in.Phones}); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("Create without name or company = %v, want ErrInvalid", err)
	}
	if _, err := contacts.Get(ctx, created.ID+1000); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Get(unknown) = %v, want ErrNotFound", err)
	}
}

func TestContactsSoftDelete(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	contacts := storage.NewContacts(pool, nil)
	c := mustContact(t, contacts, crm.Contact{FirstName: "Мария", LastName: "Кузнецова",
		Phones: []crm.Phone{mustPhone(t, "+7 495 765-43-21", crm.PhoneWork)}})

	if err := contacts.Delete(ctx, c.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	deleted, err := contacts.Get(ctx, c.ID)
	if err != nil || !deleted.Deleted() {
		t.Errorf("Get after Delete = %+v, %v; want the contact marked deleted", deleted, err)
	}
	if _, err := contacts.FindByPhone(ctx, "+74957654321"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("FindByPhone of a deleted contact = %v, want ErrNotFound", err)
	}
	if live, err := contacts.List(ctx, storage.ContactFilter{}); err != nil || len(live) != 0 {
		t.Errorf("List after Delete = %+v, %v; want none", live, err)
	}
	if bin, err := contacts.List(ctx, storage.ContactFilter{Deleted: true}); err != nil || len(bin) != 1 || bin[0].ID != c.ID {
		t.Errorf("List(Deleted) = %+v, %v; want the deleted contact", bin, err)
	}
	if err := contacts.Delete(ctx, c.ID); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Delete twice = %v, want ErrNotFound", err)
	}
	if _, err := contacts.Update(ctx, deleted); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Update of a deleted contact = %v, want ErrNotFound", err)
	}
	if err := contacts.AddTag(ctx, c.ID, "x"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("AddTag on a deleted contact = %v, want ErrNotFound", err)
	}

	if err := contacts.Restore(ctx, c.ID); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	found, err := contacts.FindByPhone(ctx, "8 495 765-43-21")
	if err != nil || found.ID != c.ID || found.Deleted() {
		t.Errorf("FindByPhone after Restore = %+v, %v", found, err)
	}
	if err := contacts.Restore(ctx, c.ID); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Restore of a live contact = %v, want ErrNotFound", err)
	}

	if err := contacts.Purge(ctx, c.ID); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Purge of a live contact = %v, want ErrNotFound", err)
	}
	if err := contacts.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := contacts.Purge(ctx, c.ID); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if _, err := contacts.Get(ctx, c.ID); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Get after Purge = %v, want ErrNotFound", err)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM phones`); n != 0 {
		t.Errorf("%d phones left after Purge", n)
	}
}

func TestContactsList(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	contacts := storage.NewContacts(pool, nil)
	company, err := storage.NewCompanies(pool).Create(ctx, crm.Company{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	ivanov := mustContact(t, contacts, crm.Contact{LastName: "Иванов", FirstName: "Пётр", Tags: []string{"опт"},
		Phones: []crm.Phone{mustPhone(t, "+7 903 111-22-33", crm.PhoneMobile)}})
	ivanova := mustContact(t, contacts, crm.Contact{LastName: "Иванова", FirstName: "Анна", CompanyID: company.ID})
	smith := mustContact(t, contacts, crm.Contact{LastName: "Smith", FirstName: "John", CompanyID: company.ID, Tags: []string{"ОПТ"}})

	ids := func(cs []crm.Contact) []int64 {
		out := []int64{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		filter storage.ContactFilter
		want   []int64
	}{
		{"all ordered by last name", storage.ContactFilter{}, []int64{smith.ID, ivanov.ID, ivanova.ID}},
		{"name part any case", storage.ContactFilter{Query: "ИВАН"}, []int64{ivanov.ID, ivanova.ID}},
		{"first and last name in any order", storage.ContactFilter{Query: "анна иванова"}, []int64{ivanova.ID}},
		{"word beginnings in any order", storage.ContactFilter{Query: "ан ива"}, []int64{ivanova.ID}},
		{"inside a word does not match", storage.ContactFilter{Query: "ванов"}, []int64{}},
		{"ё and е are one letter", storage.ContactFilter{Query: "петр"}, []int64{ivanov.ID}},
		{"query operators are literal", storage.ContactFilter{Query: "ива | smi & !(:*"}, []int64{}},
		{"apostrophe and backslash", storage.ContactFilter{Query: `o'\`}, []int64{}},
		{"phone in another form", storage.ContactFilter{Query: "8 (903) 111-22-33"}, []int64{ivanov.ID}},
		{"tag any case", storage.ContactFilter{Tag: "Опт"}, []int64{smith.ID, ivanov.ID}},
		{"company", storage.ContactFilter{CompanyID: company.ID}, []int64{smith.ID, ivanova.ID}},
		{"company and name", storage.ContactFilter{CompanyID: company.ID, Query: "john"}, []int64{smith.ID}},
		{"page", storage.ContactFilter{Page: storage.Page{Limit: 1, Offset: 1}}, []int64{ivanov.ID}},
		{"LIKE wildcard is literal", storage.ContactFilter{Query: "_"}, []int64{}},
		{"no match", storage.ContactFilter{Query: "Сидоров"}, []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := contacts.List(ctx, tc.filter)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if !reflect.DeepEqual(ids(got), tc.want) {
				t.Errorf("List(%+v) = %v, want %v", tc.filter, ids(got), tc.want)
			}
		})
	}

	got, err := contacts.List(ctx, storage.ContactFilter{Query: "Пётр"})
	if err != nil || len(got) != 1 || len(got[0].Phones) != 1 || !reflect.DeepEqual(got[0].Tags, []string{"опт"}) {
		t.Errorf("List loads phones and tags: %+v, %v", got, err)
	}
}

func TestContactsSearchRanksWholeWords(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	contacts := storage.NewContacts(pool, nil)

	// More prefix-only matches than a page holds, all sorting before the exact contact:
	// "Пётр" starts the patronymic "Петрович", and "Александр" sorts before "Пётр".
	if _, err := pool.Exec(ctx, `INSERT INTO contacts (last_name, first_name, middle_name)
		SELECT 'Иванов', 'Александр', 'Петрович' FROM generate_series(1, $1)`, storage.DefaultPageSize+10); err != nil {
		t.Fatal(err)
	}
	exact := mustContact(t, contacts, crm.Contact{LastName: "Иванов", FirstName: "Пётр", MiddleName: "Сергеевич"})

	for _, query := range []string{"Иванов Пётр", "Иванов Петр", "Пётр Иванов", "ИВАНОВ пётр"} {
		got, err := contacts.List(ctx, storage.ContactFilter{Query: query})
		if err != nil {
			t.Fatalf("List(%q): %v", query, err)
		}
		if len(got) != storage.DefaultPageSize {
			t.Errorf("List(%q) returned %d contacts, want a full page of %d", query, len(got), storage.DefaultPageSize)
		}
		if len(got) == 0 || got[0].ID != exact.ID {
			t.Errorf("List(%q) starts with %v, want the whole-word match %q first", query, names(got, 2), exact.FullName())
		}
	}

	// When every contact matches in the same way, name order alone applies: "Иванов" is
	// a whole word of each, and "Пет" only a prefix.
	for _, query := range []string{"Иванов", "Иванов Пет"} {
		got, err := contacts.List(ctx, storage.ContactFilter{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0].FirstName != "Александр" {
			t.Errorf("List(%q) starts with %v, want name order (Александр first)", query, names(got, 2))
		}
	}

	// Past the whole-word matches, the next page continues with the prefix matches.
	got, err := contacts.List(ctx, storage.ContactFilter{Query: "Пётр Иванов", Page: storage.Page{Limit: 2, Offset: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID == exact.ID || got[1].ID == exact.ID {
		t.Errorf("second page of List(Пётр Иванов) = %v, want two prefix matches", names(got, 2))
	}
}

func TestContactsSearchByCompany(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	contacts := storage.NewContacts(pool, nil)
	companies := storage.NewCompanies(pool)
	horns, err := companies.Create(ctx, crm.Company{Name: "«Рога и копыта»"})
	if err != nil {
		t.Fatal(err)
	}
	slingshot, err := companies.Create(ctx, crm.Company{Name: "ООО Рогатка"})
	if err != nil {
		t.Fatal(err)
	}

	bender := mustContact(t, contacts, crm.Contact{LastName: "Бендер", FirstName: "Остап", CompanyID: horns.ID})
	balaganov := mustContact(t, contacts, crm.Contact{LastName: "Балаганов", FirstName: "Шура", CompanyID: horns.ID})
	deleted := mustContact(t, contacts, crm.Contact{LastName: "Паниковский", FirstName: "Михаил", CompanyID: horns.ID})
	if err := contacts.Delete(ctx, deleted.ID); err != nil {
		t.Fatal(err)
	}
	// Prefix-only matches of "рога", by name and by company, that come first in name order.
	rogatov := mustContact(t, contacts, crm.Contact{LastName: "Рогатов", FirstName: "Иван"})
	clerk := mustContact(t, contacts, crm.Contact{LastName: "Алексеев", FirstName: "Пётр", CompanyID: slingshot.ID})
	mustContact(t, contacts, crm.Contact{LastName: "Корейко", FirstName: "Александр"})

	ids := func(cs []crm.Contact) []int64 {
		out := []int64{}
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		filter storage.ContactFilter
		want   []int64
	}{
		{"company word, whole words first", storage.ContactFilter{Query: "Рога"}, []int64{balaganov.ID, bender.ID, clerk.ID, rogatov.ID}},
		{"company word any case", storage.ContactFilter{Query: "КОПЫТА"}, []int64{balaganov.ID, bender.ID}},
		{"company word beginnings", storage.ContactFilter{Query: "коп ро"}, []int64{balaganov.ID, bender.ID}},
		{"company name in quotes", storage.ContactFilter{Query: "«Рога»"}, []int64{balaganov.ID, bender.ID, clerk.ID, rogatov.ID}},
		{"soft-deleted contacts stay hidden", storage.ContactFilter{Query: "копыта"}, []int64{balaganov.ID, bender.ID}},
		{"recycle bin by company", storage.ContactFilter{Query: "копыта", Deleted: true}, []int64{deleted.ID}},
		{"name and company words do not mix", storage.ContactFilter{Query: "Остап Рога"}, []int64{}},
		{"name match of a company's contact once", storage.ContactFilter{Query: "Бендер"}, []int64{bender.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := contacts.List(ctx, tc.filter)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if !reflect.DeepEqual(ids(got), tc.want) {
				t.Errorf("List(%+v) = %v, want %v", tc.filter, ids(got), tc.want)
			}
		})
	}
}

// names returns the full names of the first n contacts, for failure messages.
func names(cs []crm.Contact, n int) []string {
	out := []string{}
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.FullName())
	}
	return out
}

func TestContactsParts(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	contacts := storage.NewContacts(pool, nil)
	c := mustContact(t, contacts, crm.Contact{FirstName: "Ольга"})

	home, err := contacts.AddPhone(ctx, c.ID, mustPhone(t, "8 812 000-00-01", crm.PhoneHome))
	if err != nil {
		t.Fatalf("AddPhone: %v", err)
	}
	if home.ID == 0 || !home.Primary {
		t.Errorf("first added phone = %+v, want an id and primary", home)
	}
	mobile, err := contacts.AddPhone(ctx, c.ID, mustPhone(t, "+7 921 000-00-02", crm.PhoneMobile))
	if err != nil || mobile.Primary {
		t.Fatalf("second AddPhone = %+v, %v; want not primary", mobile, err)
	}
	if _, err := contacts.AddPhone(ctx, c.ID, mustPhone(t, "+7 (921) 000-00-02", crm.PhoneWork)); !errors.Is(err, crm.ErrConflict) {
		t.Errorf("AddPhone of a number the contact has = %v, want ErrConflict", err)
	}
	if _, err := contacts.AddPhone(ctx, c.ID, crm.Phone{E164: "89210000002"}); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("AddPhone of an unnormalised number = %v, want ErrInvalid", err)
	}
	email, err := contacts.AddEmail(ctx, c.ID, crm.Email{Address: "olga@example.ru"})
	if err != nil || email.ID == 0 || email.Kind != crm.EmailWork {
		t.Fatalf("AddEmail = %+v, %v", email, err)
	}
	if err := contacts.AddTag(ctx, c.ID, "партнёр"); err != nil {
		t.Fatalf("AddTag: %v", err)
	}
	if err := contacts.AddTag(ctx, c.ID, "ПАРТНЁР"); err != nil {
		t.Fatalf("AddTag twice: %v", err)
	}

	got, err := contacts.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Phones) != 2 || got.Phones[0].ID != home.ID || len(got.Emails) != 1 || !reflect.DeepEqual(got.Tags, []string{"партнёр"}) {
		t.Fatalf("after adds: %+v", got)
	}
	if !got.UpdatedAt.After(c.UpdatedAt) {
		t.Errorf("updated_at did not move on AddPhone: %v then %v", c.UpdatedAt, got.UpdatedAt)
	}

	if err := contacts.DeletePhone(ctx, c.ID, home.ID); err != nil {
		t.Fatalf("DeletePhone: %v", err)
	}
	if err := contacts.DeletePhone(ctx, c.ID+1, mobile.ID); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("DeletePhone through another contact = %v, want ErrNotFound", err)
	}
	if err := contacts.DeleteEmail(ctx, c.ID, email.ID); err != nil {
		t.Fatalf("DeleteEmail: %v", err)
	}
	if err := contacts.RemoveTag(ctx, c.ID, "Партнёр"); err != nil {
		t.Fatalf("RemoveTag: %v", err)
	}
	if err := contacts.RemoveTag(ctx, c.ID, "партнёр"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("RemoveTag twice = %v, want ErrNotFound", err)
	}

	got, err = contacts.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Phones) != 1 || got.Phones[0].ID != mobile.ID || len(got.Emails) != 0 || len(got.Tags) != 0 {
		t.Errorf("after deletes: %+v", got)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM tags`); n != 1 {
		t.Errorf("tags in the vocabulary = %d, want 1 (RemoveTag keeps the tag)", n)
	}
}

func TestContactsDefaultKinds(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	contacts := storage.NewContacts(pool, nil)

	p := mustPhone(t, "+7 495 222-33-44", "")
	c := mustContact(t, contacts, crm.Contact{FirstName: "Без", LastName: "Вида",
		Phones: []crm.Phone{p}, Emails: []crm.Email{{Address: "a@example.ru"}}})
	if c.Phones[0].Kind != crm.PhoneMobile || !c.Phones[0].Primary || c.Emails[0].Kind != crm.EmailWork {
		t.Errorf("defaults = phone %+v, e-mail %+v; want a primary mobile and a work address", c.Phones[0], c.Emails[0])
	}
}

// TestContactsNameSearchUsesIndex guards the name expressions of List against drifting
// from the ones contacts_name_words_idx and companies_name_words_idx cover, which would
// turn every search into a scan of all contacts.
func TestContactsNameSearchUsesIndex(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)

	// Enough rows that a selective search is cheaper through the index than by reading
	// the table, as in production. Every hundredth contact works for one of 200 companies.
	if _, err := pool.Exec(ctx, `INSERT INTO companies (name)
		SELECT 'Компания ' || i FROM generate_series(1, 200) AS i`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO contacts (first_name, last_name, company_id)
		SELECT 'Имя' || i, 'Фамилия' || i, CASE WHEN i % 100 = 0 THEN (SELECT min(id) FROM companies) + i / 100 % 200 END
		FROM generate_series(1, 20000) AS i`); err != nil {
		t.Fatal(err)
	}
	company, err := storage.NewCompanies(pool).Create(ctx, crm.Company{Name: "Рога и копыта"})
	if err != nil {
		t.Fatal(err)
	}
	mustContact(t, storage.NewContacts(pool, nil), crm.Contact{LastName: "Иванов", FirstName: "Пётр"})
	mustContact(t, storage.NewContacts(pool, nil), crm.Contact{LastName: "Бендер", FirstName: "Остап", CompanyID: company.ID})
	if _, err := pool.Exec(ctx, `ANALYZE contacts, companies`); err != nil {
		t.Fatal(err)
	}

	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	// At 20,000 rows the planner still prices the GIN index above reading the table; at
	// a few hundred thousand it no longer does. Pricing sequential scans out gives the
	// plan of that larger size, and a sequential scan that remains has no index to use.
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	type counters struct{ nameIndex, companyIndex, contactsSeq int64 }
	scans := func() counters {
		t.Helper()
		// Statistics reach the views only after the backend flushes them.
		if _, err := conn.Exec(ctx, `SELECT pg_stat_force_next_flush()`); err != nil {
			t.Fatal(err)
		}
		var c counters
		if err := conn.QueryRow(ctx, `SELECT
				(SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'contacts_name_words_idx'),
				(SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = 'companies_name_words_idx'),
				(SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'contacts')`).
			Scan(&c.nameIndex, &c.companyIndex, &c.contactsSeq); err != nil {
			t.Fatal(err)
		}
		return c
	}

	for _, tc := range []struct{ query, want string }{
		{"иванов", "Иванов"},
		{"копыта", "Бендер"},
	} {
		before := scans()
		got, err := storage.NewContacts(conn, nil).List(ctx, storage.ContactFilter{Query: tc.query})
		if err != nil || len(got) != 1 || got[0].LastName != tc.want {
			t.Fatalf("List(%s) = %+v, %v; want %s", tc.query, got, err, tc.want)
		}
		after := scans()
		if after.nameIndex <= before.nameIndex {
			t.Errorf("List(%s): contacts_name_words_idx scans %d before and %d after; the search does not use the index",
				tc.query, before.nameIndex, after.nameIndex)
		}
		if after.companyIndex <= before.companyIndex {
			t.Errorf("List(%s): companies_name_words_idx scans %d before and %d after; the search does not use the index",
				tc.query, before.companyIndex, after.companyIndex)
		}
		if after.contactsSeq != before.contactsSeq {
			t.Errorf("List(%s) read the contacts table sequentially %d times", tc.query, after.contactsSeq-before.contactsSeq)
		}
	}
}
