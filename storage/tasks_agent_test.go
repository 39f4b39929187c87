package storage_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestTasksAgentCallbacks(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	tasks := storage.NewTasks(pool)
	anna, boris := mustUser(t, pool, "anna"), mustUser(t, pool, "boris")
	due := time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)

	create := func(task crm.Task) int64 {
		t.Helper()
		if task.Kind == "" {
			task.Kind, task.Phone, task.Title = crm.KindCallback, "+74951234567", "Callback +74951234567"
		}
		got, err := tasks.Create(ctx, task)
		if err != nil {
			t.Fatalf("Create %+v: %v", task, err)
		}
		return got.ID
	}
	own := create(crm.Task{DueAt: due.Add(time.Hour), AssigneeID: anna.ID, Queue: "billing"})
	queued := create(crm.Task{DueAt: due, Queue: "sales"})
	claimed := create(crm.Task{DueAt: due.Add(2 * time.Hour), Queue: "sales", Status: crm.TaskInProgress})
	create(crm.Task{DueAt: due, Queue: "support"})
	create(crm.Task{DueAt: due, AssigneeID: boris.ID, Queue: "sales"})
	create(crm.Task{DueAt: due, Queue: "sales", Status: crm.TaskDone})
	create(crm.Task{Kind: crm.KindTask, Title: "Отправить счёт", AssigneeID: anna.ID})

	ids := func(list []crm.Task) []int64 {
		var out []int64
		for _, task := range list {
			out = append(out, task.ID)
		}
		return out
	}

	annaSales := storage.AgentCallbacks{AssigneeID: anna.ID, Queues: []string{"sales"}}
	list, err := tasks.ListAgentCallbacks(ctx, annaSales)
	if err != nil {
		t.Fatalf("ListAgentCallbacks: %v", err)
	}
	if want := []int64{queued, own, claimed}; !slices.Equal(ids(list), want) {
		t.Errorf("ListAgentCallbacks(anna, sales) = %v, want %v: the queue's, her own in any queue, the claimed one, by due time", ids(list), want)
	}

	list, err = tasks.ListAgentCallbacks(ctx, storage.AgentCallbacks{AssigneeID: anna.ID})
	if err != nil {
		t.Fatalf("ListAgentCallbacks without queues: %v", err)
	}
	if want := []int64{own}; !slices.Equal(ids(list), want) {
		t.Errorf("ListAgentCallbacks(anna, no queues) = %v, want only her own %v", ids(list), want)
	}

	list, err = tasks.ListAgentCallbacks(ctx, storage.AgentCallbacks{AssigneeID: anna.ID, Queues: []string{"sales"}, Page: storage.Page{Limit: 1, Offset: 1}})
	if err != nil {
		t.Fatalf("ListAgentCallbacks page: %v", err)
	}
	if want := []int64{own}; !slices.Equal(ids(list), want) {
		t.Errorf("ListAgentCallbacks second page of one = %v, want %v", ids(list), want)
	}

	if _, err := tasks.CompleteAgentCallback(ctx, queued, storage.AgentCallbacks{AssigneeID: boris.ID, Queues: []string{"support"}}); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("CompleteAgentCallback by an agent of another queue = %v, want crm.ErrNotFound", err)
	}

	// Two desks close the same callback at once: exactly one succeeds.
	var wg sync.WaitGroup
	results := make([]error, 2)
	for i := range results {
		wg.Go(func() {
			_, results[i] = tasks.CompleteAgentCallback(ctx, queued, annaSales)
		})
	}
	wg.Wait()
	succeeded := 0
	for _, err := range results {
		switch {
		case err == nil:
			succeeded++
		case !errors.Is(err, crm.ErrNotFound):
			t.Errorf("concurrent CompleteAgentCallback: %v, want success or crm.ErrNotFound", err)
		}
	}
	if succeeded != 1 {
		t.Errorf("concurrent CompleteAgentCallback succeeded %d times, want 1", succeeded)
	}
	got, err := tasks.Get(ctx, queued)
	if err != nil || got.Status != crm.TaskDone || got.CompletedAt.IsZero() {
		t.Errorf("completed callback = %q at %v, %v; want done with a completion time", got.Status, got.CompletedAt, err)
	}
}
