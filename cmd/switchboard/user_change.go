package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

// Audit log values of changes made with "switchboard user". The actor is not a Switchboard
// login, so the entry's details carry the operating-system user as "os_user".
const (
	auditActorCLI      = "cli"
	auditEntityUser    = "user"
	auditActionCreate  = "user.create"
	auditActionUpdate  = "user.update"
	auditActionSetPass = "user.password"
)

// userTx is a transaction with the user and audit repositories on it, so a change and
// its audit entry commit or fail together.
type userTx struct {
	tx    pgx.Tx
	users *storage.Users
	audit *storage.AuditLog
}

// inUserTx opens the database named by cfg and runs fn in one transaction, committing when
// fn returns nil.
func (inv *invocation) inUserTx(ctx context.Context, cfg config.Config, fn func(ctx context.Context, c userTx) error) error {
	pool, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	tx, err := pool.Begin(ctx)
	if err != nil {
		return newUserError(func(m *messages) string { return m.databaseFailed }, fmt.Errorf("begin transaction: %w", err))
	}
	// Rollback after Commit does nothing, so this only undoes a change that failed.
	defer func() { _ = tx.Rollback(ctx) }()

	if err := fn(ctx, userTx{tx: tx, users: storage.NewUsers(tx), audit: storage.NewAuditLog(tx)}); err != nil {
		return userStoreError(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit user change: %w", err)
	}
	return nil
}

// userStoreError explains a database without the users table, which is what a deployment
// that skipped "migrate up" has, and returns other errors unchanged.
func userStoreError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table
		return newUserError(userMessage(func(u *userMessages) string { return u.noUsersTable }))
	}
	return err
}

// addUser creates the user and prints the generated password, if any.
func addUser(ctx context.Context, inv *invocation, login string, opts *userOptions) error {
	plain, generated, err := newPassword(inv.env, opts.passwordStdin)
	if err != nil {
		return err
	}
	cfg, err := inv.loadConfig()
	if err != nil {
		return err
	}
	if err := checkQueues(opts.queues, configuredQueueNames(cfg)); err != nil {
		return err
	}
	u := crm.User{
		Login:       login,
		DisplayName: opts.name,
		Roles:       opts.roles,
		Locale:      opts.locale,
		Endpoint:    opts.phone,
		Skills:      opts.skills,
		Queues:      opts.queues,
	}

	err = inv.inUserTx(ctx, cfg, func(ctx context.Context, c userTx) error {
		if err := checkLoginFree(ctx, c.users, login); err != nil {
			return err
		}
		if err := checkPhoneFree(ctx, c.users, u.Endpoint, 0); err != nil {
			return err
		}
		created, err := c.users.Create(ctx, u, plain)
		if errors.Is(err, crm.ErrConflict) {
			// Another change took the login or phone after the checks above.
			return newUserError(userMessage(func(m *userMessages) string { return m.conflict }), login, u.Endpoint)
		}
		if err != nil {
			return err
		}
		u = created

		details := userFields(u)
		details["password"] = passwordSource(generated)
		return inv.appendUserAudit(ctx, c.audit, auditActionCreate, u, details)
	})
	if err != nil {
		return err
	}

	msg := &inv.msg.user
	fmt.Fprintf(inv.env.stdout, msg.created, u.Login, u.ID)
	if generated {
		printGeneratedPassword(inv, u.Login, plain)
	}
	return nil
}

// changePassword sets a new password for login.
func changePassword(ctx context.Context, inv *invocation, login string, fromStdin bool) error {
	plain, generated, err := newPassword(inv.env, fromStdin)
	if err != nil {
		return err
	}
	cfg, err := inv.loadConfig()
	if err != nil {
		return err
	}

	var u crm.User
	err = inv.inUserTx(ctx, cfg, func(ctx context.Context, c userTx) error {
		found, err := c.users.GetByLogin(ctx, login)
		if errors.Is(err, crm.ErrNotFound) {
			return unknownLoginError(login)
		}
		if err != nil {
			return err
		}
		u = found
		if err := c.users.SetPassword(ctx, u.ID, plain); err != nil {
			return err
		}
		return inv.appendUserAudit(ctx, c.audit, auditActionSetPass, u, map[string]any{"password": passwordSource(generated)})
	})
	if err != nil {
		return err
	}

	msg := &inv.msg.user
	fmt.Fprintf(inv.env.stdout, msg.passwordChanged, u.Login)
	if generated {
		printGeneratedPassword(inv, u.Login, plain)
	}
	// The API checks each account every 30 s and ends sessions older than the new password.
	fmt.Fprint(inv.env.stdout, msg.sessionsEnd)
	return nil
}

