package storage_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestInteractionsRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	calls := storage.NewInteractions(pool)
	agent := mustUser(t, pool, "agent")
	contact := mustContact(t, storage.NewContacts(pool, nil), crm.Contact{LastName: "Ершов"})

	arrived := time.Date(2026, 4, 1, 12, 0, 0, 123456000, time.UTC)
	in := crm.Interaction{
		CallID: "1712345678.42", Direction: crm.Inbound, Queue: "sales", AgentID: agent.ID, ContactID: contact.ID,
		CallerNumber: "+74951234567", CalleeNumber: "+74957000000",
		ArrivedAt: arrived, OfferedAt: arrived.Add(15 * time.Second), AnsweredAt: arrived.Add(21 * time.Second),
		EndedAt: arrived.Add(3*time.Minute + 500*time.Millisecond),
		Wait:    21*time.Second + 250*time.Millisecond, Talk: 2*time.Minute + 39*time.Second + 250*time.Millisecond,
		Outcome: crm.OutcomeAnswered, HangupCause: 16, HangupCauseText: "Normal Clearing",
		Campaign: "spring", Recording: "rec-1712345678.42",
	}
	stored, inserted, err := calls.Record(ctx, in)
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	if !inserted || stored.ID == 0 {
		t.Fatalf("Record = %+v, inserted %v", stored, inserted)
	}

	got, err := calls.Get(ctx, stored.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !reflect.DeepEqual(got, stored) {
		t.Errorf("Get = %+v\nRecord returned %+v", got, stored)
	}
	want := in
	want.ID, want.CreatedAt, want.UpdatedAt = got.ID, got.CreatedAt, got.UpdatedAt
	for _, p := range []*time.Time{&got.ArrivedAt, &got.OfferedAt, &got.AnsweredAt, &got.EndedAt} {
		*p = p.UTC()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored call differs from input:\n got %+v\nwant %+v", got, want)
	}

	byCall, err := calls.GetByCallID(ctx, in.CallID)
	if err != nil || byCall.ID != stored.ID {
		t.Errorf("GetByCallID = %+v, %v", byCall, err)
	}
	if _, err := calls.GetByCallID(ctx, "no-such-call"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("GetByCallID(unknown) = %v, want ErrNotFound", err)
	}

	// A replay with other data keeps the first record.
	replay := in
	replay.Outcome, replay.Queue = crm.OutcomeAbandoned, "support"
	again, inserted, err := calls.Record(ctx, replay)
	if err != nil {
		t.Fatalf("Record replay: %v", err)
	}
	if inserted || again.ID != stored.ID || again.Outcome != crm.OutcomeAnswered || again.Queue != "sales" {
		t.Errorf("replay = %+v, inserted %v; want the first record unchanged", again, inserted)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM interactions WHERE call_id = $1`, in.CallID); n != 1 {
		t.Errorf("%d records for one call id, want 1", n)
	}

	wrapped, err := calls.SetDisposition(ctx, in.CallID, "callback_requested", "перезвонить завтра")
	if err != nil {
		t.Fatalf("SetDisposition: %v", err)
	}
	if wrapped.Disposition != "callback_requested" || wrapped.Note != "перезвонить завтра" || !wrapped.UpdatedAt.After(stored.UpdatedAt) {
		t.Errorf("SetDisposition = %+v", wrapped)
	}
	if _, err := calls.SetDisposition(ctx, "no-such-call", "x", ""); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("SetDisposition(unknown) = %v, want ErrNotFound", err)
	}

	unlinked, err := calls.SetContact(ctx, in.CallID, 0)
	if err != nil || unlinked.ContactID != 0 {
		t.Errorf("SetContact(0) = %+v, %v", unlinked, err)
	}
	if _, err := calls.SetContact(ctx, in.CallID, contact.ID+1000); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("SetContact(unknown contact) = %v, want ErrInvalid", err)
	}

	bad := in
	bad.CallID, bad.EndedAt = "bad", arrived.Add(-time.Second)
	if _, _, err := calls.Record(ctx, bad); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("Record with end before arrival = %v, want ErrInvalid", err)
	}
}

func TestInteractionsRecordConcurrentReplay(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	calls := storage.NewInteractions(pool)
	in := crm.Interaction{CallID: "race-1", Direction: crm.Outbound, ArrivedAt: time.Now(), Outcome: crm.OutcomeNoAnswer}

	const writers = 8
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		inserted int
		ids      = map[int64]bool{}
		errs     []error
	)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, ins, err := calls.Record(ctx, in)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			ids[got.ID] = true
			if ins {
				inserted++
			}
		}()
	}
	wg.Wait()

	if len(errs) > 0 {
		t.Fatalf("concurrent Record errors: %v", errs)
	}
	if inserted != 1 || len(ids) != 1 {
		t.Errorf("%d writers: %d inserted, %d distinct ids; want 1 and 1", writers, inserted, len(ids))
	}
	if n := countRows(t, pool, `SELECT count(*) FROM interactions`); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
}

func TestInteractionsList(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	calls := storage.NewInteractions(pool)
	contact := mustContact(t, storage.NewContacts(pool, nil), crm.Contact{LastName: "Лебедев"})

	base := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	// Written out of time order, as a spool replay would.
	for _, h := range []int{2, 0, 3, 1} {
		if _, _, err := calls.Record(ctx, crm.Interaction{CallID: fmt.Sprintf("c%d", h), Direction: crm.Inbound,
			ContactID: contact.ID, CallerNumber: "+79160000000", ArrivedAt: base.Add(time.Duration(h) * time.Hour),
			Outcome: crm.OutcomeAnswered}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := calls.Record(ctx, crm.Interaction{CallID: "anon", Direction: crm.Inbound, CallerNumber: "anonymous",
		ArrivedAt: base, Outcome: crm.OutcomeAbandoned}); err != nil {
		t.Fatal(err)
	}

	got, err := calls.ListByContact(ctx, contact.ID, 3)
	if err != nil {
		t.Fatalf("ListByContact: %v", err)
	}
	var order []string
	for _, c := range got {
		order = append(order, c.CallID)
	}
	if !reflect.DeepEqual(order, []string{"c3", "c2", "c1"}) {
		t.Errorf("ListByContact order = %v, want newest first [c3 c2 c1]", order)
	}

	older, err := calls.ListByContactBefore(ctx, contact.ID, got[2].ArrivedAt, 10)
	if err != nil || len(older) != 1 || older[0].CallID != "c0" {
		t.Errorf("ListByContactBefore(c1's arrival) = %+v, %v; want [c0]", older, err)
	}

	byNumber, err := calls.ListByNumber(ctx, "+79160000000", 10)
	if err != nil || len(byNumber) != 4 || byNumber[0].CallID != "c3" {
		t.Errorf("ListByNumber = %d calls, %v", len(byNumber), err)
	}
}

func TestInteractionsSchemaAcceptsEveryOutcome(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	calls := storage.NewInteractions(pool)

	for _, outcome := range crm.AllOutcomes {
		got, _, err := calls.Record(ctx, crm.Interaction{CallID: "outcome-" + string(outcome), Direction: crm.Inbound,
			ArrivedAt: time.Now(), Outcome: outcome})
		if err != nil {
			t.Errorf("Record with outcome %q: %v; add it to the schema's interactions_outcome_valid", outcome, err)
			continue
		}
		if got.Outcome != outcome {
			t.Errorf("outcome %q read back as %q", outcome, got.Outcome)
		}
	}
}
