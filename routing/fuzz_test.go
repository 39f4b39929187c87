package routing

import (
	"math/rand/v2"
	"testing"
	"time"
)

// byteSource is a rand.Source that reads the fuzzer's bytes, so coverage guidance steers the
// property-test driver. Once the bytes run out it continues with a fixed PCG stream, because a
// constant source would never satisfy the rejection sampling in rand.IntN.
type byteSource struct {
	data []byte
	rest rand.PCG
}

func (s *byteSource) Uint64() uint64 {
	if len(s.data) == 0 {
		return s.rest.Uint64()
	}
	var v uint64
	for range 8 {
		v <<= 8
		if len(s.data) > 0 {
			v |= uint64(s.data[0])
			s.data = s.data[1:]
		}
	}
	return v
}

// FuzzEngine runs the property checks of TestPropertyRandomSequences on event sequences chosen
// by the fuzzer's bytes.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte("arrive sign in answer end wrap-up transfer overflow"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := &byteSource{data: data, rest: *rand.NewPCG(1, 2)}
		w := newWorldFrom(t, rand.New(src))
		steps := 0
		for len(src.data) > 0 && steps < 2000 {
			w.step(w.randomInput())
			steps++
		}
		w.run(0)
	})
}

// FuzzBusinessHours checks that any time range and holiday text is either rejected or gives a
// schedule that is open exactly inside its range.
func FuzzBusinessHours(f *testing.F) {
	f.Add("09:00", "18:00", "2026-01-01")
	f.Add("00:00", "24:00", "2026-02-30")
	f.Add("25:00", "9", "")
	f.Fuzz(func(t *testing.T, start, end, holiday string) {
		hours := &BusinessHours{
			TimeZone: "Europe/Moscow",
			Weekly:   [7][]TimeRange{time.Monday: {{Start: start, End: end}}},
			Holidays: []string{holiday},
		}
		s, err := compileHours(hours)
		if err != nil {
			return
		}
		from, to := s.weekly[time.Monday][0][0], s.weekly[time.Monday][0][1]
		monday := time.Date(2026, 3, 2, 0, 0, 0, 0, s.loc)
		holidayMonday := s.holidays[civilDate{2026, time.March, 2}]
		for _, minute := range []int{from - 1, from, to - 1, to} {
			if minute < 0 || minute >= 24*60 {
				continue
			}
			want := minute >= from && minute < to && !holidayMonday
			if got := s.open(monday.Add(time.Duration(minute) * time.Minute)); got != want {
				t.Fatalf("range %q-%q: open at minute %d = %v, want %v", start, end, minute, got, want)
			}
		}
	})
}
