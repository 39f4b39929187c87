package main

import (
	"crypto/rand"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/password"
)

// minPasswordLength is the shortest password accepted on standard input, in characters.
// NIST SP 800-63B-4 (section 3.1.1.2) requires 15 for a password that is the only
// authentication factor, as it is at Switchboard's sign-in.
const minPasswordLength = 15

// userMessage returns a picker of a "user" message for newUserError.
func userMessage(pick func(u *userMessages) string) func(*messages) string {
	return func(m *messages) string { return pick(&m.user) }
}

// checkLogin accepts a new login: 1 to crm.MaxLoginLength characters, none of them a
// space or a control character. crm.User.Validate allows inner spaces, but a login with a
// space is easy to mistype at sign-in and has to be quoted in every command.
func checkLogin(login string) error {
	valid := login != "" && utf8.ValidString(login) && utf8.RuneCountInString(login) <= crm.MaxLoginLength &&
		!strings.ContainsFunc(login, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	if !valid {
		return usageError{newUserError(userMessage(func(u *userMessages) string { return u.badLogin }), login, crm.MaxLoginLength)}
	}
	return nil
}

// parseName trims the display name and rejects an empty one or one with control
// characters, which would break the list table and the desk's layout.
func parseName(value string) (string, error) {
	name := strings.TrimSpace(value)
	if name == "" {
		return "", newUserError(userMessage(func(u *userMessages) string { return u.emptyName }))
	}
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return "", newUserError(userMessage(func(u *userMessages) string { return u.badName }), value)
	}
	return name, nil
}

// parseRoles adds the comma-separated roles in value to roles, skipping repeats.
func parseRoles(roles []crm.Role, value string) ([]crm.Role, error) {
	for part := range strings.SplitSeq(value, ",") {
		role := crm.Role(strings.ToLower(strings.TrimSpace(part)))
		if !role.Valid() {
			return nil, newUserError(userMessage(func(u *userMessages) string { return u.badRole }), strings.TrimSpace(part))
		}
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	return roles, nil
}

// parseSkill reads "name:level". The name follows the rule of queue skills in the
// configuration (config.ParseSkill), so a queue can ask for it. The level must also fit
// the users table, which stores crm.MinSkillLevel to crm.MaxSkillLevel, while
// config.ParseSkill accepts up to 100.
func parseSkill(skills []crm.Skill, value string) ([]crm.Skill, error) {
	name, level, ok := config.ParseSkill(strings.TrimSpace(value))
	if !ok || level < crm.MinSkillLevel || level > crm.MaxSkillLevel {
		return nil, newUserError(userMessage(func(u *userMessages) string { return u.badSkill }), value, crm.MaxSkillLevel)
	}
	if slices.ContainsFunc(skills, func(s crm.Skill) bool { return s.Name == name }) {
		return nil, newUserError(userMessage(func(u *userMessages) string { return u.duplicateSkill }), name)
	}
	return append(skills, crm.Skill{Name: name, Level: level}), nil
}

// parseQueues adds the comma-separated queue names in value to queues, skipping repeats.
// Whether the configuration defines them is checked once the configuration is loaded
// (checkQueues), because --config may follow this option on the command line.
func parseQueues(queues []string, value string) ([]string, error) {
	for part := range strings.SplitSeq(value, ",") {
		name := strings.TrimSpace(part)
		if name == "" {
			return nil, newUserError(userMessage(func(u *userMessages) string { return u.badQueueList }), value)
		}
		if !slices.Contains(queues, name) {
			queues = append(queues, name)
		}
	}
	return queues, nil
}

// checkQueues rejects the first of queues that is not among the configured ones, naming
// the configured queues in the message.
func checkQueues(queues, configured []string) error {
	for _, name := range queues {
		if !slices.Contains(configured, name) {
			return usageError{newUserError(userMessage(func(u *userMessages) string { return u.unknownQueue }),
				name, strings.Join(configured, ", "))}
		}
	}
	return nil
}

// dialString is an Asterisk dial string for one device: a channel technology (PJSIP, SIP,
// IAX2, DAHDI, Local) and a resource. "&" (several devices) and "," (Dial options) are
// rejected, because the call flow originates to exactly one phone.
var dialString = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*/[^\s,&/][^\s,&]*$`)

// maxPhoneLength bounds the fixed phone in bytes. The desk protocol carries a phone
// endpoint in at most this many bytes.
const maxPhoneLength = 64

// parsePhone checks a fixed phone in TECH/RESOURCE form, such as PJSIP/1001.
func parsePhone(value string) (string, error) {
	phone := strings.TrimSpace(value)
	if len(phone) > maxPhoneLength || !dialString.MatchString(phone) {
		return "", newUserError(userMessage(func(u *userMessages) string { return u.badPhone }), value)
	}
	return phone, nil
}

// parseLocale accepts ru or en.
func parseLocale(value string) (crm.Locale, error) {
	locale := crm.Locale(strings.ToLower(strings.TrimSpace(value)))
	if !locale.Valid() {
		return "", newUserError(userMessage(func(u *userMessages) string { return u.badLocale }), value)
	}
	return locale, nil
}

// newPassword returns the password piped to standard input when fromStdin is set, and
// otherwise a generated one; generated reports which.
func newPassword(env processEnv, fromStdin bool) (plain string, generated bool, err error) {
	if !fromStdin {
		// 26 characters of base32, 130 bits from the operating system's random source.
		return rand.Text(), true, nil
	}
	if env.stdinIsTerminal || env.stdin == nil {
		return "", false, usageError{newUserError(userMessage(func(u *userMessages) string { return u.stdinIsTerminal }))}
	}
	plain, err = readPassword(env.stdin)
	return plain, false, err
}

// readPassword reads one password from r, as "docker login --password-stdin" does: the
// whole input, less one trailing line break (LF or CRLF), so that both printf and echo work.
func readPassword(r io.Reader) (string, error) {
	// Two bytes over the limit leave room for CRLF. The third makes a password one byte
	// over the limit longer than the limit after trimming, so it is rejected.
	data, err := io.ReadAll(io.LimitReader(r, password.MaxLength+3))
	if err != nil {
		return "", err
	}
	plain := strings.TrimSuffix(string(data), "\n")
	plain = strings.TrimSuffix(plain, "\r")

	pick := func(p func(u *userMessages) string) error { return newUserError(userMessage(p)) }
	switch {
	case plain == "":
		return "", pick(func(u *userMessages) string { return u.passwordEmpty })
	case len(plain) > password.MaxLength:
		return "", newUserError(userMessage(func(u *userMessages) string { return u.passwordTooLong }), password.MaxLength)
	case strings.ContainsAny(plain, "\r\n"):
		return "", pick(func(u *userMessages) string { return u.passwordMultiline })
	case !utf8.ValidString(plain):
		return "", pick(func(u *userMessages) string { return u.passwordNotUTF8 })
	case utf8.RuneCountInString(plain) < minPasswordLength:
		return "", newUserError(userMessage(func(u *userMessages) string { return u.passwordTooShort }), minPasswordLength)
	}
	return plain, nil
}
