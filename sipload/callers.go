package sipload

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// maxNumberDigits is the longest number E.164 allows (ITU-T E.164, section 6.1).
const maxNumberDigits = 15

// CallerPool is the set of caller ids that calls present in their From header. It is
// immutable after ParseCallerPool, so calls may pick from it concurrently.
type CallerPool struct {
	ranges []numberRange
	// cumulative[i] is the number of caller ids in ranges[:i+1].
	cumulative []uint64
}

// numberRange is a run of numbers of one width: first..last inclusive.
type numberRange struct {
	plus        bool
	width       int
	first, last uint64
}

// CallerPoolProblem is the kind of mistake in a caller id list, so that a program can
// explain it in its own language.
type CallerPoolProblem int

// Problems ParseCallerPool reports.
const (
	PoolEmpty CallerPoolProblem = iota + 1
	PoolEmptyItem
	PoolMissingDigits
	PoolTooManyDigits
	PoolInvalidCharacter
	PoolPlusMismatch
	PoolEndLonger
	PoolStartAboveEnd
	PoolTooLarge
)

// CallerPoolError is an invalid caller id list: the item at fault and the problem.
type CallerPoolError struct {
	Item    string
	Problem CallerPoolProblem
}

func (e *CallerPoolError) Error() string {
	switch e.Problem {
	case PoolEmpty:
		return "caller id list is empty: give numbers or ranges such as +74951230000-+74951239999"
	case PoolEmptyItem:
		return "caller id list has an empty item: remove the extra comma"
	case PoolMissingDigits:
		return fmt.Sprintf("caller id %q has no digits on one side: write a number such as +74951234567", e.Item)
	case PoolTooManyDigits:
		return fmt.Sprintf("caller id %q has a number longer than %d digits, the E.164 maximum", e.Item, maxNumberDigits)
	case PoolInvalidCharacter:
		return fmt.Sprintf("caller id %q contains a character other than digits and a leading +", e.Item)
	case PoolPlusMismatch:
		return fmt.Sprintf("caller id range %q: write \"+\" on both ends or on neither", e.Item)
	case PoolEndLonger:
		return fmt.Sprintf("caller id range %q: the end has more digits than the start; give both ends with the same number of digits", e.Item)
	case PoolStartAboveEnd:
		return fmt.Sprintf("caller id range %q: the start is above the end; write the lower number first", e.Item)
	case PoolTooLarge:
		return "caller id list has more numbers than a 64-bit counter holds: use fewer ranges"
	}
	return fmt.Sprintf("caller id %q is invalid", e.Item)
}

// ParseCallerPool parses a comma-separated list of caller ids and ranges:
//
//	+74951234567                  one number
//	+74951230000-+74951239999     a range, both ends written in full
//	+74951230000-9999             the same range: the end replaces the last digits of the start
//
// Numbers are 1 to 15 digits with an optional leading "+". Both ends of a range have the
// same width and prefix, and the start is not above the end. Errors are *CallerPoolError.
func ParseCallerPool(text string) (*CallerPool, error) {
	if strings.TrimSpace(text) == "" {
		return nil, &CallerPoolError{Problem: PoolEmpty}
	}

	pool := &CallerPool{}
	var total uint64
	for item := range strings.SplitSeq(text, ",") {
		item = strings.TrimSpace(item)
		r, problem := parseNumberRange(item)
		if problem != 0 {
			return nil, &CallerPoolError{Item: item, Problem: problem}
		}

		size := r.last - r.first + 1
		if total+size < total {
			return nil, &CallerPoolError{Item: item, Problem: PoolTooLarge}
		}
		total += size
		pool.ranges = append(pool.ranges, r)
		pool.cumulative = append(pool.cumulative, total)
	}
	return pool, nil
}

func parseNumberRange(item string) (numberRange, CallerPoolProblem) {
	if item == "" {
		return numberRange{}, PoolEmptyItem
	}

	startText, endText, isRange := strings.Cut(item, "-")
	start, problem := parseNumber(startText)
	if problem != 0 {
		return numberRange{}, problem
	}
	if !isRange {
		return numberRange{plus: start.plus, width: start.width, first: start.value, last: start.value}, 0
	}

	end, problem := parseNumber(endText)
	if problem != 0 {
		return numberRange{}, problem
	}
	switch {
	case end.width == start.width:
		if end.plus != start.plus {
			return numberRange{}, PoolPlusMismatch
		}
	case end.width < start.width && !end.plus:
		// The short form: the end replaces the last digits of the start.
		scale := pow10(end.width)
		end.value = start.value - start.value%scale + end.value
	default:
		return numberRange{}, PoolEndLonger
	}
	if end.value < start.value {
		return numberRange{}, PoolStartAboveEnd
	}
	return numberRange{plus: start.plus, width: start.width, first: start.value, last: end.value}, 0
}

type parsedNumber struct {
	plus  bool
	width int
	value uint64
}

func parseNumber(text string) (parsedNumber, CallerPoolProblem) {
	digits, plus := strings.CutPrefix(text, "+")
	if digits == "" {
		return parsedNumber{}, PoolMissingDigits
	}
	if len(digits) > maxNumberDigits {
		return parsedNumber{}, PoolTooManyDigits
	}
	var value uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return parsedNumber{}, PoolInvalidCharacter
		}
		// Fifteen digits always fit in a uint64.
		value = value*10 + uint64(c-'0')
	}
	return parsedNumber{plus: plus, width: len(digits), value: value}, 0
}

func pow10(n int) uint64 {
	result := uint64(1)
	for range n {
		result *= 10
	}
	return result
}

// Size returns the number of distinct entries in the pool; a number listed twice counts
// twice, so it is picked twice as often.
func (p *CallerPool) Size() uint64 {
	if len(p.cumulative) == 0 {
		return 0
	}
	return p.cumulative[len(p.cumulative)-1]
}

// Number returns the i-th caller id of the pool, 0 <= i < Size, in list order.
func (p *CallerPool) Number(i uint64) string {
	k := sort.Search(len(p.cumulative), func(k int) bool { return p.cumulative[k] > i })
	r := p.ranges[k]
	offset := i
	if k > 0 {
		offset -= p.cumulative[k-1]
	}

	digits := strconv.FormatUint(r.first+offset, 10)
	var b strings.Builder
	if r.plus {
		b.WriteByte('+')
	}
	for range r.width - len(digits) {
		b.WriteByte('0')
	}
	b.WriteString(digits)
	return b.String()
}

// Pick returns a caller id chosen uniformly by rng.
func (p *CallerPool) Pick(rng *rand.Rand) string {
	return p.Number(rng.Uint64N(p.Size()))
}

// String returns the pool in the syntax ParseCallerPool reads.
func (p *CallerPool) String() string {
	parts := make([]string, 0, len(p.ranges))
	for i, r := range p.ranges {
		first := p.Number(p.cumulative[i] - (r.last - r.first + 1))
		if r.first == r.last {
			parts = append(parts, first)
			continue
		}
		parts = append(parts, first+"-"+p.Number(p.cumulative[i]-1))
	}
	return strings.Join(parts, ",")
}
