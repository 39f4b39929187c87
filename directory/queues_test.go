package directory_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

func TestAgentProfileCarriesQueues(t *testing.T) {
	d, pool := newDirectoryPool(t)
	ctx := context.Background()
	users := storage.NewUsers(pool)

	assigned, err := users.Create(ctx, crm.User{Login: "olga", DisplayName: "Ольга", Roles: []crm.Role{crm.RoleAgent},
		Locale: crm.LocaleRU, Queues: []string{"vip", "sales"}}, "пароль-1")
	if err != nil {
		t.Fatal(err)
	}
	unassigned, err := users.Create(ctx, crm.User{Login: "ivan", DisplayName: "Иван", Roles: []crm.Role{crm.RoleAgent},
		Locale: crm.LocaleRU}, "пароль-2")
	if err != nil {
		t.Fatal(err)
	}

	profile, err := d.Agent(ctx, strconv.FormatInt(assigned.ID, 10))
	if err != nil {
		t.Fatalf("Agent(olga): %v", err)
	}
	if want := []string{"sales", "vip"}; !reflect.DeepEqual(profile.Queues, want) {
		t.Errorf("olga's profile queues = %q, want %q", profile.Queues, want)
	}
	profile, err = d.Agent(ctx, strconv.FormatInt(unassigned.ID, 10))
	if err != nil {
		t.Fatalf("Agent(ivan): %v", err)
	}
	if len(profile.Queues) != 0 {
		t.Errorf("ivan's profile queues = %q, want none, which means every queue", profile.Queues)
	}
}

func TestCallbacksOfOtherQueuesHidden(t *testing.T) {
	d, pool := newDirectoryPool(t)
	ctx := context.Background()

	u, err := storage.NewUsers(pool).Create(ctx, crm.User{Login: "olga", DisplayName: "Ольга", Roles: []crm.Role{crm.RoleAgent},
		Locale: crm.LocaleRU, Queues: []string{"sales"}}, "пароль-1")
	if err != nil {
		t.Fatal(err)
	}
	olga := strconv.FormatInt(u.ID, 10)

	tasks := storage.NewTasks(pool)
	base := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	create := func(task crm.Task) string {
		task.Kind, task.Status = crm.KindCallback, crm.TaskOpen
		task.Title = "Callback " + task.Phone
		got, err := tasks.Create(ctx, task)
		if err != nil {
			t.Fatalf("create callback to %s: %v", task.Phone, err)
		}
		return strconv.FormatInt(got.ID, 10)
	}
	sales := create(crm.Task{Phone: "+79161234501", DueAt: base, Queue: "sales"})
	support := create(crm.Task{Phone: "+79161234502", DueAt: base, Queue: "support"})
	noQueue := create(crm.Task{Phone: "+79161234503", DueAt: base})
	// A callback assigned to the agent shows whatever its queue.
	own := create(crm.Task{Phone: "+79161234504", DueAt: base.Add(time.Hour), Queue: "support", AssigneeID: u.ID})

	callbacks := d.Callbacks([]string{"sales", "support"})
	list, err := callbacks.ListCallbacks(ctx, olga)
	if err != nil {
		t.Fatalf("ListCallbacks: %v", err)
	}
	var ids []string
	for _, cb := range list.Callbacks {
		ids = append(ids, cb.TaskID)
	}
	if want := []string{sales, own}; !slices.Equal(ids, want) {
		t.Errorf("olga's callbacks = %v, want %v (the sales queue's, then her own); support %s and no queue %s must not show",
			ids, want, support, noQueue)
	}

	for name, id := range map[string]string{"support": support, "no queue": noQueue} {
		if err := callbacks.CompleteCallback(ctx, olga, id); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("CompleteCallback(%s) = %v, want api.ErrNotFound", name, err)
		}
	}
	if err := callbacks.CompleteCallback(ctx, olga, sales); err != nil {
		t.Errorf("CompleteCallback(sales): %v", err)
	}
}
