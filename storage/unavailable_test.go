package storage

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm"
)

func TestDBErrorUnavailable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"server starting", &pgconn.PgError{Code: "57P03"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"broken connection", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, true},
		{"caller's deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
	}
	for _, tc := range cases {
		err := dbError("read users", tc.err)
		if got := errors.Is(err, crm.ErrUnavailable); got != tc.want {
			t.Errorf("%s: dbError(%v) is ErrUnavailable = %t, want %t", tc.name, tc.err, got, tc.want)
		}
		if tc.want && !errors.Is(err, tc.err) {
			t.Errorf("%s: dbError dropped the cause %v: %v", tc.name, tc.err, err)
		}
	}
}

// A port without a server gives ErrUnavailable through the repository code, which the
// HTTP layer turns into 503 instead of 500.
func TestAuthenticateWithServerDown(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	listener.Close()

	config, err := pgxpool.ParseConfig(fmt.Sprintf("postgres://nobody:secret@%s/none?sslmode=disable&connect_timeout=2", address))
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), config)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = NewUsers(pool).Authenticate(ctx, "agent1", "secret")
	if !errors.Is(err, crm.ErrUnavailable) {
		t.Errorf("Authenticate with no server = %v, want an error wrapping crm.ErrUnavailable", err)
	}
}
