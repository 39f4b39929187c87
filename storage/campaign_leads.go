package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LeadStatus is the state of a lead in its campaign. New, busy and no_answer leads are dialed
// when due; answered, abandoned, failed, dnc and done are final.
type LeadStatus string

// Lead statuses.
const (
	LeadNew       LeadStatus = "new"
	LeadDialing   LeadStatus = "dialing"
	LeadAnswered  LeadStatus = "answered"
	LeadAbandoned LeadStatus = "abandoned"
	LeadNoAnswer  LeadStatus = "no_answer"
	LeadBusy      LeadStatus = "busy"
	LeadFailed    LeadStatus = "failed"
	LeadDNC       LeadStatus = "dnc"
	LeadDone      LeadStatus = "done"
)

// LeadStatuses lists every lead status in the order reports show them.
func LeadStatuses() []LeadStatus {
	return []LeadStatus{LeadNew, LeadDialing, LeadAnswered, LeadAbandoned, LeadNoAnswer, LeadBusy, LeadFailed, LeadDNC, LeadDone}
}

// Lead is one number of a campaign's call list.
type Lead struct {
	ID         int64
	CampaignID int64
	// Phone is the number in E.164. PhoneRaw is the number as the imported file wrote it.
	Phone     string
	PhoneRaw  string
	ContactID int64
	Name      string
	Status    LeadStatus
	// Attempts counts the dials placed so far.
	Attempts      int
	NextAttemptAt time.Time
	LastOutcome   string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Leads stores campaigns' call lists, their dial attempts and the do-not-call list.
type Leads struct {
	db DBTX
}

// NewLeads returns the lead repository on db.
func NewLeads(db DBTX) *Leads { return &Leads{db: db} }

const leadColumns = `id, campaign_id, phone_e164, phone_raw, contact_id, name, status, attempts,
	next_attempt_at, last_outcome, created_at, updated_at`

func scanLead(row pgx.Row) (Lead, error) {
	var (
		l         Lead
		status    string
		contactID *int64
	)
	err := row.Scan(&l.ID, &l.CampaignID, &l.Phone, &l.PhoneRaw, &contactID, &l.Name, &status, &l.Attempts,
		&l.NextAttemptAt, &l.LastOutcome, &l.CreatedAt, &l.UpdatedAt)
	l.Status, l.ContactID = LeadStatus(status), idOrZero(contactID)
	return l, err
}

func collectLeads(rows pgx.Rows, err error, op string) ([]Lead, error) {
	if err != nil {
		return nil, dbError(op, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Lead, error) { return scanLead(r) })
	return list, dbError(op, err)
}

// AddResult is the outcome of adding one lead with Add.
type AddResult int

// Add results.
const (
	LeadAdded     AddResult = iota + 1
	LeadDuplicate           // the campaign already has this number
	LeadAddedDNC            // stored with status dnc, because the number is on the do-not-call list
)

// Add stores the leads of a campaign in one transaction and returns one result per lead, in
// order. A number the campaign already has is left as it is. A number on the do-not-call
// list is stored with status dnc and never dialed. Each lead's contact is the stored
// contact with that phone number, if there is one.
func (s *Leads) Add(ctx context.Context, campaignID int64, leads []Lead) ([]AddResult, error) {
	results := make([]AddResult, len(leads))
	err := inTx(ctx, s.db, func(tx pgx.Tx) error {
		batch := &pgx.Batch{}
		for _, l := range leads {
			batch.Queue(`
				INSERT INTO campaign_leads (campaign_id, phone_e164, phone_raw, name, contact_id, status)
				VALUES ($1, $2, $3, $4,
					(SELECT contact_id FROM phones WHERE e164 = $2 ORDER BY contact_id LIMIT 1),
					CASE WHEN EXISTS (SELECT 1 FROM dnc_numbers WHERE phone_e164 = $2) THEN 'dnc' ELSE 'new' END)
				ON CONFLICT (campaign_id, phone_e164) DO NOTHING
				RETURNING status`, campaignID, l.Phone, l.PhoneRaw, l.Name)
		}
		br := tx.SendBatch(ctx, batch)
		defer br.Close()
		for i := range leads {
			var status string
			err := br.QueryRow().Scan(&status)
			switch {
			case err == pgx.ErrNoRows:
				results[i] = LeadDuplicate
			case err != nil:
				return dbError(fmt.Sprintf("add lead %s", leads[i].Phone), err)
			case status == string(LeadDNC):
				results[i] = LeadAddedDNC
			default:
				results[i] = LeadAdded
			}
		}
		return br.Close()
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// List returns the campaign's leads by id.
func (s *Leads) List(ctx context.Context, campaignID int64) ([]Lead, error) {
	rows, err := s.db.Query(ctx, `SELECT `+leadColumns+` FROM campaign_leads WHERE campaign_id = $1 ORDER BY id`, campaignID)
	return collectLeads(rows, err, "list leads")
}

// ClaimDue marks up to limit leads that are due at now as dialing, counts the attempt and
// returns them, oldest due first. Due leads whose number joined the do-not-call list since
// the import become dnc instead.
func (s *Leads) ClaimDue(ctx context.Context, campaignID int64, now time.Time, limit int) ([]Lead, error) {
	if limit <= 0 {
		return nil, nil
	}
	var claimed []Lead
	err := inTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			UPDATE campaign_leads SET status = 'dnc', last_outcome = 'dnc'
			WHERE campaign_id = $1 AND status IN ('new', 'busy', 'no_answer') AND next_attempt_at <= $2
				AND phone_e164 IN (SELECT phone_e164 FROM dnc_numbers)`, campaignID, now); err != nil {
			return dbError("mark do-not-call leads", err)
		}
		rows, err := tx.Query(ctx, `
			UPDATE campaign_leads SET status = 'dialing', attempts = attempts + 1
			WHERE id IN (
				SELECT id FROM campaign_leads
				WHERE campaign_id = $1 AND status IN ('new', 'busy', 'no_answer') AND next_attempt_at <= $2
				ORDER BY next_attempt_at, id LIMIT $3
				FOR UPDATE SKIP LOCKED)
			RETURNING `+leadColumns, campaignID, now, limit)
		claimed, err = collectLeads(rows, err, "claim due leads")
		return err
	})
	return claimed, err
}

// Finish stores the outcome of a lead's dial: its new status, the outcome text and, for a
// retry, when it is due again.
func (s *Leads) Finish(ctx context.Context, leadID int64, status LeadStatus, outcome string, next time.Time) error {
	tag, err := s.db.Exec(ctx, `UPDATE campaign_leads SET status = $2, last_outcome = $3,
		next_attempt_at = coalesce($4, next_attempt_at) WHERE id = $1`, leadID, string(status), outcome, nullTime(next))
	if err == nil && tag.RowsAffected() == 0 {
		err = pgx.ErrNoRows
	}
	return dbError(fmt.Sprintf("finish lead %d", leadID), err)
}

// ReleaseDialing returns the campaign's leads left dialing by a node that stopped or crashed
// mid-dial to the list as unanswered and due now, and returns how many there were.
func (s *Leads) ReleaseDialing(ctx context.Context, campaignID int64, now time.Time) (int, error) {
	tag, err := s.db.Exec(ctx, `UPDATE campaign_leads SET status = 'no_answer', last_outcome = 'interrupted',
		next_attempt_at = $2 WHERE campaign_id = $1 AND status = 'dialing'`, campaignID, now)
	if err != nil {
		return 0, dbError("release dialing leads", err)
	}
	return int(tag.RowsAffected()), nil
}

// Counts returns the number of the campaign's leads in each status. Statuses without leads
// are absent.
func (s *Leads) Counts(ctx context.Context, campaignID int64) (map[LeadStatus]int, error) {
	rows, err := s.db.Query(ctx, `SELECT status, count(*) FROM campaign_leads WHERE campaign_id = $1 GROUP BY status`, campaignID)
	if err != nil {
		return nil, dbError("count leads", err)
	}
	counts := make(map[LeadStatus]int)
	var (
		status string
		n      int
	)
	_, err = pgx.ForEachRow(rows, []any{&status, &n}, func() error {
		counts[LeadStatus(status)] = n
		return nil
	})
	return counts, dbError("count leads", err)
}

// Attempt is one dial of a lead. CallID is the originated channel's id, which is also the
// call id of the call-log record when the call is answered.
type Attempt struct {
	CallID     string
	CampaignID int64
	LeadID     int64
	DialedAt   time.Time
	Outcome    string
	EndedAt    time.Time
}

// AddAttempt stores a dial that was placed.
func (s *Leads) AddAttempt(ctx context.Context, a Attempt) error {
	_, err := s.db.Exec(ctx, `INSERT INTO campaign_attempts (call_id, campaign_id, lead_id, dialed_at, outcome, ended_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, a.CallID, a.CampaignID, a.LeadID, a.DialedAt, a.Outcome, nullTime(a.EndedAt))
	return dbError("add attempt "+a.CallID, err)
}

// EndAttempt stores a dial's outcome.
func (s *Leads) EndAttempt(ctx context.Context, callID, outcome string, endedAt time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE campaign_attempts SET outcome = $2, ended_at = $3 WHERE call_id = $1`,
		callID, outcome, endedAt)
	return dbError("end attempt "+callID, err)
}

// Attempts returns the campaign's dials, oldest first.
func (s *Leads) Attempts(ctx context.Context, campaignID int64) ([]Attempt, error) {
	rows, err := s.db.Query(ctx, `SELECT call_id, campaign_id, lead_id, dialed_at, outcome, ended_at
		FROM campaign_attempts WHERE campaign_id = $1 ORDER BY dialed_at, call_id`, campaignID)
	if err != nil {
		return nil, dbError("list attempts", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Attempt, error) {
		var (
			a     Attempt
			ended *time.Time
		)
		err := r.Scan(&a.CallID, &a.CampaignID, &a.LeadID, &a.DialedAt, &a.Outcome, &ended)
		a.EndedAt = timeOrZero(ended)
		return a, err
	})
	return list, dbError("list attempts", err)
}

// Abandonment returns the campaign's live answers (answered or abandoned dials) and how many
// of them were abandoned.
func (s *Leads) Abandonment(ctx context.Context, campaignID int64) (live, abandoned int, err error) {
	err = s.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE outcome IN ('answered', 'abandoned')),
		count(*) FILTER (WHERE outcome = 'abandoned') FROM campaign_attempts WHERE campaign_id = $1`,
		campaignID).Scan(&live, &abandoned)
	return live, abandoned, dbError("count abandoned calls", err)
}
