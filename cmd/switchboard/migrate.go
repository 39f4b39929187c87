package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/storage"
)

func migrateCommand(fs *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	yes := fs.Bool("yes", false, inv.msg.flagYes)
	return func(ctx context.Context, args []string) error {
		action := args[0]
		var direction storage.Direction
		if action != "status" {
			parsed, err := storage.ParseDirection(action)
			if err != nil {
				return invalidArgument("migrate", action)
			}
			direction = parsed
		}

		cfg, err := inv.loadConfig()
		if err != nil {
			return err
		}
		// Every down section drops tables or columns, or rewrites rows, so a rollback of
		// even one migration loses data.
		if action != "status" && direction != storage.MigrateUp && !*yes {
			if err := confirmRollback(inv, action, databaseName(cfg)); err != nil {
				return err
			}
		}
		pool, err := openDatabase(ctx, cfg)
		if err != nil {
			return err
		}
		defer pool.Close()

		if action == "status" {
			return migrationStatus(ctx, inv, pool)
		}
		steps, err := storage.Migrate(ctx, pool, direction)
		printSteps(inv, steps)
		return err
	}
}

// confirmRollback asks the person at a terminal to type the database name before a rollback
// deletes data. Without a terminal there is nobody to ask, so it rejects the command and names
// --yes. Standard input from /dev/null counts as a terminal (see processEnv.stdinIsTerminal),
// but reading it returns end of file, which rejects the command too.
func confirmRollback(inv *invocation, action, database string) error {
	if !inv.env.stdinIsTerminal {
		return usageError{newUserError(func(m *messages) string { return m.migrateNeedsYes }, action)}
	}
	fmt.Fprintf(inv.env.stderr, inv.msg.migrateConfirmPrompt, action, database)

	line, err := bufio.NewReader(inv.env.stdin).ReadString('\n')
	typed := strings.TrimSpace(line)
	if typed == "" && err != nil {
		fmt.Fprintln(inv.env.stderr)
		return usageError{newUserError(func(m *messages) string { return m.migrateNoConfirmation }, action)}
	}
	if typed != database {
		return usageError{newUserError(func(m *messages) string { return m.migrateNotConfirmed }, typed, database)}
	}
	return nil
}

// databaseName returns the database that database.url names. Without a name in the URL,
// PostgreSQL uses the user name, and so does this. Load has validated the URL.
func databaseName(cfg config.Config) string {
	parsed, err := pgxpool.ParseConfig(cfg.Database.URL.Reveal())
	if err != nil {
		return ""
	}
	if parsed.ConnConfig.Database != "" {
		return parsed.ConnConfig.Database
	}
	return parsed.ConnConfig.User
}

// openDatabase connects to database.url. storage.Open's error names the redacted URL.
func openDatabase(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	pool, err := storage.Open(ctx, cfg.Database.URL.Reveal())
	if err != nil {
		return nil, newUserError(func(m *messages) string { return m.databaseFailed }, err)
	}
	return pool, nil
}

// migrationStatus lists every migration with its state and fails when any is pending, so
// scripts can test the exit code.
func migrationStatus(ctx context.Context, inv *invocation, pool *pgxpool.Pool) error {
	states, err := storage.MigrationStatus(ctx, pool)
	if err != nil {
		return err
	}

	pending := 0
	for _, state := range states {
		if state.Applied {
			fmt.Fprintf(inv.env.stdout, inv.msg.migrateStateApplied, state.Version, path.Base(state.File),
				state.AppliedAt.UTC().Format(time.DateTime))
		} else {
			pending++
			fmt.Fprintf(inv.env.stdout, inv.msg.migrateStatePending, state.Version, path.Base(state.File))
		}
	}

	if pending > 0 {
		return newUserError(func(m *messages) string { return m.migratePending }, pending)
	}
	fmt.Fprint(inv.env.stdout, inv.msg.migrateCurrent)
	return nil
}

// printSteps lists the migrations run, including those done before a failure.
func printSteps(inv *invocation, steps []storage.MigrationStep) {
	if len(steps) == 0 {
		fmt.Fprint(inv.env.stdout, inv.msg.migrateNothing)
		return
	}
	for _, step := range steps {
		format := inv.msg.migrateApplied
		if !step.Up {
			format = inv.msg.migrateRolledBack
		}
		fmt.Fprintf(inv.env.stdout, format, step.Version, path.Base(step.File), step.Duration.Round(1e6))
	}
}
