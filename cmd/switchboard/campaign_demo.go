package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/storage"
)

// demoCampaignLeads is the number of demo contacts the demo campaign calls.
const demoCampaignLeads = 5

// seedDemoCampaign creates the draft campaign "demo" in the sales queue with the phones of the
// first demo contacts, so a marketer can start it from the command line and watch the
// simulated customers answer. It runs once, right after the demo data is seeded.
func seedDemoCampaign(ctx context.Context, pool *pgxpool.Pool) error {
	c, err := storage.NewCampaigns(pool).Create(ctx, storage.Campaign{
		Name: "demo", Queue: "sales", Policy: storage.PolicyProgressive, AbandonTarget: 3, MaxLines: 2,
		TimeZone: "UTC", MaxAttempts: 2, RetryDelay: time.Minute,
	})
	if err != nil {
		return fmt.Errorf("create the demo campaign: %w", err)
	}
	rows, err := pool.Query(ctx, `SELECT DISTINCT ON (contact_id) e164, raw FROM phones ORDER BY contact_id, id LIMIT $1`, demoCampaignLeads)
	if err != nil {
		return fmt.Errorf("read demo phones: %w", err)
	}
	leads, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (storage.Lead, error) {
		var l storage.Lead
		err := r.Scan(&l.Phone, &l.PhoneRaw)
		return l, err
	})
	if err != nil {
		return fmt.Errorf("read demo phones: %w", err)
	}
	if _, err := storage.NewLeads(pool).Add(ctx, c.ID, leads); err != nil {
		return fmt.Errorf("add demo campaign leads: %w", err)
	}
	return nil
}
