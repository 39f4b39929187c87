package main

import (
	"fmt"
	"strings"

	"github.com/switchboard-cc/switchboard/sipload"
)

// messages is the text callgen shows people, in one language. Logs stay in English.
type messages struct {
	usage       string
	errorPrefix string
	helpHint    string

	badLang         string // %q value
	badFlag         string // %v flag package error
	extraArgs       string // %q first extra argument
	missingTarget   string
	badTarget       string // %q value
	badRate         string // %q value
	noLimit         string
	negative        string // %s flag name
	badLocal        string // %q value
	badHoldDist     string // %q value
	passwordNoUser  string
	passwordFile    string // %s file, %v cause
	callerPool      map[sipload.CallerPoolProblem]string
	callerPoolOther string // %q item
	listenFailed    string // %v cause
	unreachable     string // %s target, %s probe timeout
	runFailed       string // %v cause

	progress string // %s elapsed, %d attempted, %d in progress, %d answered, %d failed, %d abandoned, %s p50, %s p99

	summaryTitle   string // %d attempted, %s placing time, %.1f rate, %s elapsed
	answered       string
	failed         string
	finalStatus    string
	abandoned      string
	stopped        string
	noResponse     string
	errors         string
	skipped        string
	challenged     string
	remoteHangups  string
	hangupFailures string
	setupTitle     string // %d count
	setupNone      string
}

var english = messages{
	usage: `callgen: places SIP calls at a steady rate and measures how the target answers.

Usage:
  callgen -target sip:NUMBER@HOST:PORT [-rate N] (-duration D | -calls N) [OPTIONS]

Calls (UDP only):
  -target URI        request URI of every INVITE, e.g. sip:74950001122@127.0.0.1:5060 (required)
  -local ADDR        local IP:port for SIP; also the Contact and SDP address (default 127.0.0.1:0, any free port)
  -rate N            new calls per second (default 10)
  -duration D        stop placing calls after D, e.g. 10s or 5m
  -calls N           stop placing calls after N calls; give -duration, -calls or both
  -max-calls N       most calls in progress at once; a call due beyond that is skipped (default 10000)
  -from LIST         caller ids: numbers and ranges, e.g. +74951230000-+74951239999,+78120000000-99
                     (default +74951000000-+74951999999)
  -seed N            seed of the caller id and hold time choices; a seed repeats a run (default 1)
  -hold D            hold time of an answered call before BYE (default 30s)
  -hold-dist NAME    fixed (every call holds -hold) or exp (exponential with mean -hold) (default fixed)
  -ring-timeout D    time from INVITE to CANCEL when no answer comes: the caller abandons (default 30s)
  -probe-timeout D   wait for the answer to the OPTIONS sent before the first call (default 5s)

Digest authentication (answers 401 and 407):
  -user NAME         digest username
  -password-file F   file whose first line is the password; or set CALLGEN_PASSWORD

Output:
  -json              print the summary as JSON (and progress as JSON lines)
  -interval D        also print progress every D (default 0: only the summary)
  -log-level L       log level on standard error: debug, info, warn or error (default warn)
  -lang en|ru        language of help and summary (default: from LC_ALL, LC_MESSAGES or LANG)

SIGINT or SIGTERM stop placing calls, end the calls in progress with BYE or CANCEL and
print the summary. Exit status: 0 after a run, 1 when the target never responded or the
run failed, 2 for invalid options. The generator sends no RTP. See docs/callgen.md.
`,
	errorPrefix: "callgen: ",
	helpHint:    `Run "callgen -h" for usage.`,

	badLang:        "invalid -lang %q: use en or ru",
	badFlag:        "%v",
	extraArgs:      "unexpected argument %q: every setting is an option such as -target",
	missingTarget:  "-target is missing: give the SIP URI to call, such as sip:74950001122@127.0.0.1:5060",
	badTarget:      "invalid -target %q: write a SIP URI over UDP such as sip:74950001122@127.0.0.1:5060",
	badRate:        "invalid -rate %q: give a positive number of calls per second",
	noLimit:        "neither -duration nor -calls is set: give at least one, or the run never ends",
	negative:       "invalid -%s: it must not be negative",
	badLocal:       "invalid -local %q: give the IP address and port the target can reach, such as 127.0.0.1:5070",
	badHoldDist:    "invalid -hold-dist %q: use fixed or exp",
	passwordNoUser: "a password is set but -user is not: give the digest username too",
	passwordFile:   "cannot read the password file %s: %v",
	callerPool: map[sipload.CallerPoolProblem]string{
		sipload.PoolEmpty:            "-from is empty: give numbers or ranges such as +74951230000-+74951239999",
		sipload.PoolEmptyItem:        "-from has an empty item: remove the extra comma",
		sipload.PoolMissingDigits:    "-from item %q has no digits on one side: write a number such as +74951234567",
		sipload.PoolTooManyDigits:    "-from item %q has a number longer than 15 digits, the E.164 maximum",
		sipload.PoolInvalidCharacter: "-from item %q contains a character other than digits and a leading +",
		sipload.PoolPlusMismatch:     "-from range %q: write + on both ends or on neither",
		sipload.PoolEndLonger:        "-from range %q: the end has more digits than the start; give both ends with the same number of digits",
		sipload.PoolStartAboveEnd:    "-from range %q: the start is above the end; write the lower number first",
		sipload.PoolTooLarge:         "-from has more numbers than a 64-bit counter holds: use fewer ranges",
	},
	callerPoolOther: "invalid -from item %q",
	listenFailed:    "%v; set -local to a free local address",
	unreachable:     "the target %s responded neither to OPTIONS within %s nor to any INVITE: check its address and UDP port and that it is running",
	runFailed:       "%v",

	progress: "%s: %d calls, %d in progress, %d answered, %d failed, %d abandoned; setup p50 %s, p99 %s\n",

	summaryTitle:   "Calls: %d attempted over %s (%.1f calls/s); the run took %s\n",
	answered:       "answered (2xx)",
	failed:         "failed 3xx / 4xx / 5xx / 6xx",
	finalStatus:    "final responses",
	abandoned:      "abandoned (CANCEL after -ring-timeout)",
	stopped:        "ended unanswered by the stop",
	noResponse:     "no response",
	errors:         "generator errors",
	skipped:        "skipped (-max-calls in progress)",
	challenged:     "digest challenges answered",
	remoteHangups:  "hung up by the target",
	hangupFailures: "BYE without 2xx",
	setupTitle:     "Setup latency, INVITE to 2xx (%d calls):",
	setupNone:      "Setup latency: no call was answered.",
}

