package storage

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// CampaignStatus is the lifecycle state of an outbound campaign. Only running campaigns are
// dialed.
type CampaignStatus string

// Campaign statuses.
const (
	CampaignDraft   CampaignStatus = "draft"
	CampaignRunning CampaignStatus = "running"
	CampaignPaused  CampaignStatus = "paused"
	CampaignDone    CampaignStatus = "done"
)

// PacingPolicy names the dialer/pacing policy a campaign dials with.
type PacingPolicy string

// Pacing policies a campaign may use.
const (
	PolicyProgressive PacingPolicy = "progressive"
	PolicyPredictive  PacingPolicy = "predictive"
)

// Campaign is an outbound campaign: a call list dialed for the agents of one queue.
type Campaign struct {
	ID    int64
	Name  string
	Queue string
	// Policy and AbandonTarget (percent of live answers, predictive only) set the pacing.
	Policy        PacingPolicy
	AbandonTarget float64
	MaxLines      int
	// WindowStart and WindowEnd are the calling window as times after local midnight in
	// TimeZone (an IANA name). Equal values mean the whole day, and a start after the end is
	// a window across midnight.
	WindowStart time.Duration
	WindowEnd   time.Duration
	TimeZone    string
	// MaxAttempts is the number of dials of a busy or unanswered number, the first included,
	// and RetryDelay the pause before each retry.
	MaxAttempts int
	RetryDelay  time.Duration
	Status      CampaignStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// campaignNameRE keeps names usable as one Stasis argument and one CLI word.
var campaignNameRE = regexp.MustCompile(`^[\p{L}\p{N}_.-]{1,64}$`)

// ValidCampaignName reports whether name is 1-64 letters, digits, '_', '.' or '-', the rule
// that Validate applies, so that callers can reject a name in their own words.
func ValidCampaignName(name string) bool { return campaignNameRE.MatchString(name) }

// Validate checks the campaign's fields. The error wraps crm.ErrInvalid and names the value.
func (c Campaign) Validate() error {
	switch {
	case !ValidCampaignName(c.Name):
		return fmt.Errorf("%w campaign: name %q must be 1-64 letters, digits, '_', '.' or '-'", crm.ErrInvalid, c.Name)
	case strings.TrimSpace(c.Queue) == "":
		return fmt.Errorf("%w campaign %s: queue is empty", crm.ErrInvalid, c.Name)
	case c.Policy != PolicyProgressive && c.Policy != PolicyPredictive:
		return fmt.Errorf("%w campaign %s: policy %q must be progressive or predictive", crm.ErrInvalid, c.Name, c.Policy)
	case c.AbandonTarget <= 0 || c.AbandonTarget > 100:
		return fmt.Errorf("%w campaign %s: abandonment target %g%% must be above 0 and at most 100", crm.ErrInvalid, c.Name, c.AbandonTarget)
	case c.MaxLines < 1 || c.MaxLines > 1000:
		return fmt.Errorf("%w campaign %s: max lines %d must be 1-1000", crm.ErrInvalid, c.Name, c.MaxLines)
	case c.WindowStart < 0 || c.WindowStart >= 24*time.Hour || c.WindowEnd < 0 || c.WindowEnd > 24*time.Hour:
		return fmt.Errorf("%w campaign %s: calling window %s-%s must lie within one day", crm.ErrInvalid, c.Name, c.WindowStart, c.WindowEnd)
	case c.MaxAttempts < 1 || c.MaxAttempts > 20:
		return fmt.Errorf("%w campaign %s: max attempts %d must be 1-20", crm.ErrInvalid, c.Name, c.MaxAttempts)
	case c.RetryDelay < 0:
		return fmt.Errorf("%w campaign %s: retry delay %s is negative", crm.ErrInvalid, c.Name, c.RetryDelay)
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		return fmt.Errorf("%w campaign %s: time zone %q is unknown; use an IANA name such as Europe/Moscow", crm.ErrInvalid, c.Name, c.TimeZone)
	}
	return nil
}

// InWindow reports whether t falls inside the campaign's calling window, in its time zone.
// A campaign whose time zone cannot be loaded is never in its window.
func (c Campaign) InWindow(t time.Time) bool {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return false
	}
	local := t.In(loc)
	since := time.Duration(local.Hour())*time.Hour + time.Duration(local.Minute())*time.Minute +
		time.Duration(local.Second())*time.Second
	switch {
	case c.WindowStart == c.WindowEnd:
		return true
	case c.WindowStart < c.WindowEnd:
		return since >= c.WindowStart && since < c.WindowEnd
	default:
		return since >= c.WindowStart || since < c.WindowEnd
	}
}

