package ctitest_test

import (
	"slices"
	"testing"

	"github.com/switchboard-cc/switchboard/cti"
	"github.com/switchboard-cc/switchboard/cti/ctitest"
	"github.com/switchboard-cc/switchboard/cti/event"
)

func TestStartAndAnswer(t *testing.T) {
	env := ctitest.Start(t, ctitest.Options{})

	call := env.ArriveCall(t, "79161234567", "100", "inbound", "support")
	if !slices.Equal(call.Args, []string{"inbound", "support"}) || call.Server != "pbx1" {
		t.Errorf("CallArrived = %+v", call)
	}

	if err := env.Server.Answer(t.Context(), call.ChannelID); err != nil {
		t.Fatalf("answer: %v", err)
	}
	env.Events.WaitFor(t, "Answered", func(e event.Event) bool {
		_, ok := e.(event.Answered)
		return ok && e.EventMeta().ChannelID == call.ChannelID
	})

	if err := env.Server.Hangup(t.Context(), call.ChannelID, cti.ReasonNormal); err != nil {
		t.Fatalf("hangup: %v", err)
	}
	hu := env.Events.WaitFor(t, "HungUp", func(e event.Event) bool {
		_, ok := e.(event.HungUp)
		return ok && e.EventMeta().ChannelID == call.ChannelID
	}).(event.HungUp)
	if hu.Cause != 16 {
		t.Errorf("HungUp cause = %d, want 16", hu.Cause)
	}
}
