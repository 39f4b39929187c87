package storage_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// EnvBenchContacts sets how many contacts BenchmarkFindByPhone seeds. Unset, it seeds
// defaultBenchContacts so `go test -bench .` stays quick; the published figure uses
// 1000000:
//
//	SWITCHBOARD_BENCH_CONTACTS=1000000 go test -run '^$' -bench FindByPhone -benchtime 20000x ./storage
const EnvBenchContacts = "SWITCHBOARD_BENCH_CONTACTS"

const defaultBenchContacts = 10_000

// benchContacts returns how many contacts a benchmark seeds: EnvBenchContacts, or
// defaultBenchContacts when it is unset.
func benchContacts(b *testing.B) int {
	b.Helper()
	v := os.Getenv(EnvBenchContacts)
	if v == "" {
		return defaultBenchContacts
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number of contacts, such as 1000000", EnvBenchContacts, v)
	}
	return n
}

// BenchmarkFindByPhone measures caller lookup end to end (normalisation, the query, and
// loading phones, e-mails and tags) on a database of N seeded contacts, one lookup at a
// time, and reports the median and 99th percentile latency.
func BenchmarkFindByPhone(b *testing.B) {
	n := benchContacts(b)

	pool := pgtest.New(b)
	seedContacts(b, pool, n)
	contacts := storage.NewContacts(pool, nil)
	ctx := b.Context()

	// Each lookup uses one of the forms a number arrives in.
	forms := []func(mobile int) string{
		func(m int) string {
			return fmt.Sprintf("+7 %03d %03d-%02d-%02d", 910+m/1e7, m/1e4%1000, m/100%100, m%100)
		},
		func(m int) string {
			return fmt.Sprintf("8 (%03d) %03d %02d %02d", 910+m/1e7, m/1e4%1000, m/100%100, m%100)
		},
		func(m int) string { return fmt.Sprintf("tel:+79%09d", 100000000+m) },
		func(m int) string { return fmt.Sprintf("<sip:89%09d@10.0.0.1>", 100000000+m) },
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lookup := func() time.Duration {
		id := 1 + rng.IntN(n)
		raw := forms[id%len(forms)](id)
		start := time.Now()
		c, err := contacts.FindByPhone(ctx, raw)
		elapsed := time.Since(start)
		if err != nil {
			b.Fatalf("FindByPhone(%q): %v", raw, err)
		}
		if c.ID != int64(id) {
			b.Fatalf("FindByPhone(%q) = contact %d, want %d", raw, c.ID, id)
		}
		return elapsed
	}

	// Warm the connection pool, the prepared statements and the index pages touched.
	for range 1000 {
		lookup()
	}

	time.Sleep(1500 * time.Millisecond)
	phonesBefore := phoneScans(b, pool)

	// The baseline is a SELECT 1 round trip on the same pool, timed right after each
	// lookup, so both see the same machine load; the gap between the two is the cost of
	// the lookup itself.
	roundTrip := func() time.Duration {
		var one int
		start := time.Now()
		if err := pool.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil {
			b.Fatalf("baseline SELECT 1: %v", err)
		}
		return time.Since(start)
	}

	latencies := make([]time.Duration, 0, b.N)
	baseline := make([]time.Duration, 0, b.N)
	var cpu time.Duration
	b.ResetTimer()
	for b.Loop() {
		cpuBefore := processCPU(b)
		latencies = append(latencies, lookup())
		cpu += processCPU(b) - cpuBefore
		baseline = append(baseline, roundTrip())
	}
	b.StopTimer()

	// Every lookup must reach phones through its e164 index, never a sequential scan.
	// The server publishes statistics about once a second, hence the pauses.
	time.Sleep(1500 * time.Millisecond)
	phonesAfter := phoneScans(b, pool)
	if seq := phonesAfter.seq - phonesBefore.seq; seq > 0 {
		b.Errorf("%d sequential scans of phones during %d lookups; the e164 index was not used", seq, len(latencies))
	}
	b.Logf("phones_e164_idx scans during %d timed lookups: %d (the batch has four queries)",
		len(latencies), phonesAfter.e164Index-phonesBefore.e164Index)

	slices.Sort(latencies)
	slices.Sort(baseline)
	percentile := func(sorted []time.Duration, p float64) float64 {
		return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds())
	}
	b.ReportMetric(percentile(latencies, 0.50), "p50-µs")
	b.ReportMetric(percentile(latencies, 0.99), "p99-µs")
	b.ReportMetric(float64(latencies[len(latencies)-1].Microseconds()), "max-µs")
	b.ReportMetric(percentile(baseline, 0.50), "select1-p50-µs")
	b.ReportMetric(percentile(baseline, 0.99), "select1-p99-µs")
	b.ReportMetric(float64(n), "contacts")
	// CPU time this process spent per lookup, against wall time: on a loaded machine the
	// gap between the two is mostly time spent waiting for a core or for the server.
	b.ReportMetric(float64(cpu.Microseconds())/float64(len(latencies)), "client-cpu-µs/op")
}

