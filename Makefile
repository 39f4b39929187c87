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

# ui builds the agent desk into agent-ui/dist, which the Go binary embeds. Vite 8 needs
# Node.js ^20.19.0 or >=22.12.0 (its package.json "engines"); Debian 12's nodejs is 18.
ui:
	@if [ -f agent-ui/package.json ]; then \
		command -v node >/dev/null || { echo "make: Node.js not found; install Node.js 20.19 or later to build agent-ui" >&2; exit 1; }; \
		node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a > 22 ? 0 : 1)' || \
			{ echo "make: Node.js $$(node --version) is too old for Vite 8; install Node.js 20.19 or later (22.12 or later on the 22 line)" >&2; exit 1; }; \
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

# test-fuzz runs every target listed in scripts/fuzz-targets.txt for FUZZTIME (scripts/fuzz.sh
# says how). Targets that query PostgreSQL (storage FuzzContactSearch) get the private
# servers, as the unit tests do.
FUZZTIME ?= 10s
test-fuzz:
	eval "$$($(SERVICES)/env.sh)" && FUZZTIME=$(FUZZTIME) GO=$(GO) scripts/fuzz.sh

# test-ui runs the browser test of the agent desk (agent-ui/e2e/run.mjs): `switchboard demo`
# on a fresh database, driven in Debian's headless Chromium, which env.sh installs. npm ci
# first installs exactly the committed package-lock.json, so stale packages never pass.
test-ui:
	eval "$$($(SERVICES)/env.sh)" && \
	(cd agent-ui && npm ci --no-audit --no-fund --loglevel=error) && \
	$(MAKE) --no-print-directory build >/dev/null && \
	cd agent-ui && npm run --silent test:e2e

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
