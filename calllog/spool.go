// Package calllog writes call records to PostgreSQL through a durable local spool, so that
// every call that entered Stasis ends with exactly one record even while the database is
// unreachable.
//
// WriteRecord, WriteDisposition and WriteContactLink append entries to a batch file and fsync it
// before they return. A single goroutine then applies pending batches in order and deletes each
// file once its entries are committed. Every Store operation is idempotent, so a batch applied
// again after a crash between commit and delete does not duplicate a record.
package calllog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/crm"
)

// Store applies spooled entries to the database. Both methods must be idempotent, because a
// batch interrupted by a crash or an outage is applied again from its first entry: a record
// whose call id is already stored is skipped, and setting the same disposition twice leaves one.
type Store interface {
	InsertInteraction(ctx context.Context, record crm.Interaction) error
	SetDisposition(ctx context.Context, d Disposition) error
	SetContact(ctx context.Context, link ContactLink) error
}

// ContactLink attaches a contact created during or after a call to the call's record, for a
// caller who was unknown when the call arrived.
type ContactLink struct {
	CallID    string
	ContactID int64
}

// Disposition is the agent's wrap-up of a call. It travels through the spool behind the call's
// record, so it is applied after the record even when both waited out an outage.
type Disposition struct {
	CallID string
	Code   string
	Note   string
	// AgentID is the agent who saved it. CallbackAt, when set, requests a callback task.
	AgentID    string
	CallbackAt time.Time
}

// Entry is one line of a batch file: exactly one of its fields is set.
type Entry struct {
	Record      *crm.Interaction `json:"record,omitempty"`
	Disposition *Disposition     `json:"disposition,omitempty"`
	Contact     *ContactLink     `json:"contact,omitempty"`
}

func (e Entry) validate() error {
	set := 0
	for _, present := range []bool{e.Record != nil, e.Disposition != nil, e.Contact != nil} {
		if present {
			set++
		}
	}
	switch {
	case set != 1:
		return fmt.Errorf("%w spool entry: set exactly one of record, disposition and contact", crm.ErrInvalid)
	case e.Record != nil:
		return e.Record.Validate()
	case e.Disposition != nil:
		if e.Disposition.CallID == "" || e.Disposition.Code == "" {
			return fmt.Errorf("%w disposition: call id %q and code %q must both be set",
				crm.ErrInvalid, e.Disposition.CallID, e.Disposition.Code)
		}
	case e.Contact.CallID == "" || e.Contact.ContactID <= 0:
		return fmt.Errorf("%w contact link: call id %q and contact id %d must both be set",
			crm.ErrInvalid, e.Contact.CallID, e.Contact.ContactID)
	}
	return nil
}

func (e Entry) callID() string {
	switch {
	case e.Record != nil:
		return e.Record.CallID
	case e.Disposition != nil:
		return e.Disposition.CallID
	case e.Contact != nil:
		return e.Contact.CallID
	}
	return ""
}

// Options configure a Spool.
type Options struct {
	// Dir is the spool folder; it is created with mode 0700 if missing.
	Dir string
	// RetryMin and RetryMax bound the exponential backoff between insert attempts while the
	// store fails. Defaults: 200 ms and 10 s.
	RetryMin, RetryMax time.Duration
	// MaxBatch is the largest number of entries in one batch file. Default 256.
	MaxBatch int
	// MaxRejections is how many times an entry that the store rejects as invalid or as
	// naming an unknown call is retried before it is set aside, so that it cannot hold up
	// the records behind it. Default 20.
	MaxRejections int
	Logger        *slog.Logger
	// Registerer receives the spool's metrics; nil registers nothing.
	Registerer prometheus.Registerer
}

// Spool is the durable queue of call records on their way to the Store.
type Spool struct {
	opts  Options
	store Store
	log   *slog.Logger

	requests chan writeRequest
	wake     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	stop     chan struct{}

	// attempts counts failed applications per batch file; only the insert goroutine uses it.
	attempts map[string]int

	pending   prometheus.Gauge
	written   prometheus.Counter // records inserted; a re-applied batch counts again
	failures  prometheus.Counter
	malformed prometheus.Counter
}

