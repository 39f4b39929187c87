package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/switchboard-cc/switchboard/crm"
	"github.com/switchboard-cc/switchboard/crm/phone"
	"github.com/switchboard-cc/switchboard/dialer/leads"
	"github.com/switchboard-cc/switchboard/storage"
)

// campaignAddOptions are the options only "campaign add" accepts.
var campaignAddOptions = []string{"queue", "policy", "abandon-target", "max-lines", "window", "time-zone", "max-attempts", "retry-delay"}

// campaignArgs is the number of positional arguments of each subcommand, itself included.
var campaignArgs = map[string]int{"add": 2, "leads": 3, "start": 2, "pause": 2, "stop": 2, "list": 1, "status": 2}

func campaignCommand(fs *flag.FlagSet, inv *invocation) func(context.Context, []string) error {
	c := storage.Campaign{
		Policy: storage.PolicyProgressive, AbandonTarget: 3, MaxLines: 10,
		WindowStart: 9 * time.Hour, WindowEnd: 21 * time.Hour, TimeZone: "Europe/Moscow",
		MaxAttempts: 3, RetryDelay: 30 * time.Minute,
	}
	text := func() *campaignMessages { return campaignText(inv.lang) }

	fs.StringVar(&c.Queue, "queue", "", text().flagQueue)
	fs.Func("policy", text().flagPolicy, func(v string) error {
		c.Policy = storage.PacingPolicy(v)
		if c.Policy != storage.PolicyProgressive && c.Policy != storage.PolicyPredictive {
			return inv.rejectOption(newCampaignError(func(m *campaignMessages) string { return m.badPolicy }, v))
		}
		return nil
	})
	fs.Func("abandon-target", text().flagAbandonTarget, func(v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 || f > 100 {
			return inv.rejectOption(newCampaignError(func(m *campaignMessages) string { return m.badNumber }, v, "--abandon-target"))
		}
		c.AbandonTarget = f
		return nil
	})
	fs.Func("max-lines", text().flagMaxLines, intOption(inv, "--max-lines", 1, 1000, &c.MaxLines))
	fs.Func("max-attempts", text().flagMaxAttempts, intOption(inv, "--max-attempts", 1, 20, &c.MaxAttempts))
	fs.Func("retry-delay", text().flagRetryDelay, func(v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return inv.rejectOption(newCampaignError(func(m *campaignMessages) string { return m.badNumber }, v, "--retry-delay"))
		}
		c.RetryDelay = d
		return nil
	})
	fs.Func("window", text().flagWindow, func(v string) error {
		start, end, err := parseWindow(v)
		if err != nil {
			return inv.rejectOption(newCampaignError(func(m *campaignMessages) string { return m.badWindow }, v))
		}
		c.WindowStart, c.WindowEnd = start, end
		return nil
	})
	fs.StringVar(&c.TimeZone, "time-zone", c.TimeZone, text().flagTimeZone)

	return func(ctx context.Context, args []string) error {
		given := make(map[string]bool)
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		sub := args[0]
		want, ok := campaignArgs[sub]
		if !ok {
			return usageError{newCampaignError(func(m *campaignMessages) string { return m.unknownSubcommand }, sub, "campaign")}
		}
		if len(args) != want {
			return argumentCount("campaign", args, want)
		}
		if sub != "add" {
			for _, name := range slices.Sorted(maps.Keys(given)) {
				if slices.Contains(campaignAddOptions, name) {
					return usageError{newUserError(userMessage(func(u *userMessages) string { return u.optionNotAccepted }),
						"--"+name, "switchboard campaign "+sub, "switchboard help campaign")}
				}
			}
		}
		if sub == "add" && c.Queue == "" {
			return usageError{newCampaignError(func(m *campaignMessages) string { return m.missingQueue })}
		}
		if sub == "add" {
			c.Name = args[1]
			if err := checkCampaign(c); err != nil {
				return usageError{err}
			}
		}

		cfg, err := inv.loadConfig()
		if err != nil {
			return err
		}
		pool, err := openDatabase(ctx, cfg)
		if err != nil {
			return err
		}
		defer pool.Close()

		switch sub {
		case "add":
			if queues := configuredQueueNames(cfg); !slices.Contains(queues, c.Queue) {
				return usageError{newCampaignError(func(m *campaignMessages) string { return m.unknownQueue },
					c.Queue, strings.Join(queues, ", "))}
			}
			return addCampaign(ctx, inv, pool, c)
		case "leads":
			numbers, err := phone.NewNormalizer(cfg.Phone.DefaultRegion)
			if err != nil {
				return err
			}
			return loadLeads(ctx, inv, pool, numbers, args[1], args[2])
		case "start":
			return setCampaignStatus(ctx, inv, pool, args[1], storage.CampaignRunning)
		case "pause":
			return setCampaignStatus(ctx, inv, pool, args[1], storage.CampaignPaused)
		case "stop":
			return setCampaignStatus(ctx, inv, pool, args[1], storage.CampaignDone)
		case "list":
			return listCampaigns(ctx, inv, pool)
		default:
			return campaignStatus(ctx, inv, pool, args[1])
		}
	}
}

