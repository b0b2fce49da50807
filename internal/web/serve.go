package web

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciupload"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
)

// handler serves one route for the user of the request (nil on public
// routes and for the bearer token). An error it returns becomes the
// answer: a *reply.Error keeps its status and message; any other error is
// logged and answered with a 500 that does not show it.
type handler func(w http.ResponseWriter, r *http.Request, u *login) error

// mount registers the route table on a ServeMux: each route's pattern,
// then for each path a pattern of any method that answers 405 with the
// methods the table gives it, and under the link one that answers 404.
// All go through guard, so an unknown route or method asks for a login
// first, as a known one does.
func (s *Server) mount() *http.ServeMux {
	mux := http.NewServeMux()
	pattern := func(path string) string {
		if path == "/" {
			return s.link + "/{$}"
		}
		return s.link + path
	}
	methods := map[string][]string{}
	access := map[string]Access{}
	for _, rt := range s.routes() {
		if rt.Method == "" {
			mux.Handle(pattern(rt.Path), s.guard(rt))
			continue
		}
		mux.Handle(rt.Method+" "+pattern(rt.Path), s.guard(rt))
		if _, ok := access[rt.Path]; !ok {
			access[rt.Path] = rt.Access
		}
		methods[rt.Path] = append(methods[rt.Path], rt.Method)
	}
	for path, allow := range methods {
		a := access[path]
		if a == Public {
			a = AnyUser // only the listed methods of a public path are public
		}
		slices.Sort(allow)
		mux.Handle(pattern(path), s.guard(Route{Path: path, Access: a, h: methodNotAllowed(allow)}))
	}
	mux.Handle(s.link+"/", s.guard(Route{Path: "/", Access: AnyUser, h: noPage}))
	return mux
}

func methodNotAllowed(allow []string) handler {
	list := strings.Join(allow, ", ")
	return func(w http.ResponseWriter, r *http.Request, _ *login) error {
		w.Header().Set("Allow", list)
		return reply.Errorf(http.StatusMethodNotAllowed, "method %s not allowed (allowed: %s)", clipParam(r.Method), list)
	}
}

func noPage(w http.ResponseWriter, r *http.Request, _ *login) error {
	return reply.Errorf(http.StatusNotFound, "no page at %s", clipParam(r.URL.Path))
}

// ServeHTTP serves every path under the link.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.securityHeaders(w)
	switch {
	case r.URL.Path == s.link:
		http.Redirect(w, r, s.link+"/", http.StatusFound)
	case !strings.HasPrefix(r.URL.Path, s.link+"/") || !clean(r.URL.Path):
		http.NotFound(w, r)
	default:
		s.mux.ServeHTTP(w, r)
	}
}

// clean reports whether p is already clean (no "..", "." or empty
// elements): anything else names no route, and is not redirected.
func clean(p string) bool {
	c := path.Clean(p)
	return c == p || c+"/" == p
}

// guard is the one wrapper every route goes through: it checks that the
// database is reached, who the user is and whether the route's Access
// lets them in, refuses changes from other origins or without the
// session's CSRF token, resolves the service shown, recovers a panic
// into a 500, and answers the handler's error.
func (s *Server) guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Access == Static {
			rt.h(w, r, nil)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		api := strings.HasPrefix(r.URL.Path, s.link+"/api/")
		if !s.auth.Ready() {
			// The database was not reachable at start: try again now, or
			// say why the pages are not there yet.
			if err := s.Init(r.Context()); err != nil {
				s.log.Warn("dashboard: the UI is not ready", "err", err)
				w.Header().Set("Retry-After", "5")
				s.fail(w, r, api, reply.Errorf(http.StatusServiceUnavailable, "the dashboard's database is not reachable yet; try again in a few seconds"))
				return
			}
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("dashboard: panic serving the UI", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.fail(w, r, api, reply.Errorf(http.StatusInternalServerError, "internal error"))
			}
		}()
		if err := s.serveRoute(w, r, rt, api); err != nil {
			s.fail(w, r, api, err)
		}
	})
}

