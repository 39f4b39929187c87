package loginlimit_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/switchboard-cc/switchboard/api/loginlimit"
)

const window = 5 * time.Minute

// counters returns a fresh Counter of each kind, so that both pass the same contract.
func counters(t *testing.T) map[string]func() loginlimit.Counter {
	t.Helper()
	client := redisClient(t)
	return map[string]func() loginlimit.Counter{
		"memory": func() loginlimit.Counter { return loginlimit.NewMemory(window, 1000) },
		"redis": func() loginlimit.Counter {
			prefix := fmt.Sprintf("switchboard-test:%s:%d:", t.Name(), time.Now().UnixNano())
			t.Cleanup(func() {
				keys, _ := client.Keys(context.Background(), prefix+"*").Result()
				if len(keys) > 0 {
					client.Del(context.Background(), keys...)
				}
			})
			return loginlimit.NewRedis(client, prefix, window)
		},
	}
}

func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	url := os.Getenv("SWITCHBOARD_TEST_REDIS_URL")
	if url == "" {
		t.Fatal("SWITCHBOARD_TEST_REDIS_URL is not set; run the tests with `make test`, or first run `eval \"$(scripts/services/env.sh)\"` in this shell")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("parse SWITCHBOARD_TEST_REDIS_URL: %v", err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	return client
}

func TestCounterContract(t *testing.T) {
	for name, newCounter := range counters(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
			c := newCounter()

			wait := func(key string, limit int, at time.Time) time.Duration {
				t.Helper()
				d, err := c.Wait(ctx, key, limit, at)
				if err != nil {
					t.Fatalf("Wait(%s): %v", key, err)
				}
				return d
			}
			fail := func(key string, at time.Time) {
				t.Helper()
				if err := c.Fail(ctx, key, at); err != nil {
					t.Fatalf("Fail(%s): %v", key, err)
				}
			}

			if d := wait("account:anna", 3, start); d != 0 {
				t.Errorf("wait with no failures = %v, want 0", d)
			}

			// Failures at 0, 1 and 2 minutes: the third reaches the limit of 3, so the key waits
			// until the first leaves the window at 5 minutes.
			for i := range 3 {
				fail("account:anna", start.Add(time.Duration(i)*time.Minute))
			}
			if d := wait("account:anna", 4, start.Add(2*time.Minute)); d != 0 {
				t.Errorf("wait under the limit = %v, want 0", d)
			}
			if d := wait("account:anna", 3, start.Add(2*time.Minute)); d != 3*time.Minute {
				t.Errorf("wait at the limit = %v, want 3m", d)
			}
			if d := wait("account:anna", 3, start.Add(5*time.Minute)); d != 0 {
				t.Errorf("wait once the first failure left the window = %v, want 0", d)
			}
			if d := wait("account:anna", 2, start.Add(5*time.Minute)); d != time.Minute {
				t.Errorf("wait with two failures left and a limit of 2 = %v, want 1m", d)
			}

			// Keys are independent, and two failures at the same instant count twice.
			same := start.Add(10 * time.Minute)
			fail("address:10.0.0.1", same)
			fail("address:10.0.0.1", same)
			if d := wait("address:10.0.0.1", 2, same); d != window {
				t.Errorf("wait after two failures at one instant = %v, want %v", d, window)
			}
			if d := wait("account:boris", 1, same); d != 0 {
				t.Errorf("another key waits %v, want 0", d)
			}

			if err := c.Reset(ctx, "address:10.0.0.1"); err != nil {
				t.Fatalf("Reset: %v", err)
			}
			if d := wait("address:10.0.0.1", 1, same); d != 0 {
				t.Errorf("wait after Reset = %v, want 0", d)
			}
		})
	}
}

// Two Redis counters on one Redis, as on two API nodes, add up their failures.
func TestRedisCountersShareFailures(t *testing.T) {
	client := redisClient(t)
	ctx := context.Background()
	prefix := fmt.Sprintf("switchboard-test:%s:%d:", t.Name(), time.Now().UnixNano())
	t.Cleanup(func() { client.Del(context.Background(), prefix+"account:anna") })
	first, second := loginlimit.NewRedis(client, prefix, window), loginlimit.NewRedis(client, prefix, window)
	// Redis keeps times to the microsecond.
	now := time.Now().Truncate(time.Microsecond)

	for i := range 3 {
		node := first
		if i%2 == 1 {
			node = second
		}
		if err := node.Fail(ctx, "account:anna", now.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	d, err := second.Wait(ctx, "account:anna", 3, now.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if want := window - 2*time.Second; d != want {
		t.Errorf("wait after failures on two nodes = %v, want %v", d, want)
	}

	ttl, err := client.PTTL(ctx, prefix+"account:anna").Result()
	if err != nil || ttl <= 0 || ttl > window {
		t.Errorf("key expires in %v (%v), want within the window %v", ttl, err, window)
	}
}

// The memory counter starts over instead of tracking more keys than its bound.
func TestMemoryBoundsKeys(t *testing.T) {
	ctx := context.Background()
	c := loginlimit.NewMemory(window, 2)
	now := time.Now()
	for _, key := range []string{"a", "b", "c"} {
		if err := c.Fail(ctx, key, now); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := c.Wait(ctx, "a", 1, now); d != 0 {
		t.Errorf("key a still waits %v after the counter started over", d)
	}
	if d, _ := c.Wait(ctx, "c", 1, now); d != window {
		t.Errorf("key c waits %v, want %v", d, window)
	}
}
