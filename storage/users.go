package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/password"
)

// Users stores users, their password hashes, skills and queues.
type Users struct {
	db     DBTX
	params password.Params
	// dummyHash is verified against when a login does not exist, so an unknown login
	// takes as long as a wrong password and does not reveal which logins exist.
	dummyHash string
}

// NewUsers returns the user repository on db, hashing new passwords with
// password.DefaultParams.
func NewUsers(db DBTX) *Users {
	u, err := NewUsersWithParams(db, password.DefaultParams())
	if err != nil {
		// The default parameters are valid, so this is a programming error.
		panic(err)
	}
	return u
}

// NewUsersWithParams returns the user repository hashing new passwords with params.
// Tests use cheap parameters; production uses NewUsers. Invalid params give an error.
func NewUsersWithParams(db DBTX, params password.Params) (*Users, error) {
	dummy, err := password.HashWith("switchboard-timing-equaliser", params)
	if err != nil {
		return nil, fmt.Errorf("user repository: %w", err)
	}
	return &Users{db: db, params: params, dummyHash: dummy}, nil
}

// userColumns reads the user's queues in the same statement as the row, so loading a user
// costs no extra round trip for them.
const userColumns = `u.id, u.login, u.display_name, u.roles, u.locale, u.endpoint, u.disabled, u.sessions_valid_from, u.created_at, u.updated_at,
	ARRAY(SELECT q.queue FROM user_queues q WHERE q.user_id = u.id ORDER BY q.queue)`

// scanUser reads userColumns followed by u.password_hash.
func scanUser(row pgx.Row) (crm.User, string, error) {
	var (
		u         crm.User
		roles     []string
		locale    string
		endpoint  *string
		validFrom *time.Time
		queues    []string
		hash      string
	)
	err := row.Scan(&u.ID, &u.Login, &u.DisplayName, &roles, &locale, &endpoint, &u.Disabled, &validFrom,
		&u.CreatedAt, &u.UpdatedAt, &queues, &hash)
	if err != nil {
		return crm.User{}, "", err
	}
	u.Locale = crm.Locale(locale)
	u.Endpoint = textOrEmpty(endpoint)
	if validFrom != nil {
		u.SessionsValidFrom = *validFrom
	}
	for _, r := range roles {
		u.Roles = append(u.Roles, crm.Role(r))
	}
	if len(queues) > 0 {
		u.Queues = queues
	}
	return u, hash, nil
}

