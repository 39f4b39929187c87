package main

import (
	"fmt"

	"github.com/switchboard-cc/switchboard/crm/phone"
)

// campaignMessages is the text of the campaign and dnc commands in one language. The
// Russian texts quote values as «%s» where the English ones use %q, as the import report does.
type campaignMessages struct {
	// states and leadStates name the campaign and lead statuses the storage spells.
	states, leadStates map[string]string

	flagQueue, flagPolicy, flagAbandonTarget, flagMaxLines, flagWindow, flagTimeZone string
	flagMaxAttempts, flagRetryDelay, flagReason                                      string

	unknownSubcommand string // %q subcommand, %s command
	badPolicy         string // %q value
	badWindow         string // %q value
	badNumber         string // %q value, %s option
	badName           string // %q name
	badTimeZone       string // %q zone
	badPhone          string // %q value, %s reason from phoneReasons
	missingQueue      string
	unknownQueue      string // %q queue, %s configured queues
	notFound          string // %q campaign
	exists            string // %q campaign
	invalid           string // %v reason
	isDone            string
	notStarted        string // %q campaign
	noTables          string

	created     string // %s name, %s queue
	statusSet   string // %s name, %s status
	noCampaigns string
	columns     []string
	statusHead  string // %s name, %s status, %s queue, %s policy
	leadsHead   string
	statusLine  string // %-10s status, %d count
	// statusWindow takes the window, the time zone and windowOpen or windowClosed.
	statusWindow string
	windowOpen   string
	windowClosed string
	// startedOutsideWindow takes the window, the time zone and the clock time there.
	startedOutsideWindow string
	startedNoLeads       string // %s campaign
	abandonment          string // %d abandoned, %d live, %.1f percent, %g target
	noLive               string

	// leadsReport takes the imported, duplicate, invalid and do-not-call counts, the encoding
	// and the delimiter. It is printed through a message.Printer, which groups the digits.
	leadsReport   string
	leadProblem   string // %d line, %s reason
	leadDuplicate string // %d line, %s number
	leadDNC       string // %d line, %s number
	leadMissing   string
	leadDupInFile string // %s number as written, %d earlier line

	// phoneReasons explain why crm/phone rejected a number, after badPhone's value.
	phoneReasons map[phone.Reason]string

	dncAdded   string // %s number
	dncRemoved string // %s number
	dncEmpty   string
	dncMissing string // %s number
}

