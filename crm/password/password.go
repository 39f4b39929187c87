// Package password hashes and verifies user passwords with argon2id (RFC 9106), stored
// in the PHC string format:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt, base64 without padding>$<key, same encoding>
//
// The parameters travel inside the string, so raising them later leaves old hashes valid.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	// MemoryKiB is the memory cost in KiB.
	MemoryKiB uint32
	// Iterations is the time cost (passes over memory).
	Iterations uint32
	// Parallelism is the number of lanes.
	Parallelism uint8
}

// DefaultParams returns OWASP's minimum recommendation for argon2id: 19 MiB, 2 passes,
// 1 lane (OWASP Password Storage Cheat Sheet).
func DefaultParams() Params {
	return Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1}
}

const (
	saltLength = 16
	keyLength  = 32
	// Bounds on parameters read from a stored hash, so a tampered row cannot make
	// Verify allocate gigabytes or spin for minutes.
	maxMemoryKiB  = 1 << 20 // 1 GiB
	maxIterations = 16
	// MaxLength bounds the password in bytes, because hashing megabytes of input costs CPU.
	MaxLength = 1024
)

// ErrMalformedHash means a stored hash is not an argon2id PHC string this package reads.
var ErrMalformedHash = errors.New("malformed password hash")

// ErrMismatch means the password does not match the hash.
var ErrMismatch = errors.New("password does not match")

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of password with a random salt and DefaultParams.
func Hash(password string) (string, error) {
	return HashWith(password, DefaultParams())
}

// HashWith returns the PHC string of password with a random salt and the given params.
func HashWith(password string, p Params) (string, error) {
	if password == "" {
		return "", errors.New("password is empty: choose a password of at least 8 characters")
	}
	if len(password) > MaxLength {
		return "", fmt.Errorf("password is %d bytes long: use at most %d", len(password), MaxLength)
	}
	if p.MemoryKiB < 8*uint32(p.Parallelism) || p.Iterations < 1 || p.Parallelism < 1 {
		return "", fmt.Errorf("invalid argon2id parameters m=%d t=%d p=%d", p.MemoryKiB, p.Iterations, p.Parallelism)
	}

	salt := make([]byte, saltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.MemoryKiB, p.Parallelism, keyLength)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify returns nil when password matches the PHC string hash, ErrMismatch when it does
// not, and an error wrapping ErrMalformedHash when hash cannot be read.
func Verify(password, hash string) error {
	p, salt, want, err := decode(hash)
	if err != nil {
		return err
	}
	if len(password) > MaxLength {
		return ErrMismatch
	}
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.MemoryKiB, p.Parallelism, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// NeedsRehash reports whether hash was made with parameters other than p, so a caller
// can replace it after a successful Verify.
func NeedsRehash(hash string, p Params) bool {
	got, _, _, err := decode(hash)
	return err != nil || got != p
}

func decode(hash string) (Params, []byte, []byte, error) {
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, fmt.Errorf("%w: expected $argon2id$v=19$m=..,t=..,p=..$salt$key", ErrMalformedHash)
	}

	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, fmt.Errorf("%w: argon2 version %q, want v=%d", ErrMalformedHash, parts[2], argon2.Version)
	}

	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Iterations, &p.Parallelism); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: parameters %q: %w", ErrMalformedHash, parts[3], err)
	}
	if p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > maxMemoryKiB ||
		p.Iterations < 1 || p.Iterations > maxIterations || p.Parallelism < 1 {
		return Params{}, nil, nil, fmt.Errorf("%w: parameters %q out of range", ErrMalformedHash, parts[3])
	}

	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return Params{}, nil, nil, fmt.Errorf("%w: salt is not base64 of at least 8 bytes", ErrMalformedHash)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return Params{}, nil, nil, fmt.Errorf("%w: key is not base64 of 16 to 64 bytes", ErrMalformedHash)
	}
	return p, salt, key, nil
}
