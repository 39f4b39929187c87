package calllog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
)

// memoryStore is an idempotent store that fails while down is set, like a database outage.
type memoryStore struct {
	mu      sync.Mutex
	down    bool
	records map[string]crm.Interaction
	order   []string
	calls   int
}

func newMemoryStore() *memoryStore { return &memoryStore{records: map[string]crm.Interaction{}} }

func (m *memoryStore) InsertInteraction(_ context.Context, r crm.Interaction) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.down {
		return errors.New("connection refused")
	}
	if _, ok := m.records[r.CallID]; !ok {
		m.records[r.CallID] = r
		m.order = append(m.order, r.CallID)
	}
	return nil
}

func (m *memoryStore) SetDisposition(_ context.Context, d Disposition) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.down {
		return errors.New("connection refused")
	}
	r, ok := m.records[d.CallID]
	if !ok {
		return fmt.Errorf("call %s: %w", d.CallID, crm.ErrNotFound)
	}
	r.Disposition, r.Note = d.Code, d.Note
	m.records[d.CallID] = r
	return nil
}

func (m *memoryStore) SetContact(_ context.Context, l ContactLink) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.down {
		return errors.New("connection refused")
	}
	r, ok := m.records[l.CallID]
	if !ok {
		return fmt.Errorf("call %s: %w", l.CallID, crm.ErrNotFound)
	}
	r.ContactID = l.ContactID
	m.records[l.CallID] = r
	return nil
}

func (m *memoryStore) get(callID string) crm.Interaction {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.records[callID]
}

func (m *memoryStore) setDown(down bool) {
	m.mu.Lock()
	m.down = down
	m.mu.Unlock()
}

func (m *memoryStore) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.records)
}