var russian = messages{
	usage: `callgen: совершает SIP-вызовы с постоянной интенсивностью и измеряет, как отвечает цель.

Использование:
  callgen -target sip:НОМЕР@ХОСТ:ПОРТ [-rate N] (-duration D | -calls N) [КЛЮЧИ]

Вызовы (только UDP):
  -target URI        Request-URI каждого INVITE, например sip:74950001122@127.0.0.1:5060 (обязателен)
  -local АДРЕС       локальный IP:порт для SIP; он же адрес в Contact и SDP (по умолчанию 127.0.0.1:0, любой свободный порт)
  -rate N            новых вызовов в секунду (по умолчанию 10)
  -duration D        прекратить новые вызовы через D, например 10s или 5m
  -calls N           прекратить новые вызовы после N вызовов; задайте -duration, -calls или оба
  -max-calls N       наибольшее число одновременных вызовов; вызов сверх него пропускается (по умолчанию 10000)
  -from СПИСОК       номера вызывающих: номера и диапазоны, например +74951230000-+74951239999,+78120000000-99
                     (по умолчанию +74951000000-+74951999999)
  -seed N            зерно выбора номеров и длительности разговора; то же зерно повторяет прогон (по умолчанию 1)
  -hold D            длительность отвеченного вызова до BYE (по умолчанию 30s)
  -hold-dist ИМЯ     fixed (каждый вызов длится -hold) или exp (экспоненциально со средним -hold) (по умолчанию fixed)
  -ring-timeout D    время от INVITE до CANCEL, если ответа нет: абонент бросает трубку (по умолчанию 30s)
  -probe-timeout D   ожидание ответа на OPTIONS, который отправляется перед первым вызовом (по умолчанию 5s)

Digest-аутентификация (ответ на 401 и 407):
  -user ИМЯ          имя пользователя digest
  -password-file Ф   файл, первая строка которого — пароль; или задайте CALLGEN_PASSWORD

Вывод:
  -json              вывести итог в JSON (и промежуточные итоги строками JSON)
  -interval D        выводить промежуточный итог каждые D (по умолчанию 0: только итог)
  -log-level L       уровень журнала в стандартный поток ошибок: debug, info, warn или error (по умолчанию warn)
  -lang en|ru        язык справки и итога (по умолчанию по LC_ALL, LC_MESSAGES или LANG)

SIGINT или SIGTERM прекращают новые вызовы, завершают идущие вызовы через BYE или CANCEL
и выводят итог. Код выхода: 0 после прогона, 1 если цель ни разу не ответила или прогон не
удался, 2 при неверных ключах. Генератор не передаёт RTP. Подробнее: docs/callgen.ru.md.
`,
	errorPrefix: "callgen: ",
	helpHint:    `Справка: "callgen -h".`,

	badLang:        "неверный -lang %q: укажите en или ru",
	badFlag:        "%v",
	extraArgs:      "лишний аргумент %q: все настройки задаются ключами, например -target",
	missingTarget:  "не задан -target: укажите SIP URI для вызовов, например sip:74950001122@127.0.0.1:5060",
	badTarget:      "неверный -target %q: укажите SIP URI по UDP, например sip:74950001122@127.0.0.1:5060",
	badRate:        "неверный -rate %q: укажите положительное число вызовов в секунду",
	noLimit:        "не заданы ни -duration, ни -calls: задайте хотя бы один, иначе прогон не закончится",
	negative:       "неверный -%s: значение не может быть отрицательным",
	badLocal:       "неверный -local %q: укажите IP-адрес и порт, доступные цели, например 127.0.0.1:5070",
	badHoldDist:    "неверный -hold-dist %q: укажите fixed или exp",
	passwordNoUser: "пароль задан, а -user нет: укажите и имя пользователя digest",
	passwordFile:   "не удалось прочитать файл пароля %s: %v",
	callerPool: map[sipload.CallerPoolProblem]string{
		sipload.PoolEmpty:            "-from пуст: укажите номера или диапазоны, например +74951230000-+74951239999",
		sipload.PoolEmptyItem:        "в -from пустой элемент: уберите лишнюю запятую",
		sipload.PoolMissingDigits:    "в элементе -from %q с одной стороны нет цифр: запишите номер, например +74951234567",
		sipload.PoolTooManyDigits:    "в элементе -from %q номер длиннее 15 цифр, предела E.164",
		sipload.PoolInvalidCharacter: "элемент -from %q содержит символы, кроме цифр и + в начале",
		sipload.PoolPlusMismatch:     "диапазон -from %q: пишите + на обоих концах или ни на одном",
		sipload.PoolEndLonger:        "диапазон -from %q: в конце больше цифр, чем в начале; запишите оба конца одинаковой длины",
		sipload.PoolStartAboveEnd:    "диапазон -from %q: начало больше конца; запишите сначала меньший номер",
		sipload.PoolTooLarge:         "в -from больше номеров, чем вмещает 64-битный счётчик: укажите меньше диапазонов",
	},
	callerPoolOther: "неверный элемент -from %q",
	listenFailed:    "%v; укажите в -local свободный локальный адрес",
	unreachable:     "цель %s не ответила ни на OPTIONS за %s, ни на один INVITE: проверьте её адрес и UDP-порт и что она запущена",
	runFailed:       "%v",

	progress: "%s: вызовов %d, идут %d, отвечено %d, ошибок %d, брошено %d; установление p50 %s, p99 %s\n",

	summaryTitle:   "Вызовы: %d за %s (%.1f вызовов/с); прогон занял %s\n",
	answered:       "отвечено (2xx)",
	failed:         "отказ 3xx / 4xx / 5xx / 6xx",
	finalStatus:    "окончательные ответы",
	abandoned:      "брошено (CANCEL после -ring-timeout)",
	stopped:        "завершено без ответа при остановке",
	noResponse:     "нет ответа",
	errors:         "ошибки генератора",
	skipped:        "пропущено (идёт -max-calls вызовов)",
	challenged:     "пройдено digest-запросов",
	remoteHangups:  "завершено целью",
	hangupFailures: "BYE без 2xx",
	setupTitle:     "Время установления, от INVITE до 2xx (%d вызовов):",
	setupNone:      "Время установления: ни один вызов не отвечен.",
}

func messagesFor(lang string) *messages {
	if lang == "ru" {
		return &russian
	}
	return &english
}

// detectLanguage picks the language from a -lang option anywhere in args, then from
// the locale variables, as cmd/switchboard does, so that even flag errors are localized.
func detectLanguage(args []string, getenv func(string) string) string {
	for i, arg := range args {
		if arg == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !strings.HasPrefix(arg, "-") || name != "lang" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		if value == "ru" {
			return "ru"
		}
		return "en"
	}

	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if value := getenv(name); value != "" {
			if strings.HasPrefix(strings.ToLower(value), "ru") {
				return "ru"
			}
			return "en"
		}
	}
	return "en"
}

// userError is an error meant for the person at the terminal, in both languages.
type userError struct{ en, ru string }

func (e *userError) Error() string { return e.en }

func (e *userError) localize(lang string) string {
	if lang == "ru" {
		return e.ru
	}
	return e.en
}

// newUserError formats the same message from both catalogues.
func newUserError(pick func(*messages) string, args ...any) *userError {
	return &userError{
		en: fmt.Sprintf(pick(&english), args...),
		ru: fmt.Sprintf(pick(&russian), args...),
	}
}