var englishCampaign = campaignMessages{
	flagQueue:         "routing `QUEUE` whose agents take the answered calls",
	flagPolicy:        "pacing `POLICY`: progressive (one dial per free agent) or predictive",
	flagAbandonTarget: "maximum share of answered calls abandoned, in `PERCENT` (predictive; default 3)",
	flagMaxLines:      "maximum dials in progress at once (default 10)",
	flagWindow:        "calling window `HH:MM-HH:MM` in the campaign's time zone (default 09:00-21:00; equal times mean all day)",
	flagTimeZone:      "IANA time `ZONE` of the calling window (default Europe/Moscow)",
	flagMaxAttempts:   "dials of a busy or unanswered number, the first included (default 3)",
	flagRetryDelay:    "pause before a retry, such as 30m (default 30m)",
	flagReason:        "why the number must not be called",

	unknownSubcommand: "unknown subcommand %q of %s",
	badPolicy:         "invalid policy %q: use progressive or predictive",
	badWindow:         "invalid calling window %q: use HH:MM-HH:MM, such as 09:00-21:00",
	badNumber:         "invalid value %q for %s",
	badName:           "invalid campaign name %q: use 1-64 letters, digits, '_', '.' or '-', without spaces",
	badTimeZone:       "unknown time zone %q: use an IANA name such as Europe/Moscow or Asia/Yekaterinburg",
	badPhone:          "invalid phone number %q: %s; write it with the country code, for example +7 495 123-45-67",
	missingQueue:      "campaign add needs --queue: name the queue whose agents take the calls",
	unknownQueue:      "queue %q is not configured, so no agent would take the campaign's calls: use one of %s, or add a [[queue]] table",
	notFound:          "campaign %q not found: see switchboard campaign list",
	exists:            "a campaign named %q already exists: choose another name",
	invalid:           "invalid campaign: %v",
	isDone:            "campaign %q is done and cannot be started again: create a new campaign",
	notStarted:        "campaign %q has not started, so there is nothing to pause: start it with switchboard campaign start",
	noTables:          "the campaign tables do not exist: run switchboard migrate up",

	created:     "Created campaign %s for queue %s (draft). Load leads with switchboard campaign leads, then start it.\n",
	statusSet:   "Campaign %s is now %s.\n",
	noCampaigns: "No campaigns.\n",
	columns:     []string{"NAME", "STATUS", "QUEUE", "POLICY", "LINES", "WINDOW", "TIME ZONE"},
	statusHead:  "Campaign %s: %s, queue %s, policy %s\n",
	leadsHead:   "Leads:",
	statusLine:  "  %-15s %d\n",
	abandonment: "Abandoned: %d of %d answered calls (%.1f%%; target %g%%)\n",
	noLive:      "Abandoned: no answered calls yet\n",

	statusWindow:         "Calling window: %s, time zone %s (%s)\n",
	windowOpen:           "open now",
	windowClosed:         "closed now",
	startedOutsideWindow: "Nothing is dialed until the calling window %s opens (time zone %s, %s there now).\n",
	startedNoLeads:       "The campaign has no leads, so nothing is dialed: load them with switchboard campaign leads %s FILE.\n",

	leadsReport:   "Leads imported: %d; duplicates: %d, invalid rows: %d, on the do-not-call list: %d (file read as %s, delimiter \"%s\").\n",
	leadProblem:   "  line %d: %s\n",
	leadDuplicate: "  line %d: %s is already in the campaign\n",
	leadDNC:       "  line %d: %s is on the do-not-call list and will not be dialed\n",
	leadMissing:   "phone is empty",
	leadDupInFile: "%s repeats the number of line %d",

	phoneReasons: map[phone.Reason]string{
		phone.ReasonWithheld:           "it is the mark of a withheld number, not a number",
		phone.ReasonInputTooLong:       "the text is longer than any phone number",
		phone.ReasonNoDigits:           "it contains no digits",
		phone.ReasonNotANumber:         "it is not a telephone number",
		phone.ReasonUnknownCountryCode: "the country code is unknown",
		phone.ReasonTooShort:           "it is too short",
		phone.ReasonTooLong:            "it is too long",
		phone.ReasonNoAreaCode:         "it lacks an area code",
		phone.ReasonInvalidLength:      "its length fits no number of its country",
		phone.ReasonUnstable:           "it has no stable international form",
	},

	states: map[string]string{"draft": "draft", "running": "running", "paused": "paused", "done": "done"},
	leadStates: map[string]string{
		"new": "new", "dialing": "dialing", "answered": "answered", "abandoned": "abandoned",
		"no_answer": "no answer", "busy": "busy", "failed": "failed", "dnc": "do not call", "done": "done",
	},

	dncAdded:   "Added %s to the do-not-call list.\n",
	dncRemoved: "Removed %s from the do-not-call list.\n",
	dncEmpty:   "The do-not-call list is empty.\n",
	dncMissing: "%s is not on the do-not-call list",
}

