package cti

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rotisserie/eris"
)

func validConfig() ServerConfig {
	return ServerConfig{Name: "pbx1", URL: "http://127.0.0.1:8088/ari", Username: "switchboard", Password: "p+a@s:s", Application: "crm"}
}

func TestConfigValidation(t *testing.T) {
	cases := map[string]struct {
		change func(*ServerConfig)
		want   string
	}{
		"valid with + @ : in password": {func(*ServerConfig) {}, ""},
		"empty name":                   {func(c *ServerConfig) { c.Name = "" }, "server name"},
		"missing URL":                  {func(c *ServerConfig) { c.URL = "" }, "URL is missing"},
		"ws scheme":                    {func(c *ServerConfig) { c.URL = "ws://127.0.0.1:8088/ari" }, "must start with http"},
		"credentials in URL":           {func(c *ServerConfig) { c.URL = "http://u:secret@127.0.0.1:8088/ari" }, "contains credentials"},
		"missing password":             {func(c *ServerConfig) { c.Password = "" }, "password are required"},
		"colon in username":            {func(c *ServerConfig) { c.Username = "a:b" }, "must not contain ':'"},
		"comma in application":         {func(c *ServerConfig) { c.Application = "crm,x" }, "application name"},
	}

	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := validConfig()
			tc.change(&cfg)
			err := cfg.validate()

			if tc.want == "" {
				if err != nil {
					t.Fatalf("validate: %v", err)
				}
				return
			}

			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("validate error = %v, want it to mention %q", err, tc.want)
			}

			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestEventsURL(t *testing.T) {
	cfg := validConfig()
	cfg.URL = "https://pbx.example:8089/ari/"

	want := "wss://pbx.example:8089/ari/events?app=crm&subscribeAll=true"
	if got := cfg.eventsURL(); got != want {
		t.Errorf("eventsURL = %q, want %q", got, want)
	}
}

func TestConfigLogValueHidesPassword(t *testing.T) {
	if got := fmt.Sprint(validConfig().LogValue()); strings.Contains(got, "p+a@s:s") {
		t.Errorf("LogValue contains the password: %s", got)
	}
}

func TestBackoffCappedWithJitter(t *testing.T) {
	minDelay, maxDelay := 100*time.Millisecond, 2*time.Second

	for attempt := 0; attempt < 40; attempt++ {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := backoff(attempt, minDelay, maxDelay)
			if d < minDelay/2 || d > maxDelay {
				t.Fatalf("attempt %d: delay %s outside [%s, %s]", attempt, d, minDelay/2, maxDelay)
			}

			ceiling := maxDelay
			if attempt < 5 {
				ceiling = minDelay << attempt
			}
			if d > ceiling {
				t.Fatalf("attempt %d: delay %s above the exponential ceiling %s", attempt, d, ceiling)
			}
			seen[d] = true
		}

		if len(seen) < 10 {
			t.Errorf("attempt %d: only %d distinct delays in 50 draws, want jitter", attempt, len(seen))
		}
	}
}

type codeError struct{ code int }

func (e codeError) Error() string { return fmt.Sprintf("Non-2XX response: %d", e.code) }
func (e codeError) Code() int     { return e.code }

// causeOnly mimics the ari/v5 client's data-get error, which has Cause but no Unwrap.
type causeOnly struct{ cause error }

func (e causeOnly) Error() string { return "failed to get data: " + e.cause.Error() }
func (e causeOnly) Cause() error  { return e.cause }

func TestClassifyStatuses(t *testing.T) {
	cases := []struct {
		status int
		want   error
	}{
		{404, ErrNotFound},
		{409, ErrConflict},
		{422, ErrConflict},
		{400, ErrInvalid},
		{500, ErrUnavailable},
		{503, ErrUnavailable},
		{401, ErrUnavailable},
	}

	for _, tc := range cases {
		wrapped := eris.Wrap(causeOnly{cause: codeError{tc.status}}, "failed to get data")
		err := classify("pbx1", "get channel x", wrapped)

		if !errors.Is(err, tc.want) {
			t.Errorf("status %d: error %v is not %v", tc.status, err, tc.want)
		}
		if err.Status != tc.status {
			t.Errorf("status %d: RequestError.Status = %d", tc.status, err.Status)
		}
	}

	transport := classify("pbx1", "answer channel x", eris.Wrap(errors.New("connection refused"), "failed to make request"))
	if !errors.Is(transport, ErrUnavailable) || transport.Status != 0 {
		t.Errorf("transport failure = %v (status %d), want ErrUnavailable without status", transport, transport.Status)
	}
}