type writeRequest struct {
	entry  Entry
	result chan error
}

const batchSuffix = ".jsonl"

// Open creates the spool folder, counts the batches left by an earlier run and starts the
// goroutines that append and insert. Close stops them.
func Open(store Store, opts Options) (*Spool, error) {
	if opts.Dir == "" {
		return nil, errors.New("calllog: spool folder is empty; set Options.Dir to a writable folder")
	}
	if opts.RetryMin <= 0 {
		opts.RetryMin = 200 * time.Millisecond
	}
	if opts.RetryMax < opts.RetryMin {
		opts.RetryMax = max(10*time.Second, opts.RetryMin)
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 256
	}
	if opts.MaxRejections <= 0 {
		opts.MaxRejections = 20
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("calllog: create spool folder %s: %w", opts.Dir, err)
	}

	s := &Spool{
		opts:     opts,
		store:    store,
		log:      opts.Logger.With("component", "calllog"),
		requests: make(chan writeRequest, opts.MaxBatch),
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		stop:     make(chan struct{}),
		attempts: make(map[string]int),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "switchboard_calllog_pending_batches", Help: "Batch files in the spool waiting for the database.",
		}),
		written: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_calllog_records_inserted_total", Help: "Call records committed to the database.",
		}),
		failures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_calllog_insert_failures_total", Help: "Failed attempts to insert a spooled batch.",
		}),
		malformed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "switchboard_calllog_malformed_batches_total", Help: "Spool files that could not be decoded and were set aside.",
		}),
	}
	if opts.Registerer != nil {
		for _, c := range []prometheus.Collector{s.pending, s.written, s.failures, s.malformed} {
			if err := opts.Registerer.Register(c); err != nil {
				return nil, fmt.Errorf("calllog: register metrics: %w", err)
			}
		}
	}

	if err := removeTemporaryFiles(opts.Dir); err != nil {
		return nil, err
	}
	batches, err := s.batchFiles()
	if err != nil {
		return nil, err
	}
	s.pending.Set(float64(len(batches)))
	if len(batches) > 0 {
		s.log.Info("spool contains call records from an earlier run", "batches", len(batches), "dir", opts.Dir)
	}

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.appendLoop() }()
	go func() { defer wg.Done(); s.insertLoop() }()
	go func() { wg.Wait(); close(s.done) }()
	s.signal()
	return s, nil
}

// WriteRecord stores the call record durably in the spool and returns once it is on disk.
// The database insert happens later; Pending returns how many batches still wait for it.
func (s *Spool) WriteRecord(ctx context.Context, record crm.Interaction) error {
	return s.write(ctx, Entry{Record: &record})
}

// WriteDisposition stores the agent's wrap-up durably; it reaches the database after the
// call's record.
func (s *Spool) WriteDisposition(ctx context.Context, d Disposition) error {
	return s.write(ctx, Entry{Disposition: &d})
}

// WriteContactLink stores durably that the call's caller is the contact; it reaches the
// database after the call's record.
func (s *Spool) WriteContactLink(ctx context.Context, link ContactLink) error {
	return s.write(ctx, Entry{Contact: &link})
}

func (s *Spool) write(ctx context.Context, entry Entry) error {
	if err := entry.validate(); err != nil {
		return fmt.Errorf("calllog: reject entry: %w", err)
	}

	req := writeRequest{entry: entry, result: make(chan error, 1)}
	select {
	case s.requests <- req:
	case <-s.stop:
		return errors.New("calllog: spool is closed")
	case <-ctx.Done():
		return fmt.Errorf("calllog: write call %s: %w", entry.callID(), ctx.Err())
	}

	select {
	case err := <-req.result:
		return err
	case <-ctx.Done():
		// The entry may still reach the disk; the append goroutine owns it now.
		return fmt.Errorf("calllog: write call %s: %w", entry.callID(), ctx.Err())
	}
}

// Pending returns the number of batch files waiting for the database.
func (s *Spool) Pending() (int, error) {
	files, err := s.batchFiles()
	return len(files), err
}

