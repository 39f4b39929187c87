package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-cc/switchboard/sipload"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// passwordEnv is the environment variable that carries the digest password, so that it
// does not show in the process list as a flag would.
const passwordEnv = "CALLGEN_PASSWORD"

// options are the parsed command line.
type options struct {
	config   sipload.Config
	json     bool
	logLevel slog.Level
}

// usageError is a mistake in the command line: exit code 2 and a pointer to the help.
type usageError struct{ err *userError }

func (e usageError) Error() string { return e.err.Error() }

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, env processEnv) int {
	lang := detectLanguage(args, env.getenv)
	msg := messagesFor(lang)

	opts, err := parseOptions(args, env, msg)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(env.stdout, msg.usage)
		return exitOK
	}
	if err != nil {
		return fail(env, lang, err)
	}

	cfg := opts.config
	cfg.Logger = slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: opts.logLevel}))
	if cfg.ProgressInterval > 0 {
		cfg.Progress = func(s sipload.Summary) { writeProgress(env.stdout, msg, opts.json, s) }
	}

	summary, err := sipload.Run(ctx, cfg)
	if err != nil && summary.Attempted == 0 {
		return fail(env, lang, runError(cfg, err))
	}
	writeSummary(env.stdout, msg, opts.json, summary)
	if err != nil {
		return fail(env, lang, runError(cfg, err))
	}
	return exitOK
}

// runError turns an error of sipload.Run into a message for the operator.
func runError(cfg sipload.Config, err error) *userError {
	var opErr *net.OpError
	switch {
	case errors.Is(err, sipload.ErrTargetUnreachable):
		return newUserError(func(m *messages) string { return m.unreachable }, cfg.Target, cfg.ProbeTimeout)
	case errors.As(err, &opErr) && opErr.Op == "listen":
		return newUserError(func(m *messages) string { return m.listenFailed }, err)
	}
	return newUserError(func(m *messages) string { return m.runFailed }, err)
}

// fail prints err in the chosen language and returns the exit code.
func fail(env processEnv, lang string, err error) int {
	msg := messagesFor(lang)
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintln(env.stderr, msg.errorPrefix+usage.err.localize(lang))
		fmt.Fprintln(env.stderr, msg.helpHint)
		return exitUsage
	}
	var localized *userError
	if errors.As(err, &localized) {
		fmt.Fprintln(env.stderr, msg.errorPrefix+localized.localize(lang))
		return exitError
	}
	fmt.Fprintln(env.stderr, msg.errorPrefix+err.Error())
	return exitError
}

func usageErr(pick func(*messages) string, args ...any) error {
	return usageError{newUserError(pick, args...)}
}

