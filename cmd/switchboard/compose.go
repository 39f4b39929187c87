package main

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	agentui "github.com/switchboard-cc/switchboard/agent-ui"
	"github.com/switchboard-cc/switchboard/api"
	"github.com/switchboard-cc/switchboard/api/loginlimit"
	"github.com/switchboard-cc/switchboard/api/session"
	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/node"
	"github.com/switchboard-cc/switchboard/storage"
)

// dependencies are the shared resources that serve opens once and hands to every
// component. The caller owns them and closes them after the server has stopped.
type dependencies struct {
	cfg      config.Config
	logger   *slog.Logger
	registry *prometheus.Registry
	pool     *pgxpool.Pool
	// redis is nil when no Redis URL is configured.
	redis  *redis.Client
	build  buildInfo
	extras nodeExtras
}

// application is the composed server: the HTTP handler, the readiness state that
// shutdown flips to "stopping", and the node whose Run handles calls (nil in tests that
// compose only the health endpoints).
type application struct {
	handler   http.Handler
	readiness *readiness
	node      *node.Node
}

// compose wires the components of one Switchboard node into an HTTP handler. It is the
// only place that refers to every component: the health endpoints and metrics here, and
// the node (ARI, routing, call flow, API and desk at "/"), whose Run serve starts.
func compose(deps dependencies) (*application, error) {
	if err := registerProcessMetrics(deps.registry, deps.build); err != nil {
		return nil, err
	}

	checks := databaseChecks(migrationPool{deps.pool})
	if deps.redis != nil {
		checks = append(checks, redisCheck(deps.redis))
	}
	ready, err := newReadiness(deps.logger, deps.registry, checks)
	if err != nil {
		return nil, fmt.Errorf("register readiness metrics: %w", err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", ready.serveHealthz)
	mux.HandleFunc("GET /readyz", ready.serveReadyz)
	metrics := promhttp.InstrumentMetricHandler(deps.registry,
		promhttp.HandlerFor(deps.registry, promhttp.HandlerOpts{Registry: deps.registry}))
	mux.Handle("GET /metrics", requireBearer(deps.cfg.HTTP.MetricsToken.Reveal(), metrics))

	// The node serves the API, the WebSocket gateway and the desk at every other path.
	callNode, err := newNode(deps)
	if err != nil {
		return nil, err
	}
	mux.Handle("/", callNode.Handler())

	return &application{handler: mux, readiness: ready, node: callNode}, nil
}

// newNode builds the call-handling node (ARI connections, routing, call flow, call-log
// spool, API and desk) from the configuration.
func newNode(deps dependencies) (*node.Node, error) {
	numbers, err := phone.NewNormalizer(deps.cfg.Phone.DefaultRegion)
	if err != nil {
		return nil, fmt.Errorf("phone.default_region: %w", err)
	}

	servers := make([]cti.ServerConfig, len(deps.cfg.ARI))
	for i, s := range deps.cfg.ARI {
		servers[i] = cti.ServerConfig{
			Name:        s.Name,
			URL:         s.URL,
			Username:    s.Username,
			Password:    s.Password.Reveal(),
			Application: s.Application,
		}
	}

	// With Redis, logins survive a restart, and several nodes share them and the count of
	// failed logins.
	var (
		sessions      session.Store
		loginFailures loginlimit.Counter
	)
	if deps.redis != nil {
		sessions = session.NewRedis(deps.redis, "switchboard:session:", nil)
		loginFailures = loginlimit.NewRedis(deps.redis, "switchboard:login-failures:", api.LoginWindow)
	}

	callNode, err := node.New(node.Options{
		Pool:           deps.pool,
		Numbers:        numbers,
		ARI:            servers,
		SpoolDir:       deps.cfg.CallLog.SpoolDir,
		Queues:         routingQueues(deps.cfg.Queues),
		AllowedOrigins: deps.cfg.HTTP.Origins(),
		SecureCookie:   deps.cfg.HTTP.CookieSecure,
		UI:             agentui.FS(),
		Sessions:       sessions,
		LoginFailures:  loginFailures,
		PhoneAnswerer:  deps.extras.phones,
		Registerer:     deps.registry,
		Logger:         deps.logger,
	})
	if err != nil {
		return nil, fmt.Errorf("assemble the node: %w", err)
	}
	if !agentui.Built() {
		deps.logger.Warn("the agent desk is not built into this binary; run `make build` to include it")
	}
	return callNode, nil
}

// registerProcessMetrics adds the Go runtime, process and build information collectors.
func registerProcessMetrics(registerer prometheus.Registerer, build buildInfo) error {
	buildGauge := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "switchboard",
		Name:      "build_info",
		Help:      "Always 1; the labels carry the version, VCS revision and Go version of the running binary.",
	}, []string{"version", "revision", "goversion"})
	buildGauge.WithLabelValues(build.Version, build.Revision, build.GoVersion).Set(1)

	for _, collector := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildGauge,
	} {
		if err := registerer.Register(collector); err != nil {
			return fmt.Errorf("register process metrics: %w", err)
		}
	}
	return nil
}

// migrationPool adapts a pool to storagePool.
type migrationPool struct{ *pgxpool.Pool }

func (p migrationPool) CheckMigrations(ctx context.Context) error {
	return storage.CheckMigrations(ctx, p.Pool)
}

func redisCheck(client *redis.Client) readinessCheck {
	return readinessCheck{
		name:     "redis",
		run:      func(ctx context.Context) error { return client.Ping(ctx).Err() },
		describe: func(error) string { return "unreachable" },
	}
}

// requireBearer lets a request through only with "Authorization: Bearer <token>"; an empty
// token leaves the handler open, for a node whose HTTP listens on loopback only.
func requireBearer(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics require the bearer token of http.metrics_token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
