// Package demo fills an empty Switchboard database with demo data: users for every role,
// Russian and English contacts with companies, phones, e-mails and tags, 30 days of call
// history with dispositions and notes, tickets, callbacks and tasks.
//
// Seed writes everything in one transaction and records it in the audit log, so it runs
// at most once per database: concurrent or repeated calls find the record and change
// nothing. The data comes from a seeded random generator, so a seed and an anchor time
// always give the same data. Demo users get random passwords; the database keeps only
// their argon2id hashes, and the caller receives the plain passwords once.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm/password"
)

// DefaultSeed is the generator seed Seed uses when Options.Seed is 0.
const DefaultSeed = 20261204

// lockKey is the transaction-level advisory lock that serialises Seed and ResetPasswords
// across processes ("demo" in ASCII).
const lockKey = 0x64656d6f

// auditEntity and auditAction mark the audit log entry that records a finished seed.
const (
	auditEntity = "demo"
	auditAction = "demo.seed"
)

// ErrNotEmpty means the database holds users or contacts that Seed did not create.
// Seed never mixes demo data into real data.
var ErrNotEmpty = errors.New("the database already holds users or contacts that the demo did not create: " +
	"the demo loads only an empty database, so point SWITCHBOARD_DATABASE_URL at a new database")

// ErrNotSeeded means ResetPasswords found no demo data to reset.
var ErrNotSeeded = errors.New("the database holds no demo data: run `switchboard demo` to load it")

// Options controls Seed.
type Options struct {
	// Now anchors the call history, which ends an hour before it; zero means time.Now().
	Now time.Time
	// Seed selects the generated data; 0 means DefaultSeed.
	Seed uint64
	// Logger receives one line per seed; nil discards it.
	Logger *slog.Logger
}

// Login is a demo user's credentials.
type Login struct {
	Role     string
	Login    string
	Password string
	Name     string
}

// Counts are the rows Seed wrote.
type Counts struct {
	Users        int `json:"users"`
	Companies    int `json:"companies"`
	Contacts     int `json:"contacts"`
	Phones       int `json:"phones"`
	Emails       int `json:"emails"`
	Interactions int `json:"interactions"`
	Tickets      int `json:"tickets"`
	Tasks        int `json:"tasks"`
}

// Result is the outcome of Seed.
type Result struct {
	// Seeded is false when the demo data was already there and nothing was written.
	Seeded bool
	Counts Counts
	// Logins holds the plain passwords of the new demo users; empty when Seeded is false.
	Logins []Login
}

// Seed loads the demo data into the database unless it is already there. It returns
// ErrNotEmpty when the database has users or contacts of its own. The database must be
// migrated up.
func Seed(ctx context.Context, pool *pgxpool.Pool, opts Options) (Result, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	data, err := generate(opts.Seed, opts.Now)
	if err != nil {
		return Result{}, fmt.Errorf("generate demo data: %w", err)
	}
	// Hashing is slow on purpose (argon2id), so it happens before the transaction opens.
	logins, hashes, err := newPasswords(data.users)
	if err != nil {
		return Result{}, err
	}

	started := time.Now()
	var counts Counts
	seeded := false
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		done, err := lockAndCheck(ctx, tx)
		if err != nil || done {
			return err
		}
		counts, err = write(ctx, tx, data, hashes)
		if err != nil {
			return err
		}
		seeded = true
		return recordSeed(ctx, tx, counts, opts.Seed)
	})
	if err != nil {
		return Result{}, fmt.Errorf("load demo data: %w", err)
	}
	if !seeded {
		logger.Info("demo data already loaded")
		return Result{}, nil
	}

	logger.Info("demo data loaded", "contacts", counts.Contacts, "companies", counts.Companies,
		"interactions", counts.Interactions, "tickets", counts.Tickets, "tasks", counts.Tasks,
		"duration", time.Since(started).Round(time.Millisecond).String())
	return Result{Seeded: true, Counts: counts, Logins: logins}, nil
}

