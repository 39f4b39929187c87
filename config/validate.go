package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nyaruka/phonenumbers"
	"github.com/redis/go-redis/v9"
)

// maxGracePeriod bounds shutdown.grace_period: a longer wait usually means a typo in the unit,
// and service managers kill the process long before it (systemd's default stop timeout is 90 s).
const maxGracePeriod = time.Hour

// maxDrain bounds shutdown.drain for the same reason: a drain of more than an hour is
// almost certainly a wrong unit.
const maxDrain = time.Hour

var applicationName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// serverName is the form of an ARI server name that the cti package accepts, since the name
// is also a metric label and an event field.
var serverName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

var notNameCharacters = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// nameFromHost turns "10.0.0.5:8088" into "10-0-0-5-8088", a valid server name.
func nameFromHost(host string) string {
	name := notNameCharacters.ReplaceAllString(host, "-")
	name = strings.Trim(name, "-")
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}

// validator collects every invalid value so that the operator fixes them in one pass.
type validator struct {
	sources  map[string]string
	reported map[string]bool
	errs     []error
}

// reject records an invalid value, unless the file or the environment already reported the key.
func (v *validator) reject(key, value string, problem, fix text) {
	if v.reported[key] {
		return
	}
	v.errs = append(v.errs, &FieldError{
		Key:     key,
		Env:     envName(key),
		Source:  v.source(key),
		Value:   value,
		problem: problem,
		fix:     fix,
	})
}

// source finds where key was set. Keys of [[ari]] tables are recorded by TOML without an index.
func (v *validator) source(key string) string {
	if source, ok := v.sources[key]; ok {
		return source
	}
	if rest, ok := strings.CutPrefix(key, "ari["); ok {
		if _, field, ok := strings.Cut(rest, "]."); ok {
			if source, ok := v.sources["ari."+field]; ok {
				return source
			}
		}
	}
	return "default"
}

// envName returns the variable for key: http.listen → SWITCHBOARD_HTTP_LISTEN,
// ari[2].url → SWITCHBOARD_ARI_2_URL. It returns "" for keys that no variable sets: whole
// sections such as "http" or "queue", and every queue key, since queues are set in the file only.
func envName(key string) string {
	for _, s := range settings {
		if s.key == key {
			return s.env()
		}
	}
	if rest, ok := strings.CutPrefix(key, "ari["); ok {
		index, field, ok := strings.Cut(rest, "].")
		if _, err := strconv.Atoi(index); ok && err == nil && slices.ContainsFunc(ariFields, func(f setting) bool { return f.key == field }) {
			return fmt.Sprintf("%sARI_%s_%s", EnvPrefix, index, strings.ToUpper(field))
		}
	}
	return ""
}

// validate checks the ranges and forms of the assembled configuration and normalises a few
// values. It skips the keys in reported.
func validate(cfg *Config, sources map[string]string, reported map[string]bool) []error {
	v := &validator{sources: sources, reported: reported}

	v.listen(cfg.HTTP.Listen)
	cfg.HTTP.PublicOrigins = v.origins(cfg.HTTP.PublicOrigins)
	v.database(cfg.Database.URL)
	v.redis(cfg.Redis.URL)
	cfg.Phone.DefaultRegion = v.region(cfg.Phone.DefaultRegion)
	cfg.Log = v.log(cfg.Log)
	v.drain(cfg.Shutdown.Drain)
	v.gracePeriod(cfg.Shutdown.GracePeriod)
	v.ariServers(cfg.ARI)
	v.queues(cfg.Queues)
	if strings.TrimSpace(cfg.CallLog.SpoolDir) == "" {
		v.reject("call_log.spool_dir", cfg.CallLog.SpoolDir,
			text{en: "missing", ru: "не задан"},
			text{en: "give a folder that survives restarts, for example /var/lib/switchboard/spool", ru: "укажите папку, которая переживает перезапуск, например /var/lib/switchboard/spool"})
	}

	return v.errs
}

func (v *validator) listen(listen string) {
	example := listenExample(listen)
	fix := text{en: "use host:port, for example " + example, ru: "укажите host:port, например " + example}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		v.reject("http.listen", listen, text{en: "not a host:port address", ru: "это не адрес вида host:port"}, fix)
		return
	}
	if number, err := strconv.Atoi(port); err != nil || number < 0 || number > 65535 {
		v.reject("http.listen", listen, text{en: "the port is not a number from 0 to 65535", ru: "порт не является числом от 0 до 65535"}, fix)
		return
	}
	if host != "" && net.ParseIP(host) == nil && strings.ContainsAny(host, "/:@ ") {
		v.reject("http.listen", listen, text{en: "the host is neither an IP address nor a host name", ru: "хост не является ни IP-адресом, ни именем хоста"}, fix)
	}
}

