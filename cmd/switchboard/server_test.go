package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/storage"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// composeTest composes the application over pool and serves it with httptest.
func composeTest(t *testing.T, pool *pgxpool.Pool) *httptest.Server {
	t.Helper()
	server, _ := composeTestApp(t, pool)
	return server
}

func composeTestApp(t *testing.T, pool *pgxpool.Pool) (*httptest.Server, *application) {
	t.Helper()
	cfg := config.Default()
	cfg.CallLog.SpoolDir = t.TempDir()
	app, err := compose(dependencies{
		cfg:      cfg,
		logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		registry: prometheus.NewRegistry(),
		pool:     pool,
		build:    buildInfo{Version: "test"},
	})
	if err != nil {
		t.Fatalf("compose: %v", err)
	}
	server := httptest.NewServer(app.handler)
	t.Cleanup(server.Close)
	return server, app
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

func readyChecks(t *testing.T, body string) readyResponse {
	t.Helper()
	var response readyResponse
	if err := json.Unmarshal([]byte(body), &response); err != nil {
		t.Fatalf("/readyz body %q is not JSON: %v", body, err)
	}
	return response
}

func TestComposeHealthEndpoints(t *testing.T) {
	t.Parallel()
	server := composeTest(t, pgtest.New(t))

	code, body := get(t, server.URL+"/healthz")
	if code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}

	code, body = get(t, server.URL+"/readyz")
	if code != http.StatusOK {
		t.Errorf("/readyz status = %d, want 200; body %s", code, body)
	}
	ready := readyChecks(t, body)
	if ready.Status != "ready" || ready.Checks["database"] != "ok" || ready.Checks["migrations"] != "ok" {
		t.Errorf("/readyz = %+v, want ready with database and migrations ok", ready)
	}

	code, body = get(t, server.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics status = %d", code)
	}
	for _, want := range []string{
		`switchboard_build_info{goversion="",revision="",version="test"} 1`,
		`switchboard_ready{check="database"} 1`,
		`switchboard_ready{check="migrations"} 1`,
		"go_goroutines ",
		"promhttp_metric_handler_requests_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// The node's API and desk serve every other path.
	if code, _ := get(t, server.URL+"/api/v1/me"); code != http.StatusUnauthorized {
		t.Errorf("/api/v1/me without a session = %d, want 401", code)
	}
	if code, body := get(t, server.URL+"/"); code != http.StatusOK || !strings.Contains(strings.ToLower(body), "<html") {
		t.Errorf("/ = %d, want 200 with the desk's page; body %.200s", code, body)
	}
}

func TestReadyzMigrationsBehind(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewEmpty(t)
	server := composeTest(t, pool)

	code, body := get(t, server.URL+"/readyz")
	ready := readyChecks(t, body)
	if code != http.StatusServiceUnavailable || ready.Checks["migrations"] != "pending" || ready.Checks["database"] != "ok" {
		t.Fatalf("/readyz on an empty database = %d %+v, want 503 with migrations pending", code, ready)
	}

	// One migration short of current is still behind.
	ctx := context.Background()
	if _, err := storage.Migrate(ctx, pool, storage.MigrateUp); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Migrate(ctx, pool, storage.MigrateDownOne); err != nil {
		t.Fatal(err)
	}
	code, body = get(t, server.URL+"/readyz")
	if ready := readyChecks(t, body); code != http.StatusServiceUnavailable || ready.Checks["migrations"] != "pending" {
		t.Fatalf("/readyz one migration behind = %d %+v, want 503 pending", code, ready)
	}

	if _, err := storage.Migrate(ctx, pool, storage.MigrateUp); err != nil {
		t.Fatal(err)
	}
	if code, body := get(t, server.URL+"/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz after migrating = %d %s, want 200", code, body)
	}
}

