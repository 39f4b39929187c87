package storage_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestUsersQueuesRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	users := newUsers(t, pool, cheapHashing)

	created, err := users.Create(ctx, crm.User{
		Login: "sales1", DisplayName: "Олег Продажин", Roles: []crm.Role{crm.RoleAgent}, Locale: crm.LocaleRU,
		Queues: []string{"sales", "english"},
	}, "пароль-продаж")
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	other := mustUser(t, pool, "support1")

	sorted := []string{"english", "sales"}
	got, err := users.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !reflect.DeepEqual(got.Queues, sorted) {
		t.Errorf("Get queues = %q, want %q (ordered by name)", got.Queues, sorted)
	}
	byLogin, err := users.GetByLogin(ctx, "SALES1")
	if err != nil {
		t.Fatalf("GetByLogin: %v", err)
	}
	if !reflect.DeepEqual(byLogin.Queues, sorted) {
		t.Errorf("GetByLogin queues = %q, want %q", byLogin.Queues, sorted)
	}
	signedIn, err := users.Authenticate(ctx, "sales1", "пароль-продаж")
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if !reflect.DeepEqual(signedIn.Queues, sorted) {
		t.Errorf("Authenticate queues = %q, want %q", signedIn.Queues, sorted)
	}

	list, err := users.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list) != 2 {
		t.Fatalf("List returned %d users, want 2", len(list))
	}
	if !reflect.DeepEqual(list[0].Queues, sorted) {
		t.Errorf("List queues of sales1 = %q, want %q", list[0].Queues, sorted)
	}
	if list[1].Queues != nil {
		t.Errorf("List queues of support1 = %q, want none", list[1].Queues)
	}

	got.Queues = []string{"support"}
	if _, err := users.Update(ctx, got); err != nil {
		t.Fatalf("Update to support: %v", err)
	}
	if again, err := users.Get(ctx, created.ID); err != nil || !reflect.DeepEqual(again.Queues, []string{"support"}) {
		t.Errorf("after Update, Get queues = %q (%v), want [support]", again.Queues, err)
	}

	got.Queues = []string{"vip", "vip"}
	if _, err := users.Update(ctx, got); !errors.Is(err, crm.ErrInvalid) {
		t.Errorf("Update with a queue twice = %v, want ErrInvalid", err)
	}
	if again, err := users.Get(ctx, created.ID); err != nil || !reflect.DeepEqual(again.Queues, []string{"support"}) {
		t.Errorf("a rejected Update left queues %q (%v), want [support]", again.Queues, err)
	}

	got.Queues = nil
	if _, err := users.Update(ctx, got); err != nil {
		t.Fatalf("Update clearing queues: %v", err)
	}
	if again, err := users.Get(ctx, created.ID); err != nil || again.Queues != nil {
		t.Errorf("after clearing, Get queues = %q (%v), want none", again.Queues, err)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM user_queues WHERE user_id = $1`, created.ID); n != 0 {
		t.Errorf("%d queue rows left after clearing, want 0", n)
	}

	other.Queues = []string{"support"}
	if _, err := users.Update(ctx, other); err != nil {
		t.Fatalf("Update support1: %v", err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM users WHERE id = $1`, other.ID); err != nil {
		t.Fatalf("delete support1: %v", err)
	}
	if n := countRows(t, pool, `SELECT count(*) FROM user_queues WHERE user_id = $1`, other.ID); n != 0 {
		t.Errorf("%d queue rows of a deleted user remain, want 0", n)
	}
}

func TestUserQueuesTableRejectsSpacedName(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	u := mustUser(t, pool, "agent")

	// Writers that bypass crm.User.Validate, such as the demo's bulk load, meet the same rule.
	_, err := pool.Exec(testContext(t), `INSERT INTO user_queues (user_id, queue) VALUES ($1, ' sales')`, u.ID)
	if err == nil {
		t.Fatal("the table accepted the queue name ' sales'")
	}
}
