package arisim

import (
	"encoding/json"
	"fmt"
	"path"
	"time"
)

// Behaviour is what a dialled endpoint does.
type Behaviour string

// Endpoint behaviours. The names follow the simulated dialplan contexts that recorded Asterisk
// traffic used (sim-answer, sim-busy, ...).
const (
	// Answer rings, answers after AnswerAfter and, when HangupAfter is set, hangs up that long after answering.
	Answer Behaviour = "answer"
	// Busy returns busy at once (Dial BUSY).
	Busy Behaviour = "busy"
	// NoAnswer rings until the caller gives up or the dial timeout ends.
	NoAnswer Behaviour = "noanswer"
	// Congestion fails at once with congestion (Dial CONGESTION).
	Congestion Behaviour = "congestion"
	// Manual rings until the control API answers the channel, as a person at a phone would.
	Manual Behaviour = "manual"
)

// Rule tells how endpoints that match Pattern behave. Pattern is a path.Match pattern on the
// endpoint as ARI names it, for example "Local/*@sim-busy" or "PJSIP/10*".
type Rule struct {
	Pattern     string        `json:"pattern"`
	Behaviour   Behaviour     `json:"behaviour"`
	AnswerAfter time.Duration `json:"-"`
	HangupAfter time.Duration `json:"-"`
}

// ruleFile is the JSON form of a Rule, with delays in milliseconds.
type ruleFile struct {
	Pattern       string    `json:"pattern"`
	Behaviour     Behaviour `json:"behaviour"`
	AnswerAfterMS int64     `json:"answerAfterMs"`
	HangupAfterMS int64     `json:"hangupAfterMs"`
}

// DefaultRules reproduce the simulated dialplan contexts of the recorded Asterisk 22 traffic:
// sim-answer answers after 1 s and talks 30 s, sim-answer-short answers after 1 s and hangs up
// 8.5 s later, sim-customer answers after 3 s and talks 15 s, and PJSIP phones 1001–1010 ring
// until the control API answers them. The outbound context of asterisk-config (where the dialer
// and click-to-call send customers' numbers) behaves like sim-customer.
func DefaultRules() []Rule {
	return []Rule{
		{Pattern: "Local/*@sim-answer", Behaviour: Answer, AnswerAfter: time.Second, HangupAfter: 30500 * time.Millisecond},
		{Pattern: "Local/*@sim-answer-short", Behaviour: Answer, AnswerAfter: time.Second, HangupAfter: 8500 * time.Millisecond},
		{Pattern: "Local/*@sim-customer", Behaviour: Answer, AnswerAfter: 3 * time.Second, HangupAfter: 15 * time.Second},
		{Pattern: "Local/*@sim-busy", Behaviour: Busy},
		{Pattern: "Local/*@sim-noanswer", Behaviour: NoAnswer},
		{Pattern: "Local/*@sim-congestion", Behaviour: Congestion},
		{Pattern: "Local/*@sim-manual", Behaviour: Manual},
		{Pattern: "Local/*@outbound", Behaviour: Answer, AnswerAfter: 3 * time.Second, HangupAfter: 15 * time.Second},
		{Pattern: "PJSIP/100[1-9]", Behaviour: Manual},
		{Pattern: "PJSIP/1010", Behaviour: Manual},
	}
}

// ParseRules decodes a JSON array of rules, with delays in milliseconds:
// [{"pattern":"Local/*@sim-answer","behaviour":"answer","answerAfterMs":1000,"hangupAfterMs":30000}].
func ParseRules(data []byte) ([]Rule, error) {
	var raw []ruleFile
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode endpoint rules: %w", err)
	}
	rules := make([]Rule, 0, len(raw))
	for i, r := range raw {
		rule := Rule{
			Pattern: r.Pattern, Behaviour: r.Behaviour,
			AnswerAfter: time.Duration(r.AnswerAfterMS) * time.Millisecond,
			HangupAfter: time.Duration(r.HangupAfterMS) * time.Millisecond,
		}
		if err := rule.validate(); err != nil {
			return nil, fmt.Errorf("endpoint rule %d: %w", i, err)
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

func (r Rule) validate() error {
	if _, err := path.Match(r.Pattern, ""); err != nil || r.Pattern == "" {
		return fmt.Errorf("invalid pattern %q: use a path.Match pattern such as \"Local/*@sim-answer\"", r.Pattern)
	}
	switch r.Behaviour {
	case Answer, Busy, NoAnswer, Congestion, Manual:
	default:
		return fmt.Errorf("invalid behaviour %q for pattern %q: use answer, busy, noanswer, congestion or manual", r.Behaviour, r.Pattern)
	}
	if r.AnswerAfter < 0 || r.HangupAfter < 0 {
		return fmt.Errorf("negative delay for pattern %q", r.Pattern)
	}
	return nil
}

// matchRule returns the first rule whose pattern matches endpoint, or nil.
func matchRule(rules []Rule, endpoint string) *Rule {
	for i := range rules {
		if ok, _ := path.Match(rules[i].Pattern, endpoint); ok {
			return &rules[i]
		}
	}
	return nil
}
