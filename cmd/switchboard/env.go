package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"os/user"
	"syscall"
)

// processEnv is everything a command takes from the process, so that tests run commands
// in-process with their own streams, variables and cancellation.
type processEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// stdinIsTerminal is true when standard input is a character device: a terminal, or
	// /dev/null. "user add --password-stdin" then rejects it, because nothing is piped in.
	stdinIsTerminal bool
	// osUser is the name of the operating-system user running the command, recorded in
	// the audit log for changes made from the command line; "" when unknown.
	osUser string
	// environ is the process environment as "KEY=value" entries.
	environ []string
	// stderrIsTerminal selects text logs in the "auto" log format.
	stderrIsTerminal bool
	// signalContext returns a context cancelled on SIGINT or SIGTERM.
	signalContext func(parent context.Context) (context.Context, context.CancelFunc)
}

func newProcessEnv() processEnv {
	return processEnv{
		stdin:            os.Stdin,
		stdout:           os.Stdout,
		stderr:           os.Stderr,
		stdinIsTerminal:  isTerminal(os.Stdin),
		osUser:           currentOSUser(),
		environ:          os.Environ(),
		stderrIsTerminal: isTerminal(os.Stderr),
		signalContext: func(parent context.Context) (context.Context, context.CancelFunc) {
			return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
		},
	}
}

// isTerminal reports whether f is a character device, which is how a terminal looks on
// Unix; pipes, files and the systemd journal are not.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// currentOSUser returns the login name of the process's user, or "" when the system
// cannot tell (a container user with no /etc/passwd entry and no $USER).
func currentOSUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}

// getenv returns the value of name in environ, or "".
func (e processEnv) getenv(name string) string {
	value := ""
	prefix := name + "="
	for _, entry := range e.environ {
		if len(entry) >= len(prefix) && entry[:len(prefix)] == prefix {
			value = entry[len(prefix):]
		}
	}
	return value
}
