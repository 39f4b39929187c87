package config

import (
	"encoding"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// loadFile reads the TOML file at path into cfg and records in sources where each key came
// from. It returns a *FileError when the file cannot be read or is not TOML at all. Otherwise
// it decodes key by key and returns a *FieldError for every unknown key and every value of the
// wrong type, so that one run reports them all next to the environment's and the range errors.
// reported receives the keys of those errors, so validation does not report them again.
func loadFile(path string, cfg *Config, sources map[string]string, reported map[string]bool) ([]error, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &FileError{Path: path, Err: err, msg: msgFileMissing}
		}
		return nil, &FileError{Path: path, Err: err, msg: msgFileUnreadable}
	}

	var document map[string]any
	meta, err := toml.Decode(string(data), &document)
	if err != nil {
		return nil, &FileError{Path: path, Err: err, msg: msgFileInvalid}
	}

	d := &fileDecoder{source: "file " + path, sources: sources, reported: reported, order: map[string]int{}}
	for i, key := range meta.Keys() {
		d.order[key.String()] = i
	}
	root := reflect.ValueOf(cfg).Elem()
	for _, name := range d.keysInFileOrder("", document) {
		section, ok := fieldByTag(root, name)
		if !ok {
			d.rejectUnknown(name, document[name], text{
				en: "check the spelling, and put every key under its section; the sections are " + tagList(root.Type(), "[%s]"),
				ru: "проверьте написание и размещайте каждый ключ в его разделе; разделы: " + tagList(root.Type(), "[%s]"),
			})
			continue
		}
		if section.Kind() == reflect.Slice {
			d.decodeList(name, section, document[name])
			continue
		}
		d.decodeTable(name, section, document[name])
	}
	return d.errs, nil
}

// fileDecoder assigns the values of one parsed file to the configuration and collects the
// problems it finds.
type fileDecoder struct {
	source   string
	sources  map[string]string
	reported map[string]bool
	// order is the position of each dotted key in the file, without list indexes, so that
	// errors come in the order of the lines they concern.
	order map[string]int
	errs  []error
}

func (d *fileDecoder) reject(key, displayValue string, raw any, problem, fix text) {
	d.rejectKey(key, envName(key), displayValue, raw, problem, fix)
}

// rejectUnknown reports a key Switchboard does not know, which has no variable.
func (d *fileDecoder) rejectUnknown(key string, raw any, fix text) {
	// TOML allows an empty quoted key (""), which the error names in that spelling.
	if key == "" {
		key = `""`
	}
	problem := text{en: "unknown key", ru: "неизвестный ключ"}
	if _, isTable := raw.(map[string]any); isTable && !strings.Contains(key, ".") {
		problem = text{en: "unknown section", ru: "неизвестный раздел"}
	}
	field := d.rejectKey(key, "", "", raw, problem, fix)
	// A misspelt password key holds a password, so the value of an unknown key is never displayValue.
	field.Value = ""
	field.valueHidden = true
}

func (d *fileDecoder) rejectKey(key, env, displayValue string, raw any, problem, fix text) *FieldError {
	if displayValue == "" {
		displayValue = formatTOML(raw)
	}
	field := &FieldError{
		Key:     key,
		Env:     env,
		Source:  d.source,
		Value:   displayValue,
		problem: problem,
		fix:     fix,
	}
	d.reported[key] = true
	d.errs = append(d.errs, field)
	return field
}

// decodeTable assigns the keys of the table raw, found under name, to the struct section.
func (d *fileDecoder) decodeTable(name string, section reflect.Value, raw any) {
	table, ok := raw.(map[string]any)
	if !ok {
		d.reject(name, "", raw, wrongType(raw, text{en: "a table", ru: "таблица"}), text{
			en: fmt.Sprintf("write the section as a table: a line [%s] followed by key = value lines", name),
			ru: fmt.Sprintf("запишите раздел как таблицу: строка [%s], за ней строки ключ = значение", name),
		})
		return
	}
	for _, key := range d.keysInFileOrder(listIndex.ReplaceAllString(name, ""), table) {
		dotted := name + "." + key
		field, ok := fieldByTag(section, key)
		if !ok {
			d.rejectUnknown(dotted, table[key], text{
				en: fmt.Sprintf("check the spelling; [%s] takes %s", name, tagList(section.Type(), "%s")),
				ru: fmt.Sprintf("проверьте написание; в [%s] допустимы ключи %s", name, tagList(section.Type(), "%s")),
			})
			continue
		}
		d.assign(dotted, field, table[key])
	}
}

