package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// processEnv is everything a command takes from the process, so that tests run commands
// in-process with their own streams, variables and cancellation.
type processEnv struct {
	stdout io.Writer
	stderr io.Writer
	// environ is the process environment as "KEY=value" entries.
	environ []string
	// stderrIsTerminal selects text logs in the "auto" log format.
	stderrIsTerminal bool
	// signalContext returns a context cancelled on SIGINT or SIGTERM.
	signalContext func(parent context.Context) (context.Context, context.CancelFunc)
}

func newProcessEnv() processEnv {
	return processEnv{
		stdout:           os.Stdout,
		stderr:           os.Stderr,
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
