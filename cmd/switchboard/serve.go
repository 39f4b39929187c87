package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/switchboard-cc/switchboard/callflow"
	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/storage"
)

func serveCommand(_ *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	return func(ctx context.Context, _ []string) error {
		cfg, logger, err := inv.setup()
		if err != nil {
			return err
		}
		return serve(ctx, cfg, logger, nil)
	}
}

// setup loads the configuration and builds the logger every long-running command uses.
func (inv *invocation) setup() (config.Config, *slog.Logger, error) {
	cfg, err := inv.loadConfig()
	if err != nil {
		return config.Config{}, nil, err
	}
	logger, err := newLogger(cfg.Log, inv.env.stderr, inv.env.stderrIsTerminal)
	if err != nil {
		return config.Config{}, nil, err
	}
	return cfg, logger, nil
}

// serve opens the database (and Redis when configured), composes the application and
// serves HTTP until ctx is cancelled, then stops within cfg.Shutdown.GracePeriod.
// started, when not nil, receives the bound address once the server accepts connections.
func serve(ctx context.Context, cfg config.Config, logger *slog.Logger, started func(addr string)) error {
	return serveWith(ctx, cfg, logger, started, nodeExtras{})
}

// nodeExtras are node parts that only the demo supplies.
type nodeExtras struct {
	// phones answers simulated agent phones, so that the desk's Answer button works.
	phones callflow.PhoneAnswerer
	// beforeNodeStop runs at shutdown while the node still handles calls.
	beforeNodeStop func()
}

// serveWith is serve with the demo's extras.
func serveWith(ctx context.Context, cfg config.Config, logger *slog.Logger, started func(addr string), extras nodeExtras) error {
	build := readBuildInfo()
	logger.Info("starting Switchboard", "version", build.Version, "revision", build.Revision, "config", cfg)

	pool, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		logger.Info("shutdown: closing the database pool")
		pool.Close()
	}()
	if err := checkSchema(ctx, pool, logger); err != nil {
		return err
	}

	var redisClient *redis.Client
	if cfg.Redis.URL != "" {
		options, err := redis.ParseURL(cfg.Redis.URL.Reveal())
		if err != nil {
			return fmt.Errorf("parse redis.url %s: %w", cfg.Redis.URL, err)
		}
		redisClient = redis.NewClient(options)
		defer func() {
			logger.Info("shutdown: closing the Redis client")
			if err := redisClient.Close(); err != nil {
				logger.Warn("shutdown: close the Redis client", "error", err)
			}
		}()
	}

	app, err := compose(dependencies{
		cfg:      cfg,
		logger:   logger,
		registry: prometheus.NewRegistry(),
		pool:     pool,
		redis:    redisClient,
		build:    build,
		extras:   extras,
	})
	if err != nil {
		return err
	}

	server := newHTTPServer(logger, cfg.HTTP.Listen, app)
	if err := server.Start(); err != nil {
		return err
	}

	// The node runs until serve stops it, after the HTTP server has drained, so that desk
	// requests still in flight reach a running call flow.
	nodeCtx, stopNode := context.WithCancel(context.WithoutCancel(ctx))
	defer stopNode()
	nodeDone := make(chan error, 1)
	go func() { nodeDone <- app.node.Run(nodeCtx) }()

	if started != nil {
		started(server.Addr())
	}

	var nodeErr error
	nodeStopped := false
	select {
	case <-ctx.Done():
		logger.Info("shutdown: signal received", "drain", time.Duration(cfg.Shutdown.Drain).String(),
			"grace_period", time.Duration(cfg.Shutdown.GracePeriod).String())
		drain(app.readiness, server, time.Duration(cfg.Shutdown.Drain), logger)
	case <-server.Done():
		logger.Error("HTTP server stopped unexpectedly")
	case nodeErr = <-nodeDone:
		nodeStopped = true
		logger.Error("node stopped unexpectedly", "error", nodeErr)
	}

	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(cfg.Shutdown.GracePeriod))
	defer cancel()
	httpErr := server.Stop(stopCtx)
	if httpErr != nil {
		httpErr = fmt.Errorf("stop HTTP server: %w", httpErr)
	}
	logger.Info("shutdown: HTTP server stopped")

	if !nodeStopped {
		if extras.beforeNodeStop != nil {
			extras.beforeNodeStop()
		}
		logger.Info("shutdown: stopping the node")
		stopNode()
		nodeErr = <-nodeDone
	}
	if nodeErr != nil {
		nodeErr = fmt.Errorf("run node: %w", nodeErr)
	}
	logger.Info("shutdown: node stopped")
	return errors.Join(httpErr, nodeErr)
}

// checkSchema rejects a database whose migrations lag behind this binary. Serving it would
// fail every request that touches a missing table or column, so serve exits and names the
// command that fixes it. A process manager that restarts serve brings it up once the
// migrations are applied.
func checkSchema(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	err := storage.CheckMigrations(ctx, pool)
	if errors.Is(err, storage.ErrMigrationsPending) {
		logger.Error("database migrations are pending; run `switchboard migrate up` before serve")
		return newUserError(func(m *messages) string { return m.servePendingMigrations })
	}
	if err != nil {
		return fmt.Errorf("check database migrations: %w", err)
	}
	return nil
}

// drain marks the node not ready and keeps serving for d, so that load balancers see /readyz
// fail and stop sending new requests before the listener closes. It returns early when the
// server stops on its own.
func drain(ready *readiness, server *httpServer, d time.Duration, logger *slog.Logger) {
	ready.stopping.Store(true)
	if d <= 0 {
		return
	}
	logger.Info("shutdown: draining, /readyz returns 503", "drain", d.String())
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-server.Done():
		logger.Error("HTTP server stopped unexpectedly during the drain")
	}
}
