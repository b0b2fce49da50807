package config

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Value parsers. Each returns an error that says what is wanted; the caller adds the key, the
// value and where it was written. Surrounding white space is ignored for numbers and names,
// since environment files and INI continuation lines often carry some.

const maxInt = int(^uint(0) >> 1)

func parseInt(v string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		if hi == maxInt {
			return 0, fmt.Errorf("want a whole number, %d or more", lo)
		}
		return 0, fmt.Errorf("want a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

func parseMonitorLevel(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > 3 {
		return 0, errors.New("want 0, 1, 2 or 3 (off, timing, timing and outliers, timing, outliers and profiler)")
	}
	return n, nil
}

func parseOutlierConstant(v string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || f <= 1 {
		return 0, errors.New("want a number greater than 1, such as 2.5")
	}
	return f, nil
}

func parseDuration(v string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("want a duration from %v to %v, such as 1s or 500ms", lo, hi)
	}
	return d, nil
}

// parseSamplingPeriod accepts Flask's plain number of milliseconds as well as a Go duration, so
// a Flask file keeps working and a Go user can write the unit.
func parseSamplingPeriod(v string) (time.Duration, error) {
	const lo, hi = time.Millisecond, time.Second
	bad := errors.New("want milliseconds from 1 to 1000 (such as 20) or a duration from 1ms to 1s (such as 20ms)")
	s := strings.TrimSpace(v)
	if ms, err := strconv.ParseFloat(s, 64); err == nil {
		if !(ms >= 1 && ms <= 1000) { // also rejects NaN, before the conversion can overflow
			return 0, bad
		}
		return time.Duration(ms * float64(time.Millisecond)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < lo || d > hi {
		return 0, bad
	}
	return d, nil
}

func parseSecurityToken(v string) (string, error) {
	if v != "" && utf8.RuneCountInString(v) < 16 {
		return "", errors.New("shorter than 16 characters; use a long random token, or leave it empty to disable uploads")
	}
	return v, nil
}

func parseTimezone(v string) (*time.Location, error) {
	name := strings.TrimSpace(v)
	loc, err := time.LoadLocation(name)
	if name == "" || err != nil {
		return nil, errors.New(`unknown time zone (want Local, UTC or a name such as Europe/Amsterdam; on a system without a zone database, add import _ "time/tzdata" to the program)`)
	}
	return loc, nil
}

// parseCustomLink returns the link without slashes at its ends. It is checked strictly because
// it becomes part of the routes the service serves.
func parseCustomLink(v string) (string, error) {
	link := strings.Trim(strings.TrimSpace(v), "/")
	const want = `want a URL path such as "dashboard" or "admin/metrics": letters, digits, ".", "_", "~", "-" and "/" between parts`
	if link == "" {
		return "", errors.New("empty; " + want)
	}
	for _, part := range strings.Split(link, "/") {
		switch part {
		case "":
			return "", errors.New("has an empty part (//); " + want)
		case ".", "..":
			return "", fmt.Errorf("has a %q part; %s", part, want)
		}
		for _, r := range part {
			if !isUnreserved(r) {
				return "", fmt.Errorf("has the character %q; %s", r, want)
			}
		}
	}
	return link, nil
}

// isUnreserved reports whether r may appear in a URL path without escaping (RFC 3986).
func isUnreserved(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
		r == '.' || r == '_' || r == '~' || r == '-'
}

// parseRedact reads OUTLIER_REDACT: names and /regular expressions/,
// separated by commas or spaces. The expressions are compiled here so that
// a bad one is an error at start, naming the key.
func parseRedact(v string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if len(f) >= 2 && f[0] == '/' && f[len(f)-1] == '/' {
			if _, err := regexp.Compile(f[1 : len(f)-1]); err != nil {
				return nil, fmt.Errorf("pattern %s: %v; want names or regular expressions between slashes", f, err)
			}
		}
		out = append(out, f)
	}
	return out, nil
}
