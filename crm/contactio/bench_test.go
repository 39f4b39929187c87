package contactio

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// benchmarkRows is the size of the file the import benchmarks load.
const benchmarkRows = 100_000

var (
	maleLastNames = []string{"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
		"Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
		"Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов"}
	maleFirstNames   = []string{"Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Артём", "Илья", "Кирилл", "Михаил", "Никита", "Иван", "Евгений", "Олег", "Пётр"}
	femaleFirstNames = []string{"Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Екатерина", "Светлана", "Юлия", "Анастасия", "Дарья", "Ксения", "Алёна"}
	fatherNames      = []string{"Александр", "Дмитри", "Серге", "Андре", "Алексе", "Иван", "Евгень", "Михаил", "Никола", "Пётр", "Владимир", "Юрь"}
	companyNames     = []string{`ООО "Ромашка"`, "АО «Вектор»", "ИП Соколова", "ЗАО Север", "ООО Техностандарт", "ПАО Энергия", "ООО «Гранит»", "Acme Ltd"}
	positions        = []string{"Директор", "Бухгалтер", "Менеджер по закупкам", "Инженер", "Главный инженер", "Юрист", ""}
	tagNames         = []string{"клиент", "опт", "розница", "партнёр", "VIP", "холодный", "Москва", "Петербург"}
)

// patronymic builds a Russian patronymic from a father's name stem.
func patronymic(stem string, female bool) string {
	vowelEnding := stem[len(stem)-len("е"):] == "е" || stem[len(stem)-len("ь"):] == "ь"
	switch {
	case female && vowelEnding:
		return stem[:len(stem)-len("е")] + "евна"
	case female:
		return stem + "овна"
	case vowelEnding:
		return stem[:len(stem)-len("е")] + "евич"
	}
	return stem + "ович"
}

// generateContactsFile returns a semicolon-separated UTF-8 file of rows
// contacts with realistic Russian names, one to three phones in several
// written forms, and companies, e-mails, tags and notes on some rows. About one
// row in fifty repeats an earlier row's mobile number, so merging is exercised.
func generateContactsFile(rows int, seed uint64) []byte {
	random := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var buf bytes.Buffer
	buf.Write(utf8BOM)
	out := csv.NewWriter(&buf)
	out.Comma = ';'
	out.UseCRLF = true
	_ = out.Write([]string{"Фамилия", "Имя", "Отчество", "Мобильный", "Рабочий телефон", "Компания", "Должность", "E-mail", "Теги", "Комментарий", "VIP"})

	pick := func(list []string) string { return list[random.IntN(len(list))] }
	mobiles := make([]string, 0, rows)
	for i := range rows {
		female := random.IntN(2) == 0
		last, first := pick(maleLastNames), pick(maleFirstNames)
		if female {
			last, first = last+"а", pick(femaleFirstNames)
		}
		middle := patronymic(pick(fatherNames), female)

		// Mobile numbers are unique by construction: 900 000 0000 + i.
		n := 9_000_000_000 + i
		mobile := fmt.Sprintf("+7 (%03d) %03d-%02d-%02d", n/10_000_000, n/10_000%1000, n/100%100, n%100)
		if i%3 == 1 {
			mobile = fmt.Sprintf("8 %03d %03d %02d %02d", n/10_000_000, n/10_000%1000, n/100%100, n%100)
		}
		if i > 0 && i%50 == 0 {
			mobile = mobiles[random.IntN(len(mobiles))]
		}
		mobiles = append(mobiles, mobile)
		if i%4 == 0 {
			second := 9_500_000_000 + i
			mobile += fmt.Sprintf(", 8%010d", second)
		}

		var work, company, position, email, tags, note, vip string
		if random.IntN(2) == 0 {
			w := 4_950_000_000 + i
			work = fmt.Sprintf("8 (%03d) %03d-%02d-%02d", w/10_000_000, w/10_000%1000, w/100%100, w%100)
			if random.IntN(5) == 0 {
				work += fmt.Sprintf(" доб. %d", 100+random.IntN(900))
			}
			company, position = pick(companyNames), pick(positions)
		}
		if random.IntN(2) == 0 {
			email = fmt.Sprintf("user%d@example.ru", i)
		}
		if random.IntN(3) == 0 {
			tags = pick(tagNames) + ", " + pick(tagNames)
		}
		if random.IntN(10) == 0 {
			note = "Перезвонить после 18:00;\nспросить про \"договор\""
		}
		if random.IntN(20) == 0 {
			vip = "да"
		}
		_ = out.Write([]string{last, first, middle, mobile, work, company, position, email, tags, note, vip})
	}
	out.Flush()
	return buf.Bytes()
}