// Close stops accepting records, waits for queued writes to reach the disk and stops the
// insert goroutine. Batches not yet inserted stay in the folder for the next Open.
func (s *Spool) Close() {
	s.stopOnce.Do(func() { close(s.stop) })
	<-s.done
}

// appendLoop owns the spool's write side: it groups concurrent writes into one batch file,
// so that one fsync serves many records.
func (s *Spool) appendLoop() {
	var seq int64
	for {
		var batch []writeRequest
		select {
		case req := <-s.requests:
			batch = append(batch, req)
		case <-s.stop:
			s.drainRequests()
			return
		}
	gather:
		for len(batch) < s.opts.MaxBatch {
			select {
			case req := <-s.requests:
				batch = append(batch, req)
			default:
				break gather
			}
		}

		seq++
		err := s.writeBatch(seq, batch)
		for _, req := range batch {
			req.result <- err
		}
		if err == nil {
			s.pending.Inc()
			s.signal()
		}
	}
}

// drainRequests writes requests already queued when Close was called, so that no caller
// whose Write was accepted loses its record.
func (s *Spool) drainRequests() {
	var seq int64
	for {
		select {
		case req := <-s.requests:
			seq++
			err := s.writeBatch(seq, []writeRequest{req})
			req.result <- err
		default:
			return
		}
	}
}

// writeBatch writes the batch to a temporary file, fsyncs it and renames it into place, so a
// crash leaves either a whole batch file or none.
func (s *Spool) writeBatch(seq int64, batch []writeRequest) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, req := range batch {
		if err := enc.Encode(req.entry); err != nil {
			return fmt.Errorf("calllog: encode call %s: %w", req.entry.callID(), err)
		}
	}

	// The name sorts by time, then by sequence within a run, so batches are inserted in the
	// order they were written.
	name := fmt.Sprintf("%020d-%08d%s", time.Now().UnixNano(), seq, batchSuffix)
	final := filepath.Join(s.opts.Dir, name)
	tmp := final + ".tmp"

	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("calllog: create batch file: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("calllog: write batch file %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("calllog: sync batch file %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("calllog: close batch file %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("calllog: publish batch file %s: %w", final, err)
	}
	return syncDir(s.opts.Dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("calllog: open spool folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("calllog: sync spool folder: %w", err)
	}
	return nil
}

func (s *Spool) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// insertLoop owns the spool's read side: it inserts batch files oldest first and deletes
// each once the store has committed it, backing off while the store fails.
func (s *Spool) insertLoop() {
	backoff := s.opts.RetryMin
	var retry <-chan time.Time
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		case <-retry:
		}
		retry = nil

		err := s.flush()
		if err == nil {
			backoff = s.opts.RetryMin
			continue
		}

		s.failures.Inc()
		s.log.Warn("call records wait in the spool: insert failed", "error", err, "retry_in", backoff)
		retry = time.After(backoff)
		backoff = min(backoff*2, s.opts.RetryMax)
	}
}

// flush inserts every batch file present, oldest first, and stops at the first failure so
// that the order of records is kept.
func (s *Spool) flush() error {
	files, err := s.batchFiles()
	if err != nil {
		return err
	}
	s.pending.Set(float64(len(files)))

	for _, path := range files {
		select {
		case <-s.stop:
			return nil
		default:
		}

		entries, err := readBatch(path)
		if err != nil {
			s.setAside(path, err)
			continue
		}

		records, failed, err := s.apply(entries)
		s.written.Add(float64(records))
		if err != nil {
			if !rejected(err) {
				return fmt.Errorf("apply %d spooled entries from %s: %w", len(entries), filepath.Base(path), err)
			}
			s.attempts[path]++
			if s.attempts[path] < s.opts.MaxRejections {
				return fmt.Errorf("apply %d spooled entries from %s: %w", len(entries), filepath.Base(path), err)
			}
			if err := s.skipEntry(path, entries, failed, err); err != nil {
				return err
			}
			delete(s.attempts, path)
			// The rest of the batch is tried again at once.
			s.signal()
			return nil
		}
		delete(s.attempts, path)

		if err := os.Remove(path); err != nil {
			return fmt.Errorf("remove inserted batch %s: %w", path, err)
		}
		s.pending.Dec()
	}
	return nil
}

