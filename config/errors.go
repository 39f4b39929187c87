package config

import (
	"fmt"
	"strings"
)

// text is one message in English and Russian. Config errors reach operators on the command
// line, so they carry both languages and the caller picks one with Localize.
type text struct{ en, ru string }

func (t text) in(lang string) string {
	if strings.HasPrefix(lang, "ru") {
		return t.ru
	}
	return t.en
}

func (t text) format(args ...any) text {
	return text{en: fmt.Sprintf(t.en, args...), ru: fmt.Sprintf(t.ru, args...)}
}

// FieldError is one invalid configuration value: the key, where it came from, the value
// (redacted for secrets), what is wrong and how to fix it.
type FieldError struct {
	// Key is the dotted file key, for example "http.listen" or "ari[0].url".
	Key string
	// Env is the environment variable that sets the key.
	Env string
	// Source is "default", "environment" or "file PATH".
	Source string
	// Value is the rejected value; secrets are redacted.
	Value string
	// valueHidden leaves Value out of the message, for keys whose value must not be shown.
	valueHidden bool
	problem     text
	fix         text
}

// Error describes the value, the problem and the fix in English.
func (e *FieldError) Error() string { return e.Localize("en") }

// Localize describes the value, the problem and the fix in lang ("en" or "ru").
func (e *FieldError) Localize(lang string) string {
	var b strings.Builder
	if e.valueHidden {
		fmt.Fprintf(&b, "%s (%s", e.Key, sourceText(e.Source, e.Env).in(lang))
	} else {
		fmt.Fprintf(&b, "%s = %q (%s", e.Key, e.Value, sourceText(e.Source, e.Env).in(lang))
	}
	fmt.Fprintf(&b, "): %s; %s", e.problem.in(lang), e.fix.in(lang))
	return b.String()
}

// sourceText says where a value came from. env, when not empty, is the variable that sets
// the key: it is the source of an environment value, and for a file or default value it is
// named as the variable that would override it.
func sourceText(source, env string) text {
	switch {
	case source == "environment" && env != "":
		return text{en: "from variable " + env, ru: "из переменной " + env}
	case source == "environment":
		return text{en: "from the environment", ru: "из окружения"}
	case strings.HasPrefix(source, "file "):
		path := strings.TrimPrefix(source, "file ")
		if env == "" {
			return text{en: "from file " + path, ru: "из файла " + path}
		}
		return text{
			en: "from file " + path + "; variable " + env + " overrides it",
			ru: "из файла " + path + "; переменная " + env + " переопределяет его",
		}
	case source == "" || source == "default":
		if env == "" {
			return text{en: "default", ru: "значение по умолчанию"}
		}
		return text{
			en: "default; set it in the file or with variable " + env,
			ru: "значение по умолчанию; задайте его в файле или переменной " + env,
		}
	}
	return text{en: source, ru: source}
}

// FileError reports a configuration file that cannot be read or parsed.
type FileError struct {
	Path string
	Err  error
	msg  text
}

var (
	msgFileMissing = text{
		en: "configuration file %s does not exist; check the --config path or omit --config to use defaults and environment variables",
		ru: "файл конфигурации %s не существует; проверьте путь в --config или не указывайте --config, чтобы взять значения по умолчанию и переменные окружения",
	}
	msgFileUnreadable = text{
		en: "cannot read configuration file %s; check its permissions",
		ru: "не удалось прочитать файл конфигурации %s; проверьте права доступа",
	}
	msgFileInvalid = text{
		en: "configuration file %s is not valid TOML; fix the line named below",
		ru: "файл конфигурации %s не является корректным TOML; исправьте строку, указанную ниже",
	}
)

// Error describes the problem in English.
func (e *FileError) Error() string { return e.Localize("en") }

// Localize describes the problem in lang ("en" or "ru").
func (e *FileError) Localize(lang string) string {
	return e.msg.format(e.Path).in(lang) + ": " + e.Err.Error()
}

// Unwrap returns the underlying read or parse error.
func (e *FileError) Unwrap() error { return e.Err }
