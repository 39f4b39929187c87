package storage_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/password"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func TestUsersRoundTrip(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	users := newUsers(t, pool, cheapHashing)

	in := crm.User{
		Login: "Ivanova", DisplayName: "Анна Иванова", Roles: []crm.Role{crm.RoleAgent, crm.RoleSupervisor},
		Locale: crm.LocaleRU, Endpoint: "PJSIP/1001",
		Skills: []crm.Skill{{Name: "english", Level: 7}, {Name: "billing", Level: 3}},
	}
	created, err := users.Create(ctx, in, "пароль-1")
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if created.ID == 0 || created.CreatedAt.IsZero() {
		t.Fatalf("Create returned no id or time: %+v", created)
	}

	got, err := users.Get(ctx, created.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Login != in.Login || got.DisplayName != in.DisplayName || got.Endpoint != in.Endpoint ||
		got.Locale != in.Locale || !reflect.DeepEqual(got.Roles, in.Roles) {
		t.Errorf("Get = %+v, want fields of %+v", got, in)
	}
	wantSkills := []crm.Skill{{Name: "billing", Level: 3}, {Name: "english", Level: 7}}
	if !reflect.DeepEqual(got.Skills, wantSkills) {
		t.Errorf("Get skills = %+v, want %+v (ordered by name)", got.Skills, wantSkills)
	}

	byLogin, err := users.GetByLogin(ctx, "IVANOVA")
	if err != nil || byLogin.ID != created.ID {
		t.Errorf("GetByLogin(upper case) = %+v, %v; want user %d", byLogin, err, created.ID)
	}

	if _, err := users.Create(ctx, crm.User{Login: "ivanova", DisplayName: "x", Roles: in.Roles, Locale: crm.LocaleEN}, "p"); !errors.Is(err, crm.ErrConflict) {
		t.Errorf("Create with the same login in other case = %v, want ErrConflict", err)
	}
	if _, err := users.Create(ctx, crm.User{Login: "other", DisplayName: "x", Roles: in.Roles, Locale: crm.LocaleEN, Endpoint: "PJSIP/1001"}, "p"); !errors.Is(err, crm.ErrConflict) {
		t.Errorf("Create with a taken endpoint = %v, want ErrConflict", err)
	}
	if _, err := users.Get(ctx, created.ID+1000); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("Get(unknown) = %v, want ErrNotFound", err)
	}

	got.DisplayName, got.Roles, got.Locale, got.Endpoint = "Анна И.", []crm.Role{crm.RoleAdmin}, crm.LocaleEN, ""
	got.Skills = []crm.Skill{{Name: "german", Level: 10}}
	updated, err := users.Update(ctx, got)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	again, err := users.Get(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.DisplayName != "Анна И." || !reflect.DeepEqual(again.Roles, []crm.Role{crm.RoleAdmin}) ||
		again.Locale != crm.LocaleEN || again.Endpoint != "" || !reflect.DeepEqual(again.Skills, got.Skills) {
		t.Errorf("after Update, Get = %+v", again)
	}
	if !again.UpdatedAt.Equal(updated.UpdatedAt) || !again.UpdatedAt.After(created.UpdatedAt) {
		t.Errorf("updated_at %v after update, created %v, Update returned %v", again.UpdatedAt, created.UpdatedAt, updated.UpdatedAt)
	}

	mustUser(t, pool, "alekseev")
	list, err := users.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list) != 2 || list[0].Login != "alekseev" || list[1].Login != "Ivanova" {
		t.Fatalf("List = %+v, want alekseev then Ivanova", list)
	}
	if !reflect.DeepEqual(list[1].Skills, got.Skills) {
		t.Errorf("List skills = %+v, want %+v", list[1].Skills, got.Skills)
	}
}

func TestUsersAuthenticate(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	users := newUsers(t, pool, cheapHashing)
	u, err := users.Create(ctx, crm.User{Login: "petrov", DisplayName: "Пётр", Roles: []crm.Role{crm.RoleAgent}, Locale: crm.LocaleRU}, "верный пароль")
	if err != nil {
		t.Fatal(err)
	}

	var hash string
	if err := pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$") || strings.Contains(hash, "верный") {
		t.Fatalf("stored hash %q is not an argon2id PHC string", hash)
	}

	got, err := users.Authenticate(ctx, " Petrov ", "верный пароль")
	if err != nil || got.ID != u.ID {
		t.Fatalf("Authenticate(right) = %+v, %v", got, err)
	}
	for name, tc := range map[string][2]string{
		"wrong password": {"petrov", "неверный"},
		"unknown login":  {"sidorov", "верный пароль"},
		"empty password": {"petrov", ""},
	} {
		if _, err := users.Authenticate(ctx, tc[0], tc[1]); !errors.Is(err, crm.ErrInvalidCredentials) {
			t.Errorf("%s: Authenticate = %v, want ErrInvalidCredentials", name, err)
		}
	}

	if got.SessionsValidFrom != (time.Time{}) {
		t.Errorf("a new user voids sessions from %v, want none", got.SessionsValidFrom)
	}
	before := time.Now().Add(-time.Second)
	if err := users.SetPassword(ctx, u.ID, "новый"); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if after, err := users.Get(ctx, u.ID); err != nil || after.SessionsValidFrom.Before(before) {
		t.Errorf("after SetPassword sessions are valid from %v (%v), want the time of the change", after.SessionsValidFrom, err)
	}
	if _, err := users.Authenticate(ctx, "petrov", "верный пароль"); !errors.Is(err, crm.ErrInvalidCredentials) {
		t.Errorf("old password after SetPassword = %v, want ErrInvalidCredentials", err)
	}
	if _, err := users.Authenticate(ctx, "petrov", "новый"); err != nil {
		t.Errorf("new password after SetPassword: %v", err)
	}
	if err := users.SetPassword(ctx, u.ID+1000, "x"); !errors.Is(err, crm.ErrNotFound) {
		t.Errorf("SetPassword(unknown user) = %v, want ErrNotFound", err)
	}

	u.Disabled = true
	if _, err := users.Update(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Authenticate(ctx, "petrov", "новый"); !errors.Is(err, crm.ErrInvalidCredentials) {
		t.Errorf("disabled user: Authenticate = %v, want ErrInvalidCredentials", err)
	}
}

func TestUsersAuthenticateUpgradesHash(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	ctx := testContext(t)
	weak := newUsers(t, pool, cheapHashing)
	u, err := weak.Create(ctx, crm.User{Login: "old", DisplayName: "Old", Roles: []crm.Role{crm.RoleAgent}, Locale: crm.LocaleEN}, "pw")
	if err != nil {
		t.Fatal(err)
	}

	stronger := password.Params{MemoryKiB: 128, Iterations: 2, Parallelism: 1}
	if _, err := newUsers(t, pool, stronger).Authenticate(ctx, "old", "pw"); err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	var hash string
	if err := pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hash, "$m=128,t=2,p=1$") {
		t.Errorf("hash after login with stronger parameters = %q, want m=128,t=2", hash)
	}
	// The same password rehashed is no new password: the user's other sessions stay.
	if after, err := weak.Get(ctx, u.ID); err != nil || after.SessionsValidFrom != (time.Time{}) {
		t.Errorf("after a rehash sessions are valid from %v (%v), want no change", after.SessionsValidFrom, err)
	}
}

func TestNewUsersRejectsBadParams(t *testing.T) {
	t.Parallel()
	if _, err := storage.NewUsersWithParams(nil, password.Params{}); err == nil {
		t.Error("NewUsersWithParams with zero parameters returned no error")
	}
}