// seedContacts inserts n contacts with generate_series, server-side: contact i has the
// mobile +79(100000000+i); every second one also a Moscow work number, every third an
// e-mail, every tenth a tag. In a fresh database the ids run 1..n.
func seedContacts(b *testing.B, pool *pgxpool.Pool, n int) {
	b.Helper()
	ctx := b.Context()
	start := time.Now()

	// Only the first statement takes a parameter, the number of contacts.
	for i, sql := range []string{
		`INSERT INTO contacts (first_name, last_name, middle_name, vip, note)
		 SELECT (ARRAY['Иван','Пётр','Анна','Мария','Олег','Елена','Сергей','Ольга','John','Emma'])[1 + i % 10],
		        (ARRAY['Иванов','Петров','Смирнов','Кузнецов','Попов','Соколов','Лебедев','Козлов','Новиков',
		               'Морозов','Волков','Зайцев','Павлов','Семёнов','Голубев','Smith','Jones','Brown','Taylor','Wilson'])[1 + (i / 10) % 20],
		        (ARRAY['Сергеевич','Ивановна','Петрович','Олеговна',''])[1 + (i / 200) % 5],
		        i % 100 = 0, ''
		 FROM generate_series(1, $1) AS i`,
		`INSERT INTO phones (contact_id, e164, raw, kind, is_primary)
		 SELECT id, '+79' || (100000000 + id)::text, '8 9' || (100000000 + id)::text, 'mobile', true FROM contacts`,
		`INSERT INTO phones (contact_id, e164, raw, kind)
		 SELECT id, '+7495' || lpad(id::text, 7, '0'), '', 'work' FROM contacts WHERE id % 2 = 0`,
		`INSERT INTO emails (contact_id, address) SELECT id, 'c' || id || '@example.ru' FROM contacts WHERE id % 3 = 0`,
		`INSERT INTO tags (name) VALUES ('опт'), ('розница')`,
		`INSERT INTO contact_tags (contact_id, tag_id)
		 SELECT c.id, t.id FROM contacts c JOIN tags t ON t.name = 'опт' WHERE c.id % 10 = 0`,
		`ANALYZE`,
	} {
		var args []any
		if i == 0 {
			args = append(args, n)
		}
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("seed %d contacts: %v", n, err)
		}
	}
	b.Logf("seeded %d contacts in %v", n, time.Since(start).Round(time.Millisecond))
}

// processCPU returns the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type scanCounts struct{ seq, e164Index int64 }

// phoneScans returns the server's scan counters of the phones table.
func phoneScans(b *testing.B, pool *pgxpool.Pool) scanCounts {
	b.Helper()
	var c scanCounts
	err := pool.QueryRow(b.Context(), `
		SELECT t.seq_scan, i.idx_scan
		FROM pg_stat_user_tables t JOIN pg_stat_user_indexes i ON i.relid = t.relid
		WHERE t.relname = 'phones' AND i.indexrelname = 'phones_e164_idx'`).Scan(&c.seq, &c.e164Index)
	if err != nil {
		b.Fatalf("read scan statistics of phones: %v", err)
	}
	return c
}
