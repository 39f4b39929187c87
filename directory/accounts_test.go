package directory_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

func TestAccountStatus(t *testing.T) {
	d, pool := newDirectoryPool(t)
	ctx := t.Context()
	users := storage.NewUsers(pool)
	anna, err := users.Create(ctx, crm.User{Login: "anna", DisplayName: "Анна", Roles: []crm.Role{crm.RoleAgent}, Locale: crm.LocaleRU},
		"correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(anna.ID, 10)

	status, err := d.AccountStatus(ctx, id)
	if err != nil || !status.Active || !status.SessionsValidFrom.IsZero() {
		t.Errorf("AccountStatus(new user) = %+v, %v; want active with every session valid", status, err)
	}

	before := time.Now().Add(-time.Second)
	if err := users.SetPassword(ctx, anna.ID, "a brand new passphrase"); err != nil {
		t.Fatal(err)
	}
	status, err = d.AccountStatus(ctx, id)
	if err != nil || !status.Active || status.SessionsValidFrom.Before(before) {
		t.Errorf("AccountStatus(after a new password) = %+v, %v; want sessions valid from the change", status, err)
	}

	anna.Disabled = true
	if _, err := users.Update(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if status, err := d.AccountStatus(ctx, id); err != nil || status.Active {
		t.Errorf("AccountStatus(disabled) = %+v, %v; want inactive", status, err)
	}
	for _, unknown := range []string{"999999", "not-a-number", ""} {
		if status, err := d.AccountStatus(ctx, unknown); err != nil || status.Active {
			t.Errorf("AccountStatus(%q) = %+v, %v; want inactive", unknown, status, err)
		}
	}
}
