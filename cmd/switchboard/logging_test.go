package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/config"
)

func TestNewLoggerFormat(t *testing.T) {
	tests := []struct {
		format   string
		terminal bool
		wantJSON bool
	}{
		{"auto", true, false},
		{"auto", false, true},
		{"text", false, false},
		{"json", true, true},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		logger, err := newLogger(config.Log{Level: "info", Format: tt.format}, &buf, tt.terminal)
		if err != nil {
			t.Fatal(err)
		}
		logger.Info("hello", "call_id", "c1")

		isJSON := json.Valid(bytes.TrimSpace(buf.Bytes()))
		if isJSON != tt.wantJSON {
			t.Errorf("format %s, terminal %v: output %q, JSON = %v, want %v", tt.format, tt.terminal, buf.String(), isJSON, tt.wantJSON)
		}
		if !strings.Contains(buf.String(), "c1") {
			t.Errorf("format %s: output %q lacks the attribute", tt.format, buf.String())
		}
	}
}

func TestNewLoggerLevel(t *testing.T) {
	var buf bytes.Buffer
	logger, err := newLogger(config.Log{Level: "warn", Format: "text"}, &buf, false)
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("quiet")
	logger.Warn("loud")
	if strings.Contains(buf.String(), "quiet") || !strings.Contains(buf.String(), "loud") {
		t.Errorf("level warn wrote %q, want only the warning", buf.String())
	}
}
