package storage

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/switchboard-cc/switchboard/crm"
)

// Interactions stores the call log: one record per call, keyed by call id.
type Interactions struct {
	db DBTX
}

// NewInteractions returns the call log repository on db.
func NewInteractions(db DBTX) *Interactions { return &Interactions{db: db} }

const interactionColumns = `id, call_id, direction, queue, agent_id, contact_id, caller_number,
	callee_number, arrived_at, offered_at, answered_at, ended_at, wait_seconds, talk_seconds,
	outcome, hangup_cause, hangup_cause_text, disposition, note, campaign, recording,
	created_at, updated_at`

func scanInteraction(row pgx.Row) (crm.Interaction, error) {
	var (
		i                        crm.Interaction
		direction, outcome       string
		agentID, contactID       *int64
		offered, answered, ended *time.Time
		waitSeconds, talkSeconds float64
		hangupCause              *int16
	)
	err := row.Scan(&i.ID, &i.CallID, &direction, &i.Queue, &agentID, &contactID, &i.CallerNumber,
		&i.CalleeNumber, &i.ArrivedAt, &offered, &answered, &ended, &waitSeconds, &talkSeconds,
		&outcome, &hangupCause, &i.HangupCauseText, &i.Disposition, &i.Note, &i.Campaign, &i.Recording,
		&i.CreatedAt, &i.UpdatedAt)
	if err != nil {
		return crm.Interaction{}, err
	}
	i.Direction = crm.Direction(direction)
	i.Outcome = crm.Outcome(outcome)
	i.AgentID, i.ContactID = idOrZero(agentID), idOrZero(contactID)
	i.OfferedAt, i.AnsweredAt, i.EndedAt = timeOrZero(offered), timeOrZero(answered), timeOrZero(ended)
	i.Wait, i.Talk = fromSeconds(waitSeconds), fromSeconds(talkSeconds)
	if hangupCause != nil {
		i.HangupCause = int(*hangupCause)
	}
	return i, nil
}

// fromSeconds converts stored seconds to a Duration rounded to the microsecond, the
// precision of PostgreSQL timestamps, so float rounding does not show as 1ns drift.
func fromSeconds(s float64) time.Duration {
	return time.Duration(math.Round(s*1e6)) * time.Microsecond
}

// Record stores the call record i and returns it as stored. A record with the same call
// id already present is left as it was and returned with inserted false, so writing a
// record again (a replay after a database outage or a node crash) never makes a second
// one. Times are stored with microsecond precision.
func (s *Interactions) Record(ctx context.Context, i crm.Interaction) (stored crm.Interaction, inserted bool, err error) {
	if err := i.Validate(); err != nil {
		return crm.Interaction{}, false, err
	}
	var hangupCause *int
	if i.HangupCause != 0 {
		hangupCause = &i.HangupCause
	}

	stored, err = scanInteraction(s.db.QueryRow(ctx, `
		INSERT INTO interactions (call_id, direction, queue, agent_id, contact_id, caller_number,
			callee_number, arrived_at, offered_at, answered_at, ended_at, wait_seconds, talk_seconds,
			outcome, hangup_cause, hangup_cause_text, disposition, note, campaign, recording)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		ON CONFLICT (call_id) DO NOTHING
		RETURNING `+interactionColumns,
		i.CallID, string(i.Direction), i.Queue, nullID(i.AgentID), nullID(i.ContactID), i.CallerNumber,
		i.CalleeNumber, i.ArrivedAt, nullTime(i.OfferedAt), nullTime(i.AnsweredAt), nullTime(i.EndedAt),
		i.Wait.Seconds(), i.Talk.Seconds(), string(i.Outcome), hangupCause, i.HangupCauseText,
		i.Disposition, i.Note, i.Campaign, i.Recording))
	if err == nil {
		return stored, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return crm.Interaction{}, false, dbError(fmt.Sprintf("record call %s", i.CallID), err)
	}

	// The conflict means the record exists. It is read in a new statement because the
	// insert's snapshot may predate a concurrent writer's commit.
	stored, err = s.GetByCallID(ctx, i.CallID)
	if err != nil {
		return crm.Interaction{}, false, fmt.Errorf("record call %s: read existing record: %w", i.CallID, err)
	}
	return stored, false, nil
}

