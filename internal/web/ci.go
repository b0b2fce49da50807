package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciupload"
	"github.com/go-monitoring-dashboard/dashboard/internal/ciweb"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
	"github.com/go-monitoring-dashboard/dashboard/internal/report"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The pages of test and benchmark results from CI and the version report
// are built by internal/ciweb; here they get the layout, the login check
// and the menu. Uploads (POST api/upload) take the SECURITY_TOKEN alone,
// and CI may read api/report with it too.

// ciPages returns the CI pages of the service r shows; their links and
// forms keep its service parameter.
func (s *Server) ciPages(r *http.Request) *ciweb.Pages {
	sv := s.shownOf(r)
	p := &ciweb.Pages{Store: s.store, Service: sv.Name}
	if sv.Param != "" {
		p.Keep = url.Values{"service": {sv.Param}}
	}
	return p
}

type ciPage func(*ciweb.Pages, context.Context, url.Values) (ciweb.Page, error)

// ciPage serves a ciweb page of the service r shows, in the layout.
func (s *Server) ciPage(w http.ResponseWriter, r *http.Request, u *login, page ciPage) error {
	p, err := page(s.ciPages(r), r.Context(), r.URL.Query())
	var bad *ciweb.BadRequest
	switch {
	case errors.As(err, &bad):
		return reply.Errorf(http.StatusBadRequest, "%s", bad.Msg)
	case errors.Is(err, ciweb.ErrNotFound):
		return reply.Errorf(http.StatusNotFound, "no results under this name")
	case err != nil:
		return err
	}
	return s.render(w, r, u, http.StatusOK, "ci", p.Title, p)
}

func (s *Server) testsPage(w http.ResponseWriter, r *http.Request, u *login) error {
	return s.ciPage(w, r, u, (*ciweb.Pages).TestsPage)
}

func (s *Server) testPage(w http.ResponseWriter, r *http.Request, u *login) error {
	return s.ciPage(w, r, u, (*ciweb.Pages).TestPage)
}

func (s *Server) benchmarksPage(w http.ResponseWriter, r *http.Request, u *login) error {
	return s.ciPage(w, r, u, (*ciweb.Pages).BenchmarksPage)
}

func (s *Server) benchmarkPage(w http.ResponseWriter, r *http.Request, u *login) error {
	return s.ciPage(w, r, u, (*ciweb.Pages).BenchmarkPage)
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, u *login) error {
	return s.ciPage(w, r, u, (*ciweb.Pages).ReportPage)
}

// apiReport serves GET api/report?from=&to= to logged-in users, for the
// service shown, and to CI with the token (u is nil), for the dashboard's
// own service only.
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, u *login) error {
	q := r.URL.Query()
	for k := range q {
		if k != "from" && k != "to" && k != "service" {
			return reply.Errorf(http.StatusBadRequest, "unknown parameter %s: want from and to (version names)", strconv.Quote(clipParam(k)))
		}
	}
	service := s.shownOf(r).Name
	if sv := q.Get("service"); sv != "" && sv != service {
		return reply.Errorf(http.StatusBadRequest, "parameter service: this route reports on %s only", strconv.Quote(service))
	}
	from, to := q.Get("from"), q.Get("to")
	if len(from) > 4*store.MaxName || len(to) > 4*store.MaxName {
		return reply.Errorf(http.StatusBadRequest, "version name too long")
	}
	rep, err := report.Compare(r.Context(), s.store, service, from, to, report.Options{})
	switch {
	case errors.Is(err, report.ErrUnknownVersion):
		return reply.Errorf(http.StatusBadRequest, "%s", err.Error())
	case err != nil:
		return &reply.Error{Status: http.StatusInternalServerError, Msg: "the report failed; see the service's log", Err: err}
	}
	reply.JSONIndent(w, http.StatusOK, rep)
	return nil
}

// apiUpload stores the results of one CI run (see ciupload.Handler).
func (s *Server) apiUpload(w http.ResponseWriter, r *http.Request, _ *login) error {
	h := ciupload.Handler{Store: s.store, Service: s.service, Token: s.token, Log: s.log, Now: s.now}
	h.ServeHTTP(w, r)
	return nil
}

// staticFile serves the CSS and script files.
func (s *Server) staticFile(w http.ResponseWriter, r *http.Request, _ *login) error {
	s.static.serve(w, r, strings.TrimPrefix(r.URL.Path, s.link+"/static/"))
	return nil
}
