package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Queue is one call queue, a [[queue]] table of the file. Queues have no environment
// variables. A zero duration takes the routing engine's default, named in
// docs/configuration.md.
type Queue struct {
	// Name is the queue's name in the dialplan (Stasis(switchboard,inbound,<name>)), the desk
	// and reports.
	Name string `toml:"name"`
	// Strategy picks the agent: longest_idle, fewest_calls or skill_weighted.
	Strategy string `toml:"strategy"`
	// Skills are "skill:level" pairs every agent of the queue needs.
	Skills []string `toml:"skills"`
	// RingTimeout is the time an agent's phone rings before the call goes to another agent.
	RingTimeout Duration `toml:"ring_timeout"`
	// WrapUp is the after-call work time. Zero means none.
	WrapUp Duration `toml:"wrap_up"`
	// MaxWait is the maximum wait before the call overflows. Zero means no limit.
	MaxWait Duration `toml:"max_wait"`
	// MaxLength is the maximum number of calls that may wait. Zero means no limit.
	MaxLength int `toml:"max_length"`
	// Overflow is the destination of calls past MaxWait or MaxLength: "" (they hang up), "voicemail",
	// "callback" or "queue:<name>".
	Overflow string `toml:"overflow"`
	// OverflowWhenNoAgents overflows calls at once while no agent of the queue is signed in.
	OverflowWhenNoAgents bool `toml:"overflow_when_no_agents"`
	// ServiceLevelThreshold is the wait within which an answered call counts toward the
	// service level.
	ServiceLevelThreshold Duration `toml:"service_level_threshold"`
	// AgingStep is the wait that raises a call's priority by one level.
	AgingStep Duration `toml:"aging_step"`
	// Hours are the opening hours. Without a time zone the queue is always open.
	Hours Hours `toml:"hours"`
}

// Hours are a queue's opening hours in its time zone. Each weekday lists "HH:MM-HH:MM"
// ranges, and a day without ranges is closed.
type Hours struct {
	TimeZone  string   `toml:"time_zone"`
	Monday    []string `toml:"monday"`
	Tuesday   []string `toml:"tuesday"`
	Wednesday []string `toml:"wednesday"`
	Thursday  []string `toml:"thursday"`
	Friday    []string `toml:"friday"`
	Saturday  []string `toml:"saturday"`
	Sunday    []string `toml:"sunday"`
	// Holidays are local dates ("2027-01-01") on which the queue is closed all day.
	Holidays []string `toml:"holidays"`
}

// Weekly returns the ranges by time.Weekday (Sunday first), as the routing engine indexes them.
func (h Hours) Weekly() [7][]string {
	return [7][]string{h.Sunday, h.Monday, h.Tuesday, h.Wednesday, h.Thursday, h.Friday, h.Saturday}
}

// Overflow kinds of Queue.Overflow.
const (
	OverflowVoicemail   = "voicemail"
	OverflowCallback    = "callback"
	OverflowQueuePrefix = "queue:"
)

// queueName is the form the dialplan of asterisk-config accepts: its inbound context
// matches extensions that start with a lowercase letter.
var queueName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

var skillLevel = regexp.MustCompile(`^([\p{L}\p{N}_-]+):([0-9]{1,3})$`)

var timeRange = regexp.MustCompile(`^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$`)