// listenExample returns a valid http.listen value for a fix: value on 127.0.0.1 when value is
// a bare port number, otherwise the default address.
func listenExample(value string) string {
	if port, err := strconv.Atoi(strings.TrimPrefix(value, ":")); err == nil && port > 0 && port <= 65535 {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	}
	return "127.0.0.1:8080"
}

// origins checks and normalises the WebSocket origins to scheme://host[:port] without a
// trailing slash, the form browsers send in the Origin header.
func (v *validator) origins(origins []string) []string {
	fix := text{
		en: "write each origin as scheme://host[:port], for example https://crm.example.com",
		ru: "записывайте каждый источник как scheme://host[:port], например https://crm.example.com",
	}
	normalised := make([]string, 0, len(origins))
	for _, origin := range origins {
		parsed, err := url.Parse(origin)
		switch {
		case err != nil || parsed.Host == "":
			v.reject("http.public_origins", origin, text{en: "not an absolute URL", ru: "это не абсолютный URL"}, fix)
		case parsed.Scheme != "http" && parsed.Scheme != "https":
			v.reject("http.public_origins", origin, text{en: "the scheme is not http or https", ru: "схема не http и не https"}, fix)
		case (parsed.Path != "" && parsed.Path != "/") || parsed.RawQuery != "" || parsed.Fragment != "" || parsed.User != nil:
			v.reject("http.public_origins", origin, text{en: "an origin has no user, path, query or fragment", ru: "источник не содержит пользователя, пути, запроса или фрагмента"}, fix)
		default:
			normalised = append(normalised, strings.ToLower(parsed.Scheme+"://"+parsed.Host))
		}
	}
	if len(normalised) == 0 {
		return nil
	}
	return normalised
}

func (v *validator) database(raw SecretURL) {
	if raw == "" {
		v.reject("database.url", "",
			text{en: "missing: Switchboard needs PostgreSQL", ru: "не задан: Switchboard нужен PostgreSQL"},
			text{
				en: "set SWITCHBOARD_DATABASE_URL or [database] url to postgres://user:password@host:5432/switchboard",
				ru: "задайте SWITCHBOARD_DATABASE_URL или [database] url вида postgres://user:password@host:5432/switchboard",
			})
		return
	}
	// pgx's parse errors redact passwords on a best-effort basis only, so its text is not shown.
	if _, err := pgxpool.ParseConfig(raw.Reveal()); err != nil {
		v.reject("database.url", raw.String(),
			text{en: "not a valid PostgreSQL connection string", ru: "это некорректная строка подключения к PostgreSQL"},
			text{
				en: "use postgres://user:password@host:5432/database?sslmode=disable (percent-encode special characters in the password)",
				ru: "используйте postgres://user:password@host:5432/database?sslmode=disable (спецсимволы в пароле кодируйте через %XX)",
			})
	}
}

func (v *validator) redis(raw SecretURL) {
	if raw == "" {
		return
	}
	if _, err := redis.ParseURL(raw.Reveal()); err != nil {
		v.reject("redis.url", raw.String(),
			text{en: "not a valid Redis URL", ru: "это некорректный URL Redis"},
			text{
				en: "use redis://:password@host:6379/0, or leave it empty to run without Redis",
				ru: "используйте redis://:password@host:6379/0 или оставьте пустым, чтобы работать без Redis",
			})
	}
}

func (v *validator) region(region string) string {
	upper := strings.ToUpper(strings.TrimSpace(region))
	if !phonenumbers.GetSupportedRegions()[upper] {
		v.reject("phone.default_region", region,
			text{en: "not a region the phone number library knows", ru: "библиотека телефонных номеров не знает такого региона"},
			text{en: "use a two-letter ISO 3166-1 code such as RU, GB or US", ru: "укажите двухбуквенный код ISO 3166-1, например RU, GB или US"})
	}
	return upper
}