func rolesText(roles []crm.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// Create stores a new user with the given password and returns it with its id and
// timestamps. A taken login or endpoint gives crm.ErrConflict.
func (s *Users) Create(ctx context.Context, u crm.User, plainPassword string) (crm.User, error) {
	if err := u.Validate(); err != nil {
		return crm.User{}, err
	}
	hash, err := password.HashWith(plainPassword, s.params)
	if err != nil {
		return crm.User{}, fmt.Errorf("%w user %q: %w", crm.ErrInvalid, u.Login, err)
	}

	err = inTx(ctx, s.db, func(tx pgx.Tx) error {
		row := tx.QueryRow(ctx, `
			INSERT INTO users (login, display_name, password_hash, roles, locale, endpoint, disabled)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id, created_at, updated_at`,
			u.Login, u.DisplayName, hash, rolesText(u.Roles), string(u.Locale), nullText(u.Endpoint), u.Disabled)
		if err := row.Scan(&u.ID, &u.CreatedAt, &u.UpdatedAt); err != nil {
			return dbError(fmt.Sprintf("create user %q", u.Login), err)
		}
		if err := replaceSkills(ctx, tx, u.ID, u.Skills); err != nil {
			return err
		}
		return replaceQueues(ctx, tx, u.ID, u.Queues)
	})
	if err != nil {
		return crm.User{}, err
	}
	return u, nil
}

// Update changes the display name, roles, locale, endpoint, disabled flag, skills and
// queues of the user with u.ID. The login and password stay; see SetPassword.
func (s *Users) Update(ctx context.Context, u crm.User) (crm.User, error) {
	if err := u.Validate(); err != nil {
		return crm.User{}, err
	}
	err := inTx(ctx, s.db, func(tx pgx.Tx) error {
		row := tx.QueryRow(ctx, `
			UPDATE users SET display_name = $2, roles = $3, locale = $4, endpoint = $5, disabled = $6
			WHERE id = $1
			RETURNING login, created_at, updated_at`,
			u.ID, u.DisplayName, rolesText(u.Roles), string(u.Locale), nullText(u.Endpoint), u.Disabled)
		if err := row.Scan(&u.Login, &u.CreatedAt, &u.UpdatedAt); err != nil {
			return dbError(fmt.Sprintf("update user %d", u.ID), err)
		}
		if err := replaceSkills(ctx, tx, u.ID, u.Skills); err != nil {
			return err
		}
		return replaceQueues(ctx, tx, u.ID, u.Queues)
	})
	if err != nil {
		return crm.User{}, err
	}
	return u, nil
}

func replaceSkills(ctx context.Context, tx pgx.Tx, userID int64, skills []crm.Skill) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_skills WHERE user_id = $1`, userID); err != nil {
		return dbError(fmt.Sprintf("replace skills of user %d", userID), err)
	}
	for _, sk := range skills {
		_, err := tx.Exec(ctx, `INSERT INTO user_skills (user_id, skill, level) VALUES ($1, $2, $3)`,
			userID, sk.Name, sk.Level)
		if err != nil {
			return dbError(fmt.Sprintf("add skill %q to user %d", sk.Name, userID), err)
		}
	}
	return nil
}

// replaceQueues sets the queues of the user to queues, in one statement whatever their
// number.
func replaceQueues(ctx context.Context, tx pgx.Tx, userID int64, queues []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_queues WHERE user_id = $1`, userID); err != nil {
		return dbError(fmt.Sprintf("replace queues of user %d", userID), err)
	}
	if len(queues) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO user_queues (user_id, queue) SELECT $1, unnest($2::text[])`, userID, queues)
	if err != nil {
		return dbError(fmt.Sprintf("set queues %q of user %d", queues, userID), err)
	}
	return nil
}

// Get returns the user with id, or an error wrapping crm.ErrNotFound.
func (s *Users) Get(ctx context.Context, id int64) (crm.User, error) {
	u, _, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.id = $1`, id))
	if err != nil {
		return crm.User{}, dbError(fmt.Sprintf("get user %d", id), err)
	}
	return s.withSkills(ctx, u)
}

// GetByLogin returns the user with login, compared without case, or an error wrapping
// crm.ErrNotFound.
func (s *Users) GetByLogin(ctx context.Context, login string) (crm.User, error) {
	u, _, err := scanUser(s.db.QueryRow(ctx,
		`SELECT `+userColumns+`, u.password_hash FROM users u WHERE lower(u.login) = lower($1)`, login))
	if err != nil {
		return crm.User{}, dbError(fmt.Sprintf("get user %q", login), err)
	}
	return s.withSkills(ctx, u)
}

func (s *Users) withSkills(ctx context.Context, u crm.User) (crm.User, error) {
	rows, err := s.db.Query(ctx, `SELECT skill, level FROM user_skills WHERE user_id = $1 ORDER BY skill`, u.ID)
	if err != nil {
		return crm.User{}, dbError(fmt.Sprintf("get skills of user %d", u.ID), err)
	}
	u.Skills, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Skill, error) {
		var sk crm.Skill
		err := row.Scan(&sk.Name, &sk.Level)
		return sk, err
	})
	if err != nil {
		return crm.User{}, dbError(fmt.Sprintf("get skills of user %d", u.ID), err)
	}
	return u, nil
}

