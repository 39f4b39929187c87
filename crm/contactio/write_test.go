package contactio

import (
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestImportFoldsCompanyAndTagSpellings(t *testing.T) {
	db := pgtest.New(t)
	report := importBytes(t, db, []byte(joinLines(
		"Фамилия;Имя;Телефон;Компания;Теги",
		`Орлов;Олег;"+7 495 200-00-01, +7 495 200-00-03";ООО Ромашка;Опт`,
		"Петров;Пётр;+7 495 200-00-02;ооо ромашка;опт, Москва",
	)), ImportOptions{Source: "first.csv"})
	checkCounts(t, report, 2, 2, 0, 0)

	if n := countRows(t, db, "companies"); n != 1 {
		t.Errorf("%d companies, want 1 for two spellings of one name", n)
	}
	if n := countRows(t, db, "tags"); n != 2 {
		t.Errorf("%d tags, want 2", n)
	}
	contacts := loadContacts(t, db)
	orlov := mustContact(t, contacts, "Орлов|Олег|")
	petrov := mustContact(t, contacts, "Петров|Пётр|")
	if orlov.Company != "ООО Ромашка" || petrov.Company != "ООО Ромашка" {
		t.Errorf("companies %q and %q, want both the first spelling %q", orlov.Company, petrov.Company, "ООО Ромашка")
	}
	if want := []string{"Опт"}; !slices.Equal(orlov.Tags, want) {
		t.Errorf("Орлов tags %v, want %v", orlov.Tags, want)
	}
	if want := []string{"Москва", "Опт"}; !slices.Equal(petrov.Tags, want) {
		t.Errorf("Петров tags %v, want %v", petrov.Tags, want)
	}

	var primary string
	if err := db.QueryRow(testContext(t), `
SELECT string_agg(p.e164, ',' ORDER BY p.e164) FROM phones p
JOIN contacts c ON c.id = p.contact_id WHERE c.last_name = 'Орлов' AND p.is_primary`).Scan(&primary); err != nil {
		t.Fatalf("query primary phone: %v", err)
	}
	if primary != "+74952000001" {
		t.Errorf("Орлов primary phones %q, want only the first one, +74952000001", primary)
	}

	// Two rows with different phones of Орлов are two groups matched to one
	// existing contact. The second group's fields are merged into the first,
	// and the tags of both are added.
	report = importBytes(t, db, []byte(joinLines(
		"Фамилия;Имя;Телефон;Теги",
		"Орлов;;+7 495 200-00-01;ОПТ, розница",
		"Орлов;Олег;+7 495 200-00-03;Партнёр, розница",
	)), ImportOptions{Source: "second.csv"})
	checkCounts(t, report, 2, 0, 2, 0)

	if n := countRows(t, db, "tags"); n != 4 {
		t.Errorf("%d tags, want 4: ОПТ is the existing Опт", n)
	}
	orlov = mustContact(t, loadContacts(t, db), "Орлов|Олег|")
	if want := []string{"Опт", "Партнёр", "розница"}; !slices.Equal(orlov.Tags, want) {
		t.Errorf("Орлов tags %v, want %v", orlov.Tags, want)
	}
	if want := []string{"+74952000001 other", "+74952000003 other"}; !slices.Equal(orlov.Phones, want) {
		t.Errorf("Орлов phones %v, want %v", orlov.Phones, want)
	}
}
