package storage_test

import (
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// minIndexedSearchContacts is the table size from which BenchmarkContactSearch requires
// every search to use indexes. It is an estimate: with 20,000 contacts PostgreSQL 15 still
// prefers reading the table, at a few hundred thousand it no longer does.
const minIndexedSearchContacts = 200_000

// BenchmarkContactSearch measures Contacts.List with a search query end to end (the query
// and loading the page's phones, e-mails and tags) on a database of N contacts seeded as for
// BenchmarkFindByPhone, N set by EnvBenchContacts. Every 50th contact works for one of
// 1,000 companies, and ten contacts for «Рога и копыта». The published figure uses 1,000,000:
//
//	SWITCHBOARD_BENCH_CONTACTS=1000000 go test -run '^$' -bench ContactSearch -benchtime 200x -timeout 30m ./storage
func BenchmarkContactSearch(b *testing.B) {
	n := benchContacts(b)

	pool := pgtest.New(b)
	seedContacts(b, pool, n)
	seedCompanies(b, pool)
	contacts := storage.NewContacts(pool, nil)

	for _, query := range []string{
		"Иванов Пётр", // whole-word matches ranked before the prefix matches of Петрович
		"иванов",      // one contact in 20
		"Рога",        // a company's ten contacts
		"компания 7",  // the contacts of 111 companies whose name has a word starting with 7
	} {
		b.Run(query, func(b *testing.B) {
			ctx := b.Context()
			search := func() time.Duration {
				start := time.Now()
				got, err := contacts.List(ctx, storage.ContactFilter{Query: query})
				elapsed := time.Since(start)
				if err != nil || len(got) == 0 {
					b.Fatalf("List(%q) = %d contacts, %v; want some", query, len(got), err)
				}
				return elapsed
			}
			for range 5 {
				search()
			}

			// The server publishes statistics about once a second, hence the pauses.
			time.Sleep(1500 * time.Millisecond)
			seqBefore := contactSeqScans(b, pool)
			latencies := make([]time.Duration, 0, b.N)
			for b.Loop() {
				latencies = append(latencies, search())
			}
			b.StopTimer()
			time.Sleep(1500 * time.Millisecond)
			// On a small table reading it whole is cheaper, and the planner rightly does so.
			seq := contactSeqScans(b, pool) - seqBefore
			b.Logf("%d sequential scans of contacts during %d searches for %q", seq, len(latencies), query)
			if seq > 0 && n >= minIndexedSearchContacts {
				b.Errorf("%d sequential scans of contacts during %d searches for %q on %d contacts; want index scans only",
					seq, len(latencies), query, n)
			}

			slices.Sort(latencies)
			percentile := func(p float64) float64 {
				return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds())
			}
			b.ReportMetric(percentile(0.50), "p50-µs")
			b.ReportMetric(percentile(0.99), "p99-µs")
			b.ReportMetric(float64(n), "contacts")
		})
	}
}

// seedCompanies adds 1,000 companies named "Компания 1" to "Компания 1000", with every
// 50th contact working for one of them, and «Рога и копыта» with ten contacts.
func seedCompanies(b *testing.B, pool *pgxpool.Pool) {
	b.Helper()
	ctx := b.Context()
	for _, sql := range []string{
		`INSERT INTO companies (name) SELECT 'Компания ' || i FROM generate_series(1, 1000) AS i`,
		`UPDATE contacts SET company_id = (SELECT min(id) FROM companies) + id / 50 % 1000 WHERE id % 50 = 0`,
		`INSERT INTO companies (name) VALUES ('«Рога и копыта»')`,
		`UPDATE contacts SET company_id = (SELECT id FROM companies WHERE name = '«Рога и копыта»')
		 WHERE id IN (SELECT id FROM contacts WHERE id % 50 <> 0 ORDER BY id LIMIT 10)`,
		`ANALYZE contacts, companies`,
	} {
		if _, err := pool.Exec(ctx, sql); err != nil {
			b.Fatalf("seed companies: %v", err)
		}
	}
}

// contactSeqScans returns the server's count of sequential scans of contacts.
func contactSeqScans(b *testing.B, pool *pgxpool.Pool) int64 {
	b.Helper()
	var n int64
	if err := pool.QueryRow(b.Context(), `SELECT seq_scan FROM pg_stat_user_tables WHERE relname = 'contacts'`).Scan(&n); err != nil {
		b.Fatalf("read scan statistics of contacts: %v", err)
	}
	return n
}
