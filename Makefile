# Switchboard build, test and demo entry points. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

GO ?= go
BIN := bin
SERVICES := scripts/services
# VERSION is stamped into the binaries; `switchboard version` prints it.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: all build ui test test-format test-fuzz test-ui demo services services-stop clean

all: build

# ui builds the agent desk into agent-ui/dist, which the Go binary embeds.
ui:
	@if [ -f agent-ui/package.json ]; then \
		cd agent-ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build; \
	fi

build: ui
	mkdir -p $(BIN)
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN)/ ./cmd/...

services:
	@$(SERVICES)/env.sh >/dev/null

services-stop:
	$(SERVICES)/postgres.sh stop
	$(SERVICES)/redis.sh stop

# test runs every test against real PostgreSQL and Redis (started by the services scripts),
# with the race detector, then the browser tests in headless Chromium.
test: ui test-format
	eval "$$($(SERVICES)/env.sh)" && \
	$(GO) vet ./... && \
	$(GO) test -race -count=1 -timeout 75m ./...
	@$(MAKE) --no-print-directory test-fuzz
	@$(MAKE) --no-print-directory test-ui

# test-format fails when a Go file is not formatted by gofmt, and lists the files.
test-format:
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path '*/node_modules/*' -not -path '*/testdata/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt: format these files with gofmt -w:" >&2; echo "$$unformatted" >&2; exit 1; fi

# test-fuzz runs every target listed in scripts/fuzz-targets.txt for FUZZTIME.
FUZZTIME ?= 10s
test-fuzz:
	@grep -v '^\s*\(#\|$$\)' scripts/fuzz-targets.txt | while read -r pkg name; do \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) "./$$pkg" || exit 1; \
	done

test-ui:
	@if [ -f agent-ui/package.json ] && grep -q '"test:e2e"' agent-ui/package.json; then \
		eval "$$($(SERVICES)/env.sh)" && $(MAKE) --no-print-directory build >/dev/null && \
		cd agent-ui && npm run --silent test:e2e; \
	fi

# demo brings everything up on this machine and serves the demo until interrupted: the
# private PostgreSQL and Redis, migrations, demo data (once), then the server. The logins
# are printed and kept in .run/demo-logins.txt.
demo: build
	$(SERVICES)/install.sh
	pg_url=$$($(SERVICES)/postgres.sh start); \
	redis_url=$$($(SERVICES)/redis.sh start); \
	SWITCHBOARD_DATABASE_URL="$$pg_url" SWITCHBOARD_REDIS_URL="$$redis_url" exec $(BIN)/switchboard demo

clean:
	rm -rf $(BIN) agent-ui/dist
