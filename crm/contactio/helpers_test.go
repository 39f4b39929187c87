package contactio

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := readTestdataFile(name)
	if err != nil {
		t.Fatalf("read testdata: %v", err)
	}
	return data
}

func readTestdataFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", name))
}

func importBytes(t *testing.T, db *pgxpool.Pool, data []byte, opts ImportOptions) Report {
	t.Helper()
	report, err := Import(testContext(t), db, bytes.NewReader(data), opts)
	if err != nil {
		t.Fatalf("import %s: %v", opts.Source, err)
	}
	return report
}

func importTestdata(t *testing.T, db *pgxpool.Pool, name string) Report {
	t.Helper()
	return importBytes(t, db, readTestdata(t, name), ImportOptions{Source: name})
}

// storedContact is a contact with everything Import writes, in a form that
// compares across databases: no ids, no timestamps, sets sorted.
type storedContact struct {
	LastName, FirstName, MiddleName string
	Company, Position, Note         string
	VIP                             bool
	Phones                          []string // "e164;ext=N kind"
	Emails                          []string
	Tags                            []string
}

func (c storedContact) String() string {
	return fmt.Sprintf("%s|%s|%s company=%q position=%q vip=%t note=%q phones=%v emails=%v tags=%v",
		c.LastName, c.FirstName, c.MiddleName, c.Company, c.Position, c.VIP, c.Note, c.Phones, c.Emails, c.Tags)
}

// loadContacts returns every live contact keyed by "last|first|middle"; names
// are unique within each test's data.
func loadContacts(t *testing.T, db *pgxpool.Pool) map[string]storedContact {
	t.Helper()
	rows, err := db.Query(testContext(t), `
SELECT c.last_name, c.first_name, c.middle_name, coalesce(co.name, ''), c.position, c.note, c.vip,
       coalesce((SELECT array_agg(p.e164 || CASE WHEN p.extension <> '' THEN ';ext=' || p.extension ELSE '' END
                                  || ' ' || p.kind) FROM phones p WHERE p.contact_id = c.id), '{}'),
       coalesce((SELECT array_agg(e.address) FROM emails e WHERE e.contact_id = c.id), '{}'),
       coalesce((SELECT array_agg(t.name) FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
                  WHERE ct.contact_id = c.id), '{}')
FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
WHERE c.deleted_at IS NULL`)
	if err != nil {
		t.Fatalf("query contacts: %v", err)
	}
	defer rows.Close()

	contacts := map[string]storedContact{}
	for rows.Next() {
		var c storedContact
		if err := rows.Scan(&c.LastName, &c.FirstName, &c.MiddleName, &c.Company, &c.Position, &c.Note, &c.VIP,
			&c.Phones, &c.Emails, &c.Tags); err != nil {
			t.Fatalf("scan contact: %v", err)
		}
		slices.Sort(c.Phones)
		slices.Sort(c.Emails)
		slices.Sort(c.Tags)
		key := c.LastName + "|" + c.FirstName + "|" + c.MiddleName
		if _, dup := contacts[key]; dup {
			t.Fatalf("two contacts named %q", key)
		}
		contacts[key] = c
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("query contacts: %v", err)
	}
	return contacts
}

func contactKeys(contacts map[string]storedContact) []string {
	keys := make([]string, 0, len(contacts))
	for k := range contacts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func mustContact(t *testing.T, contacts map[string]storedContact, key string) storedContact {
	t.Helper()
	c, ok := contacts[key]
	if !ok {
		t.Fatalf("contact %q not stored; stored: %q", key, contactKeys(contacts))
	}
	return c
}

// crmTables are the tables an import may write to.
var crmTables = []string{"companies", "contacts", "phones", "emails", "tags", "contact_tags", "audit_log"}

// snapshotTables returns the row count and a digest of the full contents of
// every CRM table, sequences included, so any write shows up as a difference.
func snapshotTables(t *testing.T, db *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := testContext(t)
	snapshot := map[string]string{}
	for _, table := range crmTables {
		var count int64
		var digest string
		err := db.QueryRow(ctx, fmt.Sprintf(
			`SELECT count(*), coalesce(md5(string_agg(t::text, E'\n' ORDER BY t::text)), '') FROM %s t`, table)).
			Scan(&count, &digest)
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		snapshot[table] = fmt.Sprintf("%d rows, md5 %s", count, digest)
	}
	var lastContactID int64
	if err := db.QueryRow(ctx, `SELECT last_value FROM contacts_id_seq`).Scan(&lastContactID); err != nil {
		t.Fatalf("snapshot contact id sequence: %v", err)
	}
	snapshot["contacts_id_seq"] = fmt.Sprint(lastContactID)
	return snapshot
}

// checkUnchangedExceptIDs fails t when any CRM table differs between two
// snapshots. PostgreSQL does not roll back sequences, so ids taken by a
// rolled-back import stay used; the sequence is left out of the comparison.
func checkUnchangedExceptIDs(t *testing.T, before, after map[string]string) {
	t.Helper()
	before, after = maps.Clone(before), maps.Clone(after)
	delete(before, "contacts_id_seq")
	delete(after, "contacts_id_seq")
	if !maps.Equal(before, after) {
		t.Errorf("database changed:\nbefore %v\nafter  %v", before, after)
	}
}

func countRows(t *testing.T, db *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(testContext(t), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func issueSummary(issues []Issue) []string {
	summary := make([]string, len(issues))
	for i, issue := range issues {
		summary[i] = fmt.Sprintf("%d:%s", issue.Line, issue.Code)
	}
	return summary
}

func checkCounts(t *testing.T, report Report, dataRows, imported, merged, rejected int) {
	t.Helper()
	if sum := report.Imported + report.Merged + report.Rejected; sum != report.DataRows {
		t.Errorf("imported + merged + rejected = %d, want DataRows %d", sum, report.DataRows)
	}
	got := fmt.Sprintf("rows=%d imported=%d merged=%d rejected=%d", report.DataRows, report.Imported, report.Merged, report.Rejected)
	want := fmt.Sprintf("rows=%d imported=%d merged=%d rejected=%d", dataRows, imported, merged, rejected)
	if got != want {
		t.Errorf("counts: got %s, want %s\nrejections: %v\nwarnings: %v",
			got, want, issueSummary(report.Rejections), issueSummary(report.Warnings))
	}
}

func checkIssues(t *testing.T, what string, got []Issue, want ...string) {
	t.Helper()
	if summary := issueSummary(got); !slices.Equal(summary, want) {
		t.Errorf("%s: got %v, want %v", what, summary, want)
	}
}

func joinLines(lines ...string) string {
	return strings.Join(lines, "\n") + "\n"
}

// parseFile reads and validates data the way Import does, without writing
// anything.
func parseFile(ctx context.Context, data []byte, encoding string, delimiter rune, normalizer *phone.Normalizer, source string) (parsedFile, error) {
	file, err := readSource(data, encoding, delimiter, source)
	if err != nil {
		return parsedFile{}, err
	}
	results := make([]rowResult, len(file.records.Rows))
	if err := parseRows(ctx, file, normalizer, results, 0, len(results), runtime.GOMAXPROCS(0)); err != nil {
		return parsedFile{}, err
	}
	parsed := newParsedFile(file)
	for _, res := range results {
		parsed.add(res)
	}
	return parsed, nil
}