func (v *validator) queues(queues []Queue) {
	names := map[string]int{}
	for i, q := range queues {
		if first, taken := names[q.Name]; taken && q.Name != "" {
			v.reject(queueKey(i, "name"), q.Name,
				text{en: fmt.Sprintf("the same name as queue[%d]", first), ru: fmt.Sprintf("совпадает с именем queue[%d]", first)},
				text{en: "give every queue its own name", ru: "дайте каждой очереди своё имя"})
		} else {
			names[q.Name] = i
		}
	}

	for i, q := range queues {
		key := func(field string) string { return queueKey(i, field) }

		if !queueName.MatchString(q.Name) {
			v.reject(key("name"), q.Name, text{en: "not a valid queue name", ru: "некорректное имя очереди"},
				text{en: "use 1 to 32 lowercase Latin letters, digits, '-' and '_', starting with a letter, for example support",
					ru: "используйте от 1 до 32 строчных латинских букв, цифр, '-' и '_', начиная с буквы, например support"})
		}
		switch q.Strategy {
		case "", "longest_idle", "fewest_calls", "skill_weighted":
		default:
			v.reject(key("strategy"), q.Strategy, text{en: "unknown strategy", ru: "неизвестная стратегия"},
				text{en: "use longest_idle, fewest_calls or skill_weighted", ru: "используйте longest_idle, fewest_calls или skill_weighted"})
		}
		for _, skill := range q.Skills {
			if _, _, ok := ParseSkill(skill); !ok {
				v.reject(key("skills"), skill, text{en: "not a skill:level pair with a level from 1 to 10", ru: "это не пара навык:уровень с уровнем от 1 до 10"},
					text{en: `write each skill as "name:level", for example "english:3"`, ru: `запишите каждый навык как "название:уровень", например "english:3"`})
			}
		}
		for field, d := range map[string]Duration{
			"ring_timeout": q.RingTimeout, "wrap_up": q.WrapUp, "max_wait": q.MaxWait,
			"service_level_threshold": q.ServiceLevelThreshold, "aging_step": q.AgingStep,
		} {
			if d < 0 {
				v.reject(key(field), time.Duration(d).String(), text{en: "negative", ru: "отрицательное значение"},
					text{en: "use 0 for the default or a positive duration such as 30s", ru: "укажите 0 для значения по умолчанию или положительную длительность, например 30s"})
			}
		}
		if q.MaxLength < 0 {
			v.reject(key("max_length"), strconv.Itoa(q.MaxLength), text{en: "negative", ru: "отрицательное значение"},
				text{en: "use 0 for no limit or a positive number of calls", ru: "укажите 0 (без ограничения) или положительное число звонков"})
		}
		v.overflow(key("overflow"), q, names)
		v.hours(i, q.Hours)
	}
	v.overflowCycles(queues, names)
}

// overflowCycles rejects overflow chains that lead back to a queue already on the chain,
// because a call could then move between the queues forever. Each cycle is reported once,
// at its queue that comes first in the file. A queue that overflows into itself is reported by
// overflow instead.
func (v *validator) overflowCycles(queues []Queue, names map[string]int) {
	next := map[string]string{}
	for _, q := range queues {
		target, toQueue := strings.CutPrefix(q.Overflow, OverflowQueuePrefix)
		if _, exists := names[target]; toQueue && exists && target != q.Name {
			if _, seen := next[q.Name]; !seen {
				next[q.Name] = target
			}
		}
	}

	inReportedCycle := map[string]bool{}
	for i, q := range queues {
		if inReportedCycle[q.Name] {
			continue
		}
		chain := []string{q.Name}
		for name, ok := next[q.Name]; ok && !slices.Contains(chain, name); name, ok = next[name] {
			chain = append(chain, name)
		}
		last := chain[len(chain)-1]
		if len(chain) < 2 || next[last] != q.Name {
			// The chain ends, or it enters a cycle that q is not part of.
			continue
		}
		for _, name := range chain {
			inReportedCycle[name] = true
		}
		cycle := strings.Join(append(chain, q.Name), " → ")
		v.reject(queueKey(i, "overflow"), q.Overflow,
			text{en: "overflow chain " + cycle + " returns to queue " + q.Name + ", so a call could move between these queues forever",
				ru: "цепочка переполнения " + cycle + " возвращается в очередь " + q.Name + ", и звонок мог бы бесконечно переходить между этими очередями"},
			text{en: `end the chain: set overflow of one of these queues to "voicemail", "callback" or leave it empty to hang up`,
				ru: `разорвите цепочку: в одной из этих очередей укажите overflow = "voicemail", "callback" или оставьте пустым, чтобы завершать звонок`})
	}
}

