package storage_test

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestTasksRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	tasks := storage.NewTasks(pool)
	agent := mustUser(t, pool, "agent")
	contact := mustContact(t, storage.NewContacts(pool, nil), crm.Contact{LastName: "Морозов"})
	due := time.Date(2026, 6, 2, 10, 30, 0, 0, time.UTC)

	in := crm.Task{Kind: crm.KindCallback, Title: "Перезвонить по счёту", Note: "после обеда", DueAt: due,
		ContactID: contact.ID, AssigneeID: agent.ID, CreatedBy: agent.ID, Phone: "+74951234567", Queue: "billing"}
	created, err := tasks.Create(ctx, in)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	got, err := tasks.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !reflect.DeepEqual(got, created) {
		t.Errorf("Get = %+v\nCreate returned %+v", got, created)
	}
	if got.Kind != in.Kind || got.Title != in.Title || got.Note != in.Note || !got.DueAt.Equal(due) ||
		got.Status != crm.TaskOpen || got.ContactID != contact.ID || got.AssigneeID != agent.ID ||
		got.Phone != in.Phone || got.Queue != in.Queue || got.Attempts != 0 || !got.CompletedAt.IsZero() {
		t.Errorf("Get = %+v, want fields of %+v", got, in)
	}

	got.Note, got.DueAt = "утром", due.Add(-2*time.Hour)
	updated, err := tasks.Update(ctx, got)
	if err != nil || updated.Note != "утром" || !updated.DueAt.Equal(due.Add(-2*time.Hour)) {
		t.Errorf("Update = %+v, %v", updated, err)
	}

	done, err := tasks.SetStatus(ctx, created.ID, crm.TaskDone)
	if err != nil || done.Status != crm.TaskDone || done.CompletedAt.IsZero() {
		t.Errorf("SetStatus(done) = %+v, %v; want CompletedAt set", done, err)
	}
	reopened, err := tasks.SetStatus(ctx, created.ID, crm.TaskOpen)
	if err != nil || !reopened.CompletedAt.IsZero() {
		t.Errorf("SetStatus(open) = %+v, %v; want CompletedAt cleared", reopened, err)
	}
	if _, err := tasks.SetStatus(ctx, created.ID, "later"); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("SetStatus(later) = %v, want ErrInvalid", err)
	}
	if _, err := tasks.SetStatus(ctx, created.ID+1000, crm.TaskDone); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("SetStatus(unknown) = %v, want ErrNotFound", err)
	}

	if _, err := tasks.Create(ctx, crm.Task{Kind: crm.KindCallback, DueAt: due}); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("callback without phone = %v, want ErrInvalid", err)
	}
	plain, err := tasks.Create(ctx, crm.Task{Kind: crm.KindTask, Title: "Отправить договор", AssigneeID: agent.ID})
	if err != nil || plain.Phone != "" || !plain.DueAt.IsZero() {
		t.Errorf("plain task = %+v, %v", plain, err)
	}

	open, err := tasks.ListOpen(ctx, storage.TaskFilter{AssigneeID: agent.ID})
	if err != nil || len(open) != 2 || open[0].ID != created.ID || open[1].ID != plain.ID {
		t.Errorf("ListOpen(assignee) = %+v, %v; want the callback, then the task without due time", open, err)
	}
	call, _, err := storage.NewInteractions(pool).Record(ctx, crm.Interaction{CallID: "task-call", Direction: crm.Inbound,
		ArrivedAt: due, Outcome: crm.OutcomeAnswered})
	if err != nil {
		t.Fatal(err)
	}
	fromCall, err := tasks.Create(ctx, crm.Task{Kind: crm.KindCallback, Phone: "+74951234567", DueAt: due.Add(time.Hour), InteractionID: call.ID})
	if err != nil {
		t.Fatal(err)
	}
	byCall, err := tasks.ListOpen(ctx, storage.TaskFilter{InteractionID: call.ID})
	if err != nil || len(byCall) != 1 || byCall[0].ID != fromCall.ID || byCall[0].InteractionID != call.ID {
		t.Errorf("ListOpen(interaction) = %+v, %v", byCall, err)
	}

	callbacks, err := tasks.ListOpen(ctx, storage.TaskFilter{Kind: crm.KindCallback, DueBefore: due})
	if err != nil || len(callbacks) != 1 || callbacks[0].ID != created.ID {
		t.Errorf("ListOpen(callbacks due) = %+v, %v", callbacks, err)
	}
}

func TestTasksClaimDueCallbacks(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	tasks := storage.NewTasks(pool)
	now := time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC)

	const due = 20
	for i := range due + 5 {
		// The last five are due in the future and must not be claimed.
		at := now.Add(-time.Duration(due-i) * time.Minute)
		if _, err := tasks.Create(ctx, crm.Task{Kind: crm.KindCallback, Phone: "+74950000000", DueAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tasks.Create(ctx, crm.Task{Kind: crm.KindTask, Title: "not a callback", DueAt: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}

	// Four claimers race; every due callback goes to exactly one of them.
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[int64]int{}
		errs    []error
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				batch, err := tasks.ClaimDueCallbacks(ctx, now, 3)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				for _, task := range batch {
					claimed[task.ID]++
					if task.Status != crm.TaskInProgress || task.Attempts != 1 || task.Kind != crm.KindCallback {
						errs = append(errs, errors.New("claimed task not in progress with one attempt"))
					}
				}
				mu.Unlock()
				if err != nil || len(batch) == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()

	if len(errs) > 0 {
		t.Fatalf("claim errors: %v", errs)
	}
	if len(claimed) != due+1 {
		t.Errorf("claimed %d callbacks, want %d (due at or before now)", len(claimed), due+1)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("callback %d claimed %d times", id, n)
		}
	}
}
