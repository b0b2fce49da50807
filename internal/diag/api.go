package diag

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// API serves the read side as JSON. Authentication is the caller's: mount
// it behind the dashboard's login.
type API struct {
	R   *Reader
	Log *slog.Logger // nil: slog.Default()
}

// Register adds the API's routes under prefix (such as "/dashboard/api/"):
//
//	GET outliers?endpoint=&order=newest|slowest&limit=   list
//	GET outlier?id=                                       one, with stacks
//	GET errors?endpoint=&since=                           panic groups and 5xx counts; since: RFC 3339, Unix seconds or 24h
//	GET profiles?endpoint=                                profiled endpoints and versions
//	GET profile?endpoint=&version=&top=                   call tree and top functions
//	GET profile.pb.gz?endpoint=&version=                  download for go tool pprof
//	GET profile/compare?endpoint=&a=&b=&limit=            where the time went, B against A
func (a *API) Register(mux *http.ServeMux, prefix string) {
	for path, h := range map[string]http.HandlerFunc{
		"outliers": a.Outliers, "outlier": a.Outlier, "errors": a.Errors, "profiles": a.Profiles,
		"profile": a.Profile, "profile.pb.gz": a.Download, "profile/compare": a.Compare,
	} {
		mux.HandleFunc("GET "+prefix+path, h)
	}
}

// badRequest is an error whose message is for the client.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func bad(format string, args ...any) error { return badRequest{fmt.Sprintf(format, args...)} }

// params reads and checks query parameters.
type params struct {
	q   url.Values
	err error
}

func newParams(r *http.Request) *params {
	q, err := url.ParseQuery(r.URL.RawQuery)
	p := &params{q: q}
	if err != nil {
		p.err = bad("query: %v", err)
	}
	return p
}

// name reads a name parameter (endpoint, version): at most store.MaxName
// characters of valid UTF-8.
func (p *params) name(key string, required bool) string {
	v := p.q.Get(key)
	switch {
	case p.err != nil:
	case v == "" && required:
		p.err = bad("%s: missing", key)
	case !utf8.ValidString(v) || utf8.RuneCountInString(v) > store.MaxName:
		p.err = bad("%s: want a name of at most %d characters", key, store.MaxName)
	}
	return v
}

// number reads a whole number in [lo, hi], def when absent.
func (p *params) number(key string, lo, hi, def int64) int64 {
	v := p.q.Get(key)
	if p.err != nil || v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		p.err = bad("%s: want a whole number from %d to %d", key, lo, hi)
		return def
	}
	return n
}

// since reads a time: RFC 3339, Unix seconds (as the rest of the API
// takes), or a duration back from now ("24h").
func (p *params) since(key string, now time.Time) time.Time {
	v := p.q.Get(key)
	if p.err != nil || v == "" {
		return time.Time{}
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d)
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && n < 1<<40 {
		return time.Unix(n, 0)
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		p.err = bad("%s: want a time such as 2026-03-04T10:00:00Z, Unix seconds, or a duration such as 24h", key)
	}
	return t
}

func (a *API) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// reply writes v as JSON, or the error: 400 with its message for a bad
// request, 404 for something that does not exist, 500 with a generic
// message (the cause is logged) otherwise.
func (a *API) reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	if err != nil {
		var br badRequest
		status, msg := http.StatusInternalServerError, "internal error; see the service's log"
		switch {
		case errors.As(err, &br):
			status, msg = http.StatusBadRequest, br.msg
		case IsNotFound(err):
			status, msg = http.StatusNotFound, "not found"
		default:
			a.log().Error("dashboard: API", "path", r.URL.Path, "err", err)
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	json.NewEncoder(w).Encode(v)
}

// Outliers serves GET outliers?endpoint=&order=&limit=.
func (a *API) Outliers(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	ep := p.name("endpoint", false)
	order := p.q.Get("order")
	if p.err == nil && order != "" && order != OrderNewest && order != OrderSlowest {
		p.err = bad("order: want newest or slowest")
	}
	limit := p.number("limit", 1, 1000, 100)
	if p.err != nil {
		a.reply(w, r, nil, p.err)
		return
	}
	v, err := a.R.Outliers(r.Context(), ep, order, int(limit))
	a.reply(w, r, v, err)
}

// Outlier serves GET outlier?id=.
func (a *API) Outlier(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	id := p.number("id", 1, 1<<62, 0)
	if p.err == nil && id == 0 {
		p.err = bad("id: missing")
	}
	if p.err != nil {
		a.reply(w, r, nil, p.err)
		return
	}
	v, err := a.R.Outlier(r.Context(), id)
	a.reply(w, r, v, err)
}

// Errors serves GET errors?endpoint=&since=.
func (a *API) Errors(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	ep := p.name("endpoint", false)
	since := p.since("since", time.Now())
	if p.err != nil {
		a.reply(w, r, nil, p.err)
		return
	}
	v, err := a.R.Errors(r.Context(), ep, since)
	a.reply(w, r, v, err)
}

// Profiles serves GET profiles?endpoint=.
func (a *API) Profiles(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	ep := p.name("endpoint", false)
	if p.err != nil {
		a.reply(w, r, nil, p.err)
		return
	}
	v, err := a.R.Summaries(r.Context(), ep)
	a.reply(w, r, v, err)
}

// Profile serves GET profile?endpoint=&version=&top=.
func (a *API) Profile(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	ep, ver := p.name("endpoint", true), p.name("version", true)
	top := p.number("top", 1, 10000, 50)
	if p.err != nil {
		a.reply(w, r, nil, p.err)
		return
	}
	v, err := a.R.Profile(r.Context(), ep, ver, int(top))
	a.reply(w, r, v, err)
}

// Compare serves GET profile/compare?endpoint=&a=&b=&limit=.
func (a *API) Compare(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	ep, va, vb := p.name("endpoint", true), p.name("a", true), p.name("b", true)
	limit := p.number("limit", 1, 10000, 50)
	if p.err != nil {
		a.reply(w, r, nil, p.err)
		return
	}
	v, err := a.R.Compare(r.Context(), ep, va, vb, int(limit))
	a.reply(w, r, v, err)
}

// Download serves GET profile.pb.gz?endpoint=&version=: the merged profile
// that go tool pprof opens.
func (a *API) Download(w http.ResponseWriter, r *http.Request) {
	p := newParams(r)
	ep, ver := p.name("endpoint", true), p.name("version", true)
	if p.err != nil {
		a.reply(w, r, nil, p.err)
		return
	}
	data, err := a.R.ProfileData(r.Context(), ep, ver)
	if err != nil {
		a.reply(w, r, nil, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="`+FileName(ep, ver)+`"`)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// FileName names a downloaded profile after its endpoint and version, in
// characters that are safe in any file system and header.
func FileName(endpoint, version string) string {
	clean := func(s string) string {
		var b strings.Builder
		dash := false
		for _, r := range s {
			ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_'
			if ok {
				b.WriteRune(r)
				dash = false
			} else if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
			if b.Len() >= 60 {
				break
			}
		}
		return strings.Trim(b.String(), "-.")
	}
	return "profile-" + clean(endpoint) + "-" + clean(version) + ".pb.gz"
}
