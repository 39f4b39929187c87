// Command callgen places SIP calls at a steady rate against a target such as Asterisk
// and prints a summary of its responses: calls attempted, answered, failed by status class,
// abandoned, and the setup latency. Run `callgen -h` for usage; docs/callgen.md has an
// example against the Asterisk configuration in asterisk-config/.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal the run winds down; restore the default handling so a
	// second one ends the process at once.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], processEnv{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// processEnv is the part of the process a run uses (streams and environment), so tests
// run it in-process.
type processEnv struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}