// Campaigns stores outbound campaigns.
type Campaigns struct {
	db DBTX
}

// NewCampaigns returns the campaign repository on db.
func NewCampaigns(db DBTX) *Campaigns { return &Campaigns{db: db} }

const campaignColumns = `id, name, queue, policy, abandon_target, max_lines, window_start_min, window_end_min,
	time_zone, max_attempts, retry_delay_s, status, created_at, updated_at`

func scanCampaign(row pgx.Row) (Campaign, error) {
	var (
		c                                   Campaign
		policy, status                      string
		startMin, endMin, retryDelaySeconds int
	)
	err := row.Scan(&c.ID, &c.Name, &c.Queue, &policy, &c.AbandonTarget, &c.MaxLines, &startMin, &endMin,
		&c.TimeZone, &c.MaxAttempts, &retryDelaySeconds, &status, &c.CreatedAt, &c.UpdatedAt)
	c.Policy, c.Status = PacingPolicy(policy), CampaignStatus(status)
	c.WindowStart, c.WindowEnd = time.Duration(startMin)*time.Minute, time.Duration(endMin)*time.Minute
	c.RetryDelay = time.Duration(retryDelaySeconds) * time.Second
	return c, err
}

// Create stores a new campaign in draft status.
func (s *Campaigns) Create(ctx context.Context, c Campaign) (Campaign, error) {
	c.Status = CampaignDraft
	if err := c.Validate(); err != nil {
		return Campaign{}, err
	}
	got, err := scanCampaign(s.db.QueryRow(ctx, `
		INSERT INTO campaigns (name, queue, policy, abandon_target, max_lines, window_start_min, window_end_min,
			time_zone, max_attempts, retry_delay_s, status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING `+campaignColumns,
		c.Name, c.Queue, string(c.Policy), c.AbandonTarget, c.MaxLines, int(c.WindowStart/time.Minute),
		int(c.WindowEnd/time.Minute), c.TimeZone, c.MaxAttempts, int(c.RetryDelay/time.Second), string(c.Status)))
	return got, dbError("create campaign "+c.Name, err)
}

// GetByName returns the campaign with that name, or crm.ErrNotFound when there is none.
func (s *Campaigns) GetByName(ctx context.Context, name string) (Campaign, error) {
	c, err := scanCampaign(s.db.QueryRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE name = $1`, name))
	return c, dbError("get campaign "+name, err)
}

// List returns every campaign, or only those with the given status, by name.
func (s *Campaigns) List(ctx context.Context, status CampaignStatus) ([]Campaign, error) {
	rows, err := s.db.Query(ctx, `SELECT `+campaignColumns+` FROM campaigns
		WHERE $1 = '' OR status = $1 ORDER BY name`, string(status))
	if err != nil {
		return nil, dbError("list campaigns", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Campaign, error) { return scanCampaign(r) })
	return list, dbError("list campaigns", err)
}

// SetStatus changes the campaign's status and returns the campaign. A done campaign stays
// done: the change is rejected with crm.ErrConflict.
func (s *Campaigns) SetStatus(ctx context.Context, name string, status CampaignStatus) (Campaign, error) {
	switch status {
	case CampaignDraft, CampaignRunning, CampaignPaused, CampaignDone:
	default:
		return Campaign{}, fmt.Errorf("%w campaign %s: status %q", crm.ErrInvalid, name, status)
	}
	got, err := scanCampaign(s.db.QueryRow(ctx, `UPDATE campaigns SET status = $2
		WHERE name = $1 AND (status <> 'done' OR $2 = 'done')
		RETURNING `+campaignColumns, name, string(status)))
	if err == nil {
		return got, nil
	}
	if _, getErr := s.GetByName(ctx, name); getErr != nil {
		return Campaign{}, getErr
	}
	if err == pgx.ErrNoRows {
		return Campaign{}, fmt.Errorf("%w: campaign %s is done and cannot become %s; create a new campaign", crm.ErrConflict, name, status)
	}
	return Campaign{}, dbError("set status of campaign "+name, err)
}
