package directory_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

func TestCallbacksListAndComplete(t *testing.T) {
	d, pool := newDirectoryPool(t)
	ctx := context.Background()

	users := storage.NewUsers(pool)
	newAgent := func(login string) string {
		u, err := users.Create(ctx, crm.User{Login: login, DisplayName: login, Roles: []crm.Role{crm.RoleAgent}, Locale: crm.LocaleRU}, "пароль-1")
		if err != nil {
			t.Fatalf("create user %s: %v", login, err)
		}
		return strconv.FormatInt(u.ID, 10)
	}
	anna, boris := newAgent("anna"), newAgent("boris")
	annaID, _ := strconv.ParseInt(anna, 10, 64)
	borisID, _ := strconv.ParseInt(boris, 10, 64)

	card, err := d.Create(ctx, anna, protocol.CreateContact{Name: "Петров Иван Сергеевич", Phones: []protocol.Phone{{Number: "+74951234567"}}})
	if err != nil {
		t.Fatalf("create contact: %v", err)
	}
	contactID, _ := strconv.ParseInt(card.ContactID, 10, 64)

	tasks := storage.NewTasks(pool)
	base := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	create := func(name string, task crm.Task) string {
		task.Kind, task.Status = crm.KindCallback, crm.TaskOpen
		task.Title = "Callback " + task.Phone
		got, err := tasks.Create(ctx, task)
		if err != nil {
			t.Fatalf("create callback %s: %v", name, err)
		}
		return strconv.FormatInt(got.ID, 10)
	}
	own := create("own", crm.Task{Phone: "+74951234567", DueAt: base.Add(2 * time.Hour), AssigneeID: annaID, ContactID: contactID, Note: "про заказ"})
	queued := create("queued", crm.Task{Phone: "+79161234567", DueAt: base.Add(time.Hour), Queue: "sales"})
	noQueue := create("no queue", crm.Task{Phone: "+79161234568", DueAt: base.Add(3 * time.Hour)})
	otherQueue := create("other queue", crm.Task{Phone: "+79161234569", DueAt: base, Queue: "retired"})
	borisOwn := create("boris", crm.Task{Phone: "+79161234570", DueAt: base, AssigneeID: borisID, Queue: "sales"})
	closed := create("closed", crm.Task{Phone: "+79161234571", DueAt: base, Queue: "sales"})
	if _, err := tasks.SetStatus(ctx, mustID(t, closed), crm.TaskDone); err != nil {
		t.Fatalf("close callback: %v", err)
	}
	if _, err := tasks.Create(ctx, crm.Task{Kind: crm.KindTask, Title: "Позвонить", Status: crm.TaskOpen, AssigneeID: annaID}); err != nil {
		t.Fatalf("create task: %v", err)
	}

	callbacks := d.Callbacks([]string{"sales", "support"})
	list, err := callbacks.ListCallbacks(ctx, anna)
	if err != nil {
		t.Fatalf("ListCallbacks: %v", err)
	}
	var ids []string
	for _, cb := range list.Callbacks {
		ids = append(ids, cb.TaskID)
	}
	want := []string{queued, own, noQueue}
	if len(ids) != len(want) || ids[0] != want[0] || ids[1] != want[1] || ids[2] != want[2] {
		t.Fatalf("ListCallbacks ids = %v, want %v (queued, own, no queue by due time); other queue %s, boris %s, closed %s must not show",
			ids, want, otherQueue, borisOwn, closed)
	}

	first := list.Callbacks[1]
	if first.ContactName != "Петров Иван Сергеевич" || first.ContactID != card.ContactID {
		t.Errorf("own callback contact = %q %q, want Петров Иван Сергеевич %s", first.ContactID, first.ContactName, card.ContactID)
	}
	if first.Phone != "+74951234567" || first.PhoneDisplay != "+7 495 123-45-67" {
		t.Errorf("own callback phone = %q %q, want +74951234567 and +7 495 123-45-67", first.Phone, first.PhoneDisplay)
	}
	if !first.Assigned || list.Callbacks[0].Assigned {
		t.Errorf("assigned = %v for own and %v for queued, want true and false", first.Assigned, list.Callbacks[0].Assigned)
	}
	if first.Note != "про заказ" || !first.DueAt.Equal(base.Add(2*time.Hour)) || first.Status != "open" {
		t.Errorf("own callback = %+v, want the note, the due time and status open", first)
	}
	if list.Callbacks[0].Queue != "sales" || list.Callbacks[0].ContactName != "" {
		t.Errorf("queued callback = %+v, want queue sales and no contact", list.Callbacks[0])
	}

	for name, id := range map[string]string{"other queue": otherQueue, "boris": borisOwn, "closed": closed, "missing": "999999"} {
		if err := callbacks.CompleteCallback(ctx, anna, id); !errors.Is(err, api.ErrNotFound) {
			t.Errorf("CompleteCallback(%s) = %v, want api.ErrNotFound", name, err)
		}
	}
	got, err := tasks.Get(ctx, mustID(t, borisOwn))
	if err != nil || got.Status != crm.TaskOpen {
		t.Errorf("boris's callback after anna's attempt = %q, %v; want open", got.Status, err)
	}
	if err := callbacks.CompleteCallback(ctx, anna, "abc"); !errors.Is(err, api.ErrInvalid) {
		t.Errorf("CompleteCallback(abc) = %v, want api.ErrInvalid", err)
	}

	if err := callbacks.CompleteCallback(ctx, anna, queued); err != nil {
		t.Fatalf("CompleteCallback(queued): %v", err)
	}
	got, err = tasks.Get(ctx, mustID(t, queued))
	if err != nil || got.Status != crm.TaskDone || got.CompletedAt.IsZero() {
		t.Errorf("queued callback after done = %q completed %v, %v; want done with a completion time", got.Status, got.CompletedAt, err)
	}
	if err := callbacks.CompleteCallback(ctx, anna, queued); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("second CompleteCallback(queued) = %v, want api.ErrNotFound", err)
	}

	// Boris serves every configured queue too, so his list has the queue's callbacks and his own.
	list, err = callbacks.ListCallbacks(ctx, boris)
	if err != nil {
		t.Fatalf("ListCallbacks(boris): %v", err)
	}
	if len(list.Callbacks) != 2 || list.Callbacks[0].TaskID != borisOwn || list.Callbacks[1].TaskID != noQueue {
		t.Errorf("boris's callbacks = %+v, want his own then the one with no queue", list.Callbacks)
	}

	if _, err := callbacks.ListCallbacks(ctx, "x"); !errors.Is(err, api.ErrInvalid) {
		t.Errorf("ListCallbacks(x) = %v, want api.ErrInvalid", err)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