// Get returns the record with id, or an error wrapping crm.ErrNotFound.
func (s *Interactions) Get(ctx context.Context, id int64) (crm.Interaction, error) {
	i, err := scanInteraction(s.db.QueryRow(ctx, `SELECT `+interactionColumns+` FROM interactions WHERE id = $1`, id))
	if err != nil {
		return crm.Interaction{}, dbError(fmt.Sprintf("get interaction %d", id), err)
	}
	return i, nil
}

// GetByCallID returns the record of call callID, or an error wrapping crm.ErrNotFound.
func (s *Interactions) GetByCallID(ctx context.Context, callID string) (crm.Interaction, error) {
	i, err := scanInteraction(s.db.QueryRow(ctx, `SELECT `+interactionColumns+` FROM interactions WHERE call_id = $1`, callID))
	if err != nil {
		return crm.Interaction{}, dbError(fmt.Sprintf("get call %s", callID), err)
	}
	return i, nil
}

// SetDisposition stores the agent's wrap-up of call callID: the disposition code and
// the note. It returns the updated record, or an error wrapping crm.ErrNotFound when the
// call has no record yet.
func (s *Interactions) SetDisposition(ctx context.Context, callID, disposition, note string) (crm.Interaction, error) {
	i, err := scanInteraction(s.db.QueryRow(ctx, `
		UPDATE interactions SET disposition = $2, note = $3 WHERE call_id = $1
		RETURNING `+interactionColumns, callID, disposition, note))
	if err != nil {
		return crm.Interaction{}, dbError(fmt.Sprintf("set disposition of call %s", callID), err)
	}
	return i, nil
}

// SetContact links call callID to contact contactID, for a caller the agent identified
// after the call matched no contact; 0 removes the link.
func (s *Interactions) SetContact(ctx context.Context, callID string, contactID int64) (crm.Interaction, error) {
	i, err := scanInteraction(s.db.QueryRow(ctx, `
		UPDATE interactions SET contact_id = $2 WHERE call_id = $1
		RETURNING `+interactionColumns, callID, nullID(contactID)))
	if err != nil {
		return crm.Interaction{}, dbError(fmt.Sprintf("link call %s to contact %d", callID, contactID), err)
	}
	return i, nil
}

// ListByContact returns up to limit records of contact contactID, newest first.
func (s *Interactions) ListByContact(ctx context.Context, contactID int64, limit int) ([]crm.Interaction, error) {
	return s.list(ctx, fmt.Sprintf("list calls of contact %d", contactID), `
		SELECT `+interactionColumns+` FROM interactions WHERE contact_id = $1
		ORDER BY arrived_at DESC, id DESC LIMIT $2`, contactID, Page{Limit: limit}.limit())
}

// ListByContactBefore returns up to limit records of contact contactID that arrived
// before before, newest first: the next page of a contact's history after a record that
// arrived at before.
func (s *Interactions) ListByContactBefore(ctx context.Context, contactID int64, before time.Time, limit int) ([]crm.Interaction, error) {
	return s.list(ctx, fmt.Sprintf("list calls of contact %d before %s", contactID, before.Format(time.RFC3339Nano)), `
		SELECT `+interactionColumns+` FROM interactions WHERE contact_id = $1 AND arrived_at < $2
		ORDER BY arrived_at DESC, id DESC LIMIT $3`, contactID, before, Page{Limit: limit}.limit())
}

// ListByNumber returns up to limit records whose caller number is e164, newest first:
// the history of a caller who matches no contact.
func (s *Interactions) ListByNumber(ctx context.Context, e164 string, limit int) ([]crm.Interaction, error) {
	return s.list(ctx, fmt.Sprintf("list calls from %s", e164), `
		SELECT `+interactionColumns+` FROM interactions WHERE caller_number = $1
		ORDER BY arrived_at DESC, id DESC LIMIT $2`, e164, Page{Limit: limit}.limit())
}

func (s *Interactions) list(ctx context.Context, op, sql string, args ...any) ([]crm.Interaction, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, dbError(op, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (crm.Interaction, error) {
		return scanInteraction(row)
	})
	if err != nil {
		return nil, dbError(op, err)
	}
	return out, nil
}