// Authenticate returns the enabled user whose login and password match. Any mismatch
// (unknown login, wrong password, disabled user) gives an error wrapping
// crm.ErrInvalidCredentials that does not say which. A hash made with older parameters
// is replaced by one made with the current ones.
func (s *Users) Authenticate(ctx context.Context, login, plainPassword string) (crm.User, error) {
	u, hash, err := scanUser(s.db.QueryRow(ctx,
		`SELECT `+userColumns+`, u.password_hash FROM users u WHERE lower(u.login) = lower($1)`,
		strings.TrimSpace(login)))
	if errors.Is(err, pgx.ErrNoRows) {
		// Spend the time a real check takes; the result is ignored on purpose.
		_ = password.Verify(plainPassword, s.dummyHash)
		return crm.User{}, fmt.Errorf("authenticate %q: %w", login, crm.ErrInvalidCredentials)
	}
	if err != nil {
		return crm.User{}, dbError(fmt.Sprintf("authenticate %q", login), err)
	}

	if err := password.Verify(plainPassword, hash); err != nil {
		if errors.Is(err, password.ErrMalformedHash) {
			return crm.User{}, fmt.Errorf("authenticate %q: stored hash of user %d is unreadable, set a new password: %w",
				login, u.ID, errors.Join(crm.ErrInvalidCredentials, err))
		}
		return crm.User{}, fmt.Errorf("authenticate %q: %w", login, crm.ErrInvalidCredentials)
	}
	if u.Disabled {
		return crm.User{}, fmt.Errorf("authenticate %q: user is disabled: %w", login, crm.ErrInvalidCredentials)
	}

	if password.NeedsRehash(hash, s.params) {
		if err := s.storeHash(ctx, u.ID, plainPassword, false); err != nil {
			return crm.User{}, fmt.Errorf("authenticate %q: upgrade password hash: %w", login, err)
		}
	}
	return s.withSkills(ctx, u)
}

// SetPassword replaces the password of the user with id and voids the sessions signed in
// before it (User.SessionsValidFrom).
func (s *Users) SetPassword(ctx context.Context, id int64, plainPassword string) error {
	return s.storeHash(ctx, id, plainPassword, true)
}

// storeHash hashes plainPassword with the current parameters and stores it. A new password
// voids older sessions; the same password rehashed with new parameters at sign-in does not.
func (s *Users) storeHash(ctx context.Context, id int64, plainPassword string, voidSessions bool) error {
	hash, err := password.HashWith(plainPassword, s.params)
	if err != nil {
		return fmt.Errorf("%w user %d: %w", crm.ErrInvalid, id, err)
	}
	tag, err := s.db.Exec(ctx, `
		UPDATE users SET password_hash = $2,
		       sessions_valid_from = CASE WHEN $3 THEN now() ELSE sessions_valid_from END
		WHERE id = $1`, id, hash, voidSessions)
	if err != nil {
		return dbError(fmt.Sprintf("set password of user %d", id), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set password of user %d: %w", id, crm.ErrNotFound)
	}
	return nil
}

// List returns every user ordered by login, with skills and queues.
func (s *Users) List(ctx context.Context) ([]crm.User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u ORDER BY lower(u.login)`)
	if err != nil {
		return nil, dbError("list users", err)
	}
	users, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.User, error) {
		u, _, err := scanUser(row)
		return u, err
	})
	if err != nil {
		return nil, dbError("list users", err)
	}

	byID := make(map[int64]*crm.User, len(users))
	for i := range users {
		byID[users[i].ID] = &users[i]
	}
	skills, err := s.db.Query(ctx, `SELECT user_id, skill, level FROM user_skills ORDER BY user_id, skill`)
	if err != nil {
		return nil, dbError("list user skills", err)
	}
	defer skills.Close()
	for skills.Next() {
		var (
			id int64
			sk crm.Skill
		)
		if err := skills.Scan(&id, &sk.Name, &sk.Level); err != nil {
			return nil, dbError("list user skills", err)
		}
		if u := byID[id]; u != nil {
			u.Skills = append(u.Skills, sk)
		}
	}
	if err := skills.Err(); err != nil {
		return nil, dbError("list user skills", err)
	}
	return users, nil
}
