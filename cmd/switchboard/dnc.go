package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/storage"
)

func dncCommand(fs *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	var reason string
	fs.StringVar(&reason, "reason", "", campaignText(inv.lang).flagReason)

	return func(ctx context.Context, args []string) error {
		sub := args[0]
		switch {
		case sub != "add" && sub != "remove" && sub != "list":
			return usageError{newCampaignError(func(m *campaignMessages) string { return m.unknownSubcommand }, sub, "dnc")}
		case sub == "list" && len(args) != 1:
			return argumentCount("dnc", args, 1)
		case sub != "list" && len(args) != 2:
			return argumentCount("dnc", args, 2)
		}

		cfg, err := inv.loadConfig()
		if err != nil {
			return err
		}
		var number string
		if sub != "list" {
			numbers, err := phone.NewNormalizer(cfg.Phone.DefaultRegion)
			if err != nil {
				return err
			}
			n, err := numbers.Parse(args[1])
			if err != nil {
				return newPhoneError(args[1], err)
			}
			number = n.E164
		}
		pool, err := openDatabase(ctx, cfg)
		if err != nil {
			return err
		}
		defer pool.Close()

		text, repo := campaignText(inv.lang), storage.NewDNC(pool)
		switch sub {
		case "add":
			if _, err := repo.Add(ctx, number, reason); err != nil {
				return campaignStoreError(err, "")
			}
			fmt.Fprintf(inv.env.stdout, text.dncAdded, number)
		case "remove":
			err := repo.Remove(ctx, number)
			if errors.Is(err, crm.ErrNotFound) {
				return newCampaignError(func(m *campaignMessages) string { return m.dncMissing }, number)
			}
			if err != nil {
				return campaignStoreError(err, "")
			}
			fmt.Fprintf(inv.env.stdout, text.dncRemoved, number)
		default:
			entries, err := repo.List(ctx)
			if err != nil {
				return campaignStoreError(err, "")
			}
			if len(entries) == 0 {
				fmt.Fprint(inv.env.stdout, text.dncEmpty)
				return nil
			}
			w := tabwriter.NewWriter(inv.env.stdout, 0, 0, 2, ' ', 0)
			for _, e := range entries {
				fmt.Fprintf(w, "%s\t%s\t%s\n", e.Phone, e.AddedAt.UTC().Format("2006-01-02 15:04"), e.Reason)
			}
			return w.Flush()
		}
		return nil
	}
}