var russianCampaign = campaignMessages{
	flagQueue:         "`ОЧЕРЕДЬ` маршрутизации, операторы которой принимают отвеченные звонки",
	flagPolicy:        "`ПОЛИТИКА` темпа: progressive (один набор на свободного оператора) или predictive",
	flagAbandonTarget: "наибольшая доля брошенных отвеченных звонков, в `ПРОЦЕНТАХ` (predictive; по умолчанию 3)",
	flagMaxLines:      "наибольшее число одновременных наборов (по умолчанию 10)",
	flagWindow:        "окно обзвона `ЧЧ:ММ-ЧЧ:ММ` в часовом поясе кампании (по умолчанию 09:00-21:00; равные времена значат весь день)",
	flagTimeZone:      "часовой `ПОЯС` IANA для окна обзвона (по умолчанию Europe/Moscow)",
	flagMaxAttempts:   "число наборов занятого или неотвечающего номера, включая первый (по умолчанию 3)",
	flagRetryDelay:    "пауза перед повторным набором, например 30m (по умолчанию 30m)",
	flagReason:        "почему номеру нельзя звонить",

	unknownSubcommand: "неизвестная подкоманда «%s» команды %s",
	badPolicy:         "недопустимая политика «%s»: укажите progressive или predictive",
	badWindow:         "недопустимое окно обзвона «%s»: укажите ЧЧ:ММ-ЧЧ:ММ, например 09:00-21:00",
	badNumber:         "недопустимое значение «%s» для %s",
	badName:           "недопустимое имя кампании «%s»: используйте от 1 до 64 букв, цифр, '_', '.' или '-' без пробелов",
	badTimeZone:       "неизвестный часовой пояс «%s»: укажите имя IANA, например Europe/Moscow или Asia/Yekaterinburg",
	badPhone:          "недопустимый номер телефона «%s»: %s; запишите его с кодом страны, например +7 495 123-45-67",
	missingQueue:      "для campaign add нужен --queue: укажите очередь, операторы которой принимают звонки",
	unknownQueue:      "очередь «%s» не настроена, и звонки кампании никто не примет: укажите одну из %s или добавьте таблицу [[queue]]",
	notFound:          "кампания «%s» не найдена: см. switchboard campaign list",
	exists:            "кампания «%s» уже существует: выберите другое имя",
	invalid:           "недопустимые параметры кампании: проверьте их по switchboard help campaign",
	isDone:            "кампания «%s» завершена и не может быть запущена снова: создайте новую кампанию",
	notStarted:        "кампания «%s» ещё не запущена, приостанавливать нечего: запустите её командой switchboard campaign start",
	noTables:          "таблиц кампаний нет: выполните switchboard migrate up",

	created:     "Кампания %s для очереди %s создана (черновик). Загрузите номера командой switchboard campaign leads и запустите её.\n",
	statusSet:   "Кампания %s: %s.\n",
	noCampaigns: "Кампаний нет.\n",
	columns:     []string{"ИМЯ", "СОСТОЯНИЕ", "ОЧЕРЕДЬ", "ПОЛИТИКА", "ЛИНИИ", "ОКНО", "ЧАСОВОЙ ПОЯС"},
	statusHead:  "Кампания %s: %s, очередь %s, политика %s\n",
	leadsHead:   "Номера:",
	statusLine:  "  %-15s %d\n",
	abandonment: "Брошено: %d из %d отвеченных звонков (%.1f%%; цель %g%%)\n",
	noLive:      "Брошено: отвеченных звонков ещё нет\n",

	statusWindow:         "Окно обзвона: %s, часовой пояс %s (%s)\n",
	windowOpen:           "сейчас открыто",
	windowClosed:         "сейчас закрыто",
	startedOutsideWindow: "Номера не набираются, пока не откроется окно обзвона %s (часовой пояс %s, там сейчас %s).\n",
	startedNoLeads:       "В кампании нет номеров, поэтому набирать некого: загрузите их командой switchboard campaign leads %s ФАЙЛ.\n",

	leadsReport:   "Загружено номеров: %d; дубликатов: %d, недопустимых строк: %d, в списке запрета звонков: %d (файл прочитан как %s, разделитель «%s»).\n",
	leadProblem:   "  строка %d: %s\n",
	leadDuplicate: "  строка %d: %s уже есть в кампании\n",
	leadDNC:       "  строка %d: %s в списке запрета звонков и набираться не будет\n",
	leadMissing:   "номер телефона пуст",
	leadDupInFile: "%s повторяет номер строки %d",

	phoneReasons: map[phone.Reason]string{
		phone.ReasonWithheld:           "это обозначение скрытого номера, а не номер",
		phone.ReasonInputTooLong:       "текст длиннее любого номера телефона",
		phone.ReasonNoDigits:           "в нём нет цифр",
		phone.ReasonNotANumber:         "это не номер телефона",
		phone.ReasonUnknownCountryCode: "код страны неизвестен",
		phone.ReasonTooShort:           "номер слишком короткий",
		phone.ReasonTooLong:            "номер слишком длинный",
		phone.ReasonNoAreaCode:         "в номере нет кода города",
		phone.ReasonInvalidLength:      "ни один номер этой страны не имеет такой длины",
		phone.ReasonUnstable:           "у номера нет устойчивой международной записи",
	},

	states: map[string]string{"draft": "черновик", "running": "идёт обзвон", "paused": "на паузе", "done": "завершена"},
	leadStates: map[string]string{
		"new": "новый", "dialing": "набирается", "answered": "отвечен", "abandoned": "брошен",
		"no_answer": "нет ответа", "busy": "занято", "failed": "ошибка", "dnc": "запрет звонков", "done": "обработан",
	},

	dncAdded:   "Номер %s добавлен в список запрета звонков.\n",
	dncRemoved: "Номер %s удалён из списка запрета звонков.\n",
	dncEmpty:   "Список запрета звонков пуст.\n",
	dncMissing: "номера %s нет в списке запрета звонков",
}

