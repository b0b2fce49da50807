package outlier

import (
	"fmt"
	"regexp"
	"strings"
)

// Redacted replaces the value of a secret header or form value.
const Redacted = "[redacted]"

// defaultSecretNames are headers whose values are always secret.
var defaultSecretNames = []string{
	"authorization", "proxy-authorization", "cookie", "set-cookie",
	"x-api-key", "x-auth-token", "x-csrf-token", "x-xsrf-token", "x-amz-security-token",
}

// defaultSecretPattern matches header and form value names that usually
// carry secrets. A false positive costs a hidden value on an outlier page;
// a false negative leaks a password into the database.
const defaultSecretPattern = `(?i)(passw|secret|token|api[-_]?key|^auth|session|csrf|xsrf|credential|signature|private|^sig$|^key$|^code$)`

// Redactor decides which names' values are secret.
type Redactor struct {
	names    map[string]bool // lower case
	patterns []*regexp.Regexp
}

// NewRedactor returns a Redactor for the default secrets plus extra, each
// either a name (compared without regard to case) or a regular expression
// between slashes (/^x-internal-/).
func NewRedactor(extra []string) (*Redactor, error) {
	r := &Redactor{names: map[string]bool{}, patterns: []*regexp.Regexp{regexp.MustCompile(defaultSecretPattern)}}
	for _, n := range defaultSecretNames {
		r.names[n] = true
	}
	for _, e := range extra {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
		case len(e) >= 2 && e[0] == '/' && e[len(e)-1] == '/':
			re, err := regexp.Compile("(?i)" + e[1:len(e)-1])
			if err != nil {
				return nil, fmt.Errorf("pattern %s: %v", e, err)
			}
			r.patterns = append(r.patterns, re)
		default:
			r.names[strings.ToLower(e)] = true
		}
	}
	return r, nil
}

// Secret reports whether the value of a header or form value called name
// must not be stored.
func (r *Redactor) Secret(name string) bool {
	if r.names[strings.ToLower(name)] {
		return true
	}
	for _, re := range r.patterns {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}