// generateLeanContactsFile returns a comma-separated UTF-8 file of rows
// contacts: Russian names with patronymics, one mobile number each written
// as +7 9xx xxx-xx-xx, and an e-mail on every second row. All numbers differ.
func generateLeanContactsFile(rows int, seed uint64) []byte {
	random := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var buf bytes.Buffer
	out := csv.NewWriter(&buf)
	_ = out.Write([]string{"Фамилия", "Имя", "Отчество", "Телефон", "E-mail"})

	pick := func(list []string) string { return list[random.IntN(len(list))] }
	for i := range rows {
		female := random.IntN(2) == 0
		last, first := pick(maleLastNames), pick(maleFirstNames)
		if female {
			last, first = last+"а", pick(femaleFirstNames)
		}
		n := 9_000_000_000 + i
		mobile := fmt.Sprintf("+7 %03d %03d-%02d-%02d", n/10_000_000, n/10_000%1000, n/100%100, n%100)
		var email string
		if i%2 == 0 {
			email = fmt.Sprintf("user%d@example.ru", i)
		}
		_ = out.Write([]string{last, first, patronymic(pick(fatherNames), female), mobile, email})
	}
	out.Flush()
	return buf.Bytes()
}

// BenchmarkImport100k imports a 100,000-row file into a fresh database per run
// and reports rows per second. Run it with
//
//	go test -run '^$' -bench BenchmarkImport100k -benchtime 1x -count 5 ./crm/contactio/
func BenchmarkImport100k(b *testing.B) {
	benchmarkImport(b, nil, generateContactsFile(benchmarkRows, 1))
}

// BenchmarkImportLean100k imports a 100,000-row file of the shape most lead and
// customer lists have: a name, one mobile number and, on every second row, an
// e-mail.
func BenchmarkImportLean100k(b *testing.B) {
	benchmarkImport(b, nil, generateLeanContactsFile(benchmarkRows, 1))
}

// BenchmarkReimportLean100k imports the file of BenchmarkImportLean100k into a
// database that already holds it: every row matches a stored contact, and
// nothing changes.
func BenchmarkReimportLean100k(b *testing.B) {
	data := generateLeanContactsFile(benchmarkRows, 1)
	benchmarkImport(b, data, data)
}