// setUser changes the fields of login that opts gives and records the differences.
func setUser(ctx context.Context, inv *invocation, login string, opts *userOptions) error {
	cfg, err := inv.loadConfig()
	if err != nil {
		return err
	}
	if err := checkQueues(opts.queues, configuredQueueNames(cfg)); err != nil {
		return err
	}

	var (
		before, after crm.User
		changes       []fieldChange
	)
	err = inv.inUserTx(ctx, cfg, func(ctx context.Context, c userTx) error {
		id, err := lockUser(ctx, c.tx, login)
		if err != nil {
			return err
		}
		before, err = c.users.Get(ctx, id)
		if err != nil {
			return err
		}

		after = applyUserOptions(before, opts)
		changes = diffUsers(before, after)
		if len(changes) == 0 {
			return nil
		}
		if after.Endpoint != before.Endpoint {
			if err := checkPhoneFree(ctx, c.users, after.Endpoint, before.ID); err != nil {
				return err
			}
		}
		after, err = c.users.Update(ctx, after)
		if errors.Is(err, crm.ErrConflict) {
			return newUserError(userMessage(func(m *userMessages) string { return m.conflict }), before.Login, after.Endpoint)
		}
		if err != nil {
			return err
		}

		audited := make(map[string]any, len(changes))
		for _, ch := range changes {
			audited[ch.field] = map[string]any{"from": ch.from, "to": ch.to}
		}
		return inv.appendUserAudit(ctx, c.audit, auditActionUpdate, after, map[string]any{"changes": audited})
	})
	if err != nil {
		return err
	}

	msg := &inv.msg.user
	if len(changes) == 0 {
		fmt.Fprintf(inv.env.stdout, msg.unchanged, before.Login)
		return nil
	}
	fmt.Fprintf(inv.env.stdout, msg.updated, after.Login)
	for _, ch := range changes {
		fmt.Fprintf(inv.env.stdout, msg.change, fieldLabel(msg, ch.field), displayField(msg, ch.field, ch.from), displayField(msg, ch.field, ch.to))
	}
	if after.Disabled && !before.Disabled {
		fmt.Fprint(inv.env.stdout, msg.sessionsEnd)
	}
	return nil
}

