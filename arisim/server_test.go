package arisim

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestInboundCallBridgedWithAgent(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC))
	s, hs := newTestServer(t, Options{Clock: clock})
	ev := dialEvents(t, hs.URL, "app=switchboard&subscribeAll=true")

	customer, err := s.ArriveCall(Call{CallerNumber: "79161234567", CallerName: "Ivan Petrov", Dialed: "100", App: "switchboard", Args: []string{"inbound", "support"}})
	if err != nil {
		t.Fatalf("ArriveCall: %v", err)
	}
	ev.sync()
	if got := ev.typesFor(customer); !slices.Contains(got, "StasisStart") {
		t.Fatalf("customer events = %v, want a StasisStart", got)
	}

	if st, body := restCall(t, hs.URL, "POST", "/ari/channels/"+customer+"/answer", nil); st != 204 {
		t.Fatalf("answer: status %d body %s", st, body)
	}
	st, body := restCall(t, hs.URL, "POST", "/ari/channels", map[string]any{
		"endpoint": "Local/1001@sim-answer", "app": "switchboard", "appArgs": "agent,1001", "channelId": "agent-ch", "timeout": 20,
	})
	if st != 200 {
		t.Fatalf("originate: status %d body %s", st, body)
	}
	clock.Advance(1100 * time.Millisecond)
	ev.sync()
	if got := ev.typesFor("agent-ch"); !slices.Contains(got, "StasisStart") {
		t.Fatalf("agent events after answer delay = %v, want StasisStart", got)
	}

	if st, body := restCall(t, hs.URL, "POST", "/ari/bridges/b1", map[string]any{"type": "mixing"}); st != 200 {
		t.Fatalf("create bridge: %d %s", st, body)
	}
	for _, id := range []string{customer, "agent-ch"} {
		if st, body := restCall(t, hs.URL, "POST", "/ari/bridges/b1/addChannel", map[string]any{"channel": id}); st != 204 {
			t.Fatalf("addChannel %s: %d %s", id, st, body)
		}
	}
	bridges := s.Bridges()
	if len(bridges) != 1 || len(bridges[0].Channels) != 2 {
		t.Fatalf("bridges = %+v, want one bridge with both channels", bridges)
	}

	if err := s.Hangup(customer, 16); err != nil {
		t.Fatalf("Hangup: %v", err)
	}
	ev.sync()
	want := []string{"ChannelCreated", "StasisStart", "ChannelStateChange", "ChannelEnteredBridge", "ChannelHangupRequest", "ChannelLeftBridge", "StasisEnd", "ChannelHangupRequest", "ChannelDestroyed"}
	if got := ev.keyTypesFor(customer); !slices.Equal(got, want) {
		t.Fatalf("customer events:\n got  %v\n want %v", got, want)
	}
}

func TestAuthentication(t *testing.T) {
	_, hs := newTestServer(t, Options{})
	cases := []struct {
		name, url string
		basic     bool
		want      int
	}{
		{"basic auth", "/ari/asterisk/ping", true, 200},
		{"api key with + @ :", "/ari/asterisk/ping?api_key=" + testUser + ":" + strings.NewReplacer("+", "%2B", "@", "%40", ":", "%3A").Replace(testPassword), false, 200},
		{"api key raw colons", "/ari/asterisk/ping?api_key=" + testUser + ":s3cret%2Bpa@ss:word", false, 200},
		{"wrong api key", "/ari/asterisk/ping?api_key=" + testUser + ":nope", false, 401},
		{"no credentials", "/ari/asterisk/ping", false, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var st int
			var body []byte
			if tc.basic {
				st, body = restCall(t, hs.URL, "GET", tc.url, nil)
			} else {
				resp, err := httpGet(hs.URL + tc.url)
				if err != nil {
					t.Fatal(err)
				}
				st, body = resp.status, resp.body
			}
			if st != tc.want {
				t.Fatalf("status = %d (%s), want %d", st, body, tc.want)
			}
			if st == 401 && string(body) != `{"message":"Authentication required"}`+"\n" {
				t.Fatalf("401 body = %q", body)
			}
		})
	}
}

func TestArriveCallWithoutClientFailsStasis(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	_, err := s.ArriveCall(Call{CallerNumber: "1", Dialed: "100", App: "switchboard"})
	if !errors.Is(err, ErrStasisFailed) {
		t.Fatalf("ArriveCall error = %v, want ErrStasisFailed", err)
	}
	if n := len(s.Channels()); n != 0 {
		t.Fatalf("%d channels left after the fallback, want 0", n)
	}
}
