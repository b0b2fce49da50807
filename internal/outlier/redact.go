package outlier

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Redacted replaces the value of a secret header or form value.
const Redacted = "[redacted]"

// A name is secret when one of its words is a secret word, or two words
// in a row are a secret pair. Names are split into words at every
// character that is neither a letter nor a digit ("-", "_", ".", " ",
// "[" …), between a lower-case and an upper-case letter (camelCase),
// before the last capital of a run followed by a lower-case letter
// ("APIKey" → "api", "key") and between letters and digits. Words, not
// substrings: "author", "cardinality" and "keyword" are not secret,
// "X-Auth-Token", "creditCard" and "pwd" are. A false positive costs a
// hidden value on an outlier page; a false negative leaks a password into
// the database.
var secretWords = setOf(
	"pwd", "passwd", "password", "passwords", "passphrase", "passcode", "pass",
	"secret", "secrets", "token", "tokens", "jwt", "bearer",
	"card", "cvv", "cvc", "ssn", "pin", "otp", "totp", "mfa",
	"session", "sessionid", "sessid", "phpsessid", "jsessionid", "sid",
	"cookie", "cookies", "auth", "authorization", "authentication",
	"apikey", "csrf", "xsrf", "signature", "sig", "credential", "credentials", "creds",
	"privatekey", "accesskey", "secretkey", "dpop",
)

// secretPairs are two words that are secret together: each word alone is
// not ("key", "private").
var secretPairs = setOf("api key", "private key", "access key", "secret key", "security code", "account number")

// secretSuffixes make secret a word that ends with one of them, for names
// written as one lower-case word: "newpassword", "accesstoken",
// "clientsecret", "csrfmiddlewaretoken".
var secretSuffixes = []string{"password", "passwd", "token", "secret", "sessionid", "apikey"}

// secretWholeNames are secret only as the whole name: short, common
// words that are secret alone (an OAuth "code") but not in "zip_code".
var secretWholeNames = setOf("key", "code")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// words splits a name into lower-case words, as described at secretWords.
func words(name string) []string {
	rs := []rune(name)
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start >= 0 {
			prev := rs[i-1]
			switch {
			case unicode.IsLower(prev) && unicode.IsUpper(r),
				unicode.IsDigit(prev) != unicode.IsDigit(r),
				unicode.IsUpper(prev) && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(rs))
	return out
}

// secretName reports whether the built-in rules hide name's value.
func secretName(name string) bool {
	ws := words(name)
	if len(ws) == 1 && secretWholeNames[ws[0]] || secretWords[strings.Join(ws, "")] {
		return true // the latter for names whose case splits them oddly: "DPoP"
	}
	for i, w := range ws {
		if secretWords[w] {
			return true
		}
		if i > 0 && secretPairs[ws[i-1]+" "+w] {
			return true
		}
		for _, suffix := range secretSuffixes {
			if strings.HasSuffix(w, suffix) {
				return true
			}
		}
	}
	return false
}

// Redactor decides which names' values are secret.
type Redactor struct {
	names    map[string]bool // lower case; besides secretName's rules
	patterns []*regexp.Regexp
}

// NewRedactor returns a Redactor for the built-in secret words plus extra, each
// either a name (compared without regard to case) or a regular expression
// between slashes (/^x-internal-/).
func NewRedactor(extra []string) (*Redactor, error) {
	r := &Redactor{names: map[string]bool{}}
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
	if r.names[strings.ToLower(name)] || secretName(name) {
		return true
	}
	for _, re := range r.patterns {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}
