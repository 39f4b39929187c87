package main

// userMessages is the text of "switchboard user" in one language. The comment after a
// field lists its format arguments.
type userMessages struct {
	flagName          string
	flagRole          string
	flagPhone         string
	flagNoPhone       string
	flagSkill         string
	flagNoSkills      string
	flagQueue         string
	flagNoQueues      string
	flagLocale        string
	flagDisable       string
	flagEnable        string
	flagPasswordStdin string
	flagJSON          string

	unknownSubcommand  string // %q subcommand
	optionNotAccepted  string // %s option, %s command, %s help command
	conflictingOptions string // %s option, %s option
	missingOption      string // %s option, %s command
	nothingToChange    string
	badLogin           string // %q login, %d maximum length
	emptyName          string
	badName            string // %q name
	badRole            string // %q role
	badSkill           string // %q value, %d maximum level
	duplicateSkill     string // %q skill name
	badQueueList       string // %q value
	unknownQueue       string // %q queue, %s configured queues
	badPhone           string // %q value
	badLocale          string // %q value
	loginTaken         string // %q login
	phoneTaken         string // %q phone, %q login of its user
	conflict           string // %q login, %q phone
	unknownLogin       string // %q login
	noUsersTable       string

	// stdinIsTerminal goes through fmt.Sprintf, so its printf example doubles the percent sign.
	stdinIsTerminal   string
	passwordEmpty     string
	passwordTooShort  string // %d minimum length
	passwordTooLong   string // %d maximum length in bytes
	passwordMultiline string
	passwordNotUTF8   string

	created           string // %s login, %d id
	generatedPassword string // %s login
	passwordChanged   string // %s login
	sessionsEnd       string
	updated           string // %s login
	change            string // %s field, %s old value, %s new value
	unchanged         string // %s login
	noUsers           string

	// Column headers of "user list", which also name the fields in "user set" output.
	columnLogin    string
	columnName     string
	columnRoles    string
	columnLocale   string
	columnPhone    string
	columnSkills   string
	columnQueues   string
	columnDisabled string
	// everyQueue is the text shown for an empty queue list, with which an agent serves every
	// queue.
	everyQueue string
	yes        string
	no         string
}

