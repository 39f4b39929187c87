package session_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/switchboard-cc/switchboard/api/protocol"
	"github.com/switchboard-cc/switchboard/api/session"
)

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

func TestRedisStoreRoundTrip(t *testing.T) {
	client := redisClient(t)
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	prefix := "switchboard-test:" + t.Name() + ":" + now.Format(time.RFC3339Nano) + ":"
	store := session.NewRedis(client, prefix, clock)

	id, err := session.NewID()
	if err != nil {
		t.Fatal(err)
	}
	want := session.Session{
		ID: id, Created: now.Truncate(time.Millisecond), Expires: now.Add(time.Hour).Truncate(time.Millisecond),
		User: protocol.User{ID: "7", Name: "Анна Петрова", Roles: []protocol.Role{protocol.RoleAgent}, Locale: "ru"},
	}
	if err := store.Put(ctx, want); err != nil {
		t.Fatalf("Put: %v", err)
	}

	// A second store on the same Redis, as after a restart or on another node, sees it.
	got, err := session.NewRedis(client, prefix, clock).Get(ctx, id)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.User.Name != want.User.Name || got.User.ID != "7" || !got.Expires.Equal(want.Expires) || !got.HasRole(protocol.RoleAgent) {
		t.Errorf("Get = %+v, want %+v", got, want)
	}

	keys, err := client.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] == prefix+id {
		t.Errorf("keys = %v, want one key that does not contain the raw session id", keys)
	}
	ttl, err := client.PTTL(ctx, keys[0]).Result()
	if err != nil || ttl <= 59*time.Minute || ttl > time.Hour {
		t.Errorf("key TTL = %v (%v), want about an hour", ttl, err)
	}

	// The API's clock decides expiry even before Redis drops the key.
	now = now.Add(time.Hour)
	if _, err := store.Get(ctx, id); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("Get after expiry: %v, want ErrNotFound", err)
	}
	now = now.Add(-time.Hour)

	if err := store.Delete(ctx, id); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := store.Get(ctx, id); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := store.Delete(ctx, id); err != nil {
		t.Errorf("Delete of a missing session: %v", err)
	}
	if _, err := store.Get(ctx, "never-issued"); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("Get of an unknown id: %v, want ErrNotFound", err)
	}
}

func TestRedisStoreRejectsExpiredPut(t *testing.T) {
	client := redisClient(t)
	ctx := context.Background()
	store := session.NewRedis(client, "switchboard-test:"+t.Name()+":", nil)

	id, _ := session.NewID()
	if err := store.Put(ctx, session.Session{ID: id, Expires: time.Now().Add(-time.Second)}); err != nil {
		t.Fatalf("Put of an expired session: %v", err)
	}
	if _, err := store.Get(ctx, id); !errors.Is(err, session.ErrNotFound) {
		t.Errorf("Get of a session stored expired: %v, want ErrNotFound", err)
	}
}
