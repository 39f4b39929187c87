package main

import (
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/demo"
	"github.com/switchboard-cc/switchboard/storage/pgtest"
)

// The demo's agents are assigned only to queues the demo's node serves, because an agent
// assigned only to queues the node does not serve cannot become available.
func TestDemoAgentsServeDemoQueues(t *testing.T) {
	t.Parallel()
	pool := pgtest.New(t)
	if _, err := demo.Seed(t.Context(), pool, demo.Options{}); err != nil {
		t.Fatalf("seed demo data: %v", err)
	}

	rows, err := pool.Query(t.Context(), `SELECT DISTINCT queue FROM user_queues ORDER BY queue`)
	if err != nil {
		t.Fatal(err)
	}
	assigned, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(assigned) == 0 {
		t.Fatal("no demo agent is assigned to a queue")
	}
	served := configuredQueueNames(config.Default())
	for _, queue := range assigned {
		if !slices.Contains(served, queue) {
			t.Errorf("demo agents are assigned to queue %q, which the demo node does not serve (it serves %q)", queue, served)
		}
	}
}