// delimiterLabel returns the delimiter for the leads report, with tab written as \t.
func delimiterLabel(delimiter rune) string {
	if delimiter == '\t' {
		return `\t`
	}
	return string(delimiter)
}

func campaignText(lang string) *campaignMessages {
	if lang == "ru" {
		return &russianCampaign
	}
	return &englishCampaign
}

// invalidPhone explains why crm/phone rejected raw. A reason without a translation (one
// added to crm/phone later) falls back to the generic "not a telephone number".
func (m *campaignMessages) invalidPhone(raw string, reason phone.Reason) string {
	text, ok := m.phoneReasons[reason]
	if !ok {
		text = m.phoneReasons[phone.ReasonNotANumber]
	}
	return fmt.Sprintf(m.badPhone, raw, text)
}

// newPhoneError reports in both languages why crm/phone rejected raw with err.
func newPhoneError(raw string, err error) *userError {
	reason, _ := phone.ReasonOf(err)
	return &userError{en: englishCampaign.invalidPhone(raw, reason), ru: russianCampaign.invalidPhone(raw, reason)}
}

// newCampaignError formats the same campaign message in both languages.
func newCampaignError(pick func(*campaignMessages) string, args ...any) *userError {
	return &userError{
		en: fmt.Sprintf(pick(&englishCampaign), args...),
		ru: fmt.Sprintf(pick(&russianCampaign), args...),
	}
}

const campaignUsageEnglish = `Usage: switchboard campaign SUBCOMMAND [ARGUMENTS] [OPTIONS]

Outbound campaigns for marketers. A running node dials each running campaign inside its
calling window and connects answered calls to the agents of the campaign's queue. A person
who answers and waits more than 2 s for an agent is hung up and counted as abandoned.

  campaign add NAME --queue QUEUE [--policy progressive|predictive] [--abandon-target 3]
               [--max-lines 10] [--window 09:00-21:00] [--time-zone Europe/Moscow]
               [--max-attempts 3] [--retry-delay 30m]
                            create a campaign in draft status
  campaign leads NAME FILE  load a CSV call list (UTF-8 or Windows-1251, comma or semicolon)
                            with a phone column and an optional name column; the report
                            lists duplicate, invalid and do-not-call rows with line numbers
  campaign start NAME       start or resume dialing
  campaign pause NAME       stop new dials at once; calls in progress continue
  campaign stop NAME        end the campaign for good (status done)
  campaign list             list campaigns
  campaign status NAME      leads per status and the share of abandoned calls

Options:
  --queue QUEUE            routing queue whose agents take the answered calls
  --policy POLICY          progressive (one dial per free agent) or predictive
  --abandon-target PERCENT maximum share of answered calls abandoned (predictive; default 3)
  --max-lines N            maximum dials in progress at once (default 10)
  --window HH:MM-HH:MM     calling window (default 09:00-21:00; equal times mean all day)
  --time-zone ZONE         IANA time zone of the window (default Europe/Moscow)
  --max-attempts N         dials of a busy or unanswered number, the first included (default 3)
  --retry-delay DURATION   pause before a retry, such as 30m (default 30m)
`

