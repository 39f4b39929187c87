package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/switchboard-cc/switchboard/storage"
)

// readinessTimeout bounds each check, so a hung database makes /readyz return "timeout"
// instead of hanging. Probes need a longer timeout than this (Kubernetes defaults to 1 s).
const readinessTimeout = 2 * time.Second

// readinessCheck is one dependency /readyz verifies. run returns nil when it is usable.
type readinessCheck struct {
	name string
	run  func(ctx context.Context) error
	// describe turns a failure into the short status shown in /readyz, without details that
	// belong in the log (hosts, error text).
	describe func(err error) string
}

// readiness serves /healthz and /readyz. /healthz only reports that the process serves
// HTTP. /readyz runs every check and returns 503 when one fails or the server is stopping.
type readiness struct {
	checks   []readinessCheck
	logger   *slog.Logger
	ready    *prometheus.GaugeVec
	stopping atomic.Bool

	// mu guards failing: the checks whose last run failed, so that a failure and the
	// recovery are each logged once instead of on every probe.
	mu      sync.Mutex
	failing map[string]bool
}

func newReadiness(logger *slog.Logger, registerer prometheus.Registerer, checks []readinessCheck) (*readiness, error) {
	ready := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "switchboard",
		Name:      "ready",
		Help:      "1 when the last /readyz run of the check succeeded, 0 when it failed.",
	}, []string{"check"})
	if err := registerer.Register(ready); err != nil {
		return nil, err
	}
	return &readiness{checks: checks, logger: logger, ready: ready, failing: map[string]bool{}}, nil
}

// readyResponse is the JSON body of /readyz.
type readyResponse struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

func (r *readiness) serveHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

func (r *readiness) serveReadyz(w http.ResponseWriter, req *http.Request) {
	results := r.runChecks(req.Context())

	response := readyResponse{Status: "ready", Checks: results}
	code := http.StatusOK
	for _, status := range results {
		if status != "ok" {
			response.Status, code = "not ready", http.StatusServiceUnavailable
		}
	}
	if r.stopping.Load() {
		// Shutdown closes the listener at once, so only a probe already on an open
		// connection gets here; it learns that the node is going away.
		response.Status, code = "stopping", http.StatusServiceUnavailable
	}

	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(response)
}

// runChecks runs every check concurrently, each bounded by readinessTimeout, and returns
// the status of each by name.
func (r *readiness) runChecks(ctx context.Context) map[string]string {
	statuses := make([]string, len(r.checks))
	var wg sync.WaitGroup
	for i, check := range r.checks {
		wg.Go(func() {
			checkCtx, cancel := context.WithTimeout(ctx, readinessTimeout)
			defer cancel()

			err := check.run(checkCtx)
			statuses[i] = "ok"
			if err != nil {
				statuses[i] = check.describe(err)
				if errors.Is(err, context.DeadlineExceeded) {
					statuses[i] = "timeout"
				}
			}
			r.record(check.name, err)
		})
	}
	wg.Wait()

	results := make(map[string]string, len(r.checks))
	for i, check := range r.checks {
		results[check.name] = statuses[i]
	}
	return results
}

// record updates the gauge and logs a change between passing and failing.
func (r *readiness) record(name string, err error) {
	if err != nil {
		r.ready.WithLabelValues(name).Set(0)
	} else {
		r.ready.WithLabelValues(name).Set(1)
	}

	r.mu.Lock()
	wasFailing := r.failing[name]
	r.failing[name] = err != nil
	r.mu.Unlock()

	switch {
	case err != nil && !wasFailing:
		r.logger.Warn("readiness check failed", "check", name, "error", err)
	case err == nil && wasFailing:
		r.logger.Info("readiness check passes again", "check", name)
	}
}

// databaseChecks returns the PostgreSQL checks: reachable, and schema current.
func databaseChecks(pool storagePool) []readinessCheck {
	return []readinessCheck{
		{
			name:     "database",
			run:      pool.Ping,
			describe: func(error) string { return "unreachable" },
		},
		{
			name: "migrations",
			run:  pool.CheckMigrations,
			describe: func(err error) string {
				if errors.Is(err, storage.ErrMigrationsPending) {
					return "pending"
				}
				return "failed"
			},
		},
	}
}

// storagePool is the part of the database readiness needs.
type storagePool interface {
	Ping(ctx context.Context) error
	CheckMigrations(ctx context.Context) error
}