var englishUser = userMessages{
	flagName:          "display `NAME` that colleagues and supervisors see",
	flagRole:          "`ROLES`, comma-separated or repeated: agent, supervisor, marketer, admin",
	flagPhone:         "fixed phone in Asterisk dial-string form `TECH/RESOURCE`, for example PJSIP/1001",
	flagNoPhone:       "remove the fixed phone, so the agent picks a phone at sign-in",
	flagSkill:         "routing skill as `NAME:LEVEL`, for example english:3; repeat for several",
	flagNoSkills:      "remove every skill",
	flagQueue:         "call `QUEUES` the agent serves, as the configuration's [[queue]] tables name them, comma-separated or repeated; an agent with none serves every queue",
	flagNoQueues:      "remove every queue, so the agent serves every queue",
	flagLocale:        "language of the user's screens: ru or en",
	flagDisable:       "disable the user: sign-in fails from now on",
	flagEnable:        "enable a disabled user",
	flagPasswordStdin: "read the password from standard input (a pipe or a file)",
	flagJSON:          "print JSON for scripts instead of a table",

	unknownSubcommand:  "unknown user command %q; use add, list, passwd or set",
	optionNotAccepted:  `option %s does not apply to "%s"; "%s" lists its options`,
	conflictingOptions: "options %s and %s contradict each other; give only one of them",
	missingOption:      `option %s is required for "%s"`,
	nothingToChange:    "nothing to change: give at least one of --name, --role, --phone, --no-phone, --skill, --no-skills, --queue, --no-queues, --locale, --disable, --enable",
	badLogin:           "invalid login %q: use 1 to %d characters without spaces, such as ivanov or a.petrova",
	emptyName:          `the name is empty; set the name colleagues see, for example --name "Анна Петрова"`,
	badName:            "invalid name %q: remove the line breaks and other control characters",
	badRole:            "unknown role %q; use agent, supervisor, marketer or admin",
	badSkill:           "invalid skill %q: write NAME:LEVEL with a name of letters, digits, _ or - and a level from 1 to %d, for example english:3",
	duplicateSkill:     "skill %q is given twice; give each skill once",
	badQueueList:       "invalid queue list %q: give queue names separated by commas, for example sales,support",
	unknownQueue:       "queue %q is not configured: use one of %s, or add a [[queue]] table with that name to the configuration",
	badPhone:           "invalid phone %q: use the Asterisk dial-string form TECH/RESOURCE, for example PJSIP/1001",
	badLocale:          "invalid locale %q: use ru or en",
	loginTaken:         `login %q is already taken; choose another login, or change that user with "switchboard user set"`,
	phoneTaken:         `phone %q already belongs to user %q; choose another phone, or first remove it there with "switchboard user set %[2]s --no-phone"`,
	conflict:           `login %q or phone %q was taken by another change just now; run "switchboard user list" and try again`,
	unknownLogin:       `no user has the login %q; "switchboard user list" lists the users`,
	noUsersTable:       `the database has no users table yet; run "switchboard migrate up" first`,

	stdinIsTerminal:   `--password-stdin reads the password from a pipe or a file, but standard input is a terminal or a device; pipe the password in, for example printf '%%s' "$PASSWORD" | switchboard user ..., or leave out --password-stdin to have a password generated`,
	passwordEmpty:     "the password on standard input is empty; pipe a password in, or leave out --password-stdin to have one generated",
	passwordTooShort:  "the password on standard input is too short; use at least %d characters",
	passwordTooLong:   "the password on standard input is too long; use at most %d bytes",
	passwordMultiline: "standard input has more than one line; pipe the password alone, on one line",
	passwordNotUTF8:   "the password on standard input is not valid UTF-8; use the encoding the browser sends (UTF-8)",

	created:           "created user %s (id %d)\n",
	generatedPassword: "Generated password for %s. It is shown only this once, so store it now:\n",
	passwordChanged:   "changed the password of %s\n",
	sessionsEnd:       "Sessions already signed in end within 30 seconds on every node.\n",
	updated:           "updated user %s:\n",
	change:            "  %s: %s → %s\n",
	unchanged:         "user %s already has these values; nothing changed\n",
	noUsers:           "no users yet; create the first administrator with \"switchboard user add LOGIN --name NAME --role admin\"\n",

	columnLogin:    "LOGIN",
	columnName:     "NAME",
	columnRoles:    "ROLES",
	columnLocale:   "LOCALE",
	columnPhone:    "PHONE",
	columnSkills:   "SKILLS",
	columnQueues:   "QUEUES",
	columnDisabled: "DISABLED",
	everyQueue:     "(all)",
	yes:            "yes",
	no:             "no",
}

