package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

func composeWithRedis(t *testing.T, client *redis.Client) *httptest.Server {
	t.Helper()
	cfg := config.Default()
	cfg.CallLog.SpoolDir = t.TempDir()
	cfg.HTTP.PublicOrigins = []string{demoOrigin}
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

// Two nodes on one Redis share the count of failed logins, so a second node adds no attempts.
func TestLoginFailuresSharedThroughRedis(t *testing.T) {
	t.Parallel()
	options, err := redis.ParseURL(os.Getenv("SWITCHBOARD_TEST_REDIS_URL"))
	if err != nil {
		t.Fatalf("parse SWITCHBOARD_TEST_REDIS_URL (run the tests with `make test`): %v", err)
	}
	client := redis.NewClient(options)
	t.Cleanup(func() { client.Close() })

	// A login of its own, so parallel runs and earlier runs do not count.
	user := fmt.Sprintf("nobody-%d", time.Now().UnixNano())
	t.Cleanup(func() { client.Del(context.Background(), "switchboard:login-failures:account:"+user) })
	first, second := composeWithRedis(t, client), composeWithRedis(t, client)
	for i := range 5 {
		server := first
		if i%2 == 1 {
			server = second
		}
		if code := login(t, strings.TrimPrefix(server.URL, "http://"), user, "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("failed login %d = %d, want 401", i+1, code)
		}
	}
	if code := login(t, strings.TrimPrefix(first.URL, "http://"), user, "wrong"); code != http.StatusTooManyRequests {
		t.Errorf("sixth login after five failures on two nodes = %d, want 429", code)
	}
}
