package config

import (
	"fmt"
	"strings"
)

// parseDatabase checks only the scheme: the driver checks the rest when it connects, and its
// error is better than any guess made here.
func parseDatabase(v string) (string, error) {
	const want = "sqlite:///dashboard.db, postgres://user:password@host/db or mysql://user:password@host/db"
	scheme, _, ok := strings.Cut(v, "://")
	if !ok || !isScheme(scheme) {
		return "", fmt.Errorf("not a URL (want one such as %s)", want)
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "postgres", "postgresql", "mysql":
		return v, nil
	}
	return "", fmt.Errorf("unknown scheme %q (want sqlite, postgres or mysql)", scheme)
}

// isScheme reports whether s is a URL scheme (RFC 3986: a letter, then letters, digits, + - .).
func isScheme(s string) bool {
	for i, r := range s {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && (i == 0 || !('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return s != ""
}

// redactDatabase masks the passwords a database setting may hold, so that it can be shown on
// the settings page and in errors. It works on text, not on a parsed URL, because the values
// that most need masking are the ones url.Parse rejects: a MySQL DSN "user:pw@tcp(host)/db"
// written without a scheme, or a PostgreSQL "host=h password=pw" string.
func redactDatabase(v string) string {
	prefix, rest := "", v
	if scheme, after, ok := strings.Cut(v, "://"); ok && isScheme(scheme) {
		prefix, rest = scheme+"://", after
	}
	// The user information ends at the last "@", since passwords are often not escaped.
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if colon := strings.Index(rest[:at], ":"); colon >= 0 {
			rest = rest[:colon+1] + "xxxxx" + rest[at:]
		}
	}
	return prefix + redactPasswordParams(rest)
}

// redactPasswordParams masks "password=..." in a query string or a key=value DSN.
func redactPasswordParams(s string) string {
	const key = "password="
	var b strings.Builder
	for {
		i := indexFold(s, key)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+len(key)] + "xxxxx")
		s = s[i+len(key):]
		end := strings.IndexAny(s, "& ;")
		if strings.HasPrefix(s, "'") { // a quoted value may hold those separators
			end = strings.Index(s[1:], "'")
			if end >= 0 {
				end += 2
			}
		}
		if end < 0 {
			end = len(s)
		}
		s = s[end:]
	}
}

// indexFold is strings.Index ignoring ASCII case. Lower-casing the whole string instead could
// change byte offsets of non-ASCII text.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