var russianUser = userMessages{
	flagName:          "отображаемое `ИМЯ`, которое видят коллеги и супервизоры",
	flagRole:          "`РОЛИ` через запятую или повтором ключа: agent, supervisor, marketer, admin",
	flagPhone:         "постоянный телефон в форме строки набора Asterisk `ТЕХНОЛОГИЯ/РЕСУРС`, например PJSIP/1001",
	flagNoPhone:       "убрать постоянный телефон, чтобы оператор выбирал телефон при входе",
	flagSkill:         "навык маршрутизации в виде `НАЗВАНИЕ:УРОВЕНЬ`, например english:3; для нескольких повторите ключ",
	flagNoSkills:      "убрать все навыки",
	flagQueue:         "`ОЧЕРЕДИ`, которые обслуживает оператор, с именами из таблиц [[queue]] конфигурации, через запятую или повтором ключа; оператор без очередей обслуживает все очереди",
	flagNoQueues:      "убрать все очереди, чтобы оператор обслуживал все очереди",
	flagLocale:        "язык экранов пользователя: ru или en",
	flagDisable:       "отключить пользователя: с этого момента вход не удаётся",
	flagEnable:        "включить отключённого пользователя",
	flagPasswordStdin: "прочитать пароль со стандартного ввода (из канала или файла)",
	flagJSON:          "вывести JSON для скриптов вместо таблицы",

	unknownSubcommand:  "неизвестная команда user %q; используйте add, list, passwd или set",
	optionNotAccepted:  `ключ %s не относится к команде "%s"; список её ключей: "%s"`,
	conflictingOptions: "ключи %s и %s противоречат друг другу; укажите только один из них",
	missingOption:      `для "%[2]s" нужен ключ %[1]s`,
	nothingToChange:    "нечего менять: укажите хотя бы один из ключей --name, --role, --phone, --no-phone, --skill, --no-skills, --queue, --no-queues, --locale, --disable, --enable",
	badLogin:           "недопустимый логин %q: используйте от 1 до %d символов без пробелов, например ivanov или a.petrova",
	emptyName:          `имя пустое; укажите имя, которое видят коллеги, например --name "Анна Петрова"`,
	badName:            "недопустимое имя %q: уберите переводы строк и другие управляющие символы",
	badRole:            "неизвестная роль %q; используйте agent, supervisor, marketer или admin",
	badSkill:           "недопустимый навык %q: пишите НАЗВАНИЕ:УРОВЕНЬ, где название из букв, цифр, _ или -, а уровень от 1 до %d, например english:3",
	duplicateSkill:     "навык %q указан дважды; укажите каждый навык один раз",
	badQueueList:       "недопустимый список очередей «%s»: перечислите имена очередей через запятую, например sales,support",
	unknownQueue:       "очередь «%s» не настроена: укажите одну из %s или добавьте в конфигурацию таблицу [[queue]] с этим именем",
	badPhone:           "недопустимый телефон %q: используйте форму строки набора Asterisk ТЕХНОЛОГИЯ/РЕСУРС, например PJSIP/1001",
	badLocale:          "недопустимый язык %q: используйте ru или en",
	loginTaken:         `логин %q уже занят; выберите другой логин или измените этого пользователя командой "switchboard user set"`,
	phoneTaken:         `телефон %q уже закреплён за пользователем %q; выберите другой телефон или сначала уберите его там: "switchboard user set %[2]s --no-phone"`,
	conflict:           `логин %q или телефон %q только что занят другим изменением; проверьте "switchboard user list" и повторите`,
	unknownLogin:       `пользователя с логином %q нет; список пользователей: "switchboard user list"`,
	noUsersTable:       `в базе данных ещё нет таблицы пользователей; сначала выполните "switchboard migrate up"`,

	stdinIsTerminal:   `--password-stdin читает пароль из канала или файла, но стандартный ввод — терминал или устройство; передайте пароль через канал, например printf '%%s' "$PASSWORD" | switchboard user ..., или уберите --password-stdin, чтобы пароль был сгенерирован`,
	passwordEmpty:     "пароль на стандартном вводе пуст; передайте пароль через канал или уберите --password-stdin, чтобы пароль был сгенерирован",
	passwordTooShort:  "пароль на стандартном вводе слишком короткий; используйте не меньше %d символов",
	passwordTooLong:   "пароль на стандартном вводе слишком длинный; используйте не больше %d байт",
	passwordMultiline: "на стандартном вводе больше одной строки; передайте только пароль, одной строкой",
	passwordNotUTF8:   "пароль на стандартном вводе не в кодировке UTF-8; используйте UTF-8, как браузер",

	created:           "создан пользователь %s (id %d)\n",
	generatedPassword: "Сгенерирован пароль для %s. Он показан только один раз, сохраните его сейчас:\n",
	passwordChanged:   "пароль пользователя %s изменён\n",
	sessionsEnd:       "Уже открытые сеансы завершатся в течение 30 секунд на всех узлах.\n",
	updated:           "пользователь %s изменён:\n",
	change:            "  %s: %s → %s\n",
	unchanged:         "у пользователя %s уже эти значения; ничего не изменено\n",
	noUsers:           "пользователей пока нет; создайте первого администратора: \"switchboard user add ЛОГИН --name ИМЯ --role admin\"\n",

	columnLogin:    "ЛОГИН",
	columnName:     "ИМЯ",
	columnRoles:    "РОЛИ",
	columnLocale:   "ЯЗЫК",
	columnPhone:    "ТЕЛЕФОН",
	columnSkills:   "НАВЫКИ",
	columnQueues:   "ОЧЕРЕДИ",
	columnDisabled: "ОТКЛЮЧЁН",
	everyQueue:     "(все)",
	yes:            "да",
	no:             "нет",
}