// benchmarkImport imports data, a file of benchmarkRows valid rows, into a
// fresh database per run, after importing stored (when not nil) untimed.
// Besides rows per second it reports the wall time of reading the file and of
// validating and writing its rows. It also reports the CPU time of this process
// and of the PostgreSQL backend, which shows the work when other jobs share the cores.
func benchmarkImport(b *testing.B, stored, data []byte) {
	ctx := context.Background()

	phases := &phaseRecorder{}
	logger := slog.New(phases)
	var goCPU, serverCPU time.Duration

	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		db, backendPID := singleConnectionPool(b, pgtest.New(b))
		if stored != nil {
			if _, err := Import(ctx, db, bytes.NewReader(stored), ImportOptions{Source: "stored.csv"}); err != nil {
				b.Fatalf("import stored contacts: %v", err)
			}
		}
		serverBefore := backendCPU(b, backendPID)
		goBefore := processCPU(b)
		b.StartTimer()

		report, err := Import(ctx, db, bytes.NewReader(data), ImportOptions{Source: "bench.csv", Logger: logger})
		if err != nil {
			b.Fatalf("import: %v", err)
		}

		b.StopTimer()
		goCPU += processCPU(b) - goBefore
		serverCPU += backendCPU(b, backendPID) - serverBefore
		if report.DataRows != benchmarkRows || report.Rejected != 0 || report.Imported+report.Merged != benchmarkRows {
			b.Fatalf("unexpected counts: %+v", report)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(benchmarkRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(phases.read.Seconds()/float64(b.N), "read-s/op")
	b.ReportMetric(phases.imported.Seconds()/float64(b.N), "validate+write-s/op")
	b.ReportMetric(goCPU.Seconds()/float64(b.N), "go-cpu-s/op")
	b.ReportMetric(serverCPU.Seconds()/float64(b.N), "pg-cpu-s/op")
}

// singleConnectionPool opens a pool of one connection on the database of db
// and returns it with the id of the server process behind that connection,
// which does all of the import's work in the database.
func singleConnectionPool(b *testing.B, db *pgxpool.Pool) (*pgxpool.Pool, int) {
	b.Helper()
	config := db.Config().Copy()
	config.MaxConns, config.MinConns = 1, 1
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	if err != nil {
		b.Fatalf("open single-connection pool: %v", err)
	}
	b.Cleanup(pool.Close)

	var pid int
	if err := pool.QueryRow(context.Background(), "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		b.Fatalf("read backend pid: %v", err)
	}
	return pool, pid
}

// backendCPU returns the CPU time (user and system) a local PostgreSQL server
// process has used, from /proc/PID/stat. It needs the server on this machine.
func backendCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatalf("read CPU time of server process %d (the server must run on this machine): %v", pid, err)
	}
	// Fields after the parenthesised command name: utime and stime are the
	// 12th and 13th, in clock ticks (100 per second on Linux).
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	utime, errUser := strconv.ParseInt(fields[11], 10, 64)
	stime, errSystem := strconv.ParseInt(fields[12], 10, 64)
	if errUser != nil || errSystem != nil {
		b.Fatalf("parse /proc/%d/stat: %q", pid, stat)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// processCPU returns the CPU time (user and system) this process has used.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// phaseRecorder is a slog.Handler that sums the phase durations Import logs.
type phaseRecorder struct {
	read, imported time.Duration
}

func (p *phaseRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (p *phaseRecorder) Handle(_ context.Context, record slog.Record) error {
	record.Attrs(func(attr slog.Attr) bool {
		switch attr.Key {
		case "read_duration":
			p.read += attr.Value.Duration()
		case "import_duration":
			p.imported += attr.Value.Duration()
		}
		return true
	})
	return nil
}

func (p *phaseRecorder) WithAttrs([]slog.Attr) slog.Handler { return p }
func (p *phaseRecorder) WithGroup(string) slog.Handler      { return p }

// BenchmarkParse100k measures decoding, validation and phone normalisation of
// the same file without the database, to show where the import spends its time.
func BenchmarkParse100k(b *testing.B) {
	data := generateContactsFile(benchmarkRows, 1)
	normalizer := newTestNormalizer(b)

	cpuBefore := processCPU(b)

	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		parsed, err := parseFile(context.Background(), data, "", 0, normalizer, "bench.csv")
		if err != nil {
			b.Fatalf("parse: %v", err)
		}
		if parsed.rejected != 0 {
			b.Fatalf("%d rows rejected: %v", parsed.rejected, issueSummary(parsed.rejections[:min(5, len(parsed.rejections))]))
		}
		groupRows(parsed.rows)
	}
	b.ReportMetric(float64(benchmarkRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric((processCPU(b)-cpuBefore).Seconds()/float64(b.N), "go-cpu-s/op")
}
