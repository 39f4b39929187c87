package contactio

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// mergeFile generates a file whose rows share phones and e-mails from small
// pools, so that rows merge in chains, join contacts of an earlier import and
// bridge contacts that earlier rows kept apart. Companies, positions, notes,
// tags and VIP marks are spread so that every merge rule has work to do. Last
// names are unique per row, so every contact keeps a name of its own.
func mergeFile(seed uint64, rows, numbers int, prefix string) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(pool []string) string { return pool[rng.IntN(len(pool))] }
	companies := []string{"ООО Ромашка", "АО Вектор", "ИП Сидоров", "Acme Ltd", "ПАО Северсталь", "ООО Лето"}
	positions := []string{"менеджер", "директор", "бухгалтер", "инженер"}
	notes := []string{"звонить после обеда", "просил каталог", "VIP-клиент с 2019 года", "не звонить в пятницу"}
	tags := []string{"опт", "розница", "Москва", "партнёр", "холодный"}

	var buf bytes.Buffer
	buf.WriteString("Фамилия;Имя;Отчество;Телефон;Рабочий телефон;E-mail;Компания;Должность;Теги;Примечание;VIP\n")
	for i := range rows {
		var phones []string
		if rng.IntN(8) > 0 {
			for range 1 + rng.IntN(2) {
				n := rng.IntN(numbers)
				switch rng.IntN(3) {
				case 0:
					phones = append(phones, fmt.Sprintf("+7 916 %03d-%02d-%02d", n/10000, n/100%100, n%100))
				case 1:
					phones = append(phones, fmt.Sprintf("8 (916) %03d %02d %02d", n/10000, n/100%100, n%100))
				default:
					phones = append(phones, fmt.Sprintf("8916%03d%02d%02d", n/10000, n/100%100, n%100))
				}
			}
		}
		work := ""
		if rng.IntN(5) == 0 {
			work = fmt.Sprintf("+7 495 100-00-%02d доб. %d", rng.IntN(3), 100+rng.IntN(3))
		}
		var emails []string
		if len(phones) == 0 || rng.IntN(3) == 0 {
			address := fmt.Sprintf("user%d@example.ru", rng.IntN(rows/3+1))
			if rng.IntN(4) == 0 {
				address = strings.ToUpper(address[:1]) + address[1:]
			}
			emails = append(emails, address)
		}
		first, middle := "", ""
		if rng.IntN(3) > 0 {
			first = pick([]string{"Анна", "Борис", "Вера", "Глеб", "Дарья"})
		}
		if rng.IntN(3) == 0 {
			middle = pick([]string{"Ивановна", "Петрович", "Сергеевна"})
		}
		company, position, note, vip := "", "", "", ""
		if rng.IntN(2) == 0 {
			company = pick(companies)
		}
		if rng.IntN(3) == 0 {
			position = pick(positions)
		}
		if rng.IntN(4) == 0 {
			note = pick(notes)
		}
		if rng.IntN(10) == 0 {
			vip = "да"
		}
		var rowTags []string
		for range rng.IntN(3) {
			rowTags = append(rowTags, pick(tags))
		}
		fmt.Fprintf(&buf, "%s%04d;%s;%s;%s;%s;%s;%s;%s;%s;%s;%s\n", prefix, i, first, middle,
			strings.Join(phones, ", "), work, strings.Join(emails, ", "), company, position,
			strings.Join(rowTags, ", "), note, vip)
	}
	return buf.Bytes()
}