// intOption returns a flag.Func that parses an integer in [low, high] into dst.
func intOption(inv *invocation, name string, low, high int, dst *int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < low || n > high {
			return inv.rejectOption(newCampaignError(func(m *campaignMessages) string { return m.badNumber }, v, name))
		}
		*dst = n
		return nil
	}
}

// parseWindow parses HH:MM-HH:MM as two times after midnight. 24:00 is allowed as an end.
func parseWindow(v string) (start, end time.Duration, err error) {
	from, to, ok := strings.Cut(v, "-")
	if !ok {
		return 0, 0, errors.New("missing dash between start and end")
	}
	if start, err = parseClock(from); err != nil || start >= 24*time.Hour {
		return 0, 0, errors.New("invalid start time")
	}
	if end, err = parseClock(to); err != nil {
		return 0, 0, err
	}
	return start, end, nil
}

func parseClock(v string) (time.Duration, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(v), ":")
	hours, err1 := strconv.Atoi(h)
	minutes, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hours < 0 || minutes < 0 || minutes > 59 || hours > 24 || (hours == 24 && minutes > 0) {
		return 0, fmt.Errorf("invalid time %q", v)
	}
	return time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute, nil
}

// campaignStoreError turns a repository error into a message for the terminal.
func campaignStoreError(err error, name string) error {
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table
		return newCampaignError(func(m *campaignMessages) string { return m.noTables })
	case errors.Is(err, crm.ErrNotFound):
		return newCampaignError(func(m *campaignMessages) string { return m.notFound }, name)
	case errors.Is(err, crm.ErrConflict) && strings.Contains(err.Error(), "is done"):
		return newCampaignError(func(m *campaignMessages) string { return m.isDone }, name)
	case errors.Is(err, crm.ErrConflict):
		return newCampaignError(func(m *campaignMessages) string { return m.exists }, name)
	case errors.Is(err, crm.ErrInvalid):
		// checkCampaign has already rejected every invalid value the options can produce,
		// so only a rule that storage gains later gets here. Its reason exists only in English.
		return &userError{en: fmt.Sprintf(englishCampaign.invalid, err), ru: russianCampaign.invalid}
	}
	return err
}

// checkCampaign rejects the values that storage.Campaign.Validate would reject and that the
// option parsers let through, so that the message comes in the user's language.
func checkCampaign(c storage.Campaign) *userError {
	if !storage.ValidCampaignName(c.Name) {
		return newCampaignError(func(m *campaignMessages) string { return m.badName }, c.Name)
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		return newCampaignError(func(m *campaignMessages) string { return m.badTimeZone }, c.TimeZone)
	}
	return nil
}