// lockAndCheck serialises seeding and reports whether the demo data is already there.
func lockAndCheck(ctx context.Context, tx pgx.Tx) (bool, error) {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
		return false, fmt.Errorf("lock demo seeding: %w", err)
	}

	seeded, err := isSeeded(ctx, tx)
	if err != nil || seeded {
		return seeded, err
	}

	var occupied bool
	err = tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM contacts)").Scan(&occupied)
	if err != nil {
		return false, fmt.Errorf("check that the database is empty: %w", err)
	}
	if occupied {
		return false, ErrNotEmpty
	}
	return false, nil
}

func isSeeded(ctx context.Context, tx pgx.Tx) (bool, error) {
	var seeded bool
	err := tx.QueryRow(ctx,
		"SELECT EXISTS (SELECT 1 FROM audit_log WHERE entity = $1 AND action = $2)",
		auditEntity, auditAction).Scan(&seeded)
	if err != nil {
		return false, fmt.Errorf("look for earlier demo data: %w", err)
	}
	return seeded, nil
}

func recordSeed(ctx context.Context, tx pgx.Tx, counts Counts, seed uint64) error {
	details, err := json.Marshal(struct {
		Counts
		Seed uint64 `json:"seed"`
	}{counts, seed})
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx,
		"INSERT INTO audit_log (actor, action, entity, details) VALUES ('system', $1, $2, $3)",
		auditAction, auditEntity, details)
	if err != nil {
		return fmt.Errorf("record the demo seed in the audit log: %w", err)
	}
	return nil
}

// newPasswords draws a random password for every user and hashes it.
func newPasswords(users []userRow) ([]Login, []string, error) {
	logins := make([]Login, len(users))
	hashes := make([]string, len(users))
	for i, user := range users {
		// 16 base32 characters carry 80 bits of entropy.
		secret := strings.ToLower(rand.Text()[:16])
		hash, err := password.Hash(secret)
		if err != nil {
			return nil, nil, fmt.Errorf("hash the password of demo user %s: %w", user.login, err)
		}
		logins[i] = Login{Role: user.role, Login: user.login, Password: secret, Name: user.displayName}
		hashes[i] = hash
	}
	return logins, hashes, nil
}

// ResetPasswords gives every demo user a new random password and returns the logins, for a
// demo database whose password file is lost. A database without demo data gets
// ErrNotSeeded, so real users are never touched.
func ResetPasswords(ctx context.Context, pool *pgxpool.Pool) ([]Login, error) {
	var users []userRow
	(&generator{}).addUsersTo(&users)
	logins, hashes, err := newPasswords(users)
	if err != nil {
		return nil, err
	}

	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(lockKey)); err != nil {
			return fmt.Errorf("lock demo users: %w", err)
		}
		seeded, err := isSeeded(ctx, tx)
		if err != nil {
			return err
		}
		if !seeded {
			return ErrNotSeeded
		}
		for i, login := range logins {
			tag, err := tx.Exec(ctx, "UPDATE users SET password_hash = $1 WHERE lower(login) = lower($2)", hashes[i], login.Login)
			if err != nil {
				return fmt.Errorf("set the password of demo user %s: %w", login.Login, err)
			}
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("set the password of demo user %s: the user no longer exists", login.Login)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reset demo passwords: %w", err)
	}
	return logins, nil
}

// CheckLogins reports whether every login's password matches the stored hash, that is
// whether a saved password file still works with this database.
func CheckLogins(ctx context.Context, pool *pgxpool.Pool, logins []Login) (bool, error) {
	if len(logins) == 0 {
		return false, nil
	}
	for _, login := range logins {
		var hash string
		err := pool.QueryRow(ctx, "SELECT password_hash FROM users WHERE lower(login) = lower($1)", login.Login).Scan(&hash)
		if errors.Is(err, pgx.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("read the password hash of %s: %w", login.Login, err)
		}
		if err := password.Verify(login.Password, hash); err != nil {
			if errors.Is(err, password.ErrMismatch) {
				return false, nil
			}
			return false, fmt.Errorf("check the password of %s: %w", login.Login, err)
		}
	}
	return true, nil
}
