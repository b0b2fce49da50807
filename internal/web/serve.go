package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

// access says who may use a route.
type access int

const (
	public    access = iota // anyone (login page)
	anyUser                 // any logged-in user, guest or admin
	adminOnly               // admins
)

// handler serves one route for a logged-in user (nil on public routes).
// An error it returns becomes the response: an *httpError keeps its status
// and message; any other error is logged and answered with a 500.
type handler func(w http.ResponseWriter, r *http.Request, u *login) error

type route struct {
	access access
	h      handler
}

// handle registers h for method and path, a path under the link such as
// "/endpoints" or "/api/endpoints". Paths under /api/ answer in JSON.
func (s *Server) handle(method, path string, a access, h handler) {
	m := s.routes[path]
	if m == nil {
		m = map[string]*route{}
		s.routes[path] = m
	}
	if m[method] != nil {
		panic("web: route " + method + " " + path + " registered twice")
	}
	m[method] = &route{access: a, h: h}
}

type httpError struct {
	status int
	msg    string
	retry  int // seconds, for Retry-After on 429
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// ServeHTTP serves every path under the link.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.securityHeaders(w)
	rel, ok := strings.CutPrefix(r.URL.Path, s.link)
	if !ok || rel != "" && rel[0] != '/' {
		http.NotFound(w, r)
		return
	}
	if rel == "" {
		http.Redirect(w, r, s.link+"/", http.StatusFound)
		return
	}
	if strings.HasPrefix(rel, "/static/") {
		s.static.serve(w, r, strings.TrimPrefix(rel, "/static/"))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	api := strings.HasPrefix(rel, "/api/")
	if !s.inited.Load() {
		// The database was not reachable at start: try again now, or
		// say why the pages are not there yet.
		if err := s.Init(r.Context()); err != nil {
			s.log.Warn("dashboard: the UI is not ready", "err", err)
			w.Header().Set("Retry-After", "5")
			s.fail(w, r, api, errorf(http.StatusServiceUnavailable, "the dashboard's database is not reachable yet; try again in a few seconds"))
			return
		}
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("dashboard: panic serving the UI", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.fail(w, r, api, &httpError{status: http.StatusInternalServerError, msg: "internal error"})
		}
	}()
	methods := s.routes[rel]
	rt := methods[r.Method]
	if rt == nil && r.Method == http.MethodHead {
		rt = methods[http.MethodGet]
	}
	var u *login
	if rt == nil || rt.access != public {
		var err error
		u, err = s.authenticate(w, r, api)
		if err != nil {
			s.fail(w, r, api, err)
			return
		}
		if u == nil { // redirected to the login page
			return
		}
	}
	if rt == nil {
		if len(methods) == 0 {
			s.fail(w, r, api, errorf(http.StatusNotFound, "no page at %s", r.URL.Path))
			return
		}
		allow := make([]string, 0, len(methods))
		for m := range methods {
			allow = append(allow, m)
		}
		sort.Strings(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.fail(w, r, api, errorf(http.StatusMethodNotAllowed, "method %s not allowed (allowed: %s)", r.Method, strings.Join(allow, ", ")))
		return
	}
	if changes(r.Method) {
		if isForm(r) {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, api, errorf(http.StatusBadRequest, "bad form: %v", err))
				return
			}
		}
		if err := s.checkChange(r, u); err != nil {
			s.fail(w, r, api, err)
			return
		}
	}
	if rt.access == adminOnly && u.Role != roleAdmin {
		s.fail(w, r, api, errorf(http.StatusForbidden, "only an admin may do this; you are logged in as a guest"))
		return
	}
	if rt.access != public {
		var err error
		if r, err = s.withShown(r, serviceParam(r)); err != nil {
			s.fail(w, r, api, err)
			return
		}
	}
	if err := rt.h(w, r, u); err != nil {
		s.fail(w, r, api, err)
	}
}

// changes reports whether a method may change state.
func changes(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// checkChange refuses cross-origin requests (by Sec-Fetch-Site or Origin,
// what browsers send) and, for cookie sessions, a request without the
// session's CSRF token in the form field csrf or the X-CSRF-Token header.
// HTTP Basic requests need no token: browsers send Basic credentials only
// after a prompt, which the dashboard never asks for, and cross-origin
// browser requests are refused above anyway.
func (s *Server) checkChange(r *http.Request, u *login) error {
	if err := s.origin.Check(r); err != nil {
		return errorf(http.StatusForbidden, "cross-origin request refused")
	}
	if u == nil || u.basic {
		return nil
	}
	token := r.Header.Get("X-CSRF-Token")
	if token == "" {
		token = r.PostForm.Get("csrf")
	}
	if token == "" || !s.keys.checkCSRF(u.secret, token) {
		return errorf(http.StatusForbidden, "missing or wrong CSRF token; reload the page and try again")
	}
	return nil
}

const maxForm = 64 << 10

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// fail answers an error: JSON for the API, a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		if errors.Is(err, r.Context().Err()) {
			return // the client went away
		}
		s.log.Error("dashboard: serving the UI", "path", r.URL.Path, "err", err)
		he = &httpError{status: http.StatusInternalServerError, msg: "internal error; the service's log has the details"}
	}
	if he.retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(he.retry))
	}
	if he.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Session realm="dashboard"`)
	}
	if api {
		writeJSON(w, he.status, map[string]string{"error": he.msg})
		return
	}
	s.renderError(w, r, he.status, he.msg)
}

// loginURL is the login page that returns to r's page afterwards.
func (s *Server) loginURL(r *http.Request) string {
	next := r.URL.Path
	if r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	return s.link + "/login?next=" + url.QueryEscape(next)
}
