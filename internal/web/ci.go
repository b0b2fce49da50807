package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciweb"
)

// The pages of test and benchmark results from CI and the version report
// are built by internal/ciweb; here they get the layout, the login check
// and the menu. The upload API (token only, no cookies) is served in front
// of the UI, outside sessions and CSRF checks.

// ciPage serves a ciweb page of the service r shows, in the layout.
func (s *Server) ciPage(page func(*ciweb.Handlers, *http.Request) (ciweb.Page, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, u *login) error {
		p, err := page(s.ciFor(r), r)
		var bad *ciweb.BadRequest
		switch {
		case errors.As(err, &bad):
			return errorf(http.StatusBadRequest, "%s", bad.Msg)
		case errors.Is(err, ciweb.ErrNotFound):
			return errorf(http.StatusNotFound, "no results under this name")
		case err != nil:
			return err
		}
		return s.render(w, r, u, http.StatusOK, "ci", p.Title, p)
	}
}

// apiReport serves the version report to logged-in users (CI reads it
// with the token, in front of the UI).
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request, u *login) error {
	s.ciFor(r).Report().ServeHTTP(w, r)
	return nil
}

// ciFor returns the CI handlers for the service r shows; their links and
// forms keep its service parameter.
func (s *Server) ciFor(r *http.Request) *ciweb.Handlers {
	var h ciweb.Handlers
	if s.opts.CI != nil {
		h = *s.opts.CI
	} else {
		h = ciweb.Handlers{Store: s.store, Log: s.log}
	}
	sv := s.shownOf(r)
	h.Service = sv.Name
	h.Keep = nil
	if sv.Param != "" {
		h.Keep = url.Values{"service": {sv.Param}}
	}
	return &h
}