func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt Route, api bool) error {
	var u *login
	switch rt.Access {
	case TokenOnly:
		if s.opts.Standalone {
			return reply.Errorf(http.StatusNotFound, "gmd serve takes no uploads: send them to the dashboard of the service they belong to")
		}
		if err := ciupload.TokenError(w, r, s.token); err != nil {
			return err
		}
	case UserOrToken:
		if bearer(r) {
			if !ciupload.Authorized(r, s.token) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="dashboard"`)
				return reply.Errorf(http.StatusUnauthorized, "wrong token")
			}
			break
		}
		fallthrough
	case AnyUser, AdminOnly:
		var err error
		if u, err = s.authenticate(w, r, api); err != nil || u == nil {
			return err // nil: redirected to the login page
		}
	}
	if changes(r.Method) {
		if isForm(r) {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				return reply.Errorf(http.StatusBadRequest, "bad form: %v", err)
			}
		}
		if err := s.checkChange(r, u); err != nil {
			return err
		}
	}
	if rt.Access == AdminOnly && !u.Admin() {
		return reply.Errorf(http.StatusForbidden, "only an admin may do this; you are logged in as a guest")
	}
	if u != nil {
		var err error
		if r, err = s.withShown(r, serviceParam(r)); err != nil {
			return err
		}
	}
	return rt.h(w, r, u)
}

// bearer reports whether r carries a bearer token.
func bearer(r *http.Request) bool {
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.EqualFold(scheme, "Bearer")
}

// authenticate finds the user of a request. It returns an error to send
// (401 for the API), or nil and nil after redirecting a page request to
// the login page. API requests may use HTTP Basic instead of the cookie.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, api bool) (*login, error) {
	if name, pw, ok := r.BasicAuth(); ok && api {
		return s.auth.Basic(r, s.clientIP(r), name, pw)
	}
	u, err := s.auth.Session(r)
	if err != nil {
		return nil, err
	}
	if u != nil {
		return u, nil
	}
	if api {
		return nil, reply.Errorf(http.StatusUnauthorized, "log in first: send the session cookie or HTTP Basic credentials")
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, s.loginURL(r), http.StatusSeeOther)
	} else {
		http.Redirect(w, r, s.link+"/login", http.StatusSeeOther)
	}
	return nil, nil
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
// HTTP Basic and bearer-token requests need no token: browsers send Basic
// credentials only after a prompt, which the dashboard never asks for,
// never send a bearer token on their own, and cross-origin browser
// requests are refused above anyway.
func (s *Server) checkChange(r *http.Request, u *login) error {
	if err := s.origin.Check(r); err != nil {
		return reply.Errorf(http.StatusForbidden, "cross-origin request refused")
	}
	if u == nil || u.Basic {
		return nil
	}
	token := r.Header.Get("X-CSRF-Token")
	if token == "" {
		token = r.PostForm.Get("csrf")
	}
	if !s.auth.CheckCSRF(u, token) {
		return reply.Errorf(http.StatusForbidden, "missing or wrong CSRF token; reload the page and try again")
	}
	return nil
}

const maxForm = 64 << 10

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// fail answers an error: JSON for the API, a page otherwise. The cause of
// an error that is not a *reply.Error is logged, never shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	he, own := reply.As(err)
	if !own {
		if r.Context().Err() != nil {
			return // the client went away
		}
		s.log.Error("dashboard: serving the UI", "path", r.URL.Path, "err", err)
	} else if he.Err != nil {
		s.log.Error("dashboard: serving the UI", "path", r.URL.Path, "status", he.Status, "err", he.Err)
	}
	he.Headers(w.Header())
	if he.Status == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Session realm="dashboard"`)
	}
	if api {
		reply.JSONError(w, he)
		return
	}
	s.renderError(w, r, he.Status, he.Msg)
}

// loginURL is the login page that returns to r's page afterwards.
func (s *Server) loginURL(r *http.Request) string {
	next := r.URL.Path
	if r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	return s.link + "/login?next=" + url.QueryEscape(next)
}
