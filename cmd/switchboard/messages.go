package main

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// messages is the text Switchboard shows people on the command line, in one language.
// Logs stay in English; everything written to stdout or as an error for the operator is here.
type messages struct {
	usage          string
	commandUsage   map[string]string
	flagConfig     string
	flagLang       string
	flagLogins     string
	flagEncoding   string
	flagDelimiter  string
	flagSource     string
	flagRegion     string
	flagYes        string
	errorPrefix    string
	unknownCommand string // %q command
	unknownTopic   string // %q topic
	// invalidArgument and extraArgument take the argument (%q) and the command's usage line.
	invalidArgument  string
	extraArgument    string
	missingArguments string // %s command usage line
	badLang          string // %q value
	// unknownOption, optionNeedsValue and badOption take the option (or the flag package's
	// message) and the help command that lists the options.
	unknownOption    string
	optionNeedsValue string
	badOption        string
	notBuilt         string // %s feature
	badDelimiter     string // %q value
	cannotOpen       string // %s file, %s reason
	cannotWrite      string // %s file, %s reason
	databaseFailed   string // %v cause
	listenFailed     string // %s address, %v cause
	helpHint         string

	migrateApplied    string // %d version, %s file, %s duration
	migrateRolledBack string // %d version, %s file, %s duration
	migrateNothing    string
	migrateCurrent    string
	migratePending    string // %d count

	migrateStateApplied string // %d version, %s file, %s time
	migrateStatePending string // %d version, %s file

	// migrateNeedsYes and migrateNoConfirmation take the action. migrateConfirmPrompt takes the
	// action and the database name, and migrateNotConfirmed the typed text and the database name.
	migrateNeedsYes        string
	migrateConfirmPrompt   string
	migrateNotConfirmed    string
	migrateNoConfirmation  string
	servePendingMigrations string

	exported string // %d count, %s file; printed through numberPrinter

	demoSeeded   string // %d contacts, %d companies, %d interactions
	demoExisting string
	demoReissued string
	demoReady    string // %s URL, %s logins file
	demoLogin    string // %-12s role, %s login, %s password
	demoCLIHint  string
	demoNotEmpty string

	user userMessages
}