// parseOptions parses and checks the command line; every mistake is a usageError.
func parseOptions(args []string, env processEnv, msg *messages) (options, error) {
	fs := flag.NewFlagSet("callgen", flag.ContinueOnError)
	// The flag package's messages are English only; the usage text is printed instead.
	fs.SetOutput(io.Discard)

	var (
		opts         options
		target       = fs.String("target", "", "")
		local        = fs.String("local", "127.0.0.1:0", "")
		rate         = fs.String("rate", "10", "")
		duration     = fs.Duration("duration", 0, "")
		calls        = fs.Int("calls", 0, "")
		maxCalls     = fs.Int("max-calls", 10000, "")
		from         = fs.String("from", "+74951000000-+74951999999", "")
		seed         = fs.Uint64("seed", 1, "")
		hold         = fs.Duration("hold", 30*time.Second, "")
		holdDist     = fs.String("hold-dist", "fixed", "")
		ringTimeout  = fs.Duration("ring-timeout", 30*time.Second, "")
		probeTimeout = fs.Duration("probe-timeout", 5*time.Second, "")
		user         = fs.String("user", "", "")
		passwordFile = fs.String("password-file", "", "")
		interval     = fs.Duration("interval", 0, "")
		logLevel     = fs.String("log-level", "warn", "")
		lang         = fs.String("lang", "", "")
	)
	fs.BoolVar(&opts.json, "json", false, "")

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return opts, err
		}
		// The flag package's errors name the option, which is the useful part in
		// either language.
		return opts, usageErr(func(m *messages) string { return m.badFlag }, err)
	}
	if fs.NArg() > 0 {
		return opts, usageErr(func(m *messages) string { return m.extraArgs }, fs.Arg(0))
	}
	if *lang != "" && *lang != "en" && *lang != "ru" {
		return opts, usageErr(func(m *messages) string { return m.badLang }, *lang)
	}

	cfg := &opts.config
	if err := checkTarget(*target); err != nil {
		return opts, err
	}
	cfg.Target = *target

	if addr, err := net.ResolveUDPAddr("udp", *local); err != nil || addr.IP == nil || addr.IP.IsUnspecified() {
		return opts, usageErr(func(m *messages) string { return m.badLocal }, *local)
	}
	cfg.LocalAddr = *local

	cfg.Rate, _ = strconv.ParseFloat(*rate, 64)
	if !(cfg.Rate > 0) || math.IsInf(cfg.Rate, 0) {
		return opts, usageErr(func(m *messages) string { return m.badRate }, *rate)
	}
	for name, value := range map[string]int64{
		"duration": int64(*duration), "calls": int64(*calls), "max-calls": int64(*maxCalls),
		"hold": int64(*hold), "ring-timeout": int64(*ringTimeout), "probe-timeout": int64(*probeTimeout),
		"interval": int64(*interval),
	} {
		if value < 0 {
			return opts, usageErr(func(m *messages) string { return m.negative }, name)
		}
	}
	if *duration == 0 && *calls == 0 {
		return opts, usageErr(func(m *messages) string { return m.noLimit })
	}
	cfg.Duration, cfg.Calls, cfg.MaxConcurrent = *duration, *calls, *maxCalls
	cfg.RingTimeout, cfg.ProbeTimeout, cfg.ProgressInterval = *ringTimeout, *probeTimeout, *interval

	pool, err := sipload.ParseCallerPool(*from)
	if err != nil {
		return opts, callerPoolError(err)
	}
	cfg.Callers, cfg.Seed = pool, *seed

	distribution, err := sipload.ParseHoldDistribution(*holdDist)
	if err != nil {
		return opts, usageErr(func(m *messages) string { return m.badHoldDist }, *holdDist)
	}
	cfg.Hold = sipload.HoldTime{Mean: *hold, Distribution: distribution}

	cfg.Username = *user
	cfg.Password, err = readPassword(*passwordFile, env.getenv)
	if err != nil {
		return opts, err
	}
	if cfg.Password != "" && cfg.Username == "" {
		return opts, usageErr(func(m *messages) string { return m.passwordNoUser })
	}

	if err := opts.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return opts, usageErr(func(m *messages) string { return m.badFlag }, fmt.Errorf("-log-level %q: use debug, info, warn or error", *logLevel))
	}
	return opts, nil
}

func checkTarget(target string) error {
	if target == "" {
		return usageErr(func(m *messages) string { return m.missingTarget })
	}
	var uri sip.Uri
	if err := sip.ParseUri(target, &uri); err != nil || uri.Host == "" || uri.Scheme != "sip" {
		return usageErr(func(m *messages) string { return m.badTarget }, target)
	}
	if transport, ok := uri.UriParams.Get("transport"); ok && transport != "udp" {
		return usageErr(func(m *messages) string { return m.badTarget }, target)
	}
	return nil
}

func callerPoolError(err error) error {
	poolErr, ok := errors.AsType[*sipload.CallerPoolError](err)
	if !ok {
		return usageErr(func(m *messages) string { return m.callerPoolOther }, "")
	}
	pick := func(m *messages) string {
		if text, ok := m.callerPool[poolErr.Problem]; ok {
			return text
		}
		return m.callerPoolOther
	}
	if strings.Contains(pick(&english), "%q") {
		return usageErr(pick, poolErr.Item)
	}
	return usageErr(pick)
}

// readPassword returns the digest password from the first line of file, or else from
// CALLGEN_PASSWORD; it is never printed or logged.
func readPassword(file string, getenv func(string) string) (string, error) {
	if file == "" {
		return getenv(passwordEnv), nil
	}
	f, err := os.Open(file)
	if err != nil {
		return "", usageErr(func(m *messages) string { return m.passwordFile }, file, err)
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", usageErr(func(m *messages) string { return m.passwordFile }, file, err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// writeProgress prints one progress line, or one JSON line with -json.
func writeProgress(w io.Writer, msg *messages, asJSON bool, s sipload.Summary) {
	if asJSON {
		writeJSON(w, s)
		return
	}
	p50, p99 := "-", "-"
	if s.Setup.Count > 0 {
		p50, p99 = formatLatency(s.Setup.P50), formatLatency(s.Setup.P99)
	}
	fmt.Fprintf(w, msg.progress, s.Elapsed.Round(100*time.Millisecond), s.Attempted, s.InProgress, s.Answered,
		s.Failed.Total(), s.Abandoned, p50, p99)
}

func writeJSON(w io.Writer, s sipload.Summary) {
	data, err := json.Marshal(s)
	if err != nil {
		// Summary.MarshalJSON marshals only numbers and maps of numbers.
		panic(fmt.Sprintf("marshal summary: %v", err))
	}
	fmt.Fprintf(w, "%s\n", data)
}