// setAside renames a batch that cannot be decoded so that it no longer blocks the records
// behind it, and keeps it for an operator to inspect.
func (s *Spool) setAside(path string, cause error) {
	s.malformed.Inc()
	bad := path + ".bad"
	if err := os.Rename(path, bad); err != nil {
		s.log.Error("cannot set a malformed spool batch aside", "path", path, "error", err)
		return
	}
	s.pending.Dec()
	s.log.Error("spool batch is malformed and was set aside; inspect it and re-import by hand",
		"path", bad, "error", cause)
}

// apply writes the entries of one batch in order and returns how many records it inserted and,
// on error, the index of the entry that failed.
func (s *Spool) apply(entries []Entry) (int, int, error) {
	records := 0
	for i, e := range entries {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var err error
		switch {
		case e.Record != nil:
			err = s.store.InsertInteraction(ctx, *e.Record)
		case e.Disposition != nil:
			err = s.store.SetDisposition(ctx, *e.Disposition)
		default:
			err = s.store.SetContact(ctx, *e.Contact)
		}
		cancel()
		if err != nil {
			return records, i, fmt.Errorf("call %s: %w", e.callID(), err)
		}
		if e.Record != nil {
			records++
		}
	}
	return records, -1, nil
}

// rejected reports whether the store rejected an entry for what it contains rather than
// because it was unreachable. Retrying such an entry cannot help once the call is known to be
// missing.
func rejected(err error) bool {
	return errors.Is(err, crm.ErrNotFound) || errors.Is(err, crm.ErrInvalid)
}

// skipEntry moves entry number failed of the batch at path into its own .bad file. It rewrites
// the batch with the entries after that one, because the ones before it were applied.
func (s *Spool) skipEntry(path string, entries []Entry, failed int, cause error) error {
	s.malformed.Inc()
	bad := fmt.Sprintf("%s.entry-%d.bad", path, failed)
	line, err := json.Marshal(entries[failed])
	if err != nil {
		return fmt.Errorf("encode rejected entry of %s: %w", path, err)
	}
	if err := os.WriteFile(bad, append(line, '\n'), 0o600); err != nil {
		return fmt.Errorf("set rejected entry of %s aside: %w", path, err)
	}
	s.log.Error("spooled entry rejected by the database and set aside; inspect it and apply it by hand",
		"path", bad, "call_id", entries[failed].callID(), "attempts", s.opts.MaxRejections, "error", cause)

	rest := entries[failed+1:]
	if len(rest) == 0 {
		if err := os.Remove(path); err != nil {
			return fmt.Errorf("remove finished batch %s: %w", path, err)
		}
		s.pending.Dec()
		return nil
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, e := range rest {
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("encode rest of batch %s: %w", path, err)
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("rewrite batch %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rewrite batch %s: %w", path, err)
	}
	return syncDir(s.opts.Dir)
}

func readBatch(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open batch: %w", err)
	}
	defer f.Close()

	var entries []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for line := 1; sc.Scan(); line++ {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if err := e.validate(); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read batch: %w", err)
	}
	return entries, nil
}

func (s *Spool) batchFiles() ([]string, error) {
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("calllog: list spool folder %s: %w", s.opts.Dir, err)
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), batchSuffix) {
			files = append(files, filepath.Join(s.opts.Dir, e.Name()))
		}
	}
	slices.Sort(files)
	return files, nil
}

// removeTemporaryFiles deletes batch files that a crash left half written. Their writers never
// got a success, so nothing acknowledged is lost.
func removeTemporaryFiles(dir string) error {
	matches, err := filepath.Glob(filepath.Join(dir, "*"+batchSuffix+".tmp"))
	if err != nil {
		return fmt.Errorf("calllog: list temporary files: %w", err)
	}
	for _, m := range matches {
		if err := os.Remove(m); err != nil {
			return fmt.Errorf("calllog: remove temporary file %s: %w", m, err)
		}
	}
	return nil
}
