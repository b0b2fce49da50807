package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
)

// parseGuestPasswords reads one password, or several written as a Python list of strings
// (['a', "b"]), which is how Flask-MonitoringDashboard configured several guest passwords. A
// value is a list only when it starts with "[" and ends with "]".
//
// Error messages never quote any part of the value: it is a secret.
func parseGuestPasswords(v string) ([]string, error) {
	s := strings.TrimSpace(v)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") || len(s) < 2 {
		if v == "" {
			return nil, nil
		}
		return []string{v}, nil
	}
	const want = `; want one password, or a list such as ['first', "second"]`
	s = s[1 : len(s)-1]
	var out []string
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return out, nil
		}
		pw, rest, err := pythonString(s)
		if err != nil {
			return nil, errors.New(err.Error() + want)
		}
		if pw == "" {
			return nil, errors.New("the list holds an empty password" + want)
		}
		out = append(out, pw)
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			return out, nil
		}
		if rest[0] != ',' {
			return nil, errors.New("the list needs a comma between passwords" + want)
		}
		s = rest[1:]
	}
}

// pythonString reads a quoted Python string literal at the start of s and returns its value
// and what follows. It knows the escapes a password is likely to hold; any other backslash is
// kept, as Python keeps it.
func pythonString(s string) (value, rest string, err error) {
	q := s[0]
	if q != '\'' && q != '"' {
		return "", "", errors.New("the list holds something that is not a quoted string")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == q {
			return b.String(), s[i+1:], nil
		}
		if c == '\n' { // a Python string literal ends at the end of its line
			break
		}
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return "", "", errors.New("a string in the list is not closed")
}

// checkPasswords applies the UI's rule for passwords (auth.PasswordRule)
// to configured ones; "" (none configured) passes.
func checkPasswords(pws ...string) error {
	for i, pw := range pws {
		if pw == "" {
			continue
		}
		if want := auth.PasswordRule(pw); want != "" {
			if len(pws) > 1 {
				return fmt.Errorf("password %d of the list is too short or too long: want %s, as the Users page asks", i+1, want)
			}
			return fmt.Errorf("want %s, as the Users page asks (a breaking change in this version: see docs/upgrading.md)", want)
		}
	}
	return nil
}
