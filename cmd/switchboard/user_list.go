package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/storage"
)

// userJSON is one user in the output of "user list --json". The keys are part of the
// command's interface for scripts: add keys, never rename them.
type userJSON struct {
	ID     int64       `json:"id"`
	Login  string      `json:"login"`
	Name   string      `json:"name"`
	Roles  []string    `json:"roles"`
	Locale string      `json:"locale"`
	Phone  *string     `json:"phone"` // null when the agent picks a phone at sign-in
	Skills []skillJSON `json:"skills"`
	// Queues is empty for an agent who serves every queue.
	Queues   []string  `json:"queues"`
	Disabled bool      `json:"disabled"`
	Created  time.Time `json:"created_at"`
	Updated  time.Time `json:"updated_at"`
}

type skillJSON struct {
	Name  string `json:"name"`
	Level int    `json:"level"`
}

// listUsers prints every user as a table in the message language, or as JSON.
func listUsers(ctx context.Context, inv *invocation, asJSON bool) error {
	cfg, err := inv.loadConfig()
	if err != nil {
		return err
	}
	pool, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()

	users, err := storage.NewUsers(pool).List(ctx)
	if err != nil {
		return userStoreError(err)
	}
	if asJSON {
		return writeUsersJSON(inv, users)
	}
	return writeUsersTable(inv, users)
}

func writeUsersJSON(inv *invocation, users []crm.User) error {
	out := make([]userJSON, len(users))
	for i, u := range users {
		j := userJSON{
			ID:       u.ID,
			Login:    u.Login,
			Name:     u.DisplayName,
			Roles:    make([]string, len(u.Roles)),
			Locale:   string(u.Locale),
			Skills:   make([]skillJSON, len(u.Skills)),
			Queues:   userFields(u)["queues"].([]string),
			Disabled: u.Disabled,
			Created:  u.CreatedAt.UTC(),
			Updated:  u.UpdatedAt.UTC(),
		}
		for k, r := range u.Roles {
			j.Roles[k] = string(r)
		}
		if u.Endpoint != "" {
			j.Phone = &u.Endpoint
		}
		for k, s := range u.Skills {
			j.Skills[k] = skillJSON{Name: s.Name, Level: s.Level}
		}
		out[i] = j
	}
	encoder := json.NewEncoder(inv.env.stdout)
	encoder.SetIndent("", "  ")
	return encoder.Encode(out)
}

func writeUsersTable(inv *invocation, users []crm.User) error {
	msg := &inv.msg.user
	if len(users) == 0 {
		fmt.Fprint(inv.env.stdout, msg.noUsers)
		return nil
	}

	// tabwriter measures cells in runes, so Cyrillic names line up.
	w := tabwriter.NewWriter(inv.env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join([]string{msg.columnLogin, msg.columnName, msg.columnRoles, msg.columnLocale,
		msg.columnPhone, msg.columnSkills, msg.columnQueues, msg.columnDisabled}, "\t"))
	for _, u := range users {
		fields := userFields(u)
		fmt.Fprintln(w, strings.Join([]string{
			u.Login,
			u.DisplayName,
			displayValue(msg, fields["roles"]),
			string(u.Locale),
			displayValue(msg, fields["phone"]),
			displayValue(msg, fields["skills"]),
			displayField(msg, "queues", fields["queues"]),
			displayValue(msg, u.Disabled),
		}, "\t"))
	}
	return w.Flush()
}

// displayValue renders a value of userFields for a person: lists comma-separated, an
// empty value or list as a dash, and booleans as yes or no in the message language.
func displayValue(msg *userMessages, value any) string {
	switch v := value.(type) {
	case nil:
		return "-"
	case bool:
		if v {
			return msg.yes
		}
		return msg.no
	case []string:
		if len(v) == 0 {
			return "-"
		}
		return strings.Join(v, ", ")
	case string:
		if v == "" {
			return "-"
		}
		return v
	}
	return fmt.Sprint(value)
}

// displayField renders the field of userFields for a person, as displayValue does, except
// that an empty queue list reads as every queue.
func displayField(msg *userMessages, field string, value any) string {
	if queues, ok := value.([]string); ok && field == "queues" && len(queues) == 0 {
		return msg.everyQueue
	}
	return displayValue(msg, value)
}

// fieldLabel names a field of userFields in the message language.
func fieldLabel(msg *userMessages, field string) string {
	labels := map[string]string{
		"name":     msg.columnName,
		"roles":    msg.columnRoles,
		"locale":   msg.columnLocale,
		"phone":    msg.columnPhone,
		"skills":   msg.columnSkills,
		"queues":   msg.columnQueues,
		"disabled": msg.columnDisabled,
	}
	return strings.ToLower(labels[field])
}