func TestReadyzDatabaseUnreachable(t *testing.T) {
	t.Parallel()
	// A listener that is closed at once leaves a port nothing listens on.
	closed := httptest.NewServer(http.NotFoundHandler())
	address := strings.TrimPrefix(closed.URL, "http://")
	closed.Close()

	pool, err := pgxpool.New(context.Background(), "postgres://switchboard:x@"+address+"/switchboard?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	server := composeTest(t, pool)

	start := time.Now()
	code, body := get(t, server.URL+"/readyz")
	ready := readyChecks(t, body)
	if code != http.StatusServiceUnavailable || ready.Status != "not ready" || ready.Checks["database"] != "unreachable" {
		t.Errorf("/readyz with the database down = %d %+v, want 503 database unreachable", code, ready)
	}
	if elapsed := time.Since(start); elapsed > readinessTimeout+time.Second {
		t.Errorf("/readyz took %v, more than the check timeout %v", elapsed, readinessTimeout)
	}
	if strings.Contains(body, address) || strings.Contains(body, "refused") {
		t.Errorf("/readyz body %q exposes connection details", body)
	}

	// /healthz stays up: the process is alive even when its database is not.
	if code, _ := get(t, server.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with the database down = %d, want 200", code)
	}
	_, metrics := get(t, server.URL+"/metrics")
	if !strings.Contains(metrics, `switchboard_ready{check="database"} 0`) {
		t.Error(`/metrics lacks switchboard_ready{check="database"} 0`)
	}
}

// listeningAddress waits for the "HTTP server listening" log line and returns its address.
func listeningAddress(t *testing.T, stderr *syncBuffer, exited <-chan int) string {
	t.Helper()
	pattern := regexp.MustCompile(`"msg":"HTTP server listening","address":"([^"]+)"`)
	deadline := time.After(2 * time.Minute)
	for {
		if match := pattern.FindStringSubmatch(stderr.String()); match != nil {
			return match[1]
		}
		select {
		case code := <-exited:
			t.Fatalf("switchboard exited with %d before listening; stderr:\n%s", code, stderr.String())
		case <-deadline:
			t.Fatalf("switchboard did not start listening in 2 minutes; stderr:\n%s", stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// startRun runs the command line in-process and returns the server's address and a
// function that cancels it as SIGTERM would and returns the exit code.
func startRun(t *testing.T, args []string, environ ...string) (string, *syncBuffer, *syncBuffer, func() int) {
	t.Helper()
	// Tests stop at once without a drain. A test may still set one in environ, because the
	// last entry of a variable wins.
	environ = append([]string{"SWITCHBOARD_SHUTDOWN_DRAIN=0s"}, environ...)
	env, stdout, stderr := testEnv(append(environ,
		"SWITCHBOARD_HTTP_LISTEN=127.0.0.1:0",
		"SWITCHBOARD_CALL_LOG_SPOOL_DIR="+t.TempDir(),
	)...)
	ctx, cancel := context.WithCancel(context.Background())
	env.signalContext = func(parent context.Context) (context.Context, context.CancelFunc) {
		return ctx, cancel
	}

	exited := make(chan int, 1)
	go func() { exited <- run(args, env) }()
	addr := listeningAddress(t, stderr, exited)

	stopped := false
	var code int
	stop := func() int {
		if !stopped {
			cancel()
			code, stopped = <-exited, true
		}
		return code
	}
	t.Cleanup(func() { stop() })
	return addr, stdout, stderr, stop
}

func TestServeRunsAndStops(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	addr, _, stderr, stop := startRun(t, []string{"serve"}, "SWITCHBOARD_DATABASE_URL="+pool.Config().ConnString())

	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if code, body := get(t, "http://"+addr+path); code != http.StatusOK {
			t.Errorf("%s = %d %s, want 200", path, code, body)
		}
	}

	if code := stop(); code != exitOK {
		t.Fatalf("exit code after shutdown = %d, want 0; stderr:\n%s", code, stderr.String())
	}
	logs := stderr.String()
	for _, want := range []string{`"msg":"starting Switchboard"`, `"msg":"shutdown: signal received"`, `"msg":"shutdown: HTTP server stopped"`, `"msg":"shutdown: closing the database pool"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	if password := pool.Config().ConnConfig.Password; password != "" && strings.Contains(logs, password) {
		t.Error("logs contain the database password")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestServeRejectsPendingMigrations(t *testing.T) {
	t.Parallel()
	_, databaseURL := pgtest.NewEmpty(t)
	for _, tt := range []struct {
		lang string
		want string
	}{
		{"en", `the database schema is behind this version of Switchboard; run "switchboard migrate up"`},
		{"ru", `схема базы данных отстаёт от этой версии Switchboard; выполните "switchboard migrate up"`},
	} {
		env, _, stderr := testEnv("SWITCHBOARD_DATABASE_URL="+databaseURL, "SWITCHBOARD_HTTP_LISTEN=127.0.0.1:0",
			"SWITCHBOARD_LOG_FORMAT=json", "SWITCHBOARD_SHUTDOWN_DRAIN=0s", "SWITCHBOARD_CALL_LOG_SPOOL_DIR="+t.TempDir())
		ctx, cancel := context.WithCancel(context.Background())
		env.signalContext = func(context.Context) (context.Context, context.CancelFunc) { return ctx, cancel }
		exited := make(chan int, 1)
		go func() { exited <- run([]string{"--lang", tt.lang, "serve"}, env) }()

		// A serve that does not check the schema runs until it is stopped.
		var code int
		select {
		case code = <-exited:
		case <-time.After(30 * time.Second):
			cancel()
			code = <-exited
			t.Errorf("%s: serve was still running after 30 s on an unmigrated database", tt.lang)
		}
		cancel()
		if code != exitError {
			t.Errorf("%s: exit code %d, want %d; stderr:\n%s", tt.lang, code, exitError, stderr.String())
		}
		if !strings.Contains(stderr.String(), "switchboard: "+tt.want) {
			t.Errorf("%s: stderr lacks %q:\n%s", tt.lang, tt.want, stderr.String())
		}
		if !strings.Contains(stderr.String(), `"msg":"database migrations are pending; run `+"`switchboard migrate up`"+` before serve"`) {
			t.Errorf("%s: the log lacks the pending migrations error:\n%s", tt.lang, stderr.String())
		}
		if strings.Contains(stderr.String(), "HTTP server listening") {
			t.Errorf("%s: serve listened on an unmigrated database", tt.lang)
		}
	}
}

// TestLoginFromLocalhostOrigin checks that the default origins of a loopback listener let a
// browser that opened http://localhost:<port> log in, while other origins stay rejected.
func TestLoginFromLocalhostOrigin(t *testing.T) {
	t.Parallel()
	server := composeTest(t, pgtest.New(t))

	login := func(origin string) int {
		req, err := http.NewRequest(http.MethodPost, server.URL+"/api/v1/session", strings.NewReader(`{"login":"nobody","password":"wrong-password"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// composeTest serves config.Default(), whose http.listen is 127.0.0.1:8080.
	for _, origin := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"} {
		if code := login(origin); code != http.StatusUnauthorized {
			t.Errorf("login with wrong credentials from %s = %d, want 401 (the origin accepted)", origin, code)
		}
	}
	for _, origin := range []string{"http://localhost:9090", "http://crm.example.com"} {
		if code := login(origin); code != http.StatusForbidden {
			t.Errorf("login from %s = %d, want 403 foreign origin", origin, code)
		}
	}
}

func TestServeShutdownWaitsForRequests(t *testing.T) {
	slow := make(chan struct{})
	arrived := make(chan struct{})
	app := &application{
		handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(arrived)
			<-slow
			_, _ = w.Write([]byte("done"))
		}),
		readiness: &readiness{},
	}
	server := newHTTPServer(slog.New(slog.NewTextHandler(io.Discard, nil)), "127.0.0.1:0", app)
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}

	responses := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + server.Addr() + "/slow")
		if err != nil {
			responses <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		responses <- string(body)
	}()
	<-arrived

	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		stopped <- server.Stop(ctx)
	}()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned %v while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}

	close(slow)
	if err := <-stopped; err != nil {
		t.Errorf("Stop = %v, want nil after the request finished", err)
	}
	if body := <-responses; body != "done" {
		t.Errorf("in-flight request got %q, want done", body)
	}
}

