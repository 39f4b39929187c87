package config

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// EnvPrefix starts every environment variable that Load reads.
const EnvPrefix = "SWITCHBOARD_"

// fileSuffix marks a variable whose value is the path of a file holding a secret, so the
// secret stays out of the process environment and of `ps e` output.
const fileSuffix = "_FILE"

// setting is one row of the configuration table: a scalar key, its variable and how a
// string from the environment is stored.
type setting struct {
	key    string
	secret bool
	set    func(cfg *Config, value string) error
}

// env returns the variable name: SWITCHBOARD_ plus the key in upper case, dots as underscores.
func (s setting) env() string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(s.key, ".", "_"))
}

var settings = []setting{
	{key: "http.listen", set: func(c *Config, v string) error { c.HTTP.Listen = v; return nil }},
	{key: "http.public_origins", set: func(c *Config, v string) error { c.HTTP.PublicOrigins = splitList(v); return nil }},
	{key: "http.cookie_secure", set: func(c *Config, v string) error { return parseBool(v, &c.HTTP.CookieSecure) }},
	{key: "http.metrics_token", secret: true, set: func(c *Config, v string) error { c.HTTP.MetricsToken = Secret(v); return nil }},
	{key: "database.url", secret: true, set: func(c *Config, v string) error { c.Database.URL = SecretURL(v); return nil }},
	{key: "redis.url", secret: true, set: func(c *Config, v string) error { c.Redis.URL = SecretURL(v); return nil }},
	{key: "phone.default_region", set: func(c *Config, v string) error { c.Phone.DefaultRegion = v; return nil }},
	{key: "log.level", set: func(c *Config, v string) error { c.Log.Level = v; return nil }},
	{key: "log.format", set: func(c *Config, v string) error { c.Log.Format = v; return nil }},
	{key: "call_log.spool_dir", set: func(c *Config, v string) error { c.CallLog.SpoolDir = v; return nil }},
	{key: "shutdown.drain", set: func(c *Config, v string) error { return parseDuration(v, &c.Shutdown.Drain) }},
	{key: "shutdown.grace_period", set: func(c *Config, v string) error { return parseDuration(v, &c.Shutdown.GracePeriod) }},
}

func parseDuration(value string, dst *Duration) error {
	if err := dst.UnmarshalText([]byte(value)); err != nil {
		return &valueError{text{
			en: "not a duration: use Go duration syntax such as 15s or 1m30s",
			ru: "это не длительность: используйте запись Go, например 15s или 1m30s",
		}}
	}
	return nil
}

// ariFields are the per-server keys of SWITCHBOARD_ARI_<N>_<FIELD>.
var ariFields = []setting{
	{key: "name"},
	{key: "url"},
	{key: "username"},
	{key: "password", secret: true},
	{key: "application"},
}

func setARIField(server *ARIServer, field, value string) {
	switch field {
	case "name":
		server.Name = value
	case "url":
		server.URL = value
	case "username":
		server.Username = value
	case "password":
		server.Password = Secret(value)
	case "application":
		server.Application = value
	}
}

// Variable is one environment variable Load reads, for documentation and its tests.
type Variable struct {
	Name   string
	Key    string
	Secret bool
}

// Variables lists every environment variable Load reads. ARI servers use
// SWITCHBOARD_ARI_<N>_<FIELD>; they are listed with N written as <N>.
func Variables() []Variable {
	var vars []Variable
	for _, s := range settings {
		vars = append(vars, Variable{Name: s.env(), Key: s.key, Secret: s.secret})
		if s.secret {
			vars = append(vars, Variable{Name: s.env() + fileSuffix, Key: s.key, Secret: true})
		}
	}
	for _, f := range ariFields {
		name := EnvPrefix + "ARI_<N>_" + strings.ToUpper(f.key)
		vars = append(vars, Variable{Name: name, Key: "ari[N]." + f.key, Secret: f.secret})
		if f.secret {
			vars = append(vars, Variable{Name: name + fileSuffix, Key: "ari[N]." + f.key, Secret: true})
		}
	}
	return vars
}

// applyEnv overrides cfg with the variables in environ and returns a *FieldError for each
// variable that cannot be read or parsed, adding its key to reported. Unknown SWITCHBOARD_*
// variables are ignored, because the service scripts use a few of their own
// (SWITCHBOARD_PG_PORT, ...).
func applyEnv(cfg *Config, environ []string, sources map[string]string, reported map[string]bool) []error {
	values := map[string]string{}
	for _, entry := range environ {
		name, value, ok := strings.Cut(entry, "=")
		if ok && strings.HasPrefix(name, EnvPrefix) {
			values[name] = value
		}
	}

	var errs []error
	for _, s := range settings {
		value, found, err := lookup(values, s.env(), s.secret)
		if err != nil {
			errs = append(errs, fieldErrorFromEnv(s.key, s.env(), "", err))
			continue
		}
		if !found {
			continue
		}
		sources[s.key] = "environment"
		if err := s.set(cfg, value); err != nil {
			shown := value
			if s.secret {
				shown = RedactURL(value)
			}
			errs = append(errs, fieldErrorFromEnv(s.key, s.env(), shown, err))
		}
	}

	errs = append(errs, applyARIEnv(cfg, values, sources)...)
	for _, err := range errs {
		var field *FieldError
		if errors.As(err, &field) {
			reported[field.Key] = true
		}
	}
	return errs
}

