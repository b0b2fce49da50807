package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-monitoring-dashboard/dashboard/internal/diag"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The JSON API of outliers, panics and profiles, read through
// internal/diag:
//
//	GET outliers?endpoint=&order=newest|slowest&limit=   list
//	GET outlier?id=                                       one, with stacks
//	GET errors?endpoint=&since=                           panic groups and 5xx counts; since: RFC 3339, Unix seconds or 24h
//	GET profiles?endpoint=                                profiled endpoints and versions
//	GET profile?endpoint=&version=&top=                   call tree and top functions
//	GET profile.pb.gz?endpoint=&version=                  download for go tool pprof
//	GET profile/compare?endpoint=&a=&b=&limit=            where the time went, B against A

// diagParams reads and checks the diagnostics API's query parameters; the
// first problem is kept as a 400.
type diagParams struct {
	q   url.Values
	err error
}

func newDiagParams(r *http.Request) *diagParams {
	q, err := url.ParseQuery(r.URL.RawQuery)
	p := &diagParams{q: q}
	if err != nil {
		p.bad("query: %v", err)
	}
	return p
}

func (p *diagParams) bad(format string, args ...any) {
	if p.err == nil {
		p.err = reply.Errorf(http.StatusBadRequest, format, args...)
	}
}

// name reads a name parameter (endpoint, version): at most store.MaxName
// characters of valid UTF-8.
func (p *diagParams) name(key string, required bool) string {
	v := p.q.Get(key)
	switch {
	case p.err != nil:
	case v == "" && required:
		p.bad("%s: missing", key)
	case !utf8.ValidString(v) || utf8.RuneCountInString(v) > store.MaxName:
		p.bad("%s: want a name of at most %d characters", key, store.MaxName)
	}
	return v
}

// number reads a whole number in [lo, hi], def when absent.
func (p *diagParams) number(key string, lo, hi, def int64) int64 {
	v := p.q.Get(key)
	if p.err != nil || v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		p.bad("%s: want a whole number from %d to %d", key, lo, hi)
		return def
	}
	return n
}

// since reads a time: RFC 3339, Unix seconds (as the rest of the API
// takes), or a duration back from now ("24h").
func (p *diagParams) since(key string, now time.Time) time.Time {
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
		p.bad("%s: want a time such as 2026-03-04T10:00:00Z, Unix seconds, or a duration such as 24h", key)
	}
	return t
}

// diagReply writes v, or turns the store's not-found into a 404.
func diagReply(w http.ResponseWriter, v any, err error) error {
	if err != nil {
		return notFound(err, "not found")
	}
	reply.JSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiOutliers(w http.ResponseWriter, r *http.Request, _ *login) error {
	p := newDiagParams(r)
	ep := p.name("endpoint", false)
	order := p.q.Get("order")
	if p.err == nil && order != "" && order != diag.OrderNewest && order != diag.OrderSlowest {
		p.bad("order: want newest or slowest")
	}
	limit := p.number("limit", 1, 1000, 100)
	if p.err != nil {
		return p.err
	}
	if ep != "" {
		if err := s.knownEndpoint(r, s.shownOf(r), ep); err != nil {
			return err
		}
	}
	v, err := s.reader(r).Outliers(r.Context(), ep, order, int(limit))
	return diagReply(w, v, err)
}

func (s *Server) apiOutlier(w http.ResponseWriter, r *http.Request, _ *login) error {
	p := newDiagParams(r)
	id := p.number("id", 1, 1<<62, 0)
	if p.err == nil && id == 0 {
		p.bad("id: missing")
	}
	if p.err != nil {
		return p.err
	}
	v, err := s.reader(r).Outlier(r.Context(), id)
	return diagReply(w, v, err)
}

func (s *Server) apiErrors(w http.ResponseWriter, r *http.Request, _ *login) error {
	p := newDiagParams(r)
	ep := p.name("endpoint", false)
	since := p.since("since", s.now())
	if p.err != nil {
		return p.err
	}
	v, err := s.reader(r).Errors(r.Context(), ep, since)
	return diagReply(w, v, err)
}

func (s *Server) apiProfiles(w http.ResponseWriter, r *http.Request, _ *login) error {
	p := newDiagParams(r)
	ep := p.name("endpoint", false)
	if p.err != nil {
		return p.err
	}
	v, err := s.reader(r).Summaries(r.Context(), ep)
	return diagReply(w, v, err)
}

func (s *Server) apiProfile(w http.ResponseWriter, r *http.Request, _ *login) error {
	p := newDiagParams(r)
	ep, ver := p.name("endpoint", true), p.name("version", true)
	top := p.number("top", 1, 10000, 50)
	if p.err != nil {
		return p.err
	}
	v, err := s.reader(r).Profile(r.Context(), ep, ver, int(top))
	return diagReply(w, v, err)
}

func (s *Server) apiProfileCompare(w http.ResponseWriter, r *http.Request, _ *login) error {
	p := newDiagParams(r)
	ep, va, vb := p.name("endpoint", true), p.name("a", true), p.name("b", true)
	limit := p.number("limit", 1, 10000, 50)
	if p.err != nil {
		return p.err
	}
	v, err := s.reader(r).Compare(r.Context(), ep, va, vb, int(limit))
	return diagReply(w, v, err)
}

// apiProfileDownload serves the .pb.gz go tool pprof opens; downloads are
// an admin's.
func (s *Server) apiProfileDownload(w http.ResponseWriter, r *http.Request, _ *login) error {
	p := newDiagParams(r)
	ep, ver := p.name("endpoint", true), p.name("version", true)
	if p.err != nil {
		return p.err
	}
	data, err := s.reader(r).ProfileData(r.Context(), ep, ver)
	if err != nil {
		return notFound(err, "not found")
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", `attachment; filename="`+diag.FileName(ep, ver)+`"`)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
	return nil
}
