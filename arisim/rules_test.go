package arisim

import (
	"testing"
	"time"
)

func TestParseRules(t *testing.T) {
	rules, err := ParseRules([]byte(`[{"pattern":"Local/*@sim-slow","behaviour":"answer","answerAfterMs":2500,"hangupAfterMs":60000},{"pattern":"PJSIP/2*","behaviour":"busy"}]`))
	if err != nil {
		t.Fatalf("ParseRules: %v", err)
	}
	if len(rules) != 2 || rules[0].AnswerAfter != 2500*time.Millisecond || rules[0].HangupAfter != time.Minute || rules[1].Behaviour != Busy {
		t.Fatalf("rules = %+v", rules)
	}
	if r := matchRule(rules, "Local/1001@sim-slow"); r == nil || r.Behaviour != Answer {
		t.Fatalf("Local/1001@sim-slow matched %+v, want the answer rule", r)
	}
	if r := matchRule(rules, "Local/1001@sim-slower"); r != nil {
		t.Fatalf("Local/1001@sim-slower matched %+v, want no rule", r)
	}
}

func TestParseRulesRejectsBadInput(t *testing.T) {
	cases := map[string]string{
		"not JSON":          `{`,
		"unknown behaviour": `[{"pattern":"PJSIP/1*","behaviour":"explode"}]`,
		"bad pattern":       `[{"pattern":"Local/[","behaviour":"busy"}]`,
		"empty pattern":     `[{"pattern":"","behaviour":"busy"}]`,
		"negative delay":    `[{"pattern":"PJSIP/1*","behaviour":"answer","answerAfterMs":-1}]`,
	}
	for name, input := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRules([]byte(input)); err == nil {
				t.Fatalf("ParseRules(%s) succeeded", input)
			}
		})
	}
}

func TestDefaultRulesMatchRecordedContexts(t *testing.T) {
	want := map[string]Behaviour{
		"Local/1001@sim-answer":       Answer,
		"Local/1001@sim-answer-short": Answer,
		"Local/7916@sim-customer":     Answer,
		"Local/1001@sim-busy":         Busy,
		"Local/1001@sim-noanswer":     NoAnswer,
		"Local/1001@sim-congestion":   Congestion,
		"PJSIP/1001":                  Manual,
		"PJSIP/1010":                  Manual,
	}
	for endpoint, behaviour := range want {
		r := matchRule(DefaultRules(), endpoint)
		if r == nil || r.Behaviour != behaviour {
			t.Errorf("%s matched %+v, want %s", endpoint, r, behaviour)
		}
	}
	if r := matchRule(DefaultRules(), "Local/123@no-such-context"); r != nil {
		t.Errorf("a context without a rule matched %+v; it must behave as a missing context", r)
	}
	for _, r := range DefaultRules() {
		if err := r.validate(); err != nil {
			t.Errorf("default rule invalid: %v", err)
		}
	}
}
