package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/password"
	"github.com/switchboard-cc/switchboard/storage"
)

// cheapHashing keeps user tests fast under -race; the hash format is the same.
var cheapHashing = password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func mustUser(t *testing.T, pool *pgxpool.Pool, login string, roles ...crm.Role) crm.User {
	t.Helper()
	if len(roles) == 0 {
		roles = []crm.Role{crm.RoleAgent}
	}
	u, err := newUsers(t, pool, cheapHashing).Create(testContext(t),
		crm.User{Login: login, DisplayName: "User " + login, Roles: roles, Locale: crm.LocaleRU}, "secret-"+login)
	if err != nil {
		t.Fatalf("create user %s: %v", login, err)
	}
	return u
}

func mustContact(t *testing.T, contacts *storage.Contacts, c crm.Contact) crm.Contact {
	t.Helper()
	got, err := contacts.Create(testContext(t), c)
	if err != nil {
		t.Fatalf("create contact %q: %v", c.FullName(), err)
	}
	return got
}

func mustPhone(t *testing.T, raw string, kind crm.PhoneKind) crm.Phone {
	t.Helper()
	p, err := crm.NewPhone(nil, raw, kind)
	if err != nil {
		t.Fatalf("phone %q: %v", raw, err)
	}
	return p
}

func countRows(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(testContext(t), sql, args...).Scan(&n); err != nil {
		t.Fatalf("count %q: %v", sql, err)
	}
	return n
}

func newUsers(t *testing.T, pool *pgxpool.Pool, params password.Params) *storage.Users {
	t.Helper()
	users, err := storage.NewUsersWithParams(pool, params)
	if err != nil {
		t.Fatalf("NewUsersWithParams: %v", err)
	}
	return users
}