// lockUser returns the id of login and locks its row until the transaction ends, so that
// two concurrent "user set" runs changing different fields do not undo each other.
func lockUser(ctx context.Context, tx pgx.Tx, login string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM users WHERE lower(login) = lower($1) FOR UPDATE`, login).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, unknownLoginError(login)
	}
	if err != nil {
		return 0, fmt.Errorf("lock user %q: %w", login, err)
	}
	return id, nil
}

// applyUserOptions returns u with the fields opts gives replaced.
func applyUserOptions(u crm.User, opts *userOptions) crm.User {
	if opts.given["name"] {
		u.DisplayName = opts.name
	}
	if opts.given["role"] {
		u.Roles = opts.roles
	}
	if opts.given["phone"] {
		u.Endpoint = opts.phone
	}
	if opts.noPhone {
		u.Endpoint = ""
	}
	if opts.given["skill"] {
		u.Skills = opts.skills
	}
	if opts.noSkills {
		u.Skills = nil
	}
	if opts.given["queue"] {
		u.Queues = opts.queues
	}
	if opts.noQueues {
		u.Queues = nil
	}
	if opts.given["locale"] {
		u.Locale = opts.locale
	}
	if opts.disable {
		u.Disabled = true
	}
	if opts.enable {
		u.Disabled = false
	}
	return u
}

// fieldChange is one changed field of a user, with both values in the form userFields
// gives them.
type fieldChange struct {
	field    string
	from, to any
}

// diffUsers lists the fields that differ between before and after, in the order of the
// list table's columns.
func diffUsers(before, after crm.User) []fieldChange {
	old, updated := userFields(before), userFields(after)
	var changes []fieldChange
	for _, field := range []string{"name", "roles", "locale", "phone", "skills", "queues", "disabled"} {
		from, _ := json.Marshal(old[field])
		to, _ := json.Marshal(updated[field])
		if string(from) != string(to) {
			changes = append(changes, fieldChange{field: field, from: old[field], to: updated[field]})
		}
	}
	return changes
}

// userFields returns the fields of u that the command line sets, as JSON values for the
// audit log: roles, skills and queues as lists of strings, sorted so that order alone is
// no change, and no phone as null. An empty queue list means every queue.
func userFields(u crm.User) map[string]any {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	slices.Sort(roles)
	queues := slices.Sorted(slices.Values(u.Queues))
	if queues == nil {
		queues = []string{}
	}

	var phone any
	if u.Endpoint != "" {
		phone = u.Endpoint
	}
	return map[string]any{
		"name":     u.DisplayName,
		"roles":    roles,
		"locale":   string(u.Locale),
		"phone":    phone,
		"skills":   skillStrings(u.Skills),
		"queues":   queues,
		"disabled": u.Disabled,
	}
}

// skillStrings returns the skills as sorted "name:level" strings.
func skillStrings(skills []crm.Skill) []string {
	out := make([]string, len(skills))
	for i, s := range skills {
		out[i] = s.Name + ":" + strconv.Itoa(s.Level)
	}
	slices.Sort(out)
	return out
}

// appendUserAudit records action on u with details, which never include a password.
func (inv *invocation) appendUserAudit(ctx context.Context, audit *storage.AuditLog, action string, u crm.User, details map[string]any) error {
	details["login"] = u.Login
	if inv.env.osUser != "" {
		details["os_user"] = inv.env.osUser
	}
	raw, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("encode audit details of %s: %w", action, err)
	}
	_, err = audit.Append(ctx, crm.AuditEntry{
		Actor:    auditActorCLI,
		Action:   action,
		Entity:   auditEntityUser,
		EntityID: strconv.FormatInt(u.ID, 10),
		Details:  raw,
	})
	return err
}

// passwordSource names where a new password came from, for the audit log.
func passwordSource(generated bool) string {
	if generated {
		return "generated"
	}
	return "stdin"
}

func printGeneratedPassword(inv *invocation, login, plain string) {
	fmt.Fprintf(inv.env.stdout, inv.msg.user.generatedPassword, login)
	fmt.Fprintf(inv.env.stdout, "  %s\n", plain)
}

func unknownLoginError(login string) error {
	return newUserError(userMessage(func(u *userMessages) string { return u.unknownLogin }), login)
}

// checkLoginFree fails when a user already has login, compared without case as the
// users table's unique index does.
func checkLoginFree(ctx context.Context, users *storage.Users, login string) error {
	_, err := users.GetByLogin(ctx, login)
	switch {
	case err == nil:
		return newUserError(userMessage(func(u *userMessages) string { return u.loginTaken }), login)
	case errors.Is(err, crm.ErrNotFound):
		return nil
	}
	return err
}

// checkPhoneFree fails when a user other than selfID has phone as the fixed phone. The
// users table allows each phone on one user only, so that one phone never rings two agents.
func checkPhoneFree(ctx context.Context, users *storage.Users, phone string, selfID int64) error {
	if phone == "" {
		return nil
	}
	all, err := users.List(ctx)
	if err != nil {
		return err
	}
	for _, other := range all {
		if other.Endpoint == phone && other.ID != selfID {
			return newUserError(userMessage(func(u *userMessages) string { return u.phoneTaken }), phone, other.Login)
		}
	}
	return nil
}
