package crm

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is a set of permissions. A user has one or more roles.
type Role string

// Roles of the product.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleMarketer   Role = "marketer"
	RoleAdmin      Role = "admin"
)

// AllRoles lists every role in a stable order.
var AllRoles = []Role{RoleAgent, RoleSupervisor, RoleMarketer, RoleAdmin}

// Valid reports whether r is one of AllRoles.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// Locale is the language of a user's screens and messages.
type Locale string

// Supported locales.
const (
	LocaleRU Locale = "ru"
	LocaleEN Locale = "en"
)

// Valid reports whether l is a supported locale.
func (l Locale) Valid() bool { return l == LocaleRU || l == LocaleEN }

// Skill levels range from MinSkillLevel (basic) to MaxSkillLevel (expert).
const (
	MinSkillLevel = 1
	MaxSkillLevel = 10
)

// MaxLoginLength is the longest login accepted, in characters.
const MaxLoginLength = 64

// Skill is a routing skill of a user, such as a language or a product line.
type Skill struct {
	Name  string
	Level int
}

// User is a person who signs in: an agent, supervisor, marketer or administrator.
type User struct {
	ID          int64
	Login       string
	DisplayName string
	Roles       []Role
	Locale      Locale
	// Endpoint is the fixed phone in Asterisk dial-string form (PJSIP/1001), or empty
	// when the agent picks a phone at sign-in.
	Endpoint string
	Skills   []Skill
	// Queues names the call queues the agent serves, as the configuration's [[queue]] tables
	// name them. Empty means every queue of the node.
	Queues   []string
	Disabled bool
	// SessionsValidFrom voids the sessions signed in before it (set by a password change);
	// zero voids none.
	SessionsValidFrom time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// HasRole reports whether u has role r.
func (u User) HasRole(r Role) bool { return slices.Contains(u.Roles, r) }

// Validate checks the fields a user must have; the error wraps ErrInvalid.
func (u User) Validate() error {
	login := strings.TrimSpace(u.Login)
	switch {
	case login == "":
		return fmt.Errorf("%w user: login is empty; set a login such as ivanov", ErrInvalid)
	case login != u.Login:
		return fmt.Errorf("%w user login %q: remove the leading or trailing spaces", ErrInvalid, u.Login)
	case utf8.RuneCountInString(login) > MaxLoginLength:
		return fmt.Errorf("%w user login %q: longer than %d characters", ErrInvalid, u.Login, MaxLoginLength)
	case strings.TrimSpace(u.DisplayName) == "":
		return fmt.Errorf("%w user %q: display name is empty; set the name colleagues see", ErrInvalid, u.Login)
	case len(u.Roles) == 0:
		return fmt.Errorf("%w user %q: no roles; give at least one of agent, supervisor, marketer, admin", ErrInvalid, u.Login)
	case !u.Locale.Valid():
		return fmt.Errorf("%w user %q: locale %q is not supported; use ru or en", ErrInvalid, u.Login, u.Locale)
	}
	for _, r := range u.Roles {
		if !r.Valid() {
			return fmt.Errorf("%w user %q: unknown role %q; use agent, supervisor, marketer or admin", ErrInvalid, u.Login, r)
		}
	}
	seen := make(map[string]bool, len(u.Skills))
	for _, s := range u.Skills {
		if s.Name == "" || strings.TrimSpace(s.Name) != s.Name {
			return fmt.Errorf("%w user %q: skill name %q is empty or has surrounding spaces", ErrInvalid, u.Login, s.Name)
		}
		if s.Level < MinSkillLevel || s.Level > MaxSkillLevel {
			return fmt.Errorf("%w user %q: skill %q level %d is outside %d..%d", ErrInvalid, u.Login, s.Name, s.Level, MinSkillLevel, MaxSkillLevel)
		}
		if seen[s.Name] {
			return fmt.Errorf("%w user %q: skill %q is listed twice", ErrInvalid, u.Login, s.Name)
		}
		seen[s.Name] = true
	}
	queues := make(map[string]bool, len(u.Queues))
	for _, q := range u.Queues {
		if q == "" || strings.TrimSpace(q) != q {
			return fmt.Errorf("%w user %q: queue name %q is empty or has surrounding spaces", ErrInvalid, u.Login, q)
		}
		if queues[q] {
			return fmt.Errorf("%w user %q: queue %q is listed twice", ErrInvalid, u.Login, q)
		}
		queues[q] = true
	}
	return nil
}