var english = messages{
	usage: `Switchboard: contact-center CRM with CTI.

Usage:
  switchboard [--config FILE] [--lang en|ru] COMMAND [ARGUMENTS]

Commands:
  serve                    run the HTTP server until SIGINT or SIGTERM
  migrate up|down|down-all|status
                           apply or roll back database migrations, or show whether any are pending
  import contacts FILE     import contacts from a CSV file (UTF-8, Windows-1251 or KOI8-R; comma, semicolon or tab)
  export contacts FILE     export contacts to a CSV file that Excel opens in a Russian locale
  demo                     migrate, load demo data once, print the demo logins and serve
  user add|list|passwd|set create, list and change users: roles, phone, skills, queues, password, disabled
  campaign add|leads|start|pause|stop|list|status
                           outbound campaigns: create, load a call list, run and watch them
  dnc add|remove|list      the do-not-call list that every campaign obeys
  version                  print the version
  help [COMMAND]           print this help or a command's help

Options for every command:
  --config FILE    TOML configuration file; environment variables SWITCHBOARD_* override it
  --lang en|ru     language of messages (default: from LC_ALL, LC_MESSAGES or LANG)

Every setting is described in docs/configuration.md.
`,
	commandUsage: map[string]string{
		"serve": `Usage: switchboard serve [--config FILE]

Runs the HTTP server: the API and desk, /healthz, /readyz and /metrics. SIGINT or SIGTERM
stop it gracefully: for shutdown.drain /readyz returns 503 while other requests are still
served, then in-flight requests get shutdown.grace_period to finish.

Migrations are not applied. serve exits with an error while any is pending; run
"switchboard migrate up" first. /readyz reports "pending" if a migration is rolled back
while serve runs.
`,
		"migrate": `Usage: switchboard migrate up|down|down-all|status [--yes] [--config FILE]

  up        apply every pending migration
  down      roll back the most recent migration; this drops the tables or columns it added
            with their data, or rewrites rows
  down-all  roll back every migration (deletes all data)
  status    list every migration as applied or pending; exits with 1 when any is pending

Because down and down-all delete data, they need confirmation: --yes, or on a terminal the
database name typed at the prompt. Without either they change nothing and exit with 2.
`,
		"import": `Usage: switchboard import contacts FILE [--encoding auto|utf-8|windows-1251|koi8-r] [--delimiter auto|,|;|tab] [--source NAME] [--region CODE]

Imports contacts from a CSV file with Russian or English headers. Rows sharing a phone number
with a stored contact are merged into it. The report lists rows imported, merged and rejected,
with the line number and reason of each rejection. A file that cannot be read as a whole
changes nothing. That includes a file with a value over 64 KiB or a record over 1 MiB, which
almost always comes from a quote that is never closed or from missing line breaks.

With --encoding auto, a file that is not UTF-8 is read as Windows-1251 or KOI8-R, whichever
its Russian letters fit better. When the file has too few letters to tell, it is read as
Windows-1251 and the report warns. If the names come out garbled, delete the contacts created
from the file and import it again with --encoding koi8-r: an import never replaces a stored name.

A value written without enclosing quotes but with quotes inside, such as ООО "Ромашка", is
read as written when its row still has as many cells as the header; the report warns. A full
name in one column (ФИО, Full Name) is split into last, first and middle name by its words:
docs/import.md gives the rules.
`,
		"export": `Usage: switchboard export contacts FILE

Writes every contact that is not deleted to a CSV file (UTF-8 with a byte order mark,
semicolons) that Excel opens correctly in a Russian locale and that "switchboard import
contacts" reads back. The column headers are in the message language (--lang). An existing
FILE is replaced only when the export succeeds.

Phone numbers are written in international format after a space, as " +7 495 123-45-67",
so a spreadsheet keeps them as text without a visible apostrophe (checked in LibreOffice
Calc). Other cells that start with = + - or @ get a leading apostrophe, so a spreadsheet
does not run them as formulas. Import removes both.
`,
		"demo": `Usage: switchboard demo [--config FILE] [--logins FILE]

Applies migrations, loads demo contacts, companies, tickets, tasks and 30 days of call history
into an empty database (once: later runs keep the data), creates one user per role with a random
password, writes the logins to FILE (mode 0600), prints the URL and the logins, and serves until
SIGINT or SIGTERM.
`,
		"version": `Usage: switchboard version

Prints the version, the commit and the Go version the binary was built with.
`,
		"help": `Usage: switchboard help [COMMAND]
`,
		"user":        userUsageEnglish,
		"user add":    userAddUsageEnglish,
		"user list":   userListUsageEnglish,
		"user passwd": userPasswdUsageEnglish,
		"user set":    userSetUsageEnglish,
		"campaign":    campaignUsageEnglish,
		"dnc":         dncUsageEnglish,
	},
	flagConfig:       "TOML configuration `FILE`",
	flagLang:         "message language: en or ru",
	flagLogins:       "`FILE` that receives the demo logins and passwords",
	flagEncoding:     "file encoding: auto, utf-8, windows-1251 or koi8-r",
	flagDelimiter:    "field delimiter: auto, comma (,), semicolon (;) or tab",
	flagSource:       "source `NAME` recorded with the imported contacts (default: the file name)",
	flagRegion:       "region `CODE` for numbers without a country code (default: phone.default_region)",
	flagYes:          "confirm that migrate down or down-all may delete data",
	errorPrefix:      "switchboard: ",
	unknownCommand:   "unknown command %q",
	unknownTopic:     "unknown help topic %q",
	invalidArgument:  "invalid argument %q; usage: %s",
	extraArgument:    "unexpected argument %q; usage: %s",
	missingArguments: "missing arguments; usage: %s",
	badLang:          "invalid --lang %q: use en or ru",
	unknownOption:    `unknown option %s; "%s" lists the options`,
	optionNeedsValue: `option %s needs a value, for example %[1]s=VALUE; "%s" lists the options`,
	badOption:        `invalid option: %s; "%s" lists the options`,
	notBuilt:         "%s is not built yet in this version of Switchboard",
	badDelimiter:     "invalid --delimiter %q: use auto, \",\", \";\" or tab",
	cannotOpen:       "cannot open %s: %s",
	cannotWrite:      "cannot write %s: %s",
	databaseFailed:   "%v; check database.url (SWITCHBOARD_DATABASE_URL) and that PostgreSQL is running",
	listenFailed:     "cannot listen on %s: %v; set http.listen (SWITCHBOARD_HTTP_LISTEN) to a free address",
	helpHint:         `Run "switchboard help" for usage.`,

	migrateApplied:    "applied     %d %s (%s)\n",
	migrateRolledBack: "rolled back %d %s (%s)\n",
	migrateNothing:    "no migrations to run\n",
	migrateCurrent:    "migrations are current\n",
	migratePending:    "pending migrations: %d; run \"switchboard migrate up\"",

	migrateStateApplied: "applied  %d %s (%s UTC)\n",
	migrateStatePending: "pending  %d %s\n",

	migrateNeedsYes:        `"migrate %s" deletes data and needs confirmation: add --yes, or run it on a terminal and type the database name`,
	migrateConfirmPrompt:   "\"migrate %s\" deletes data in database %q.\nType the database name to confirm: ",
	migrateNotConfirmed:    "%q does not match the database name %q; nothing was rolled back",
	migrateNoConfirmation:  `no confirmation received, so nothing was rolled back; type the database name, or add --yes to "migrate %s" in scripts`,
	servePendingMigrations: `the database schema is behind this version of Switchboard; run "switchboard migrate up" with the same configuration, then start serve again`,

	exported: "Exported contacts: %d, file %s\n",

	demoSeeded:   "Demo data loaded: %d contacts, %d companies, %d calls.\n",
	demoExisting: "Demo data is already loaded; keeping it.\n",
	demoReissued: "The demo users already existed but their passwords were not on file here, so new passwords were set.\n",
	demoReady:    "\nSwitchboard demo is running at %s\nLogins (also in %s):\n",
	demoLogin:    "  %-12s %-12s %s\n",
	demoCLIHint: "\nOther commands, such as bin/switchboard user list, import and campaign, need the same database.\n" +
		"For the database of make demo, run this in the project folder of another terminal:\n" +
		"  export SWITCHBOARD_DATABASE_URL=$(scripts/services/postgres.sh url)\n",
	demoNotEmpty: "the database already holds users or contacts that the demo did not create; the demo loads only an empty database, so point SWITCHBOARD_DATABASE_URL at a new database",

	user: englishUser,
}