// decodeList assigns an array of tables ([[ari]]) to the slice list.
func (d *fileDecoder) decodeList(name string, list reflect.Value, raw any) {
	var tables []any
	switch v := raw.(type) {
	case []map[string]any:
		for _, table := range v {
			tables = append(tables, table)
		}
	case []any:
		tables = v
	default:
		d.reject(name, "", raw, wrongType(raw, text{en: "a list of tables", ru: "список таблиц"}), text{
			en: fmt.Sprintf("start each entry with a line [[%s]] (two brackets)", name),
			ru: fmt.Sprintf("начинайте каждую запись строкой [[%s]] (две скобки)", name),
		})
		return
	}

	list.Set(reflect.MakeSlice(list.Type(), len(tables), len(tables)))
	for i, table := range tables {
		d.decodeTable(fmt.Sprintf("%s[%d]", name, i), list.Index(i), table)
	}
}

// assign stores raw in field, or rejects it when its TOML type does not fit the field's type.
func (d *fileDecoder) assign(key string, field reflect.Value, raw any) {
	secret := field.Type() == reflect.TypeFor[Secret]() || field.Type() == reflect.TypeFor[SecretURL]()
	displayValue := ""
	if secret {
		// A value of the wrong type may still be the secret itself, such as a numeric password.
		displayValue = redacted
		if s, ok := raw.(string); ok {
			displayValue = RedactURL(s)
		}
	}

	if unmarshaler, ok := field.Addr().Interface().(encoding.TextUnmarshaler); ok {
		s, isString := raw.(string)
		switch {
		case !isString:
			d.reject(key, displayValue, raw, wrongType(raw, msgDuration), fixDuration)
			return
		case unmarshaler.UnmarshalText([]byte(s)) != nil:
			d.reject(key, displayValue, raw, text{en: "not a duration", ru: "это не длительность"}, fixDuration)
			return
		}
		d.sources[key] = d.source
		return
	}

	switch field.Kind() {
	case reflect.Struct:
		d.decodeTable(key, field, raw)
		return
	case reflect.Int:
		n, ok := raw.(int64)
		if !ok {
			d.reject(key, displayValue, raw, wrongType(raw, text{en: "an integer", ru: "целое число"}), text{
				en: fmt.Sprintf("write a whole number without quotes, for example %s = 10", lastPart(key)),
				ru: fmt.Sprintf("напишите целое число без кавычек, например %s = 10", lastPart(key)),
			})
			return
		}
		field.SetInt(n)
	case reflect.String:
		s, ok := raw.(string)
		if !ok {
			example := fmt.Sprint(raw)
			switch {
			case secret:
				example = "…"
			case key == "http.listen":
				// A bare port such as 8080 is not a valid listen address either.
				example = listenExample(example)
			}
			d.reject(key, displayValue, raw, wrongType(raw, text{en: "a string", ru: "строка"}), text{
				en: fmt.Sprintf("put the value in double quotes, for example %s = %q", lastPart(key), example),
				ru: fmt.Sprintf("заключите значение в двойные кавычки, например %s = %q", lastPart(key), example),
			})
			return
		}
		field.SetString(s)
	case reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			d.reject(key, displayValue, raw, wrongType(raw, text{en: "true or false", ru: "true или false"}), text{
				en: fmt.Sprintf("write %s = true or %s = false, without quotes", lastPart(key), lastPart(key)),
				ru: fmt.Sprintf("напишите %s = true или %s = false, без кавычек", lastPart(key), lastPart(key)),
			})
			return
		}
		field.SetBool(b)
	case reflect.Slice:
		items, ok := stringList(raw)
		if !ok {
			example := `"https://crm.example.com"`
			if s, isString := raw.(string); isString {
				example = fmt.Sprintf("%q", s)
			}
			d.reject(key, displayValue, raw, wrongType(raw, text{en: "a list of strings", ru: "список строк"}), text{
				en: fmt.Sprintf("write a list in square brackets, for example %s = [%s]", lastPart(key), example),
				ru: fmt.Sprintf("запишите список в квадратных скобках, например %s = [%s]", lastPart(key), example),
			})
			return
		}
		field.Set(reflect.ValueOf(items))
	default:
		panic(fmt.Sprintf("config: no file decoding for %s of type %s", key, field.Type()))
	}
	d.sources[key] = d.source
}

