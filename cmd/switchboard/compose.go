package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-cc/switchboard/config"
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
	redis *redis.Client
	build buildInfo
}

// application is the composed server: the HTTP handler and the readiness state that
// shutdown flips to "stopping".
type application struct {
	handler   http.Handler
	readiness *readiness
}

// compose wires the components of one Switchboard node into an HTTP handler. It is the
// only place that refers to every component. Each new one (the API and desk at "/", the
// ARI connections, the routing engine) is constructed here from deps and mounted or started.
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
	mux.Handle("GET /metrics", promhttp.InstrumentMetricHandler(deps.registry,
		promhttp.HandlerFor(deps.registry, promhttp.HandlerOpts{Registry: deps.registry})))

	// NOTE: the API and agent desk mount at "/" here once the integration implements the
	// interfaces of api/deps.go, and the ARI servers of cfg.ARI connect here with routing.
	if len(deps.cfg.ARI) > 0 {
		deps.logger.Warn("ARI servers are configured but this version does not connect to them yet",
			"asterisk_nodes", len(deps.cfg.ARI))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	})

	return &application{handler: mux, readiness: ready}, nil
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