var russian = messages{
	usage: `Switchboard: CRM контакт-центра с CTI.

Использование:
  switchboard [--config ФАЙЛ] [--lang en|ru] КОМАНДА [АРГУМЕНТЫ]

Команды:
  serve                    запустить HTTP-сервер до SIGINT или SIGTERM
  migrate up|down|down-all|status
                           применить или откатить миграции базы данных либо показать, есть ли неприменённые
  import contacts ФАЙЛ     импортировать контакты из CSV (UTF-8, Windows-1251 или KOI8-R; запятая, точка с запятой или табуляция)
  export contacts ФАЙЛ     выгрузить контакты в CSV, который Excel открывает в русской локали
  demo                     применить миграции, один раз загрузить демо-данные, вывести демо-логины и запустить сервер
  user add|list|passwd|set создать, перечислить и изменить пользователей: роли, телефон, навыки, очереди, пароль, отключение
  campaign add|leads|start|pause|stop|list|status
                           исходящие кампании: создать, загрузить список обзвона, запустить и следить
  dnc add|remove|list      список запрета звонков, который соблюдает каждая кампания
  version                  вывести версию
  help [КОМАНДА]           вывести эту справку или справку по команде

Ключи любой команды:
  --config ФАЙЛ    файл конфигурации TOML; переменные окружения SWITCHBOARD_* переопределяют его
  --lang en|ru     язык сообщений (по умолчанию по LC_ALL, LC_MESSAGES или LANG)

Все настройки описаны в docs/configuration.ru.md.
`,
	commandUsage: map[string]string{
		"serve": `Использование: switchboard serve [--config ФАЙЛ]

Запускает HTTP-сервер: API и рабочее место оператора, /healthz, /readyz и /metrics. SIGINT или
SIGTERM корректно останавливают его: в течение shutdown.drain /readyz возвращает 503, а
остальные запросы ещё обслуживаются, затем незавершённые запросы получают
shutdown.grace_period на завершение.

Миграции не применяются. Пока есть неприменённые, serve завершается с ошибкой; сначала
выполните "switchboard migrate up". Если миграцию откатить во время работы serve, /readyz
сообщает "pending".
`,
		"migrate": `Использование: switchboard migrate up|down|down-all|status [--yes] [--config ФАЙЛ]

  up        применить все неприменённые миграции
  down      откатить последнюю миграцию; добавленные ею таблицы или столбцы удаляются
            вместе с данными, либо строки переписываются
  down-all  откатить все миграции (удаляет все данные)
  status    показать, какие миграции применены, а какие нет; если есть неприменённые, код выхода 1

Так как down и down-all удаляют данные, они требуют подтверждения: --yes или, в терминале,
имя базы данных, введённое в ответ на запрос. Без подтверждения они ничего не меняют и
завершаются с кодом 2.
`,
		"import": `Использование: switchboard import contacts ФАЙЛ [--encoding auto|utf-8|windows-1251|koi8-r] [--delimiter auto|,|;|tab] [--source ИМЯ] [--region КОД]

Импортирует контакты из CSV-файла с русскими или английскими заголовками. Строки, у которых
телефон совпадает с сохранённым контактом, объединяются с ним. Отчёт перечисляет
импортированные, объединённые и отклонённые строки с номером строки и причиной каждого
отказа. Файл, который не удаётся прочитать целиком, ничего не меняет. Это касается и файла
со значением больше 64 КиБ или записью больше 1 МиБ: почти всегда причина в незакрытой
кавычке или в отсутствии переводов строк.

При --encoding auto файл не в UTF-8 читается как Windows-1251 или KOI8-R — в зависимости от
того, какой кодировке лучше соответствуют его русские буквы. Если букв слишком мало, чтобы
решить, файл читается как Windows-1251, а отчёт выводит предупреждение. Если имена искажены,
удалите созданные из файла контакты и импортируйте его снова с --encoding koi8-r: импорт не
заменяет сохранённые имена.

Значение без обрамляющих кавычек, но с кавычками внутри, например ООО "Ромашка", читается как
написано, если в его строке столько же ячеек, сколько в заголовке; отчёт предупреждает об этом.
ФИО в одном столбце (ФИО, Full Name) делится на фамилию, имя и отчество по словам: правила — в
docs/import.ru.md.
`,
		"export": `Использование: switchboard export contacts ФАЙЛ

Записывает все неудалённые контакты в CSV (UTF-8 с меткой порядка байтов, точка с запятой),
который Excel правильно открывает в русской локали и который читает "switchboard import
contacts". Заголовки столбцов — на языке сообщений (--lang). Существующий ФАЙЛ заменяется
только при успешной выгрузке.

Номера телефонов записываются в международном формате после пробела, например
" +7 495 123-45-67", поэтому электронная таблица хранит их как текст без видимого апострофа
(проверено в LibreOffice Calc). Другие ячейки, начинающиеся с = + - или @, получают апостроф
в начале, чтобы таблица не выполнила их как формулы. Импорт убирает и пробел, и апостроф.
`,
		"demo": `Использование: switchboard demo [--config ФАЙЛ] [--logins ФАЙЛ]

Применяет миграции, загружает в пустую базу демо-контакты, компании, заявки, задачи и историю
звонков за 30 дней (один раз: следующие запуски данные сохраняют), создаёт по пользователю на
каждую роль со случайным паролем, записывает логины в ФАЙЛ (права 0600), выводит адрес и логины
и работает до SIGINT или SIGTERM.
`,
		"version": `Использование: switchboard version

Выводит версию, коммит и версию Go, которой собран исполняемый файл.
`,
		"help": `Использование: switchboard help [КОМАНДА]
`,
		"user":        userUsageRussian,
		"user add":    userAddUsageRussian,
		"user list":   userListUsageRussian,
		"user passwd": userPasswdUsageRussian,
		"user set":    userSetUsageRussian,
		"campaign":    campaignUsageRussian,
		"dnc":         dncUsageRussian,
	},
	flagConfig:       "`ФАЙЛ` конфигурации TOML",
	flagLang:         "язык сообщений: en или ru",
	flagLogins:       "`ФАЙЛ`, в который записываются демо-логины и пароли",
	flagEncoding:     "кодировка файла: auto, utf-8, windows-1251 или koi8-r",
	flagDelimiter:    "разделитель полей: auto, запятая (,), точка с запятой (;) или tab (табуляция)",
	flagSource:       "`ИМЯ` источника, сохраняемое с контактами (по умолчанию имя файла)",
	flagRegion:       "`КОД` региона для номеров без кода страны (по умолчанию phone.default_region)",
	flagYes:          "подтвердить, что migrate down или down-all может удалить данные",
	errorPrefix:      "switchboard: ",
	unknownCommand:   "неизвестная команда %q",
	unknownTopic:     "неизвестный раздел справки %q",
	invalidArgument:  "недопустимый аргумент %q; использование: %s",
	extraArgument:    "лишний аргумент %q; использование: %s",
	missingArguments: "не хватает аргументов; использование: %s",
	badLang:          "недопустимое значение --lang %q: используйте en или ru",
	unknownOption:    `неизвестный ключ %s; список ключей: "%s"`,
	optionNeedsValue: `у ключа %s нет значения, укажите его, например %[1]s=ЗНАЧЕНИЕ; список ключей: "%s"`,
	badOption:        `недопустимый ключ: %s; список ключей: "%s"`,
	notBuilt:         "%s ещё не реализовано в этой версии Switchboard",
	badDelimiter:     "недопустимое значение --delimiter %q: используйте auto, \",\", \";\" или tab",
	cannotOpen:       "не удалось открыть %s: %s",
	cannotWrite:      "не удалось записать %s: %s",
	databaseFailed:   "%v; проверьте database.url (SWITCHBOARD_DATABASE_URL) и что PostgreSQL запущен",
	listenFailed:     "не удалось слушать %s: %v; укажите в http.listen (SWITCHBOARD_HTTP_LISTEN) свободный адрес",
	helpHint:         `Справка: "switchboard help".`,

	migrateApplied:    "применена  %d %s (%s)\n",
	migrateRolledBack: "откачена   %d %s (%s)\n",
	migrateNothing:    "миграций для выполнения нет\n",
	migrateCurrent:    "все миграции применены\n",
	migratePending:    "неприменённых миграций: %d; выполните \"switchboard migrate up\"",

	migrateStateApplied: "применена    %d %s (%s UTC)\n",
	migrateStatePending: "не применена %d %s\n",

	migrateNeedsYes:        `"migrate %s" удаляет данные и требует подтверждения: добавьте --yes или запустите команду в терминале и введите имя базы данных`,
	migrateConfirmPrompt:   "\"migrate %s\" удаляет данные в базе данных %q.\nВведите имя базы данных для подтверждения: ",
	migrateNotConfirmed:    "%q не совпадает с именем базы данных %q; ничего не откачено",
	migrateNoConfirmation:  `подтверждение не получено, поэтому ничего не откачено; введите имя базы данных или в скриптах добавьте --yes к "migrate %s"`,
	servePendingMigrations: `схема базы данных отстаёт от этой версии Switchboard; выполните "switchboard migrate up" с той же конфигурацией и снова запустите serve`,

	exported: "Выгружено контактов: %d, файл %s\n",

	demoSeeded:   "Демо-данные загружены: контактов %d, компаний %d, звонков %d.\n",
	demoExisting: "Демо-данные уже загружены и сохранены без изменений.\n",
	demoReissued: "Демо-пользователи уже были, но их паролей здесь не было, поэтому заданы новые пароли.\n",
	demoReady:    "\nДемо Switchboard работает по адресу %s\nЛогины (также в %s):\n",
	demoLogin:    "  %-12s %-12s %s\n",
	demoCLIHint: "\nДругим командам, например bin/switchboard user list, import и campaign, нужна та же база данных.\n" +
		"Для базы make demo выполните в папке проекта в другом терминале:\n" +
		"  export SWITCHBOARD_DATABASE_URL=$(scripts/services/postgres.sh url)\n",
	demoNotEmpty: "в базе данных уже есть пользователи или контакты, созданные не демо; демо загружается только в пустую базу, поэтому укажите в SWITCHBOARD_DATABASE_URL новую базу",

	user: russianUser,
}

