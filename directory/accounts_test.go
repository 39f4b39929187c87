package directory_test

import (
	"strconv"
	"testing"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

func TestAccountActive(t *testing.T) {
	d, pool := newDirectoryPool(t)
	ctx := t.Context()
	users := storage.NewUsers(pool)
	anna, err := users.Create(ctx, crm.User{Login: "anna", DisplayName: "Анна", Roles: []crm.Role{crm.RoleAgent}, Locale: crm.LocaleRU},
		"correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(anna.ID, 10)

	active, err := d.AccountActive(ctx, id)
	if err != nil || !active {
		t.Errorf("AccountActive(enabled) = %t, %v; want true", active, err)
	}

	anna.Disabled = true
	if _, err := users.Update(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if active, err := d.AccountActive(ctx, id); err != nil || active {
		t.Errorf("AccountActive(disabled) = %t, %v; want false", active, err)
	}
	for _, unknown := range []string{"999999", "not-a-number", ""} {
		if active, err := d.AccountActive(ctx, unknown); err != nil || active {
			t.Errorf("AccountActive(%q) = %t, %v; want false", unknown, active, err)
		}
	}
}
