package crm

import (
	"fmt"
	"slices"
	"time"
)

// Direction of a call relative to the contact center.
type Direction string

// Call directions.
const (
	Inbound  Direction = "inbound"
	Outbound Direction = "outbound"
	Internal Direction = "internal"
)

// Outcome is the way a call ended.
type Outcome string

// Call outcomes.
const (
	OutcomeAnswered    Outcome = "answered"
	OutcomeAbandoned   Outcome = "abandoned"   // the caller hung up while queued
	OutcomeNoAnswer    Outcome = "no_answer"   // an outbound call rang out
	OutcomeBusy        Outcome = "busy"        // the far end was busy
	OutcomeFailed      Outcome = "failed"      // congestion or a network error
	OutcomeRejected    Outcome = "rejected"    // refused by the far end or by rules (DNC)
	OutcomeVoicemail   Outcome = "voicemail"   // the caller left a message
	OutcomeMachine     Outcome = "machine"     // an answering machine picked up an outbound call
	OutcomeTransferred Outcome = "transferred" // handed to a number outside the center
	OutcomeTimeout     Outcome = "timeout"     // the queue's maximum wait passed
	OutcomeOverflowed  Outcome = "overflowed"  // sent out of the queues to voicemail or a callback offer
	OutcomeNoAgent     Outcome = "no_agent"    // maximum wait or queue length reached with nowhere to overflow
	OutcomeClosed      Outcome = "closed"      // arrived outside the queue's business hours
)

// AllOutcomes lists every outcome. The schema's interactions_outcome_valid constraint
// must accept each of them; a storage test checks that.
var AllOutcomes = []Outcome{
	OutcomeAnswered, OutcomeAbandoned, OutcomeNoAnswer, OutcomeBusy, OutcomeFailed,
	OutcomeRejected, OutcomeVoicemail, OutcomeMachine, OutcomeTransferred, OutcomeTimeout,
	OutcomeOverflowed, OutcomeNoAgent, OutcomeClosed,
}

// Valid reports whether o is one of AllOutcomes.
func (o Outcome) Valid() bool { return slices.Contains(AllOutcomes, o) }

// Interaction is the record of one call: the call log row written when it ends.
type Interaction struct {
	ID int64
	// CallID identifies the call across components; one call has exactly one record.
	CallID    string
	Direction Direction
	Queue     string
	// AgentID and ContactID are 0 when no agent took the call or no contact matched.
	AgentID   int64
	ContactID int64
	// CallerNumber and CalleeNumber are E.164 when they could be normalised, otherwise
	// the text received (such as "anonymous").
	CallerNumber string
	CalleeNumber string
	ArrivedAt    time.Time
	// OfferedAt, AnsweredAt and EndedAt are zero when the call never reached that stage.
	OfferedAt  time.Time
	AnsweredAt time.Time
	EndedAt    time.Time
	// Wait is from arrival to answer or abandonment; Talk from answer to hang-up.
	Wait    time.Duration
	Talk    time.Duration
	Outcome Outcome
	// HangupCause is the Q.850 cause code (16 normal clearing, 17 user busy, ...);
	// 0 means unknown, as AST_CAUSE_NOTDEFINED does in Asterisk.
	HangupCause     int
	HangupCauseText string
	Disposition     string
	Note            string
	Campaign        string
	// Recording is the name of the stored recording, or empty.
	Recording string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the fields a call record must have and the order of its timestamps;
// the error wraps ErrInvalid.
func (i Interaction) Validate() error {
	switch {
	case i.CallID == "":
		return fmt.Errorf("%w interaction: call id is empty", ErrInvalid)
	case i.Direction != Inbound && i.Direction != Outbound && i.Direction != Internal:
		return fmt.Errorf("%w interaction %s: direction %q; use inbound, outbound or internal", ErrInvalid, i.CallID, i.Direction)
	case !i.Outcome.Valid():
		return fmt.Errorf("%w interaction %s: unknown outcome %q", ErrInvalid, i.CallID, i.Outcome)
	case i.ArrivedAt.IsZero():
		return fmt.Errorf("%w interaction %s: arrival time is missing", ErrInvalid, i.CallID)
	case i.Wait < 0 || i.Talk < 0:
		return fmt.Errorf("%w interaction %s: negative wait %v or talk %v", ErrInvalid, i.CallID, i.Wait, i.Talk)
	case i.HangupCause < 0 || i.HangupCause > 127:
		return fmt.Errorf("%w interaction %s: hang-up cause %d is outside the Q.850 range 0..127", ErrInvalid, i.CallID, i.HangupCause)
	}
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"offered", i.OfferedAt}, {"answered", i.AnsweredAt}, {"ended", i.EndedAt}} {
		if !t.at.IsZero() && t.at.Before(i.ArrivedAt) {
			return fmt.Errorf("%w interaction %s: %s at %s is before arrival at %s", ErrInvalid, i.CallID,
				t.name, t.at.Format(time.RFC3339Nano), i.ArrivedAt.Format(time.RFC3339Nano))
		}
	}
	if !i.EndedAt.IsZero() && !i.AnsweredAt.IsZero() && i.EndedAt.Before(i.AnsweredAt) {
		return fmt.Errorf("%w interaction %s: ended before it was answered", ErrInvalid, i.CallID)
	}
	return nil
}
