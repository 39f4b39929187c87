// Command dialersim compares the pacing policies of dialer/pacing on a grid of
// simulated campaigns and prints a Markdown table of mean utilisation and
// abandonment with 95 % confidence intervals.
//
//	go run ./cmd/dialersim -seeds 10 -parallel 2
//
// The defaults are the reference grid: 10, 30 and 100 agents; live-answer
// probabilities 0.15 and 0.30; abandonment targets 3 %, 2.5 % and 1 %.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-cc/switchboard/dialer/sim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type options struct {
	grid       sim.GridConfig
	hours      float64
	warmUp     time.Duration
	shape      string
	handleMean float64
	handleCV   float64
	lang       string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	text := messages[opts.lang]

	handle, err := sim.NewHandleTime(opts.shape, opts.handleMean, opts.handleCV)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	duration := time.Duration(opts.hours * float64(time.Hour))
	opts.grid.Scenario = func(agents int, p float64, seed uint64) sim.Config {
		cfg := sim.DefaultConfig(agents, p, seed)
		cfg.Handle = handle
		cfg.WarmUp = opts.warmUp
		cfg.Duration = duration
		return cfg
	}

	started := time.Now()
	cells, err := sim.RunGrid(ctx, opts.grid)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", text.failed, err)
		return 1
	}

	fmt.Fprintf(stdout, text.scenario+"\n\n", handle, opts.warmUp, duration, opts.grid.Seeds)
	writeTable(stdout, text, cells)
	fmt.Fprintln(stdout)
	writeChecks(stdout, text, cells)
	fmt.Fprintf(stdout, "\n"+text.elapsed+"\n", time.Since(started).Round(time.Second))
	return 0
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("dialersim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	agents := fs.String("agents", "10,30,100", "comma-separated agent counts")
	probabilities := fs.String("p", "0.15,0.30", "comma-separated live-answer probabilities")
	targets := fs.String("targets", "0.03,0.025,0.01", "comma-separated abandonment targets as ratios")
	opts := options{}
	fs.IntVar(&opts.grid.Seeds, "seeds", 10, "seeds per cell (at least 2)")
	fs.Float64Var(&opts.hours, "hours", 8, "measured hours per run, after the warm-up")
	fs.DurationVar(&opts.warmUp, "warmup", 10*time.Minute, "warm-up before measurement")
	fs.StringVar(&opts.shape, "handle", "lognormal", "handle-time distribution: lognormal or exponential")
	fs.Float64Var(&opts.handleMean, "handle-mean", 180, "mean handle time (talk plus wrap-up) in seconds")
	fs.Float64Var(&opts.handleCV, "handle-cv", 0.8, "coefficient of variation of a lognormal handle time")
	fs.Float64Var(&opts.grid.FixedRatio, "fixed-ratio", 2, "lines per idle agent of the fixed-ratio policy")
	fs.IntVar(&opts.grid.SearchSteps, "search-steps", 6, "refinement rounds of the adaptive-ratio difference-target search after its 11-point scan")
	fs.IntVar(&opts.grid.Parallelism, "parallel", 2, "simulations run at once")
	fs.StringVar(&opts.lang, "lang", "en", "language of the report: en or ru")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}

	var err error
	if opts.grid.Agents, err = parseList(*agents, "agents", strconv.Atoi); err != nil {
		return opts, err
	}
	parseFloat := func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
	if opts.grid.LiveProbabilities, err = parseList(*probabilities, "p", parseFloat); err != nil {
		return opts, err
	}
	if opts.grid.Targets, err = parseList(*targets, "targets", parseFloat); err != nil {
		return opts, err
	}
	if _, ok := messages[opts.lang]; !ok {
		return opts, fmt.Errorf("-lang %q is not supported: use en or ru", opts.lang)
	}
	if !(opts.hours > 0) {
		return opts, fmt.Errorf("-hours %v is invalid: use a positive number of hours", opts.hours)
	}
	return opts, nil
}

func parseList[T any](s, name string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for field := range strings.SplitSeq(s, ",") {
		v, err := parse(strings.TrimSpace(field))
		if err != nil {
			return nil, fmt.Errorf("-%s value %q is invalid: use a comma-separated list of numbers", name, field)
		}
		out = append(out, v)
	}
	return out, nil
}