var (
	msgDuration = text{en: `a duration string such as "15s"`, ru: `строка с длительностью, например "15s"`}
	fixDuration = text{
		en: `write a number with a unit in double quotes, for example "15s" or "1m30s" (units: ms, s, m, h)`,
		ru: `запишите число с единицей измерения в двойных кавычках, например "15s" или "1m30s" (единицы: ms, s, m, h)`,
	}
)

// wrongType describes a value of the wrong TOML type against what the key accepts.
func wrongType(raw any, want text) text {
	found := tomlTypeName(raw)
	return text{
		en: fmt.Sprintf("%s, but the key takes %s", found.en, want.en),
		ru: fmt.Sprintf("%s, а ожидается %s", found.ru, want.ru),
	}
}

// tomlTypeName names the TOML type of a value that BurntSushi/toml decoded into an any.
func tomlTypeName(raw any) text {
	switch raw.(type) {
	case string:
		return text{en: "a string", ru: "строка"}
	case int64:
		return text{en: "an integer", ru: "целое число"}
	case float64:
		return text{en: "a floating-point number", ru: "дробное число"}
	case bool:
		return text{en: "a boolean", ru: "логическое значение"}
	case time.Time:
		return text{en: "a date or time", ru: "дата или время"}
	case []any, []map[string]any:
		return text{en: "a list", ru: "список"}
	case map[string]any:
		return text{en: "a table", ru: "таблица"}
	}
	return text{en: fmt.Sprintf("a %T", raw), ru: fmt.Sprintf("значение типа %T", raw)}
}

// formatTOML writes a decoded value back roughly as TOML, for error messages.
func formatTOML(raw any) string {
	switch v := raw.(type) {
	case string:
		return v
	case map[string]any, []map[string]any:
		return "{…}"
	}
	return fmt.Sprint(raw)
}

func stringList(raw any) ([]string, bool) {
	values, ok := raw.([]any)
	if !ok {
		return nil, false
	}
	items := make([]string, len(values))
	for i, value := range values {
		s, ok := value.(string)
		if !ok {
			return nil, false
		}
		items[i] = s
	}
	return items, true
}

// fieldByTag returns the field of the struct value whose toml tag is name.
func fieldByTag(structValue reflect.Value, name string) (reflect.Value, bool) {
	t := structValue.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("toml") == name {
			return structValue.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// tagList lists the toml tags of a struct type, each formatted with format, for messages.
func tagList(t reflect.Type, format string) string {
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("toml"); tag != "" {
			names = append(names, fmt.Sprintf(format, tag))
		}
	}
	return strings.Join(names, ", ")
}

// listIndex matches the index in "ari[2]".
var listIndex = regexp.MustCompile(`\[\d+\]`)

// keysInFileOrder returns the keys of table, found under the dotted key prefix, in the order
// they appear in the file.
func (d *fileDecoder) keysInFileOrder(prefix string, table map[string]any) []string {
	if prefix != "" {
		prefix += "."
	}
	keys := make([]string, 0, len(table))
	for key := range table {
		keys = append(keys, key)
	}
	slices.SortFunc(keys, func(a, b string) int { return d.order[prefix+a] - d.order[prefix+b] })
	return keys
}

// lastPart returns the key without its section: "http.listen" → "listen".
func lastPart(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}
