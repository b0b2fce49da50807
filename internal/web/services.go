package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Several services may share the database. Every page and API call shows
// one, chosen by the service parameter of the URL (or of a posted form);
// without it, the dashboard's own service, or in gmd serve the first one
// by name. Links carry the parameter only when it is not that default,
// so that a service alone in its database sees the same URLs as ever.

// shown is the service a request shows.
type shown struct {
	Name string
	// Own is the running dashboard's own service, whose levels live in
	// its memory; any other service's levels are read and written in the
	// database (and its instances read them from there).
	Own bool
	// Default is the service shown without a service parameter; Param
	// is the value links carry in it: "" for the default.
	Default, Param string
	// Services lists every service of the database, sorted; the picker
	// lists them when there are several.
	Services []string
}

// shownKey is the request context key of the shown service.
type shownKey struct{}

// serviceParam is the service a request asks for: the query's, or a
// posted form's.
func serviceParam(r *http.Request) string {
	if v := r.PostForm.Get("service"); v != "" {
		return v
	}
	return r.URL.Query().Get("service")
}

// resolveService picks the service to show: asked, when the database
// holds it, else the default. An unknown service is a 404.
func (s *Server) resolveService(ctx context.Context, asked string) (*shown, error) {
	names, err := s.store.Services(ctx)
	if err != nil {
		return nil, err
	}
	// A service that has written nothing yet is still this dashboard's.
	if s.service != "" && !slices.Contains(names, s.service) {
		names = append(names, s.service)
		slices.Sort(names)
	}
	def := s.service
	if def == "" && len(names) > 0 {
		def = names[0]
	}
	sv := &shown{Name: def, Default: def, Services: names}
	if asked != "" && asked != def {
		if !slices.Contains(names, asked) {
			return nil, reply.Errorf(http.StatusNotFound, "no service named %q in the database", clipParam(asked))
		}
		sv.Name, sv.Param = asked, asked
	}
	sv.Own = s.service != "" && sv.Name == s.service
	return sv, nil
}

// withShown resolves the service a request asks for and keeps it in the
// request's context for the handler and the page.
func (s *Server) withShown(r *http.Request, asked string) (*http.Request, error) {
	sv, err := s.resolveService(r.Context(), asked)
	if err != nil {
		return r, err
	}
	return r.WithContext(context.WithValue(r.Context(), shownKey{}, sv)), nil
}

// shownOf returns the service r shows. Requests that did not go through
// ServeHTTP's resolution (none do) show the dashboard's own.
func (s *Server) shownOf(r *http.Request) *shown {
	if sv, ok := r.Context().Value(shownKey{}).(*shown); ok {
		return sv
	}
	return &shown{Name: s.service, Default: s.service, Own: s.service != "", Services: []string{s.service}}
}

// pageURL is the path of a page under the link for the shown service,
// with the query pairs kv whose values are not empty.
func (s *Server) pageURL(sv *shown, path string, kv ...string) string {
	return pageURL(s.link, sv.Param, path, kv...)
}

func pageURL(link, service, path string, kv ...string) string {
	q := url.Values{}
	if service != "" {
		q.Set("service", service)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return link + path
	}
	return link + path + "?" + q.Encode()
}

// level returns the level of an endpoint of the shown service, and false
// when there is no such endpoint: for the own service the running value,
// for others the stored one.
func (s *Server) level(ctx context.Context, sv *shown, name string) (int, bool, error) {
	if name == "" {
		return 0, false, nil
	}
	if sv.Own {
		if lv, ok := s.opts.Level(name); ok {
			return lv, true, nil
		}
	}
	eps, err := s.store.Endpoints(ctx, sv.Name)
	if err != nil {
		return 0, false, err
	}
	for _, e := range eps {
		if e.Name == store.Clip(name) {
			return e.Level, true, nil
		}
	}
	return 0, false, nil
}

// knownEndpoint answers 404 for an endpoint the shown service does not
// have.
func (s *Server) knownEndpoint(r *http.Request, sv *shown, name string) error {
	_, ok, err := s.level(r.Context(), sv, name)
	if err != nil {
		return err
	}
	if !ok {
		return reply.Errorf(http.StatusNotFound, "no endpoint named %q", clipParam(name))
	}
	return nil
}

// storeLevel changes the level of an endpoint of another service than
// the dashboard's own (or of any, in gmd serve): in the database, where
// that service's instances read it.
func (s *Server) storeLevel(ctx context.Context, sv *shown, name string, level int) error {
	err := s.store.SetLevel(ctx, sv.Name, name, level)
	if errors.Is(err, store.ErrNotFound) {
		return reply.Errorf(http.StatusNotFound, "no endpoint named %q", clipParam(name))
	}
	return err
}
