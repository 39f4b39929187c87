package storage

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open connects to the PostgreSQL server at url (a postgres:// URL or a key=value
// connection string), checks the connection with a ping and returns the pool.
// The caller closes the pool. Pool settings go in the URL's query, as pgxpool reads them
// (pool_max_conns=20, pool_max_conn_lifetime=1h, ...).
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message can quote the URL, password included, so it is not wrapped.
		return nil, fmt.Errorf("invalid PostgreSQL URL %s: expected postgres://user:password@host:port/database", redactURL(url))
	}

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL pool for %s: %w", redactURL(url), err)
	}

	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", redactURL(url), err)
	}
	return pool, nil
}

// redactURL returns url with its password replaced, for error messages and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "(connection string)"
	}
	return u.Redacted()
}
