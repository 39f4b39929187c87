package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

const queuesFile = `
[[queue]]
name = "support"
strategy = "skill_weighted"
skills = ["russian:2", "english:1"]
ring_timeout = "15s"
wrap_up = "45s"
max_wait = "5m"
max_length = 30
overflow = "queue:sales"
service_level_threshold = "30s"

[queue.hours]
time_zone = "Europe/Moscow"
monday = ["09:00-13:00", "14:00-18:00"]
saturday = ["10:00-16:00"]
holidays = ["2027-01-01"]

[[queue]]
name = "sales"
overflow = "voicemail"
overflow_when_no_agents = true
`

func TestLoadQueues(t *testing.T) {
	cfg, err := Load(writeFile(t, queuesFile), []string{"SWITCHBOARD_DATABASE_URL=" + validDB})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := cfg.QueueNames(); !slices.Equal(got, []string{"support", "sales"}) {
		t.Fatalf("queues %v, want support and sales", got)
	}

	support := cfg.Queues[0]
	if support.Strategy != "skill_weighted" || !slices.Equal(support.Skills, []string{"russian:2", "english:1"}) {
		t.Errorf("support strategy %q skills %v", support.Strategy, support.Skills)
	}
	if time.Duration(support.RingTimeout) != 15*time.Second || time.Duration(support.WrapUp) != 45*time.Second ||
		time.Duration(support.MaxWait) != 5*time.Minute || time.Duration(support.ServiceLevelThreshold) != 30*time.Second {
		t.Errorf("support durations %+v", support)
	}
	if support.MaxLength != 30 || support.Overflow != "queue:sales" {
		t.Errorf("support max_length %d overflow %q", support.MaxLength, support.Overflow)
	}
	weekly := support.Hours.Weekly()
	if support.Hours.TimeZone != "Europe/Moscow" || !slices.Equal(weekly[time.Monday], []string{"09:00-13:00", "14:00-18:00"}) ||
		!slices.Equal(weekly[time.Saturday], []string{"10:00-16:00"}) || len(weekly[time.Sunday]) != 0 ||
		!slices.Equal(support.Hours.Holidays, []string{"2027-01-01"}) {
		t.Errorf("support hours %+v", support.Hours)
	}

	sales := cfg.Queues[1]
	if sales.Overflow != OverflowVoicemail || !sales.OverflowWhenNoAgents || sales.Hours.TimeZone != "" {
		t.Errorf("sales %+v", sales)
	}
}

func TestLoadQueueErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		key     string
		value   string
		wantEn  string
		wantRu  string
	}{
		{"name with capitals", "[[queue]]\nname = \"Support\"\n", "queue[0].name", "Support", "not a valid queue name", "некорректное имя очереди"},
		{"duplicate name", "[[queue]]\nname = \"a\"\n[[queue]]\nname = \"a\"\n", "queue[1].name", "a", "the same name as queue[0]", "совпадает с именем queue[0]"},
		{"unknown strategy", "[[queue]]\nname = \"a\"\nstrategy = \"random\"\n", "queue[0].strategy", "random", "unknown strategy", "неизвестная стратегия"},
		{"skill without level", "[[queue]]\nname = \"a\"\nskills = [\"english\"]\n", "queue[0].skills", "english", "skill:level", "навык:уровень"},
		{"skill level too high", "[[queue]]\nname = \"a\"\nskills = [\"english:11\"]\n", "queue[0].skills", "english:11", "from 1 to 10", "от 1 до 10"},
		{"negative wait", "[[queue]]\nname = \"a\"\nmax_wait = \"-1m\"\n", "queue[0].max_wait", "-1m0s", "negative", "отрицательное"},
		{"negative length", "[[queue]]\nname = \"a\"\nmax_length = -1\n", "queue[0].max_length", "-1", "negative", "отрицательное"},
		{"length as string", "[[queue]]\nname = \"a\"\nmax_length = \"10\"\n", "queue[0].max_length", "10", "a string, but the key takes an integer", "строка, а ожидается целое число"},
		{"overflow to unknown queue", "[[queue]]\nname = \"a\"\noverflow = \"queue:b\"\n", "queue[0].overflow", "queue:b", "no [[queue]] has that name", "нет очереди"},
		{"overflow into itself", "[[queue]]\nname = \"a\"\noverflow = \"queue:a\"\n", "queue[0].overflow", "queue:a", "cannot overflow into itself", "сама в себя"},
		{"unknown overflow", "[[queue]]\nname = \"a\"\noverflow = \"ivr\"\n", "queue[0].overflow", "ivr", "unknown overflow destination", "неизвестное направление"},
		{"overflow cycle of two", "[[queue]]\nname = \"a\"\noverflow = \"queue:b\"\n[[queue]]\nname = \"b\"\noverflow = \"queue:a\"\n",
			"queue[0].overflow", "queue:b", "overflow chain a → b → a returns to queue a", "цепочка переполнения a → b → a"},
		{"overflow cycle of three", "[[queue]]\nname = \"entry\"\noverflow = \"queue:b\"\n[[queue]]\nname = \"b\"\noverflow = \"queue:c\"\n[[queue]]\nname = \"c\"\noverflow = \"queue:d\"\n[[queue]]\nname = \"d\"\noverflow = \"queue:b\"\n",
			"queue[1].overflow", "queue:c", "overflow chain b → c → d → b returns to queue b", "возвращается в очередь b"},
		{"hours before any queue", "[queue.hours]\ntime_zone = \"Europe/Moscow\"\n", "queue", "{…}", "a table, but the key takes a list of tables", "таблица, а ожидается список таблиц"},
		{"range backwards", "[[queue]]\nname = \"a\"\n[queue.hours]\ntime_zone = \"Europe/Moscow\"\nfriday = [\"18:00-09:00\"]\n", "queue[0].hours.friday", "18:00-09:00", "not a time range", "не промежуток"},
		{"minutes out of range", "[[queue]]\nname = \"a\"\n[queue.hours]\ntime_zone = \"Europe/Moscow\"\nfriday = [\"09:75-18:00\"]\n", "queue[0].hours.friday", "09:75-18:00", "not a time range", "не промежуток"},
		{"hours without zone", "[[queue]]\nname = \"a\"\n[queue.hours]\nmonday = [\"09:00-18:00\"]\n", "queue[0].hours.time_zone", "", "missing while opening hours are set", "не задан"},
		{"unknown zone", "[[queue]]\nname = \"a\"\n[queue.hours]\ntime_zone = \"Europe/Moskva\"\n", "queue[0].hours.time_zone", "Europe/Moskva", "not a known time zone", "неизвестный часовой пояс"},
		{"bad holiday", "[[queue]]\nname = \"a\"\n[queue.hours]\ntime_zone = \"Europe/Moscow\"\nholidays = [\"01.01.2027\"]\n", "queue[0].hours.holidays", "01.01.2027", "not a date", "это не дата"},
		{"misspelt hours key", "[[queue]]\nname = \"a\"\n[queue.hours]\ntime_zone = \"Europe/Moscow\"\nmonay = [\"09:00-18:00\"]\n", "queue[0].hours.monay", "", "unknown key", "неизвестный ключ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.content)
			errs := fieldErrors(t, func() error { _, err := Load(path, []string{"SWITCHBOARD_DATABASE_URL=" + validDB}); return err }())
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
			}
			fe := errs[0]
			if fe.Key != tt.key || fe.Value != tt.value {
				t.Errorf("error on %s = %q, want %s = %q", fe.Key, fe.Value, tt.key, tt.value)
			}
			if fe.Env != "" {
				t.Errorf("error names variable %s; queues have none", fe.Env)
			}
			if en := fe.Localize("en"); !strings.Contains(en, tt.wantEn) {
				t.Errorf("English message %q does not contain %q", en, tt.wantEn)
			}
			if ru := fe.Localize("ru"); !strings.Contains(ru, tt.wantRu) {
				t.Errorf("Russian message %q does not contain %q", ru, tt.wantRu)
			}
		})
	}
}

func TestLoadOverflowChainWithoutCycle(t *testing.T) {
	path := writeFile(t, "[[queue]]\nname = \"a\"\noverflow = \"queue:b\"\n[[queue]]\nname = \"b\"\noverflow = \"queue:c\"\n[[queue]]\nname = \"c\"\noverflow = \"voicemail\"\n")
	cfg, err := Load(path, []string{"SWITCHBOARD_DATABASE_URL=" + validDB})
	if err != nil {
		t.Fatalf("Load of the chain a → b → c → voicemail: %v", err)
	}
	if got := cfg.QueueNames(); len(got) != 3 {
		t.Errorf("queues = %v, want a, b and c", got)
	}
}

func TestParseSkill(t *testing.T) {
	for _, tc := range []struct {
		in    string
		skill string
		level int
		ok    bool
	}{
		{"english:3", "english", 3, true},
		{"русский:10", "русский", 10, true},
		{"english:11", "", 0, false},
		{"english:0", "", 0, false},
		{"english", "", 0, false},
		{":3", "", 0, false},
		{"a b:3", "", 0, false},
	} {
		skill, level, ok := ParseSkill(tc.in)
		if skill != tc.skill || level != tc.level || ok != tc.ok {
			t.Errorf("ParseSkill(%q) = %q, %d, %t; want %q, %d, %t", tc.in, skill, level, ok, tc.skill, tc.level, tc.ok)
		}
	}
}
