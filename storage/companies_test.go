package storage_test

import (
	"errors"
	"testing"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestCompaniesRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	companies := storage.NewCompanies(pool)

	in := crm.Company{Name: "ООО «Ромашка»", TaxID: "7701234567", Website: "https://romashka.example.ru", Note: "опт"}
	created, err := companies.Create(ctx, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	got, err := companies.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got != created || got.Name != in.Name || got.TaxID != in.TaxID || got.Website != in.Website || got.Note != in.Note {
		t.Errorf("Get = %+v, Create returned %+v, input %+v", got, created, in)
	}

	if _, err := companies.Create(ctx, crm.Company{Name: "ооо «ромашка»"}); !errors.Is(err, crm.ErrConflict) {
		t.Errorf("Create with the same name in other case = %v, want ErrConflict", err)
	}
	if _, err := companies.Create(ctx, crm.Company{Name: "  "}); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("Create with a blank name = %v, want ErrInvalid", err)
	}

	ensured, err := companies.Ensure(ctx, " ООО «РОМАШКА» ")
	if err != nil || ensured.ID != created.ID || ensured.Name != in.Name {
		t.Errorf("Ensure(existing) = %+v, %v; want company %d with its own spelling", ensured, err, created.ID)
	}
	fresh, err := companies.Ensure(ctx, "Acme Ltd")
	if err != nil || fresh.ID == 0 || fresh.ID == created.ID {
		t.Errorf("Ensure(new) = %+v, %v", fresh, err)
	}

	got.Note = "розница"
	updated, err := companies.Update(ctx, got)
	if err != nil || updated.Note != "розница" {
		t.Fatalf("Update = %+v, %v", updated, err)
	}

	list, err := companies.List(ctx, "ромаш", storage.Page{})
	if err != nil || len(list) != 1 || list[0].ID != created.ID {
		t.Errorf("List(ромаш) = %+v, %v", list, err)
	}
	all, err := companies.List(ctx, "", storage.Page{})
	if err != nil || len(all) != 2 || all[0].Name != "Acme Ltd" {
		t.Errorf("List(all) = %+v, %v; want Acme first", all, err)
	}
	percent, err := companies.List(ctx, "%", storage.Page{})
	if err != nil || len(percent) != 0 {
		t.Errorf("List(%%) = %+v, %v; a literal %% must not match everything", percent, err)
	}

	contact := mustContact(t, storage.NewContacts(pool, nil), crm.Contact{LastName: "Смирнов", CompanyID: created.ID})
	if err := companies.Delete(ctx, created.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := companies.Get(ctx, created.ID); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	after, err := storage.NewContacts(pool, nil).Get(ctx, contact.ID)
	if err != nil || after.CompanyID != 0 {
		t.Errorf("contact after its company was deleted = %+v, %v; want it kept without company", after, err)
	}
	if err := companies.Delete(ctx, created.ID); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Delete twice = %v, want ErrNotFound", err)
	}
}

func TestTagsRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	tags := storage.NewTags(pool)

	vip, err := tags.Create(ctx, crm.Tag{Name: "VIP", Color: "#ff0000"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	got, err := tags.Get(ctx, vip.ID)
	if err != nil || got != vip {
		t.Errorf("Get = %+v, %v; want %+v", got, err, vip)
	}
	if _, err := tags.Create(ctx, crm.Tag{Name: "vip"}); !errors.Is(err, crm.ErrConflict) {
		t.Errorf("Create(vip) after VIP = %v, want ErrConflict", err)
	}
	if _, err := tags.Create(ctx, crm.Tag{Name: "x", Color: "red"}); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("Create with colour red = %v, want ErrInvalid", err)
	}

	contacts := storage.NewContacts(pool, nil)
	c := mustContact(t, contacts, crm.Contact{FirstName: "Олег", Tags: []string{"vip", "опт"}})
	if len(c.Tags) != 2 || c.Tags[0] != "VIP" || c.Tags[1] != "опт" {
		t.Errorf("contact tags = %v, want [VIP опт] (existing tag keeps its spelling)", c.Tags)
	}

	list, err := tags.List(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "VIP" || list[1].Name != "опт" {
		t.Errorf("List = %+v, %v", list, err)
	}

	if err := tags.Delete(ctx, vip.ID); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	after, err := contacts.Get(ctx, c.ID)
	if err != nil || len(after.Tags) != 1 || after.Tags[0] != "опт" {
		t.Errorf("contact tags after tag delete = %v, %v; want [опт]", after.Tags, err)
	}
}

func TestCompaniesNames(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	companies := storage.NewCompanies(pool)

	acme, err := companies.Create(ctx, crm.Company{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	romashka, err := companies.Create(ctx, crm.Company{Name: "ООО «Ромашка»"})
	if err != nil {
		t.Fatal(err)
	}

	names, err := companies.Names(ctx, []int64{romashka.ID, acme.ID, 999_999})
	if err != nil {
		t.Fatalf("Names: %v", err)
	}
	if len(names) != 2 || names[acme.ID] != "Acme" || names[romashka.ID] != "ООО «Ромашка»" {
		t.Errorf("Names = %v, want the two companies and no entry for the unknown id", names)
	}
	if empty, err := companies.Names(ctx, nil); err != nil || len(empty) != 0 {
		t.Errorf("Names(nil) = %v, %v; want an empty map", empty, err)
	}
}
