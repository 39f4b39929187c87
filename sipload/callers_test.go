package sipload

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestParseCallerPool(t *testing.T) {
	cases := []struct {
		text        string
		size        uint64
		first, last string
	}{
		{"+74951234567", 1, "+74951234567", "+74951234567"},
		{"+74951230000-+74951239999", 10000, "+74951230000", "+74951239999"},
		{"+74951230000-9999", 10000, "+74951230000", "+74951239999"},
		{"+74951230500-49", 50, "+74951230500", "+74951230549"},
		{" 84950000000-1 , +74951234567 ", 3, "84950000000", "+74951234567"},
		{"0001-0003", 3, "0001", "0003"},
		{"+7", 1, "+7", "+7"},
	}
	for _, c := range cases {
		pool, err := ParseCallerPool(c.text)
		if err != nil {
			t.Errorf("ParseCallerPool(%q): %v", c.text, err)
			continue
		}
		if pool.Size() != c.size {
			t.Errorf("ParseCallerPool(%q).Size() = %d, want %d", c.text, pool.Size(), c.size)
		}
		if got := pool.Number(0); got != c.first {
			t.Errorf("ParseCallerPool(%q).Number(0) = %q, want %q", c.text, got, c.first)
		}
		if got := pool.Number(pool.Size() - 1); got != c.last {
			t.Errorf("ParseCallerPool(%q).Number(last) = %q, want %q", c.text, got, c.last)
		}
	}
}

func TestParseCallerPoolErrors(t *testing.T) {
	cases := []struct {
		text    string
		problem CallerPoolProblem
	}{
		{"", PoolEmpty},
		{"  ", PoolEmpty},
		{"+74951234567,", PoolEmptyItem},
		{"+", PoolMissingDigits},
		{"+74951230000-", PoolMissingDigits},
		{"+7495123456789012", PoolTooManyDigits},
		{"+7 495 123", PoolInvalidCharacter},
		{"+74951230000-74951239999", PoolPlusMismatch},
		{"74951230000-+749512300001", PoolEndLonger},
		{"+74951230000-+7", PoolEndLonger},
		{"+74951239999-+74951230000", PoolStartAboveEnd},
		{"+74951230500-400", PoolStartAboveEnd},
		{"1-2-3", PoolInvalidCharacter},
	}
	for _, c := range cases {
		_, err := ParseCallerPool(c.text)
		poolErr, ok := errors.AsType[*CallerPoolError](err)
		if !ok {
			t.Errorf("ParseCallerPool(%q) error = %v, want a *CallerPoolError", c.text, err)
			continue
		}
		if poolErr.Problem != c.problem {
			t.Errorf("ParseCallerPool(%q) problem = %d (%v), want %d", c.text, poolErr.Problem, err, c.problem)
		}
	}
}

func TestCallerPoolPickCoversRanges(t *testing.T) {
	pool := mustPool(t, "+74951230000-9,+78120000000")
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]int{}
	for range 2000 {
		seen[pool.Pick(rng)]++
	}
	if len(seen) != 11 {
		t.Errorf("picked %d distinct numbers, want all 11: %v", len(seen), seen)
	}
	if seen["+78120000000"] == 0 {
		t.Errorf("the single number of the second item was never picked")
	}
}

// FuzzParseCallerPool checks that every accepted list has numbers that parse back as
// themselves and that String writes a list that parses to the same pool.
func FuzzParseCallerPool(f *testing.F) {
	for _, seed := range []string{"+74951234567", "+74951230000-+74951239999", "+74951230000-9999", "1-9,+7", "", ",", "+-", "999999999999999-0"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		pool, err := ParseCallerPool(text)
		if err != nil {
			if _, ok := errors.AsType[*CallerPoolError](err); !ok {
				t.Fatalf("error %v is not a *CallerPoolError", err)
			}
			return
		}
		if pool.Size() == 0 {
			t.Fatalf("accepted %q with no numbers", text)
		}

		again, err := ParseCallerPool(pool.String())
		if err != nil {
			t.Fatalf("String() = %q does not parse: %v", pool.String(), err)
		}
		if again.Size() != pool.Size() || again.String() != pool.String() {
			t.Fatalf("round trip of %q changed the pool: %q (%d) then %q (%d)", text, pool.String(), pool.Size(), again.String(), again.Size())
		}
		for _, i := range []uint64{0, pool.Size() / 2, pool.Size() - 1} {
			number := pool.Number(i)
			single, err := ParseCallerPool(number)
			if err != nil || single.Size() != 1 || single.Number(0) != number {
				t.Fatalf("Number(%d) = %q does not parse as one number: %v", i, number, err)
			}
		}
	})
}
