package callflow_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/routing"
)

// envInt reads a benchmark size from the environment.
func envInt(b *testing.B, name string, fallback int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		b.Fatalf("%s=%q: want a non-negative integer", name, v)
	}
	return n
}

// seedHistory fills the database with contacts (mobile +79(100000000+i)) and interactions
// spread over them, server-side with generate_series.
func seedHistory(b *testing.B, n *node, contacts, interactions int) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	for i, sql := range []string{
		`INSERT INTO contacts (first_name, last_name, vip, note)
		 SELECT (ARRAY['Иван','Пётр','Анна','Мария','Олег','Елена','John','Emma'])[1 + i % 8],
		        (ARRAY['Иванов','Петров','Смирнов','Кузнецов','Попов','Соколов','Smith','Brown'])[1 + (i / 8) % 8],
		        i % 100 = 0, ''
		 FROM generate_series(1, $1) AS i`,
		`INSERT INTO phones (contact_id, e164, raw, kind, is_primary)
		 SELECT id, '+79' || (100000000 + id)::text, '8 9' || (100000000 + id)::text, 'mobile', true FROM contacts`,
		`INSERT INTO interactions (call_id, direction, queue, contact_id, caller_number, arrived_at, answered_at, ended_at,
		                           wait_seconds, talk_seconds, outcome, hangup_cause, disposition, note)
		 SELECT 'seed-' || i, 'inbound', 'support', 1 + i % $1, '+79' || (100000000 + 1 + i % $1)::text,
		        now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval + interval '20 seconds',
		        now() - (i || ' minutes')::interval + interval '200 seconds', 20, 180, 'answered', 16,
		        'resolved', 'Консультация по тарифу'
		 FROM generate_series(1, $2) AS i`,
		`ANALYZE`,
	} {
		var args []any
		switch i {
		case 0:
			args = []any{contacts}
		case 2:
			args = []any{contacts, interactions}
		}
		if _, err := n.pool.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("seed step %d: %v", i, err)
		}
	}
	b.Logf("seeded %d contacts and %d interactions in %v", contacts, interactions, time.Since(start).Round(time.Second))
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], s[int(0.99*float64(len(s)-1))]
}

// BenchmarkScreenPop measures the time from arisim emitting a known caller's StasisStart to
// the agent's WebSocket client reading the screen-pop. SWITCHBOARD_BENCH_CONTACTS and
// SWITCHBOARD_BENCH_INTERACTIONS size the database (defaults 10,000 and 50,000).
func BenchmarkScreenPop(b *testing.B) {
	contacts := envInt(b, "SWITCHBOARD_BENCH_CONTACTS", 10_000)
	interactions := envInt(b, "SWITCHBOARD_BENCH_INTERACTIONS", 50_000)

	n := startNode(b, nodeOptions{})
	seedHistory(b, n, contacts, interactions)
	n.addAgent("bench", "Bench Agent", "PJSIP/1001")
	d := n.signIn("bench")
	d.available()

	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		contact := 1 + (i*7919)%contacts
		number := "79" + strconv.Itoa(100000000+contact)

		start := time.Now()
		callID := n.arrive(number, "", "support")
		offer := decode[protocol.CallOffered](b, d.expect(protocol.TypeCallOffered, callIs(callID)))
		latencies = append(latencies, time.Since(start))
		if offer.Unknown {
			b.Fatalf("caller %s popped as unknown", number)
		}

		if err := n.sim.Hangup(callID, 16); err != nil {
			b.Fatal(err)
		}
		d.expect(protocol.TypeCallEnded, callIs(callID))
		d.expect(protocol.TypeAgentState, stateIs(protocol.StateAvailable))
	}
	b.StopTimer()

	p50, p99 := percentiles(latencies)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

// BenchmarkArrivalRate offers calls at SWITCHBOARD_BENCH_RATE calls per second (default 100)
// for SWITCHBOARD_BENCH_SECONDS (default 10) to agents whose phones answer after 100 ms and
// hang up after a second, then waits until every call has its record in PostgreSQL. It
// reports the rate achieved, the lag of the last record, and the queue wait percentiles.
func BenchmarkArrivalRate(b *testing.B) {
	rate := envInt(b, "SWITCHBOARD_BENCH_RATE", 100)
	seconds := envInt(b, "SWITCHBOARD_BENCH_SECONDS", 10)
	agents := max(2*rate, 50)

	queues := []routing.QueueConfig{{Name: "support", RingTimeout: 10 * time.Second}}
	n := startNode(b, nodeOptions{queues: queues, rules: []arisim.Rule{
		{Pattern: "Local/*@bench-agent", Behaviour: arisim.Answer, AnswerAfter: 100 * time.Millisecond, HangupAfter: time.Second},
	}})
	ctx := context.Background()

	// Agents copy one agent's password hash: hashing a password per agent would dominate the
	// set-up.
	n.addAgent("bench0", "Agent 0", "Local/5000@bench-agent")
	if _, err := n.pool.Exec(ctx, `
		INSERT INTO users (login, display_name, password_hash, roles, locale, endpoint)
		SELECT 'bench' || i, 'Agent ' || i, t.password_hash, t.roles, t.locale, 'Local/' || (5000 + i) || '@bench-agent'
		FROM generate_series(1, $1 - 1) AS i, users t WHERE t.login = 'bench0'`, agents); err != nil {
		b.Fatalf("create agents: %v", err)
	}
	rows, err := n.pool.Query(ctx, `SELECT id FROM users WHERE login LIKE 'bench%'`)
	if err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := n.flow.SetStatus(ctx, strconv.FormatInt(id, 10), protocol.SetStatus{Status: protocol.StateAvailable}); err != nil {
			b.Fatalf("sign agent %d in: %v", id, err)
		}
	}

	b.ResetTimer()
	var callIDs sync.Map
	var offered atomic.Int64
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := range rate * seconds {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		id, err := n.sim.ArriveCall(arisim.Call{CallerNumber: fmt.Sprintf("7916%07d", i), Dialed: "100", App: "switchboard", Args: []string{"inbound", "support"}})
		if err != nil {
			b.Fatalf("arrival %d: %v", i, err)
		}
		callIDs.Store(id, true)
		offered.Add(1)
	}
	offerSeconds := time.Since(start).Seconds()
	lastArrival := time.Now()

	total := int(offered.Load())
	var written int
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if err := n.pool.QueryRow(ctx, `SELECT count(*) FROM interactions`).Scan(&written); err != nil {
			b.Fatal(err)
		}
		if written >= total || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	lag := time.Since(lastArrival)
	b.StopTimer()

	var p50, p99, answered float64
	if err := n.pool.QueryRow(ctx, `
		SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_seconds), 0),
		       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY wait_seconds), 0),
		       count(*) FILTER (WHERE outcome = 'answered')
		FROM interactions`).Scan(&p50, &p99, &answered); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(total)/offerSeconds, "offered-calls/s")
	b.ReportMetric(float64(written), "records")
	b.ReportMetric(float64(total), "calls")
	b.ReportMetric(answered, "answered")
	b.ReportMetric(lag.Seconds(), "last-record-lag-s")
	b.ReportMetric(p50*1000, "wait-p50-ms")
	b.ReportMetric(p99*1000, "wait-p99-ms")
	if written < total {
		b.Errorf("%d of %d calls have a record two minutes after the last arrival", written, total)
	}
}