// applyARIEnv applies SWITCHBOARD_ARI_<N>_<FIELD>. Index N overrides the file's N-th server
// or, when N equals the number of servers so far, adds one; gaps are rejected.
func applyARIEnv(cfg *Config, values map[string]string, sources map[string]string) []error {
	indexes := map[int]bool{}
	var errs []error
	for name := range values {
		rest, ok := strings.CutPrefix(name, EnvPrefix+"ARI_")
		if !ok {
			continue
		}
		digits, _, ok := strings.Cut(rest, "_")
		index, err := strconv.Atoi(digits)
		if !ok || err != nil || index < 0 {
			errs = append(errs, &FieldError{
				Key: "ari", Env: name, Source: "environment", Value: digits,
				problem: text{en: "the server index is not a number", ru: "номер сервера не является числом"},
				fix:     text{en: "name ARI variables SWITCHBOARD_ARI_<N>_<FIELD> with N = 0, 1, …", ru: "называйте переменные ARI как SWITCHBOARD_ARI_<N>_<FIELD>, где N = 0, 1, …"},
			})
			continue
		}
		indexes[index] = true
	}

	sorted := make([]int, 0, len(indexes))
	for index := range indexes {
		sorted = append(sorted, index)
	}
	slices.Sort(sorted)

	for _, index := range sorted {
		if index > len(cfg.ARI) {
			errs = append(errs, &FieldError{
				Key: fmt.Sprintf("ari[%d]", index), Env: fmt.Sprintf("%sARI_%d_URL", EnvPrefix, index), Source: "environment", Value: strconv.Itoa(index),
				problem: text{en: fmt.Sprintf("index skips server %d", len(cfg.ARI)), ru: fmt.Sprintf("пропущен сервер с номером %d", len(cfg.ARI))},
				fix:     text{en: "number ARI servers from 0 without gaps", ru: "нумеруйте серверы ARI с 0 без пропусков"},
			})
			continue
		}
		if index == len(cfg.ARI) {
			cfg.ARI = append(cfg.ARI, ARIServer{})
		}
		server := &cfg.ARI[index]
		for _, field := range ariFields {
			envName := fmt.Sprintf("%sARI_%d_%s", EnvPrefix, index, strings.ToUpper(field.key))
			key := fmt.Sprintf("ari[%d].%s", index, field.key)
			value, found, err := lookup(values, envName, field.secret)
			if err != nil {
				errs = append(errs, fieldErrorFromEnv(key, envName, "", err))
				continue
			}
			if found {
				sources[key] = "environment"
				setARIField(server, field.key, value)
			}
		}
	}
	return errs
}

// lookup returns the value of name, or for a secret the trimmed contents of the file
// named by name_FILE. Setting both is an error, since it is unclear which one wins.
func lookup(values map[string]string, name string, secret bool) (string, bool, error) {
	value, found := values[name]
	if !secret {
		return value, found, nil
	}

	path, fromFile := values[name+fileSuffix]
	if !fromFile {
		return value, found, nil
	}
	if found {
		return "", false, errBothSet
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", false, fmt.Errorf("read %s%s: %w", name, fileSuffix, err)
	}
	return strings.TrimRight(string(data), "\r\n"), true, nil
}

var errBothSet = errors.New("both the variable and its _FILE variant are set")

func fieldErrorFromEnv(key, envName, value string, err error) *FieldError {
	if errors.Is(err, errBothSet) {
		return &FieldError{
			Key: key, Env: envName, Source: "environment", Value: value,
			problem: text{en: "both " + envName + " and " + envName + fileSuffix + " are set", ru: "заданы обе переменные " + envName + " и " + envName + fileSuffix},
			fix:     text{en: "unset one of them", ru: "уберите одну из них"},
		}
	}
	var invalid *valueError
	if errors.As(err, &invalid) {
		return &FieldError{
			Key: key, Env: envName, Source: "environment", Value: value,
			problem: invalid.msg,
			fix:     text{en: "see docs/configuration.md for the accepted values", ru: "допустимые значения описаны в docs/configuration.ru.md"},
		}
	}
	return &FieldError{
		Key: key, Env: envName, Source: "environment", Value: value,
		problem: text{en: err.Error(), ru: "ошибка: " + err.Error()},
		fix:     text{en: "check that the file exists and is readable", ru: "проверьте, что файл существует и доступен для чтения"},
	}
}

// valueError is an environment value that cannot be parsed into its key's type.
type valueError struct{ msg text }

func (e *valueError) Error() string { return e.msg.en }

func splitList(value string) []string {
	var items []string
	for item := range strings.SplitSeq(value, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

func parseBool(value string, dst *bool) error {
	parsed, err := strconv.ParseBool(strings.TrimSpace(value))
	if err != nil {
		return &valueError{text{en: "not a boolean: use true or false", ru: "это не логическое значение: используйте true или false"}}
	}
	*dst = parsed
	return nil
}
