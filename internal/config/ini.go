package config

import (
	"strings"
	"unicode"
)

// The INI reader follows Python's configparser for what Flask-MonitoringDashboard files contain,
// so those files read the same here: "key=value" or "key: value" split at the first = or :,
// white space trimmed, keys case-insensitive, full-line # and ; comments, and values continued
// on lines indented deeper than their key (blank lines inside a continued value are kept,
// trailing ones dropped). It is stricter where configparser's leniency only hides mistakes:
// key and section names are limited to letters, digits, _ . -, and a header must end in "]".
// It adds two things: a UTF-8 byte order mark is skipped, and one pair of quotes around a whole
// value is removed, so that a value can keep leading or trailing spaces.

// iniSection is a [section] and its settings, in file order. A section may appear twice.
type iniSection struct {
	Name     string // lower case
	Line     int
	Settings []iniSetting
}

type iniSetting struct {
	Key   string // upper case
	Value string
	Line  int
}

// parseINI reads an INI file. name is used in errors only.
func parseINI(name string, data []byte) ([]iniSection, error) {
	text := strings.TrimPrefix(string(data), "\uFEFF")
	var (
		sections  []iniSection
		value     []string    // lines of the value being read
		cur       *iniSetting // the setting whose value may continue; nil after a header
		keyIndent int
	)
	finish := func() {
		if cur != nil {
			cur.Value = unquote(strings.TrimRight(strings.Join(value, "\n"), "\n"))
			cur, value = nil, nil
		}
	}
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			if cur != nil {
				value = append(value, "")
			}
			continue
		}
		if trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		indent := len(line) - len(strings.TrimLeftFunc(line, unicode.IsSpace))
		if cur != nil && indent > keyIndent {
			value = append(value, trimmed)
			continue
		}
		finish()
		keyIndent = indent
		if trimmed[0] == '[' {
			sec, err := parseHeader(trimmed)
			if err != nil {
				return nil, &Error{Source: name, Line: n, Msg: err.Error()}
			}
			sections = append(sections, iniSection{Name: sec, Line: n})
			continue
		}
		if len(sections) == 0 {
			return nil, &Error{Source: name, Line: n, Msg: "a setting before any [section]; put [dashboard] at the top of the file"}
		}
		key, val, err := parseSetting(trimmed)
		if err != nil {
			return nil, &Error{Source: name, Line: n, Msg: err.Error()}
		}
		s := &sections[len(sections)-1]
		s.Settings = append(s.Settings, iniSetting{Key: key, Line: n})
		cur, value = &s.Settings[len(s.Settings)-1], []string{val}
	}
	finish()
	return sections, nil
}

// iniError is a syntax problem; parseINI adds the file and line. Its text never quotes the line,
// which may hold a password.
type iniError string

func (e iniError) Error() string { return string(e) }

// parseHeader reads "[name]", which may be followed by a comment.
func parseHeader(line string) (string, error) {
	name, rest, ok := strings.Cut(line[1:], "]")
	rest = strings.TrimSpace(rest)
	if !ok || rest != "" && rest[0] != '#' && rest[0] != ';' {
		return "", iniError(`a section header must end with "]", as in [dashboard]`)
	}
	name = strings.TrimSpace(name)
	if !isName(name) {
		return "", iniError("a section name must be letters, digits, _ . or -, as in [dashboard]")
	}
	return strings.ToLower(name), nil
}

func parseSetting(line string) (key, value string, err error) {
	i := strings.IndexAny(line, "=:")
	if i < 0 {
		return "", "", iniError(`want KEY=value or KEY: value (a line that continues a value must be indented)`)
	}
	key = strings.TrimSpace(line[:i])
	if !isName(key) {
		return "", "", iniError(`want KEY=value, where KEY is letters, digits, _ . or -`)
	}
	return strings.ToUpper(key), strings.TrimSpace(line[i+1:]), nil
}

func isName(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return s != ""
}

// unquote removes one pair of matching quotes around the whole value. A value such as
// 'a', 'b' is left alone: its inner part holds the same quote, so the quotes are not a pair.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] &&
		!strings.Contains(v[1:len(v)-1], v[:1]) {
		return v[1 : len(v)-1]
	}
	return v
}
