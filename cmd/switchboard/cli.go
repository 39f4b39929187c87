package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/crm/contactio"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// invocation is one run of the program: the process it runs in and the global options.
type invocation struct {
	env        processEnv
	lang       string
	msg        *messages
	configPath string
	// optionErr is the error of the last rejected option value. The flag package keeps only
	// its text, so flagError takes the translated error from here.
	optionErr error
}

// command is one subcommand. parse registers its flags and checks its arguments before
// anything runs, so usage errors never leave work half done.
type command struct {
	name  string
	flags func(fs *flag.FlagSet, inv *invocation) func(ctx context.Context, args []string) error
	// args is the number of positional arguments: exact when min == max.
	minArgs, maxArgs int
}

var commands = []command{
	{name: "serve", flags: serveCommand},
	{name: "migrate", flags: migrateCommand, minArgs: 1, maxArgs: 1},
	{name: "import", flags: importCommand, minArgs: 2, maxArgs: 2},
	{name: "export", flags: exportCommand, minArgs: 2, maxArgs: 2},
	{name: "demo", flags: demoCommand},
	{name: "user", flags: userCommand, minArgs: 1, maxArgs: 2},
	{name: "campaign", flags: campaignCommand, minArgs: 1, maxArgs: 3},
	{name: "dnc", flags: dncCommand, minArgs: 1, maxArgs: 2},
	{name: "version", flags: versionCommand},
}

func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usageError is a mistake in the command line rather than a failure of the work. The
// program exits with code 2 and points to the help.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run executes the command line args (without the program name) and returns the exit code.
func run(args []string, env processEnv) int {
	inv := &invocation{env: env, lang: detectLanguage(args, env)}
	inv.msg = messagesFor(inv.lang)

	name, rest, err := inv.parseGlobal(args)
	if err != nil {
		return inv.fail(err)
	}
	if name == "" || name == "help" {
		return inv.help(rest)
	}

	cmd, ok := findCommand(name)
	if !ok {
		return inv.fail(usageError{newUserError(func(m *messages) string { return m.unknownCommand }, name)})
	}

	execute, positional, err := inv.parseCommand(cmd, rest)
	if err != nil {
		return inv.fail(err)
	}

	ctx, stop := env.signalContext(context.Background())
	defer stop()
	if err := execute(ctx, positional); err != nil {
		return inv.fail(err)
	}
	return exitOK
}

// commonFlags registers the options every command accepts, so they may come before or
// after the command name.
func (inv *invocation) commonFlags(fs *flag.FlagSet) {
	fs.StringVar(&inv.configPath, "config", inv.configPath, inv.msg.flagConfig)
	fs.Func("lang", inv.msg.flagLang, func(value string) error {
		if value != "en" && value != "ru" {
			inv.optionErr = newUserError(func(m *messages) string { return m.badLang }, value)
			return inv.optionErr
		}
		inv.lang = value
		inv.msg = messagesFor(value)
		return nil
	})
}

func (inv *invocation) newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package's own messages are English only; fail prints a localized one instead.
	fs.SetOutput(io.Discard)
	inv.commonFlags(fs)
	return fs
}

// parseGlobal parses the options before the command name and returns the name and the
// arguments after it.
func (inv *invocation) parseGlobal(args []string) (string, []string, error) {
	fs := inv.newFlagSet("switchboard")
	if err := fs.Parse(args); err != nil {
		return "", nil, inv.flagError(err, "")
	}
	if fs.NArg() == 0 {
		return "", nil, nil
	}
	return fs.Arg(0), fs.Args()[1:], nil
}

// parseCommand parses a command's options and arguments. Options may follow the
// positional arguments ("import contacts a.csv --encoding windows-1251").
func (inv *invocation) parseCommand(cmd command, args []string) (func(context.Context, []string) error, []string, error) {
	fs := inv.newFlagSet(cmd.name)
	execute := cmd.flags(fs, inv)

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, inv.flagError(err, helpTopic(cmd.name, positional))
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}

	switch {
	case len(positional) < cmd.minArgs:
		return nil, nil, argumentsError(cmd.name, func(m *messages) string { return m.missingArguments })
	case len(positional) > cmd.maxArgs:
		return nil, nil, argumentsError(cmd.name, func(m *messages) string { return m.extraArgument }, positional[cmd.maxArgs])
	}
	return execute, positional, nil
}

// helpTopic returns the help topic for a command and the arguments before a problem: the
// subcommand's own topic, such as "user add", when it has one.
func helpTopic(name string, positional []string) string {
	if len(positional) > 0 {
		if topic := name + " " + positional[0]; english.commandUsage[topic] != "" {
			return topic
		}
	}
	return name
}