func (v *validator) overflow(key string, q Queue, names map[string]int) {
	fix := text{
		en: `use "voicemail", "callback", "queue:<another queue's name>" or leave it empty to hang up`,
		ru: `укажите "voicemail", "callback", "queue:<имя другой очереди>" или оставьте пустым, чтобы завершать звонок`,
	}
	target, toQueue := strings.CutPrefix(q.Overflow, OverflowQueuePrefix)
	switch {
	case q.Overflow == "" || q.Overflow == OverflowVoicemail || q.Overflow == OverflowCallback:
	case !toQueue:
		v.reject(key, q.Overflow, text{en: "unknown overflow destination", ru: "неизвестное направление переполнения"}, fix)
	case target == q.Name:
		v.reject(key, q.Overflow, text{en: "a queue cannot overflow into itself", ru: "очередь не может переполняться сама в себя"}, fix)
	default:
		if _, ok := names[target]; !ok {
			v.reject(key, q.Overflow, text{en: "no [[queue]] has that name", ru: "нет очереди [[queue]] с таким именем"}, fix)
		}
	}
}

func (v *validator) hours(i int, h Hours) {
	key := func(field string) string { return queueKey(i, "hours."+field) }
	days := []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

	hasRanges := len(h.Holidays) > 0
	for day, ranges := range h.Weekly() {
		hasRanges = hasRanges || len(ranges) > 0
		for _, r := range ranges {
			if !validRange(r) {
				v.reject(key(days[day]), r, text{en: "not a time range within one day", ru: "это не промежуток времени в пределах суток"},
					text{en: `write "HH:MM-HH:MM" with the start before the end, for example "09:00-18:00"; end a day with "24:00"`,
						ru: `запишите "ЧЧ:ММ-ЧЧ:ММ", начало раньше конца, например "09:00-18:00"; конец суток — "24:00"`})
			}
		}
	}
	for _, holiday := range h.Holidays {
		if _, err := time.Parse(time.DateOnly, holiday); err != nil {
			v.reject(key("holidays"), holiday, text{en: "not a date", ru: "это не дата"},
				text{en: `write dates as "YYYY-MM-DD", for example "2027-01-01"`, ru: `запишите даты как "ГГГГ-ММ-ДД", например "2027-01-01"`})
		}
	}

	switch {
	case h.TimeZone == "" && hasRanges:
		v.reject(key("time_zone"), "", text{en: "missing while opening hours are set", ru: "не задан, хотя указаны часы работы"},
			text{en: `name the queue's time zone, for example "Europe/Moscow"`, ru: `укажите часовой пояс очереди, например "Europe/Moscow"`})
	case h.TimeZone != "":
		if _, err := time.LoadLocation(h.TimeZone); err != nil {
			v.reject(key("time_zone"), h.TimeZone, text{en: "not a known time zone", ru: "неизвестный часовой пояс"},
				text{en: `use an IANA zone name such as "Europe/Moscow" or "Asia/Yekaterinburg"`, ru: `укажите имя пояса IANA, например "Europe/Moscow" или "Asia/Yekaterinburg"`})
		}
	}
}

// validRange reports whether r is "HH:MM-HH:MM" with the start before the end, both within
// one day ("24:00" ends it).
func validRange(r string) bool {
	m := timeRange.FindStringSubmatch(r)
	if m == nil {
		return false
	}
	minutes := func(h, m string) int {
		hours, _ := strconv.Atoi(h)
		mins, _ := strconv.Atoi(m)
		if mins > 59 {
			return -1
		}
		return hours*60 + mins
	}
	start, end := minutes(m[1], m[2]), minutes(m[3], m[4])
	return start >= 0 && end >= 0 && end <= 24*60 && start < end
}

// maxSkillLevel is the highest level an agent can have (crm.MaxSkillLevel, and the range
// the user_skills table accepts), because a queue that requires more would never get an agent.
const maxSkillLevel = 10

// ParseSkill splits a "skill:level" pair of Queue.Skills. The level is 1 to 10.
func ParseSkill(s string) (skill string, level int, ok bool) {
	m := skillLevel.FindStringSubmatch(s)
	if m == nil {
		return "", 0, false
	}
	level, err := strconv.Atoi(m[2])
	if err != nil || level < 1 || level > maxSkillLevel {
		return "", 0, false
	}
	return m[1], level, true
}

func queueKey(i int, field string) string { return fmt.Sprintf("queue[%d].%s", i, field) }