// messagesFor returns the catalogue for lang ("en" or "ru").
func messagesFor(lang string) *messages {
	if lang == "ru" {
		return &russian
	}
	return &english
}

// numberPrinter returns a printer that groups the digits of counts as the language does
// (20,000 and 20 000), like the contact import report.
func numberPrinter(lang string) *message.Printer {
	if lang == "ru" {
		return message.NewPrinter(language.Russian)
	}
	return message.NewPrinter(language.English)
}

// detectLanguage picks the message language: an explicit --lang in args, otherwise the
// first of LC_ALL, LC_MESSAGES and LANG that is set (POSIX precedence), Russian when it
// starts with "ru". An invalid or missing --lang value falls back to the environment, so
// that the flag parser's error about it comes in the user's language.
func detectLanguage(args []string, env processEnv) string {
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
		if value == "en" || value == "ru" {
			return value
		}
		break
	}

	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if value := env.getenv(name); value != "" {
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

// Localize returns the message in lang.
func (e *userError) Localize(lang string) string {
	if lang == "ru" {
		return e.ru
	}
	return e.en
}

// newUserError formats the same message key from both catalogues.
func newUserError(pick func(*messages) string, args ...any) *userError {
	return &userError{
		en: fmt.Sprintf(pick(&english), args...),
		ru: fmt.Sprintf(pick(&russian), args...),
	}
}
