package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func composeWithRedis(t *testing.T, client *redis.Client) *httptest.Server {
	t.Helper()
	cfg := config.Default()
	cfg.CallLog.SpoolDir = t.TempDir()
	app, err := compose(dependencies{
		cfg:      cfg,
		logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		registry: prometheus.NewRegistry(),
		pool:     pgtest.New(t),
		redis:    client,
	})
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(app.handler)
	t.Cleanup(server.Close)
	return server
}

func TestReadyzRedis(t *testing.T) {
	t.Parallel()
	redisURL := os.Getenv("SWITCHBOARD_TEST_REDIS_URL")
	if redisURL == "" {
		t.Fatal("SWITCHBOARD_TEST_REDIS_URL is not set; run the tests with `make test`, " +
			"or first run `eval \"$(scripts/services/env.sh)\"` in this shell")
	}
	options, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(options)
	t.Cleanup(func() { client.Close() })

	server := composeWithRedis(t, client)
	code, body := get(t, server.URL+"/readyz")
	if ready := readyChecks(t, body); code != http.StatusOK || ready.Checks["redis"] != "ok" {
		t.Errorf("/readyz with Redis up = %d %+v, want 200 with redis ok", code, ready)
	}

	// A Redis that does not answer makes the node not ready.
	closed := httptest.NewServer(http.NotFoundHandler())
	address := strings.TrimPrefix(closed.URL, "http://")
	closed.Close()
	down := redis.NewClient(&redis.Options{Addr: address, MaxRetries: -1})
	t.Cleanup(func() { down.Close() })

	server = composeWithRedis(t, down)
	code, body = get(t, server.URL+"/readyz")
	if ready := readyChecks(t, body); code != http.StatusServiceUnavailable || ready.Checks["redis"] != "unreachable" || ready.Checks["database"] != "ok" {
		t.Errorf("/readyz with Redis down = %d %+v, want 503 with redis unreachable", code, ready)
	}
}