const campaignUsageRussian = `Использование: switchboard campaign ПОДКОМАНДА [АРГУМЕНТЫ] [ПАРАМЕТРЫ]

Исходящие кампании для маркетологов. Работающий узел набирает номера каждой запущенной
кампании в её окне обзвона и соединяет ответивших с операторами очереди кампании. Если
ответивший ждёт оператора дольше 2 с, звонок завершается и считается брошенным.

  campaign add ИМЯ --queue ОЧЕРЕДЬ [--policy progressive|predictive] [--abandon-target 3]
               [--max-lines 10] [--window 09:00-21:00] [--time-zone Europe/Moscow]
               [--max-attempts 3] [--retry-delay 30m]
                            создать кампанию в состоянии черновика
  campaign leads ИМЯ ФАЙЛ   загрузить список обзвона CSV (UTF-8 или Windows-1251, запятая
                            или точка с запятой) со столбцом телефона и необязательным
                            столбцом имени; отчёт называет строки-дубликаты, недопустимые
                            и запрещённые к звонку строки с их номерами
  campaign start ИМЯ        запустить или продолжить набор
  campaign pause ИМЯ        сразу прекратить новые наборы; текущие звонки продолжаются
  campaign stop ИМЯ         завершить кампанию насовсем (состояние done)
  campaign list             перечислить кампании
  campaign status ИМЯ       число контактов в каждом состоянии и доля брошенных звонков

Параметры:
  --queue ОЧЕРЕДЬ          очередь, операторы которой принимают отвеченные звонки
  --policy ПОЛИТИКА        progressive (один набор на свободного оператора) или predictive
  --abandon-target ПРОЦЕНТ наибольшая доля брошенных отвеченных звонков (predictive; по умолчанию 3)
  --max-lines N            наибольшее число одновременных наборов (по умолчанию 10)
  --window ЧЧ:ММ-ЧЧ:ММ     окно обзвона (по умолчанию 09:00-21:00; равные времена значат весь день)
  --time-zone ПОЯС         часовой пояс IANA для окна (по умолчанию Europe/Moscow)
  --max-attempts N         число наборов занятого или неотвечающего номера, включая первый (по умолчанию 3)
  --retry-delay ДЛИТЕЛЬНОСТЬ пауза перед повторным набором, например 30m (по умолчанию 30m)
`

const dncUsageEnglish = `Usage: switchboard dnc add|remove|list [NUMBER] [--reason TEXT]

The do-not-call list: no campaign dials a number on it. Numbers are written in any form that
crm/phone reads (+7 495 123-45-67, 8 495 1234567) and stored in E.164.

  dnc add NUMBER [--reason TEXT]  put the number on the list
  dnc remove NUMBER               take the number off the list
  dnc list                        print the list
`

const dncUsageRussian = `Использование: switchboard dnc add|remove|list [НОМЕР] [--reason ТЕКСТ]

Список запрета звонков: ни одна кампания не набирает номера из него. Номер можно записать в
любом виде (+7 495 123-45-67, 8 495 1234567); он хранится в формате E.164.

  dnc add НОМЕР [--reason ТЕКСТ]  добавить номер в список
  dnc remove НОМЕР                удалить номер из списка
  dnc list                        вывести список
`

// state and leadState return a campaign's or a lead's status s in the catalogue's language;
// an unknown status stays as stored.
func (m *campaignMessages) state(s string) string { return nameOr(m.states, s) }

func (m *campaignMessages) leadState(s string) string { return nameOr(m.leadStates, s) }

func nameOr(names map[string]string, s string) string {
	if name, ok := names[s]; ok {
		return name
	}
	return s
}