func addCampaign(ctx context.Context, inv *invocation, pool *pgxpool.Pool, c storage.Campaign) error {
	created, err := storage.NewCampaigns(pool).Create(ctx, c)
	if err != nil {
		return campaignStoreError(err, c.Name)
	}
	fmt.Fprintf(inv.env.stdout, campaignText(inv.lang).created, created.Name, created.Queue)
	return nil
}

func setCampaignStatus(ctx context.Context, inv *invocation, pool *pgxpool.Pool, name string, status storage.CampaignStatus) error {
	campaigns := storage.NewCampaigns(pool)
	// Pausing a draft would report a pause of a campaign that never dialed.
	if status == storage.CampaignPaused {
		current, err := campaigns.GetByName(ctx, name)
		if err != nil {
			return campaignStoreError(err, name)
		}
		if current.Status == storage.CampaignDraft {
			return newCampaignError(func(m *campaignMessages) string { return m.notStarted }, name)
		}
	}
	c, err := campaigns.SetStatus(ctx, name, status)
	if err != nil {
		return campaignStoreError(err, name)
	}
	text := campaignText(inv.lang)
	fmt.Fprintf(inv.env.stdout, text.statusSet, c.Name, text.state(string(c.Status)))
	if status == storage.CampaignRunning {
		return noticeIdleStart(ctx, inv, pool, c, time.Now())
	}
	return nil
}