// mergeOutcome describes the database and the reports after importing the
// stored file and then the main file, without ids or times.
func mergeOutcome(t *testing.T, db *pgxpool.Pool, reports ...Report) string {
	t.Helper()
	var out strings.Builder
	for _, r := range reports {
		// The implementation that wrote the expected outcomes did not compare
		// names; TestImportWarnsWhenNameDiffers covers that warning.
		warnings := slices.DeleteFunc(slices.Clone(r.Warnings), func(i Issue) bool { return i.Code == CodeNameDiffers })
		fmt.Fprintf(&out, "report %s: rows=%d imported=%d merged=%d rejected=%d warnings=%v\n",
			r.Source, r.DataRows, r.Imported, r.Merged, r.Rejected, issueSummary(warnings))
	}
	contacts := loadContacts(t, db)
	for _, key := range contactKeys(contacts) {
		out.WriteString(contacts[key].String())
		out.WriteByte('\n')
	}
	for _, query := range []string{
		`SELECT coalesce(string_agg(name, ', ' ORDER BY name), '') FROM companies`,
		`SELECT coalesce(string_agg(name, ', ' ORDER BY name), '') FROM tags`,
		`SELECT coalesce(string_agg(c.last_name || ' ' || p.e164 || ';' || p.extension, ', ' ORDER BY c.last_name, p.e164, p.extension), '')
		 FROM phones p JOIN contacts c ON c.id = p.contact_id WHERE p.is_primary`,
		`SELECT coalesce(string_agg(c.last_name || ' ' || e.address, ', ' ORDER BY c.last_name, e.address), '')
		 FROM emails e JOIN contacts c ON c.id = e.contact_id WHERE e.is_primary`,
	} {
		var line string
		if err := db.QueryRow(testContext(t), query).Scan(&line); err != nil {
			t.Fatalf("describe outcome: %v", err)
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.String()
}

// The batches of an import write what they can before the whole file is read,
// and the end of the import merges the rest. The outcome must be the one of
// merging the whole file first: testdata/merge-outcome-*.txt were written by
// the import before it worked in batches, and every batch size must give them.
func TestImportBatchesMergeLikeWholeFile(t *testing.T) {
	scenarios := []struct {
		name string
		// numbers is the size of the pool the rows' phones come from: the
		// smaller, the longer the chains of merged rows.
		numbers   int
		minMerged int
	}{
		{"dense", 600, 200},
		{"sparse", 3000, 20},
	}
	for _, sc := range scenarios {
		for _, batchRows := range []int{1, 7, 64, 100000} {
			t.Run(fmt.Sprintf("%s in batches of %d", sc.name, batchRows), func(t *testing.T) {
				checkMergeOutcome(t, sc.name, sc.numbers, sc.minMerged, batchRows)
			})
		}
	}
}

func checkMergeOutcome(t *testing.T, scenario string, numbers, minMerged, batchRows int) {
	stored := mergeFile(1, 60, numbers/4, "Старый")
	main := mergeFile(2, 400, numbers, "Новый")
	golden := filepath.Join("testdata", "merge-outcome-"+scenario+".txt")

	db := pgtest.New(t)
	first := importWithBatches(t, db, stored, "stored.csv", batchRows)
	second := importWithBatches(t, db, main, "main.csv", batchRows)
	got := mergeOutcome(t, db, first, second)

	if os.Getenv("CONTACTIO_WRITE_GOLDEN") != "" {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read expected outcome: %v", err)
	}
	if got != string(want) {
		gotLines, wantLines := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gotLines), len(wantLines)) {
			if g, w := nthLine(gotLines, i), nthLine(wantLines, i); g != w {
				t.Errorf("outcome differs from %s at line %d:\n got: %s\nwant: %s", golden, i+1, g, w)
				break
			}
		}
	}

	// The files must exercise what the test is about: rows merged with each
	// other and with stored contacts, and rows that bridge stored contacts.
	if second.Merged < minMerged || !slices.ContainsFunc(second.Warnings, func(i Issue) bool { return i.Code == CodeSeveralContacts }) {
		t.Errorf("main file merged %d rows with warnings %v; want at least %d and a several_contacts warning",
			second.Merged, issueSummary(second.Warnings), minMerged)
	}
}

func nthLine(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(none)"
}

func importWithBatches(t *testing.T, db *pgxpool.Pool, data []byte, source string, batchRows int) Report {
	t.Helper()
	report, err := importBatched(testContext(t), db, bytes.NewReader(data), ImportOptions{Source: source}, batchRows)
	if err != nil {
		t.Fatalf("import %s in batches of %d: %v", source, batchRows, err)
	}
	return report
}

// A database error in a later batch, while the next batches are still being
// validated, rolls everything back and stops the validating goroutine.
func TestImportFailingBatchStopsValidation(t *testing.T) {
	db := pgtest.New(t)
	_, err := db.Exec(testContext(t), `
CREATE FUNCTION test_reject_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.last_name = 'Новый0700' THEN RAISE EXCEPTION 'contact rejected by test'; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER test_reject_contact BEFORE INSERT ON contacts
    FOR EACH ROW EXECUTE FUNCTION test_reject_contact();`)
	if err != nil {
		t.Fatalf("install failing trigger: %v", err)
	}
	before := snapshotTables(t, db)
	goroutines := runtime.NumGoroutine()

	data := mergeFile(3, 3000, 1_000_000, "Новый")
	_, err = importBatched(testContext(t), db, bytes.NewReader(data), ImportOptions{Source: "big.csv"}, 64)
	if err == nil || !strings.Contains(err.Error(), "contact rejected by test") {
		t.Fatalf("import error %v, want the trigger's error", err)
	}

	checkUnchangedExceptIDs(t, before, snapshotTables(t, db))
	// The pool may still be closing the failed connection, so allow it a moment.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after the failed import, %d before", n, goroutines)
	}
}

// A row that reaches a stored contact through a shared number but names
// someone else is merged with a warning that names the stored contact.
func TestImportWarnsWhenNameDiffers(t *testing.T) {
	db := pgtest.New(t)
	importBytes(t, db, []byte(joinLines(
		"Фамилия;Имя;Телефон;E-mail",
		"Абрамова;Нина;+7 916 100-00-01;",
		"Абрамов;Егор;+7 916 100-00-02;egor@example.ru",
		"Семёнов;Пётр;+7 916 100-00-03;",
	)), ImportOptions{Source: "stored.csv"})

	report := importBytes(t, db, []byte(joinLines(
		"Фамилия;Имя;Телефон;E-mail",
		"Абрамов;Гоша;+7 916 100-00-02;",
		"абрамова;;8 916 100 00 01;nina@example.ru",
		"Семенов;ПЁТР;89161000003;",
		"Ким;Ли;;egor@example.ru",
	)), ImportOptions{Source: "second.csv"})
	checkCounts(t, report, 4, 0, 4, 0)
	checkIssues(t, "warnings", report.Warnings, "2:name_differs", "5:name_differs")
	if got := report.Warnings[0].Value; got != "Абрамов Егор" {
		t.Errorf("warning names %q, want the stored contact Абрамов Егор", got)
	}
	if msg := report.Warnings[1].Message("ru"); !strings.Contains(msg, "«Абрамов Егор»") {
		t.Errorf("Russian warning %q does not name the stored contact", msg)
	}
	if n := countRows(t, db, "contacts"); n != 3 {
		t.Errorf("%d contacts, want the 3 stored ones", n)
	}
}