// Help of "switchboard user" and its subcommands. The first line of each is the usage
// line that argument errors quote.
const (
	userUsageEnglish = `Usage: switchboard user add|list|passwd|set [LOGIN] [OPTIONS]

Creates, lists and changes the people who sign in: agents, supervisors, marketers and
administrators. Every change is recorded in the audit log with the actor "cli" and the
operating-system user who ran the command; passwords are never recorded.

  add LOGIN      create a user
  list           list the users
  passwd LOGIN   set a new password
  set LOGIN      change the name, roles, phone, skills, queues, locale, or disable or enable

"switchboard help user add" (list, passwd, set) describes a command's options.
`
	userAddUsageEnglish = `Usage: switchboard user add LOGIN --name NAME --role ROLES [--phone TECH/RESOURCE] [--skill NAME:LEVEL]... [--queue QUEUES] [--locale ru|en] [--password-stdin]

Creates a user. LOGIN is 1 to 64 characters without spaces and is compared without case.

  --name NAME              the name colleagues see, for example "Анна Петрова" (required)
  --role ROLES             agent, supervisor, marketer, admin; comma-separated or repeated (required)
  --phone TECH/RESOURCE    fixed phone, for example PJSIP/1001; without it the agent picks a phone at sign-in
  --skill NAME:LEVEL       routing skill with a level from 1 to 10, for example english:3; repeat for several
  --queue QUEUES           call queues the agent serves, comma-separated or repeated, for example sales,support;
                           each must be a [[queue]] of the configuration (or support or sales when it has none);
                           without it the agent serves every queue
  --locale ru|en           language of the user's screens (default: ru)
  --password-stdin         read the password from standard input

Without --password-stdin a random password of 26 characters is generated and printed once.
With it, the password is read from a pipe or a file, at least 15 characters, and one
trailing line break is removed:

  printf '%s' "$PASSWORD" | switchboard user add anna --name "Анна Петрова" --role agent --password-stdin

There is no option that takes the password itself, because a command-line argument is
saved in the shell history and visible to every user of the machine in ps.
`
	userListUsageEnglish = `Usage: switchboard user list [--json]

Lists every user with login, name, roles, locale, phone, skills, queues and whether the
user is disabled. An agent with no queues serves every queue, shown as "(all)" in the table
and as an empty list in JSON. --json prints an array of objects for scripts instead of the
table.
`
	userPasswdUsageEnglish = `Usage: switchboard user passwd LOGIN [--password-stdin]

Sets a new password. Without --password-stdin a random password of 26 characters is
generated and printed once; with it, the password is read from a pipe or a file, as for
"user add". Sessions signed in with the old password end within 30 seconds on every node.
`
	userSetUsageEnglish = `Usage: switchboard user set LOGIN [--name NAME] [--role ROLES] [--phone TECH/RESOURCE | --no-phone] [--skill NAME:LEVEL... | --no-skills] [--queue QUEUES | --no-queues] [--locale ru|en] [--disable | --enable]

Changes only the fields given:

  --name NAME              the name colleagues see
  --role ROLES             replaces the roles: agent, supervisor, marketer, admin
  --phone TECH/RESOURCE    sets the fixed phone, for example PJSIP/1001
  --no-phone               removes the fixed phone, so the agent picks one at sign-in
  --skill NAME:LEVEL       replaces all skills with those given (level 1 to 10); repeat for several
  --no-skills              removes every skill
  --queue QUEUES           replaces the queues with those given, comma-separated or repeated; each must be
                           a [[queue]] of the configuration
  --no-queues              removes every queue, so the agent serves every queue
  --locale ru|en           language of the user's screens
  --disable                sign-in fails from now on; sessions already signed in end within 30 seconds
  --enable                 allows sign-in again
`

	userUsageRussian = `Использование: switchboard user add|list|passwd|set [ЛОГИН] [КЛЮЧИ]

Создаёт, перечисляет и изменяет тех, кто входит в систему: операторов, супервизоров,
маркетологов и администраторов. Каждое изменение записывается в журнал аудита с автором
"cli" и пользователем операционной системы, запустившим команду; пароли не записываются.

  add ЛОГИН      создать пользователя
  list           вывести список пользователей
  passwd ЛОГИН   задать новый пароль
  set ЛОГИН      изменить имя, роли, телефон, навыки, очереди, язык, отключить или включить

"switchboard help user add" (list, passwd, set) описывает ключи команды.
`
	userAddUsageRussian = `Использование: switchboard user add ЛОГИН --name ИМЯ --role РОЛИ [--phone ТЕХНОЛОГИЯ/РЕСУРС] [--skill НАЗВАНИЕ:УРОВЕНЬ]... [--queue ОЧЕРЕДИ] [--locale ru|en] [--password-stdin]

Создаёт пользователя. ЛОГИН — от 1 до 64 символов без пробелов, регистр не учитывается.

  --name ИМЯ                      имя, которое видят коллеги, например "Анна Петрова" (обязательно)
  --role РОЛИ                     agent, supervisor, marketer, admin через запятую или повтором ключа (обязательно)
  --phone ТЕХНОЛОГИЯ/РЕСУРС       постоянный телефон, например PJSIP/1001; без него оператор выбирает телефон при входе
  --skill НАЗВАНИЕ:УРОВЕНЬ        навык маршрутизации с уровнем от 1 до 10, например english:3; для нескольких повторите
  --queue ОЧЕРЕДИ                 очереди, которые обслуживает оператор, через запятую или повтором ключа, например
                                  sales,support; каждая должна быть таблицей [[queue]] конфигурации (или support
                                  и sales, если таблиц нет); без ключа оператор обслуживает все очереди
  --locale ru|en                  язык экранов пользователя (по умолчанию ru)
  --password-stdin                прочитать пароль со стандартного ввода

Без --password-stdin генерируется случайный пароль из 26 символов и выводится один раз.
С ним пароль читается из канала или файла, не короче 15 символов, а один перевод строки
в конце отбрасывается:

  printf '%s' "$PASSWORD" | switchboard user add anna --name "Анна Петрова" --role agent --password-stdin

Ключа, которому передаётся сам пароль, нет: аргумент командной строки сохраняется в истории
оболочки и виден всем пользователям машины в ps.
`
	userListUsageRussian = `Использование: switchboard user list [--json]

Выводит всех пользователей: логин, имя, роли, язык, телефон, навыки, очереди и признак
отключения. Оператор без очередей обслуживает все очереди: в таблице это "(все)", в JSON —
пустой список. С --json выводит для скриптов массив объектов вместо таблицы.
`
	userPasswdUsageRussian = `Использование: switchboard user passwd ЛОГИН [--password-stdin]

Задаёт новый пароль. Без --password-stdin генерируется случайный пароль из 26 символов и
выводится один раз; с ним пароль читается из канала или файла, как в "user add". Уже
открытые со старым паролем сеансы завершаются в течение 30 секунд на всех узлах.
`
	userSetUsageRussian = `Использование: switchboard user set ЛОГИН [--name ИМЯ] [--role РОЛИ] [--phone ТЕХНОЛОГИЯ/РЕСУРС | --no-phone] [--skill НАЗВАНИЕ:УРОВЕНЬ... | --no-skills] [--queue ОЧЕРЕДИ | --no-queues] [--locale ru|en] [--disable | --enable]

Меняет только указанные поля:

  --name ИМЯ                      имя, которое видят коллеги
  --role РОЛИ                     заменяет роли: agent, supervisor, marketer, admin
  --phone ТЕХНОЛОГИЯ/РЕСУРС       задаёт постоянный телефон, например PJSIP/1001
  --no-phone                      убирает постоянный телефон, оператор выбирает его при входе
  --skill НАЗВАНИЕ:УРОВЕНЬ        заменяет все навыки указанными (уровень от 1 до 10); для нескольких повторите
  --no-skills                     убирает все навыки
  --queue ОЧЕРЕДИ                 заменяет очереди указанными, через запятую или повтором ключа; каждая должна быть
                                  таблицей [[queue]] конфигурации
  --no-queues                     убирает все очереди, и оператор обслуживает все очереди
  --locale ru|en                  язык экранов пользователя
  --disable                       с этого момента вход не удаётся; открытые сеансы завершаются в течение 30 секунд
  --enable                        снова разрешает вход
`
)
