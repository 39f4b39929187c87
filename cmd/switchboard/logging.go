package main

import (
	"io"
	"log/slog"

	"github.com/switchboard-cc/switchboard/config"
)

// newLogger builds the process logger on w (standard error): text for a person at a
// terminal, JSON for a log collector, as cfg.Format chooses.
func newLogger(cfg config.Log, w io.Writer, isTerminal bool) (*slog.Logger, error) {
	level, err := cfg.SlogLevel()
	if err != nil {
		return nil, err
	}
	opts := &slog.HandlerOptions{Level: level}

	useText := cfg.Format == "text" || (cfg.Format == "auto" && isTerminal)
	if useText {
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return slog.New(slog.NewJSONHandler(w, opts)), nil
}
