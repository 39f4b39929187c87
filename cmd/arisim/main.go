// Command arisim serves an Asterisk 22 ARI simulator for tests and the demo: the REST API and
// events WebSocket under /ari/, and a control API under /control/ that makes customer calls arrive,
// answers simulated phones and injects faults.
//
// Credentials come from flags or the environment (ARISIM_USER, ARISIM_PASSWORD or
// ARISIM_PASSWORD_FILE). Without a password it uses the development default user "switchboard"
// with password "switchboard" and logs a warning; never expose it beyond loopback like that.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/switchboard-cc/switchboard/arisim"
)

// devPassword is the documented development password used when none is configured.
const devPassword = "switchboard"

type options struct {
	listen       string
	user         string
	password     string
	passwordFile string
	app          string
	rulesFile    string
	timeScale    float64
	logLevel     string
	trafficRate  float64
	callersFile  string
	trafficSeed  uint64
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("arisim", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.listen, "listen", envOr("ARISIM_LISTEN", "127.0.0.1:8088"), "address to listen on (host:port); loopback by default")
	fs.StringVar(&o.user, "user", envOr("ARISIM_USER", "switchboard"), "ARI user name")
	fs.StringVar(&o.password, "password", os.Getenv("ARISIM_PASSWORD"), "ARI password (prefer ARISIM_PASSWORD or -password-file)")
	fs.StringVar(&o.passwordFile, "password-file", os.Getenv("ARISIM_PASSWORD_FILE"), "file holding the ARI password")
	fs.StringVar(&o.app, "app", envOr("ARISIM_APP", "switchboard"), "Stasis application of simulated customer calls that name none")
	fs.StringVar(&o.rulesFile, "rules", os.Getenv("ARISIM_RULES"), "JSON file of endpoint rules (default: the built-in sim-* contexts and PJSIP 1001-1010)")
	fs.Float64Var(&o.timeScale, "time-scale", 1, "multiplier for every simulated delay; 0.1 runs ten times faster than real time")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.Float64Var(&o.trafficRate, "traffic-rate", 0, "simulated inbound calls per minute (Poisson arrivals to DIDs 100 and 200); 0 turns traffic off")
	fs.StringVar(&o.callersFile, "traffic-callers", "", "file of callers for simulated traffic, one \"number,name\" per line; without it every caller is unknown")
	fs.Uint64Var(&o.trafficSeed, "traffic-seed", 0, "seed of the simulated traffic, for a repeatable run; 0 picks one")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "arisim: invalid -log-level %q: use debug, info, warn or error\n", o.logLevel)
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, o, log); err != nil {
		log.Error("arisim stopped", "error", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, o options, log *slog.Logger) error {
	password, err := loadPassword(o, log)
	if err != nil {
		return err
	}
	if o.timeScale <= 0 {
		return fmt.Errorf("invalid -time-scale %v: must be greater than 0", o.timeScale)
	}
	var rules []arisim.Rule
	if o.rulesFile != "" {
		data, err := os.ReadFile(o.rulesFile)
		if err != nil {
			return fmt.Errorf("read endpoint rules: %w", err)
		}
		if rules, err = arisim.ParseRules(data); err != nil {
			return fmt.Errorf("endpoint rules %s: %w", o.rulesFile, err)
		}
	}

	sim := arisim.New(arisim.Options{
		Users:      []arisim.Credential{{Username: o.user, Password: password}},
		Clock:      arisim.RealClock{Scale: o.timeScale},
		Rules:      rules,
		DefaultApp: o.app,
		Logger:     log,
	})
	defer sim.Close()

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	log.Info("arisim started", "address", ln.Addr().String(), "user", o.user, "default_app", o.app,
		"time_scale", o.timeScale, "asterisk_version", arisim.AsteriskVersion)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	var traffic *arisim.Traffic
	if o.trafficRate > 0 {
		if traffic, err = startTraffic(sim, o); err != nil {
			_ = srv.Close()
			return err
		}
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	log.Info("arisim stopping")
	if traffic != nil {
		traffic.Stop()
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Hijacked WebSocket connections are not tracked by Shutdown; sim.Close (deferred) ends them.
	sim.DropWebSockets()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down HTTP server: %w", err)
	}
	log.Info("arisim stopped")
	return nil
}

func startTraffic(sim *arisim.Server, o options) (*arisim.Traffic, error) {
	var callers []arisim.Caller
	if o.callersFile != "" {
		data, err := os.ReadFile(o.callersFile)
		if err != nil {
			return nil, fmt.Errorf("read traffic callers: %w", err)
		}
		if callers, err = arisim.ParseCallers(string(data)); err != nil {
			return nil, fmt.Errorf("traffic callers %s: %w", o.callersFile, err)
		}
	}
	unknown := 0.2
	if len(callers) == 0 {
		unknown = 1
	}
	traffic, err := sim.StartTraffic(arisim.TrafficOptions{
		CallsPerMinute: o.trafficRate, App: o.app, Callers: callers, UnknownShare: unknown, Seed: o.trafficSeed,
	})
	if err != nil {
		return nil, fmt.Errorf("start traffic: %w", err)
	}
	return traffic, nil
}

func loadPassword(o options, log *slog.Logger) (string, error) {
	if o.passwordFile != "" {
		data, err := os.ReadFile(o.passwordFile)
		if err != nil {
			return "", fmt.Errorf("read password file: %w", err)
		}
		if p := strings.TrimRight(string(data), "\r\n"); p != "" {
			return p, nil
		}
		return "", fmt.Errorf("password file %s is empty", o.passwordFile)
	}
	if o.password != "" {
		return o.password, nil
	}
	log.Warn("no ARI password configured, using the development default; set ARISIM_PASSWORD for anything but local development")
	return devPassword, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
