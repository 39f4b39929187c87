package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// The checks on phones.e164 and phones.extension test characters without a
// regular expression. They must accept and reject exactly what the patterns
// '^\+[1-9][0-9]{6,14}$' and '^[0-9]{0,10}$' do.
func TestPhoneNumberChecks(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	var contactID int64
	if err := db.QueryRow(ctx, `INSERT INTO contacts (last_name) VALUES ('Проверкин') RETURNING id`).Scan(&contactID); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		e164, extension string
	}{
		{"+6831234", ""},
		{"+74951234567", "123"},
		{"+123456789012345", "0123456789"},
		{"74951234567", ""},
		{"+0495123456", ""},
		{"+749512", ""},
		{"+1234567890123456", ""},
		{"+7 4951234567", ""},
		{"+7495123456\n", ""},
		{"+7４95123456", ""},
		{"++7495123456", ""},
		{"+74951234567", "12345678901"},
		{"+74951234567", "12a"},
		{"+74951234567", " "},
	}
	for _, tc := range cases {
		var patterns bool
		if err := db.QueryRow(ctx, `SELECT $1 ~ '^\+[1-9][0-9]{6,14}$' AND $2 ~ '^[0-9]{0,10}$'`, tc.e164, tc.extension).Scan(&patterns); err != nil {
			t.Fatal(err)
		}
		_, err := db.Exec(ctx, `INSERT INTO phones (contact_id, e164, extension) VALUES ($1, $2, $3)`, contactID, tc.e164, tc.extension)
		var pgErr *pgconn.PgError
		switch {
		case patterns && err != nil:
			t.Errorf("phone %q ext %q matches the patterns but was refused: %v", tc.e164, tc.extension, err)
		case !patterns && (!errors.As(err, &pgErr) || pgErr.Code != "23514"):
			t.Errorf("phone %q ext %q does not match the patterns, insert returned %v, want check_violation (23514)", tc.e164, tc.extension, err)
		}
	}
}
