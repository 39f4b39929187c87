package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/arisim"
	"github.com/switchboard-cc/switchboard/config"
	"github.com/switchboard-cc/switchboard/demo"
)

// Demo simulator settings come from the environment only: they exist for the demo and its
// browser test, not for a production node.
const (
	envDemoARIListen      = "SWITCHBOARD_DEMO_ARISIM_LISTEN"    // default 127.0.0.1:0, a free port
	envDemoTraffic        = "SWITCHBOARD_DEMO_TRAFFIC"          // "on" (default) or "off"
	envDemoCallsPerMinute = "SWITCHBOARD_DEMO_CALLS_PER_MINUTE" // default 4
)

// demoSimulator is the demo's stand-in for Asterisk: an in-process arisim whose agent phones
// the desk's Answer button picks up, and optional random inbound traffic from demo contacts.
type demoSimulator struct {
	sim     *arisim.Server
	http    *http.Server
	traffic *arisim.Traffic
	ari     config.ARIServer
	url     string
	log     *slog.Logger
}

// demoARIInfo is written beside the logins file so that scripts (the browser test) can drive
// the simulator's control API.
type demoARIInfo struct {
	URL      string `json:"url"`
	Username string `json:"username"`
	Password string `json:"password"`
}

func startDemoSimulator(env processEnv, logger *slog.Logger, loginsPath string) (*demoSimulator, error) {
	listen := env.getenv(envDemoARIListen)
	if listen == "" {
		listen = "127.0.0.1:0"
	}

	secret := make([]byte, 18)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("generate the simulator password: %w", err)
	}
	password := base64.RawURLEncoding.EncodeToString(secret)
	const username = "switchboard"

	// The agents' phones ring until the desk answers them; the supervisor's phone, which the
	// wallboard has no answer button for, picks up after a second.
	phones := []string{strings.TrimPrefix(demo.DemoSupervisorPhone, "PJSIP/")}
	for i := 1001; i <= 1010; i++ {
		phones = append(phones, strconv.Itoa(i))
	}
	rules := append(arisim.DefaultRules(), arisim.Rule{Pattern: demo.DemoSupervisorPhone, Behaviour: arisim.Answer, AnswerAfter: time.Second})
	sim := arisim.New(arisim.Options{
		Users:          []arisim.Credential{{Username: username, Password: password}},
		DefaultApp:     "switchboard",
		Rules:          rules,
		PJSIPEndpoints: phones,
		Logger:         logger.With("component", "arisim"),
	})

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		sim.Close()
		return nil, fmt.Errorf("listen for the demo's Asterisk simulator on %s (%s): %w", listen, envDemoARIListen, err)
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("demo Asterisk simulator stopped", "error", err)
		}
	}()

	url := "http://" + ln.Addr().String()
	d := &demoSimulator{
		sim: sim, http: srv, url: url, log: logger,
		ari: config.ARIServer{Name: "demo", URL: url + "/ari", Username: username, Password: config.Secret(password), Application: "switchboard"},
	}

	info, err := json.Marshal(demoARIInfo{URL: url, Username: username, Password: password})
	if err != nil {
		d.Close()
		return nil, err
	}
	infoPath := filepath.Join(filepath.Dir(loginsPath), "demo-arisim.json")
	if err := os.WriteFile(infoPath, info, 0o600); err != nil {
		d.Close()
		return nil, fmt.Errorf("write %s: %w", infoPath, err)
	}
	logger.Info("demo Asterisk simulator listening", "url", url, "credentials", infoPath)
	return d, nil
}

// AnswerPhone answers a simulated agent phone, as the agent picking up would.
func (d *demoSimulator) AnswerPhone(_ context.Context, _ string, channelID string) error {
	return d.sim.AnswerChannel(channelID)
}

// startTraffic places random inbound calls from demo contacts (and some unknown numbers)
// unless the environment turns it off.
func (d *demoSimulator) startTraffic(ctx context.Context, env processEnv, pool *pgxpool.Pool) error {
	switch env.getenv(envDemoTraffic) {
	case "", "on":
	case "off":
		d.log.Info("demo traffic is off", "setting", envDemoTraffic)
		return nil
	default:
		return fmt.Errorf("%s=%q: use on or off", envDemoTraffic, env.getenv(envDemoTraffic))
	}

	perMinute := 4.0
	if v := env.getenv(envDemoCallsPerMinute); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return fmt.Errorf("%s=%q: use a positive number of calls per minute", envDemoCallsPerMinute, v)
		}
		perMinute = f
	}

	rows, err := pool.Query(ctx, `
		SELECT p.e164, trim(c.first_name || ' ' || c.last_name)
		FROM phones p JOIN contacts c ON c.id = p.contact_id
		WHERE c.deleted_at IS NULL ORDER BY p.id LIMIT 500`)
	if err != nil {
		return fmt.Errorf("read demo callers: %w", err)
	}
	var callers []arisim.Caller
	for rows.Next() {
		var number, name string
		if err := rows.Scan(&number, &name); err != nil {
			rows.Close()
			return fmt.Errorf("read demo callers: %w", err)
		}
		// Callers present the number without "+", as a Russian trunk does.
		callers = append(callers, arisim.Caller{Number: number[1:], Name: transliterated(name)})
	}
	rows.Close()

	traffic, err := d.sim.StartTraffic(arisim.TrafficOptions{
		CallsPerMinute: perMinute, Callers: callers, UnknownShare: 0.2,
		TalkTime: arisim.Span{Min: 20 * time.Second, Max: 90 * time.Second},
		Patience: arisim.Span{Min: 40 * time.Second, Max: 3 * time.Minute},
	})
	if err != nil {
		return err
	}
	d.traffic = traffic
	return nil
}

// startDemoTraffic reads the demo callers through a short-lived pool and starts the traffic.
func startDemoTraffic(ctx context.Context, env processEnv, cfg config.Config, d *demoSimulator) error {
	pool, err := openDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	return d.startTraffic(ctx, env, pool)
}

// endCalls hangs up the simulated callers at shutdown, while the node still runs, so that
// every demo call ends with its record: the simulator, unlike Asterisk, stops with the process.
func (d *demoSimulator) endCalls() {
	if d.traffic != nil {
		d.traffic.Stop()
	}
	ended := 0
	for _, c := range d.sim.Channels() {
		if len(c.Args) > 0 && c.Args[0] == "inbound" {
			if err := d.sim.Hangup(c.ID, 16); err == nil {
				ended++
			}
		}
	}
	if ended == 0 {
		return
	}
	d.log.Info("shutdown: ending simulated calls", "calls", ended)

	// The node hangs up the agents' legs in turn; wait for that, then for the records.
	deadline := time.Now().Add(3 * time.Second)
	for len(d.sim.Channels()) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
}

// Close stops the traffic and the simulator.
func (d *demoSimulator) Close() {
	if d.traffic != nil {
		d.traffic.Stop()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = d.http.Shutdown(ctx)
	d.sim.Close()
}

// transliterated keeps caller names to ASCII, as a trunk's caller ID usually is; the desk
// shows the CRM's name for known callers anyway.
func transliterated(name string) string {
	for _, r := range name {
		if r > 127 {
			return ""
		}
	}
	return name
}