func (v *validator) log(l Log) Log {
	l.Level = strings.ToLower(strings.TrimSpace(l.Level))
	l.Format = strings.ToLower(strings.TrimSpace(l.Format))
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		v.reject("log.level", l.Level,
			text{en: "unknown level", ru: "неизвестный уровень"},
			text{en: "use debug, info, warn or error", ru: "используйте debug, info, warn или error"})
	}
	switch l.Format {
	case "auto", "text", "json":
	default:
		v.reject("log.format", l.Format,
			text{en: "unknown format", ru: "неизвестный формат"},
			text{en: "use auto (text on a terminal, JSON otherwise), text or json", ru: "используйте auto (текст в терминале, иначе JSON), text или json"})
	}
	return l
}

func (v *validator) drain(d Duration) {
	if d < 0 || time.Duration(d) > maxDrain {
		v.reject("shutdown.drain", time.Duration(d).String(),
			text{en: "must be from 0 to 1h", ru: "должно быть от 0 до 1h"},
			text{en: "use a duration such as 5s, or 0s to stop without a drain", ru: "укажите длительность, например 5s, или 0s, чтобы останавливаться без паузы"})
	}
}

func (v *validator) gracePeriod(d Duration) {
	if d <= 0 || time.Duration(d) > maxGracePeriod {
		v.reject("shutdown.grace_period", time.Duration(d).String(),
			text{en: "must be more than 0 and at most 1h", ru: "должно быть больше 0 и не больше 1h"},
			text{en: "use a duration such as 15s", ru: "укажите длительность, например 15s"})
	}
}

func (v *validator) ariServers(servers []ARIServer) {
	names := map[string]int{}
	for i, server := range servers {
		key := func(field string) string { return fmt.Sprintf("ari[%d].%s", i, field) }

		parsed, err := url.Parse(server.URL)
		switch {
		case server.URL == "":
			v.reject(key("url"), "", text{en: "missing", ru: "не задан"},
				text{en: "set the ARI base URL, for example http://127.0.0.1:8088/ari", ru: "укажите базовый URL ARI, например http://127.0.0.1:8088/ari"})
		case err != nil || parsed.Host == "" || (parsed.Scheme != "http" && parsed.Scheme != "https"):
			v.reject(key("url"), RedactURL(server.URL), text{en: "not an http or https URL", ru: "это не URL http или https"},
				text{en: "use the ARI base URL, for example http://127.0.0.1:8088/ari", ru: "укажите базовый URL ARI, например http://127.0.0.1:8088/ari"})
		case parsed.User != nil:
			v.reject(key("url"), RedactURL(server.URL), text{en: "the URL contains credentials", ru: "URL содержит учётные данные"},
				text{en: "move them to username and password", ru: "перенесите их в username и password"})
		}

		if server.Username == "" {
			v.reject(key("username"), "", text{en: "missing", ru: "не задан"},
				text{en: "set the user from ari.conf", ru: "укажите пользователя из ari.conf"})
		}
		if server.Password == "" {
			v.reject(key("password"), "", text{en: "missing", ru: "не задан"},
				text{en: "set the password from ari.conf, preferably through SWITCHBOARD_ARI_<N>_PASSWORD_FILE", ru: "укажите пароль из ari.conf, лучше через SWITCHBOARD_ARI_<N>_PASSWORD_FILE"})
		}
		if !applicationName.MatchString(server.Application) {
			v.reject(key("application"), server.Application, text{en: "not a valid Stasis application name", ru: "некорректное имя приложения Stasis"},
				text{en: "use letters, digits, '.', '_' and '-' only", ru: "используйте только латинские буквы, цифры, '.', '_' и '-'"})
		}

		if !serverName.MatchString(server.Name) {
			v.reject(key("name"), server.Name, text{en: "not a valid server name", ru: "некорректное имя сервера"},
				text{en: "use 1 to 64 letters, digits, '-' and '_'", ru: "используйте от 1 до 64 латинских букв, цифр, '-' и '_'"})
		}
		if first, taken := names[server.Name]; taken {
			v.reject(key("name"), server.Name,
				text{en: fmt.Sprintf("the same name as ari[%d]", first), ru: fmt.Sprintf("совпадает с именем ari[%d]", first)},
				text{en: "give every ARI server its own name", ru: "дайте каждому серверу ARI своё имя"})
		} else {
			names[server.Name] = i
		}
	}
}

// hostOf returns the host:port of rawURL, or "" when it has none.
func hostOf(rawURL string) string {
	parsed, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return parsed.Host
}
