package main

import (
	"context"
	"flag"
	"maps"
	"slices"

	"github.com/switchboard-cc/switchboard/crm"
)

// userSubcommandOptions lists the options each "user" subcommand accepts besides --config
// and --lang. The user command registers the options of all subcommands on one flag set,
// because the subcommand is known only after parsing, and then rejects the ones that do not
// apply.
var userSubcommandOptions = map[string][]string{
	"add":    {"name", "role", "phone", "skill", "queue", "locale", "password-stdin"},
	"list":   {"json"},
	"passwd": {"password-stdin"},
	"set":    {"name", "role", "phone", "no-phone", "skill", "no-skills", "queue", "no-queues", "locale", "disable", "enable"},
}

// userOptions are the options of "switchboard user", already checked as they are parsed.
type userOptions struct {
	name          string
	roles         []crm.Role
	phone         string
	noPhone       bool
	skills        []crm.Skill
	noSkills      bool
	queues        []string
	noQueues      bool
	locale        crm.Locale
	disable       bool
	enable        bool
	passwordStdin bool
	json          bool
	// given holds the names of the options on the command line, so that "set" changes
	// only those fields.
	given map[string]bool
}

func userCommand(fs *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	opts := &userOptions{locale: crm.LocaleRU}
	msg := &inv.msg.user

	// Values are checked as they are parsed, so a bad one is reported in the user's language
	// before anything touches the database.
	fs.Func("name", msg.flagName, func(value string) error {
		name, err := parseName(value)
		opts.name = name
		return inv.rejectOption(err)
	})
	fs.Func("role", msg.flagRole, func(value string) error {
		roles, err := parseRoles(opts.roles, value)
		opts.roles = roles
		return inv.rejectOption(err)
	})
	fs.Func("phone", msg.flagPhone, func(value string) error {
		phone, err := parsePhone(value)
		opts.phone = phone
		return inv.rejectOption(err)
	})
	fs.Func("skill", msg.flagSkill, func(value string) error {
		skills, err := parseSkill(opts.skills, value)
		if err == nil {
			opts.skills = skills
		}
		return inv.rejectOption(err)
	})
	fs.Func("queue", msg.flagQueue, func(value string) error {
		queues, err := parseQueues(opts.queues, value)
		if err == nil {
			opts.queues = queues
		}
		return inv.rejectOption(err)
	})
	fs.Func("locale", msg.flagLocale, func(value string) error {
		locale, err := parseLocale(value)
		opts.locale = locale
		return inv.rejectOption(err)
	})
	fs.BoolVar(&opts.noPhone, "no-phone", false, msg.flagNoPhone)
	fs.BoolVar(&opts.noSkills, "no-skills", false, msg.flagNoSkills)
	fs.BoolVar(&opts.noQueues, "no-queues", false, msg.flagNoQueues)
	fs.BoolVar(&opts.disable, "disable", false, msg.flagDisable)
	fs.BoolVar(&opts.enable, "enable", false, msg.flagEnable)
	fs.BoolVar(&opts.passwordStdin, "password-stdin", false, msg.flagPasswordStdin)
	fs.BoolVar(&opts.json, "json", false, msg.flagJSON)

	return func(ctx context.Context, args []string) error {
		opts.given = make(map[string]bool)
		fs.Visit(func(f *flag.Flag) { opts.given[f.Name] = true })

		subcommand := args[0]
		if err := checkUserArgs(subcommand, args, opts.given); err != nil {
			return err
		}
		switch subcommand {
		case "add":
			return addUser(ctx, inv, args[1], opts)
		case "list":
			return listUsers(ctx, inv, opts.json)
		case "passwd":
			return changePassword(ctx, inv, args[1], opts.passwordStdin)
		default:
			return setUser(ctx, inv, args[1], opts)
		}
	}
}

// rejectOption records err, when not nil, as the translated error of the option being
// parsed (see flagError) and returns it to the flag package.
func (inv *invocation) rejectOption(err error) error {
	if err != nil {
		inv.optionErr = err
	}
	return err
}

// checkUserArgs checks the subcommand, its arguments and which options it got.
func checkUserArgs(subcommand string, args []string, given map[string]bool) error {
	accepted, ok := userSubcommandOptions[subcommand]
	if !ok {
		return usageError{newUserError(userMessage(func(u *userMessages) string { return u.unknownSubcommand }), subcommand)}
	}
	topic := "user " + subcommand
	wantArgs := 2
	if subcommand == "list" {
		wantArgs = 1
	}
	if len(args) != wantArgs {
		return argumentCount(topic, args, wantArgs)
	}
	if subcommand == "add" {
		if err := checkLogin(args[1]); err != nil {
			return err
		}
	}

	// Sorted, so that the stray option reported first does not change from run to run.
	for _, name := range slices.Sorted(maps.Keys(given)) {
		if name == "config" || name == "lang" || slices.Contains(accepted, name) {
			continue
		}
		return usageError{newUserError(userMessage(func(u *userMessages) string { return u.optionNotAccepted }),
			"--"+name, "switchboard "+topic, "switchboard help "+topic)}
	}

	for _, pair := range [][2]string{{"phone", "no-phone"}, {"skill", "no-skills"}, {"queue", "no-queues"}, {"disable", "enable"}} {
		if given[pair[0]] && given[pair[1]] {
			return usageError{newUserError(userMessage(func(u *userMessages) string { return u.conflictingOptions }),
				"--"+pair[0], "--"+pair[1])}
		}
	}

	switch subcommand {
	case "add":
		for _, required := range []string{"name", "role"} {
			if !given[required] {
				return usageError{newUserError(userMessage(func(u *userMessages) string { return u.missingOption }),
					"--"+required, "switchboard "+topic)}
			}
		}
	case "set":
		if !slices.ContainsFunc(accepted, func(name string) bool { return given[name] }) {
			return usageError{newUserError(userMessage(func(u *userMessages) string { return u.nothingToChange }))}
		}
	}
	return nil
}
