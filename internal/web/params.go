package web

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
)

// parseTime reads a time parameter: RFC 3339 ("2026-03-04T10:00:00Z"),
// Unix seconds ("1772618400"), or, as HTML date inputs send them, a local
// date and time ("2026-03-04T10:00") or date ("2026-03-04") in loc.
func parseTime(v string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 64 {
		return time.Time{}, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		// Bounded to years 1970..9999 so the result is a valid time.
		if n < 0 || n > 253402300799 {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// timeParam reads an optional time parameter of the query.
func timeParam(q url.Values, name string, loc *time.Location) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, ok := parseTime(v, loc)
	if !ok {
		return t, reply.Errorf(http.StatusBadRequest, "parameter %s: %q is not a time (want RFC 3339 such as 2026-03-04T10:00:00Z, or Unix seconds)", name, clipParam(v))
	}
	return t, nil
}

// windowParams reads since and until; until must come after since.
func (s *Server) windowParams(q url.Values) (query.Window, error) {
	var w query.Window
	var err error
	if w.Since, err = timeParam(q, "since", s.loc()); err != nil {
		return w, err
	}
	if w.Until, err = timeParam(q, "until", s.loc()); err != nil {
		return w, err
	}
	if !w.Since.IsZero() && !w.Until.IsZero() && !w.Until.After(w.Since) {
		return w, reply.Errorf(http.StatusBadRequest, "parameter until: must be after since")
	}
	return w, nil
}

type rangeChoice struct {
	Key   string
	Label string
	d     time.Duration
}

// rangeChoices are the choices of the pages' time-range selector.
func rangeChoices() []rangeChoice {
	return []rangeChoice{
		{"24h", "Last 24 hours", 24 * time.Hour},
		{"7d", "Last 7 days", 7 * 24 * time.Hour},
		{"30d", "Last 30 days", 30 * 24 * time.Hour},
		{"all", "All time", 0},
	}
}

// pageWindow reads a page's time range: since/until when given, else the
// range parameter, else def.
func (s *Server) pageWindow(q url.Values, def string) (query.Window, string, error) {
	if q.Get("since") != "" || q.Get("until") != "" {
		w, err := s.windowParams(q)
		return w, "custom", err
	}
	key := q.Get("range")
	if key == "" {
		key = def
	}
	for _, c := range rangeChoices() {
		if c.Key == key {
			if c.d == 0 {
				return query.Window{}, key, nil
			}
			return query.Window{Since: s.now().Add(-c.d)}, key, nil
		}
	}
	return query.Window{}, "", reply.Errorf(http.StatusBadRequest, "parameter range: %q is not one of 24h, 7d, 30d, all", clipParam(key))
}

// clipParam shortens a bad parameter value quoted in an error.
func clipParam(v string) string {
	if len(v) > 64 {
		return v[:64] + "…"
	}
	return v
}

// intParam reads an optional integer parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int64) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		if hi == math.MaxInt64 {
			return 0, reply.Errorf(http.StatusBadRequest, "parameter %s: %q is not a whole number from %d", name, clipParam(v), lo)
		}
		return 0, reply.Errorf(http.StatusBadRequest, "parameter %s: %q is not a whole number from %d to %d", name, clipParam(v), lo, hi)
	}
	return n, nil
}
