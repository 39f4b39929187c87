package password_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/switchboard-cc/switchboard/crm/password"
)

// fast keeps the tests quick under -race; the format and checks are the same.
var fast = password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

func TestHashVerify(t *testing.T) {
	hash, err := password.HashWith("correct horse", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with the given parameters", hash)
	}
	if err := password.Verify("correct horse", hash); err != nil {
		t.Errorf("Verify(right password) = %v", err)
	}
	if err := password.Verify("correct horse ", hash); !errors.Is(err, password.ErrMismatch) {
		t.Errorf("Verify(wrong password) = %v, want ErrMismatch", err)
	}

	other, err := password.HashWith("correct horse", fast)
	if err != nil {
		t.Fatal(err)
	}
	if other == hash {
		t.Error("two hashes of one password are equal; the salt is not random")
	}
}

func TestDefaultParamsHash(t *testing.T) {
	hash, err := password.Hash("пароль")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("default hash %q", hash)
	}
	if err := password.Verify("пароль", hash); err != nil {
		t.Errorf("Verify = %v", err)
	}
	if password.NeedsRehash(hash, password.DefaultParams()) {
		t.Error("NeedsRehash with the same parameters = true")
	}
	if !password.NeedsRehash(hash, fast) {
		t.Error("NeedsRehash with other parameters = false")
	}
}

func TestVerifyMalformed(t *testing.T) {
	good, err := password.HashWith("x", fast)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	for name, hash := range map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234",
		"argon2i":        strings.Replace(good, "argon2id", "argon2i", 1),
		"old version":    strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":    strings.Join([]string{"", parts[1], parts[2], "m=4294967295,t=1,p=1", parts[4], parts[5]}, "$"),
		"many passes":    strings.Join([]string{"", parts[1], parts[2], "m=64,t=1000000,p=1", parts[4], parts[5]}, "$"),
		"bad salt":       strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"),
		"short key":      strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
		"missing fields": "$argon2id$v=19$m=64,t=1,p=1",
	} {
		if err := password.Verify("x", hash); !errors.Is(err, password.ErrMalformedHash) {
			t.Errorf("%s: Verify = %v, want ErrMalformedHash", name, err)
		}
	}
}

func TestHashRejectsBadInput(t *testing.T) {
	if _, err := password.Hash(""); err == nil {
		t.Error("Hash(empty) returned no error")
	}
	if _, err := password.Hash(strings.Repeat("a", password.MaxLength+1)); err == nil {
		t.Error("Hash(too long) returned no error")
	}
}