func TestServeShutdownGracePeriodEnds(t *testing.T) {
	blocked := make(chan struct{})
	arrived := make(chan struct{})
	t.Cleanup(func() { close(blocked) })
	app := &application{
		handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			close(arrived)
			<-blocked
		}),
		readiness: &readiness{},
	}
	server := newHTTPServer(slog.New(slog.NewTextHandler(io.Discard, nil)), "127.0.0.1:0", app)
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		if resp, err := http.Get("http://" + server.Addr() + "/"); err == nil {
			resp.Body.Close()
		}
	}()
	<-arrived

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := server.Stop(ctx)
	if err == nil {
		t.Error("Stop = nil, want the grace period's deadline error")
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Stop took %v with a 300 ms grace period", elapsed)
	}
}

func TestReadyzStoppingAnswers503(t *testing.T) {
	t.Parallel()
	server, app := composeTestApp(t, pgtest.New(t))
	app.readiness.stopping.Store(true)

	code, body := get(t, server.URL+"/readyz")
	if ready := readyChecks(t, body); code != http.StatusServiceUnavailable || ready.Status != "stopping" {
		t.Errorf("/readyz while stopping = %d %+v, want 503 stopping", code, ready)
	}
}

func TestMetricsBearerToken(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

	open := requireBearer("", ok)
	rec := httptest.NewRecorder()
	open.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("no token configured: status %d, want 200", rec.Code)
	}

	guarded := requireBearer("s3cret+token", ok)
	for _, tc := range []struct {
		name   string
		header string
		want   int
	}{
		{"no header", "", http.StatusUnauthorized},
		{"wrong token", "Bearer nope", http.StatusUnauthorized},
		{"basic scheme", "Basic s3cret+token", http.StatusUnauthorized},
		{"right token", "Bearer s3cret+token", http.StatusOK},
	} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		rec := httptest.NewRecorder()
		guarded.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, rec.Code, tc.want)
		}
	}
}