// argumentCount reports that args, the positional arguments of topic, are not want in number:
// it names the first extra argument, or says that some are missing.
func argumentCount(topic string, args []string, want int) usageError {
	if len(args) > want {
		return argumentsError(topic, func(m *messages) string { return m.extraArgument }, args[want])
	}
	return argumentsError(topic, func(m *messages) string { return m.missingArguments })
}

// invalidArgument reports an argument that the command does not accept, such as the action
// of "migrate sideways", with the command's usage line.
func invalidArgument(name, argument string) usageError {
	return argumentsError(name, func(m *messages) string { return m.invalidArgument }, argument)
}

// argumentsError formats the message that pick selects with args followed by the usage line
// of the command or help topic name.
func argumentsError(name string, pick func(*messages) string, args ...any) usageError {
	usageLine := func(m *messages) string {
		line, _, _ := strings.Cut(m.commandUsage[name], "\n")
		_, line, _ = strings.Cut(line, ": ")
		return line
	}
	format := func(m *messages) string {
		return fmt.Sprintf(pick(m), append(slices.Clone(args), usageLine(m))...)
	}
	return usageError{&userError{en: format(&english), ru: format(&russian)}}
}

// flagError turns an error of the flag package into a usage error in both languages. name is
// the command whose options were parsed, or "" for the options before the command.
func (inv *invocation) flagError(err error, name string) error {
	if errors.Is(err, flag.ErrHelp) {
		return errHelp{topic: name}
	}
	var localized *userError
	if errors.As(inv.optionErr, &localized) {
		return usageError{localized}
	}

	helpCommand := "switchboard help"
	if name != "" {
		helpCommand += " " + name
	}
	// The flag package's messages are fixed English sentences that end in the option name after
	// one dash (Go 1.26, flag.FlagSet.parseOne). Switchboard's help writes options with two.
	text := err.Error()
	if option, ok := strings.CutPrefix(text, "flag provided but not defined: -"); ok {
		return usageError{newUserError(func(m *messages) string { return m.unknownOption }, "--"+option, helpCommand)}
	}
	if option, ok := strings.CutPrefix(text, "flag needs an argument: -"); ok {
		return usageError{newUserError(func(m *messages) string { return m.optionNeedsValue }, "--"+option, helpCommand)}
	}
	return usageError{newUserError(func(m *messages) string { return m.badOption }, text, helpCommand)}
}

// errHelp is -h or --help: print the help of topic and exit successfully.
type errHelp struct{ topic string }

func (e errHelp) Error() string { return "help requested" }

// help prints the general help or a command's help. Common options may follow the topic
// ("help import --lang ru"), as they may follow any command.
func (inv *invocation) help(args []string) int {
	fs := inv.newFlagSet("help")
	var topics []string
	for {
		if err := fs.Parse(args); err != nil {
			return inv.fail(inv.flagError(err, ""))
		}
		if fs.NArg() == 0 {
			break
		}
		topics = append(topics, fs.Arg(0))
		args = fs.Args()[1:]
	}
	args = topics

	if len(args) == 0 {
		fmt.Fprint(inv.env.stdout, inv.msg.usage)
		return exitOK
	}
	topic := args[0]
	if len(args) > 1 {
		topic = helpTopic(args[0], args[1:])
	}
	text, ok := inv.msg.commandUsage[topic]
	if !ok {
		return inv.fail(usageError{newUserError(func(m *messages) string { return m.unknownTopic }, args[0])})
	}
	fmt.Fprint(inv.env.stdout, text)
	return exitOK
}

// fail prints err for a person, in the chosen language, and returns the exit code.
func (inv *invocation) fail(err error) int {
	var helpRequest errHelp
	if errors.As(err, &helpRequest) {
		if helpRequest.topic == "" {
			return inv.help(nil)
		}
		return inv.help([]string{helpRequest.topic})
	}

	for _, line := range localizeError(err, inv.lang) {
		fmt.Fprintln(inv.env.stderr, inv.msg.errorPrefix+line)
	}
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintln(inv.env.stderr, inv.msg.helpHint)
		return exitUsage
	}
	return exitError
}

// localizer is an error that renders itself in a language.
type localizer interface{ Localize(lang string) string }

// localizeError renders err in lang, one line per joined error. Errors without a
// translation print their English text.
func localizeError(err error, lang string) []string {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var lines []string
		for _, e := range joined.Unwrap() {
			lines = append(lines, localizeError(e, lang)...)
		}
		return lines
	}
	var fileErr *contactio.FileError
	if errors.As(err, &fileErr) {
		return []string{contactio.ErrorMessage(err, lang)}
	}
	var l localizer
	if errors.As(err, &l) {
		return []string{l.Localize(lang)}
	}
	return []string{err.Error()}
}

// loadConfig reads the configuration the invocation names.
func (inv *invocation) loadConfig() (config.Config, error) {
	return config.Load(inv.configPath, inv.env.environ)
}