func record(i int) crm.Interaction {
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
	return crm.Interaction{
		CallID: fmt.Sprintf("call-%04d", i), Direction: crm.Inbound, Queue: "support",
		CallerNumber: "+74951234567", ArrivedAt: at, EndedAt: at.Add(30 * time.Second),
		Wait: 5 * time.Second, Talk: 25 * time.Second, Outcome: crm.OutcomeAnswered, HangupCause: 16,
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func openSpool(t *testing.T, store Store, dir string) *Spool {
	t.Helper()
	s, err := Open(store, Options{Dir: dir, RetryMin: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestSpoolInsertsEveryRecordOnce(t *testing.T) {
	store := newMemoryStore()
	s := openSpool(t, store, t.TempDir())
	defer s.Close()

	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.WriteRecord(context.Background(), record(i)); err != nil {
				t.Errorf("Write %d: %v", i, err)
			}
		}()
	}
	wg.Wait()

	waitFor(t, "200 records in the store", func() bool { return store.count() == 200 })
	waitFor(t, "an empty spool", func() bool { n, _ := s.Pending(); return n == 0 })
}

func TestSpoolKeepsRecordsDuringOutage(t *testing.T) {
	store := newMemoryStore()
	store.setDown(true)
	dir := t.TempDir()
	s := openSpool(t, store, dir)

	for i := range 10 {
		if err := s.WriteRecord(context.Background(), record(i)); err != nil {
			t.Fatalf("Write %d: %v", i, err)
		}
	}
	waitFor(t, "failed insert attempts", func() bool {
		store.mu.Lock()
		defer store.mu.Unlock()
		return store.calls >= 3
	})
	if n := store.count(); n != 0 {
		t.Fatalf("store has %d records while down, want 0", n)
	}
	if n, _ := s.Pending(); n == 0 {
		t.Fatal("spool is empty while the store is down; records would be lost")
	}

	if err := s.WriteDisposition(context.Background(), Disposition{CallID: record(3).CallID, Code: "resolved", Note: "звонок о доставке"}); err != nil {
		t.Fatalf("WriteDisposition: %v", err)
	}

	if err := s.WriteContactLink(context.Background(), ContactLink{CallID: record(4).CallID, ContactID: 42}); err != nil {
		t.Fatalf("WriteContactLink: %v", err)
	}

	store.setDown(false)
	waitFor(t, "10 records after the outage", func() bool { return store.count() == 10 })
	waitFor(t, "an empty spool", func() bool { n, _ := s.Pending(); return n == 0 })
	if got := store.get(record(4).CallID).ContactID; got != 42 {
		t.Errorf("contact of call %s after the outage = %d, want 42", record(4).CallID, got)
	}
	if got := store.get(record(3).CallID); got.Disposition != "resolved" || got.Note != "звонок о доставке" {
		t.Errorf("disposition after the outage = %q %q, want resolved and the note", got.Disposition, got.Note)
	}
	s.Close()

	store.mu.Lock()
	defer store.mu.Unlock()
	for i, id := range store.order {
		if want := record(i).CallID; id != want {
			t.Errorf("record %d is %s, want %s (order kept)", i, id, want)
		}
	}
}

func TestSpoolSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	down := newMemoryStore()
	down.setDown(true)
	s := openSpool(t, down, dir)
	for i := range 5 {
		if err := s.WriteRecord(context.Background(), record(i)); err != nil {
			t.Fatalf("Write %d: %v", i, err)
		}
	}
	s.Close()

	// A crash can leave a half-written file behind; it was never acknowledged.
	if err := os.WriteFile(filepath.Join(dir, "99-1.jsonl.tmp"), []byte("{\"record\":"), 0o600); err != nil {
		t.Fatal(err)
	}

	up := newMemoryStore()
	s2 := openSpool(t, up, dir)
	defer s2.Close()
	waitFor(t, "5 records after restart", func() bool { return up.count() == 5 })
	if _, err := os.Stat(filepath.Join(dir, "99-1.jsonl.tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary file still present: %v", err)
	}
}

func TestSpoolSetsAsideMalformedBatch(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "00000000000000000001-00000001.jsonl")
	if err := os.WriteFile(bad, []byte("not json\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	store := newMemoryStore()
	s := openSpool(t, store, dir)
	defer s.Close()
	if err := s.WriteRecord(context.Background(), record(1)); err != nil {
		t.Fatalf("Write: %v", err)
	}

	waitFor(t, "the good record", func() bool { return store.count() == 1 })
	if _, err := os.Stat(bad + ".bad"); err != nil {
		t.Errorf("malformed batch not kept aside: %v", err)
	}
}

func TestSpoolRejectsInvalidRecord(t *testing.T) {
	s := openSpool(t, newMemoryStore(), t.TempDir())
	defer s.Close()

	rec := record(1)
	rec.CallID = ""
	if err := s.WriteRecord(context.Background(), rec); !errors.Is(err, crm.ErrInvalid) {
		t.Fatalf("WriteRecord of a record without call id: got %v, want crm.ErrInvalid", err)
	}
	if err := s.WriteDisposition(context.Background(), Disposition{CallID: "c1"}); !errors.Is(err, crm.ErrInvalid) {
		t.Fatalf("WriteDisposition without a code: got %v, want crm.ErrInvalid", err)
	}
	if err := s.WriteContactLink(context.Background(), ContactLink{CallID: "c1"}); !errors.Is(err, crm.ErrInvalid) {
		t.Fatalf("WriteContactLink without a contact: got %v, want crm.ErrInvalid", err)
	}
	if n, _ := s.Pending(); n != 0 {
		t.Errorf("invalid record reached the spool: %d batches", n)
	}
}

func TestOpenRequiresFolder(t *testing.T) {
	if _, err := Open(newMemoryStore(), Options{}); err == nil {
		t.Fatal("Open without a folder succeeded")
	}
}

func TestSpoolSetsAsideEntryForUnknownCall(t *testing.T) {
	store := newMemoryStore()
	dir := t.TempDir()
	s, err := Open(store, Options{Dir: dir, RetryMin: time.Millisecond, RetryMax: 2 * time.Millisecond, MaxRejections: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// The disposition names a call that never got a record; the record behind it must
	// still reach the store.
	if err := s.WriteDisposition(context.Background(), Disposition{CallID: "lost", Code: "resolved"}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteRecord(context.Background(), record(7)); err != nil {
		t.Fatal(err)
	}

	waitFor(t, "the record behind the rejected entry", func() bool { return store.count() == 1 })
	waitFor(t, "an empty spool", func() bool { n, _ := s.Pending(); return n == 0 })
	bad, err := filepath.Glob(filepath.Join(dir, "*.bad"))
	if err != nil || len(bad) != 1 {
		t.Fatalf("set-aside files = %v (%v), want one", bad, err)
	}
	data, err := os.ReadFile(bad[0])
	if err != nil || !strings.Contains(string(data), `"CallID":"lost"`) {
		t.Errorf("set-aside file holds %q (%v), want the rejected disposition", data, err)
	}
}
