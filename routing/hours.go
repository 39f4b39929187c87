package routing

import (
	"fmt"
	"time"
)

// BusinessHours are the opening hours of a queue in its own time zone. A queue is open when
// the local date is not a holiday and the local time of day falls in one of the ranges of
// that weekday.
type BusinessHours struct {
	// TimeZone is an IANA zone name such as "Europe/Moscow", loaded with time.LoadLocation.
	TimeZone string
	// Weekly holds the open ranges per day, indexed by time.Weekday (Sunday is 0). A day
	// without ranges is closed.
	Weekly [7][]TimeRange
	// Holidays are local dates ("2026-01-01") on which the queue is closed all day.
	Holidays []string
}

// TimeRange is an open interval of a day from Start up to, but not including, End, both
// written "15:04". End may be "24:00". A range that crosses midnight must be split into two
// days' ranges.
type TimeRange struct {
	Start, End string
}

// schedule is BusinessHours compiled for fast checks.
type schedule struct {
	loc      *time.Location
	weekly   [7][][2]int // minutes since local midnight, [start, end)
	holidays map[civilDate]bool
}

type civilDate struct {
	year  int
	month time.Month
	day   int
}

func parseClock(s string) (int, error) {
	if s == "24:00" {
		return 24 * 60, nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("time of day %q is invalid; write it as HH:MM, for example 09:00", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

func compileHours(h *BusinessHours) (*schedule, error) {
	if h.TimeZone == "" {
		return nil, fmt.Errorf("business hours have no time zone; set an IANA name such as Europe/Moscow")
	}
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("load time zone %q: %w; use an IANA name such as Europe/Moscow", h.TimeZone, err)
	}

	s := &schedule{loc: loc, holidays: make(map[civilDate]bool, len(h.Holidays))}
	for day, ranges := range h.Weekly {
		for _, r := range ranges {
			start, err := parseClock(r.Start)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", time.Weekday(day), err)
			}
			end, err := parseClock(r.End)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", time.Weekday(day), err)
			}
			if end <= start {
				return nil, fmt.Errorf("%s: range %s-%s ends before it starts; split a range that crosses midnight into two days",
					time.Weekday(day), r.Start, r.End)
			}
			s.weekly[day] = append(s.weekly[day], [2]int{start, end})
		}
	}
	for _, d := range h.Holidays {
		t, err := time.Parse(time.DateOnly, d)
		if err != nil {
			return nil, fmt.Errorf("holiday %q is invalid; write it as YYYY-MM-DD", d)
		}
		s.holidays[civilDate{t.Year(), t.Month(), t.Day()}] = true
	}
	return s, nil
}

// open reports whether the queue is open at instant t.
func (s *schedule) open(t time.Time) bool {
	local := t.In(s.loc)
	if s.holidays[civilDate{local.Year(), local.Month(), local.Day()}] {
		return false
	}
	minute := local.Hour()*60 + local.Minute()
	for _, r := range s.weekly[local.Weekday()] {
		if minute >= r[0] && minute < r[1] {
			return true
		}
	}
	return false
}