// noticeIdleStart prints a notice when a campaign that has just started cannot dial yet,
// because its calling window is closed at now or because it has no leads at all.
func noticeIdleStart(ctx context.Context, inv *invocation, pool *pgxpool.Pool, c storage.Campaign, now time.Time) error {
	text := campaignText(inv.lang)
	if !c.InWindow(now) {
		fmt.Fprintf(inv.env.stdout, text.startedOutsideWindow, formatWindow(c), c.TimeZone, clockIn(now, c.TimeZone))
	}
	counts, err := storage.NewLeads(pool).Counts(ctx, c.ID)
	if err != nil {
		return campaignStoreError(err, c.Name)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total == 0 {
		fmt.Fprintf(inv.env.stdout, text.startedNoLeads, c.Name)
	}
	return nil
}

// clockIn returns now as HH:MM in the IANA time zone, or in UTC when the zone is unknown.
func clockIn(now time.Time, zone string) string {
	if loc, err := time.LoadLocation(zone); err == nil {
		now = now.In(loc)
	} else {
		now = now.UTC()
	}
	return now.Format("15:04")
}

func formatWindow(c storage.Campaign) string {
	clock := func(d time.Duration) string { return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	return clock(c.WindowStart) + "-" + clock(c.WindowEnd)
}

func listCampaigns(ctx context.Context, inv *invocation, pool *pgxpool.Pool) error {
	text := campaignText(inv.lang)
	list, err := storage.NewCampaigns(pool).List(ctx, "")
	if err != nil {
		return campaignStoreError(err, "")
	}
	if len(list) == 0 {
		fmt.Fprint(inv.env.stdout, text.noCampaigns)
		return nil
	}
	w := tabwriter.NewWriter(inv.env.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(text.columns, "\t"))
	for _, c := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", c.Name, text.state(string(c.Status)), c.Queue, c.Policy, c.MaxLines, formatWindow(c), c.TimeZone)
	}
	return w.Flush()
}

func campaignStatus(ctx context.Context, inv *invocation, pool *pgxpool.Pool, name string) error {
	text := campaignText(inv.lang)
	c, err := storage.NewCampaigns(pool).GetByName(ctx, name)
	if err != nil {
		return campaignStoreError(err, name)
	}
	repo := storage.NewLeads(pool)
	counts, err := repo.Counts(ctx, c.ID)
	if err != nil {
		return campaignStoreError(err, name)
	}
	live, abandoned, err := repo.Abandonment(ctx, c.ID)
	if err != nil {
		return campaignStoreError(err, name)
	}

	out := inv.env.stdout
	fmt.Fprintf(out, text.statusHead, c.Name, text.state(string(c.Status)), c.Queue, c.Policy)
	windowState := text.windowClosed
	if c.InWindow(time.Now()) {
		windowState = text.windowOpen
	}
	fmt.Fprintf(out, text.statusWindow, formatWindow(c), c.TimeZone, windowState)
	fmt.Fprintln(out, text.leadsHead)
	for _, s := range storage.LeadStatuses() {
		fmt.Fprintf(out, text.statusLine, text.leadState(string(s)), counts[s])
	}
	if live == 0 {
		fmt.Fprint(out, text.noLive)
		return nil
	}
	fmt.Fprintf(out, text.abandonment, abandoned, live, 100*float64(abandoned)/float64(live), c.AbandonTarget)
	return nil
}

// loadLeads reads the CSV file and adds its rows to the campaign, then reports every row that
// was not imported with its line number.
func loadLeads(ctx context.Context, inv *invocation, pool *pgxpool.Pool, numbers *phone.Normalizer, name, path string) error {
	text := campaignText(inv.lang)
	c, err := storage.NewCampaigns(pool).GetByName(ctx, name)
	if err != nil {
		return campaignStoreError(err, name)
	}
	f, err := openInput(path)
	if err != nil {
		return err
	}
	defer f.Close()
	list, err := leads.Parse(f, numbers, path)
	if err != nil {
		return err
	}

	rows := make([]storage.Lead, len(list.Rows))
	for i, r := range list.Rows {
		rows[i] = storage.Lead{Phone: r.Phone, PhoneRaw: r.Raw, Name: r.Name}
	}
	results, err := storage.NewLeads(pool).Add(ctx, c.ID, rows)
	if err != nil {
		return campaignStoreError(err, name)
	}

	// lines are the report's per-row lines, printed in file order.
	type reportLine struct {
		line int
		text string
	}
	var imported, duplicates, dnc int
	var lines []reportLine
	for _, p := range list.Problems {
		reason := p.Reason
		switch p.Kind {
		case leads.MissingPhone:
			reason = text.leadMissing
		case leads.InvalidPhone:
			reason = text.invalidPhone(p.Raw, p.PhoneReason)
		case leads.DuplicateInFile:
			reason = fmt.Sprintf(text.leadDupInFile, p.Raw, p.First)
			duplicates++
		}
		lines = append(lines, reportLine{p.Line, fmt.Sprintf(text.leadProblem, p.Line, reason)})
	}
	for i, res := range results {
		switch res {
		case storage.LeadAdded:
			imported++
		case storage.LeadAddedDNC:
			dnc++
			lines = append(lines, reportLine{list.Rows[i].Line, fmt.Sprintf(text.leadDNC, list.Rows[i].Line, list.Rows[i].Phone)})
		case storage.LeadDuplicate:
			duplicates++
			lines = append(lines, reportLine{list.Rows[i].Line, fmt.Sprintf(text.leadDuplicate, list.Rows[i].Line, list.Rows[i].Phone)})
		}
	}
	invalid := len(list.Problems) - countKind(list.Problems, leads.DuplicateInFile)

	out := inv.env.stdout
	printer := numberPrinter(inv.lang)
	fmt.Fprint(out, printer.Sprintf(text.leadsReport, imported, duplicates, invalid, dnc, list.Encoding, delimiterLabel(list.Delimiter)))
	for _, w := range list.Warnings {
		fmt.Fprintln(out, w.Message(inv.lang))
	}
	slices.SortStableFunc(lines, func(a, b reportLine) int { return a.line - b.line })
	for _, l := range lines {
		fmt.Fprint(out, l.text)
	}
	return nil
}

func countKind(problems []leads.Problem, kind leads.ProblemKind) int {
	n := 0
	for _, p := range problems {
		if p.Kind == kind {
			n++
		}
	}
	return n
}
