package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/demo"
	"github.com/switchboard-cc/switchboard/storage"
)

func demoCommand(fs *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	logins := fs.String("logins", ".run/demo-logins.txt", inv.msg.flagLogins)
	return func(ctx context.Context, _ []string) error {
		return runDemo(ctx, inv, *logins)
	}
}

// runDemo migrates the database, loads the demo data once, makes sure the logins file
// holds working passwords, prints the URL and logins, and serves.
func runDemo(ctx context.Context, inv *invocation, loginsPath string) error {
	cfg, logger, err := inv.setup()
	if err != nil {
		return err
	}

	logins, err := prepareDemo(ctx, inv, logger, cfg, loginsPath)
	if err != nil {
		return err
	}

	url := "http://" + browserAddress(cfg.HTTP.Listen) + "/"
	if err := demo.WriteLogins(loginsPath, url, logins); err != nil {
		return err
	}

	sim, err := startDemoSimulator(inv.env, logger, loginsPath)
	if err != nil {
		return err
	}
	defer sim.Close()
	cfg.ARI = append(cfg.ARI, sim.ari)

	return serveWith(ctx, cfg, logger, func(addr string) {
		url := "http://" + browserAddress(addr) + "/"
		fmt.Fprintf(inv.env.stdout, inv.msg.demoReady, url, loginsPath)
		for _, l := range logins {
			fmt.Fprintf(inv.env.stdout, inv.msg.demoLogin, l.Role, l.Login, l.Password)
		}
		// The hint names the command that prints the URL, because the URL holds the
		// database password, which stays out of the terminal's scrollback.
		fmt.Fprint(inv.env.stdout, inv.msg.demoCLIHint)
		fmt.Fprintln(inv.env.stdout)

		if err := startDemoTraffic(ctx, inv.env, cfg, sim); err != nil {
			logger.Error("demo traffic not started", "error", err)
		}
	}, nodeExtras{phones: sim, beforeNodeStop: sim.endCalls})
}

// prepareDemo applies migrations, seeds, and returns logins whose passwords work. These are
// the new ones after a first seed, or the saved file's when they still match. When the file
// is missing or stale, because another clone sharing the database reset them, it resets them.
func prepareDemo(ctx context.Context, inv *invocation, logger *slog.Logger, cfg config.Config, loginsPath string) ([]demo.Login, error) {
	pool, err := openDatabase(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer pool.Close()

	steps, err := storage.Migrate(ctx, pool, storage.MigrateUp)
	if err != nil {
		return nil, err
	}
	logger.Info("migrations applied", "count", len(steps))

	result, err := demo.Seed(ctx, pool, demo.Options{Logger: logger})
	if errors.Is(err, demo.ErrNotEmpty) {
		return nil, newUserError(func(m *messages) string { return m.demoNotEmpty })
	}
	if err != nil {
		return nil, err
	}
	if result.Seeded {
		if err := seedDemoCampaign(ctx, pool); err != nil {
			return nil, err
		}
		fmt.Fprintf(inv.env.stdout, inv.msg.demoSeeded, result.Counts.Contacts, result.Counts.Companies, result.Counts.Interactions)
		return result.Logins, nil
	}

	fmt.Fprint(inv.env.stdout, inv.msg.demoExisting)
	saved, err := demo.ReadLogins(loginsPath)
	if err != nil {
		return nil, err
	}
	valid, err := demo.CheckLogins(ctx, pool, saved)
	if err != nil {
		return nil, err
	}
	if valid {
		return saved, nil
	}
	logins, err := demo.ResetPasswords(ctx, pool)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(inv.env.stdout, inv.msg.demoReissued)
	return logins, nil
}

// browserAddress returns addr with an unspecified host (":8080", "0.0.0.0:8080")
// replaced by the loopback address, which a browser on this machine can open.
func browserAddress(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
