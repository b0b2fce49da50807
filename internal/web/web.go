// Package web is the dashboard's one HTTP layer: its pages and JSON API
// under its link (login, users, the endpoints table with its levels, the
// per-endpoint and versions pages, outliers, errors and profiles, CI
// results and the version report, uploads, export, and settings). The
// figures come from the read models of internal/query, internal/diag and
// internal/ciweb; who may do what from internal/auth.
//
// Every route is one line of the table in routes.go, which says who may
// use it (Access); serve.go registers exactly that table on a ServeMux,
// behind one wrapper that checks access. Every route but the login page,
// the static files and the token routes (uploads, and the report for CI)
// requires a login. Guests read; admins also change levels, export, see
// the settings and manage users. Every change (POST) is checked against
// cross-origin requests and, for cookie sessions, carries the session's
// CSRF token.
//
// Pages are html/template files under templates/, each defining "content"
// (and optionally "title") inside layout.html. To add a page: write
// templates/NAME.html, a handler func(w, r, *login) error that calls
// s.render, and one line in routes.go (plus one in nav.go for a menu
// entry).
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
	"github.com/go-monitoring-dashboard/dashboard/internal/budget"
	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/readcache"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// RecorderStats is the recorder's health as the settings page shows it.
type RecorderStats struct {
	Queued       int   // samples waiting to be written
	InFlight     int   // rows being gathered into the next batch
	Backlog      int   // rows handed to the database: the batch being written, and those held while it fails
	Written      int64 // rows written since start
	DroppedQueue int64 // samples dropped because the queue was full
	DroppedStore int64 // samples dropped because the database kept failing
	FailedWrites int64 // failed transactions since start
	LastError    string
}

// Options are what the UI needs from the running dashboard. Config,
// Store and Link are required; the functions connect the UI to the
// dashboard without importing it.
type Options struct {
	Config *config.Config
	Store  store.Store
	// Link is the path the UI is served under, such as "/dashboard".
	Link string
	// Version of the monitored service and where it was found.
	Version, VersionSource string
	// Endpoints lists the endpoints the running dashboard knows; Level
	// returns one's effective level (false when unknown); SetLevel
	// changes it for the next request and stores it.
	Endpoints func() []string
	Level     func(endpoint string) (int, bool)
	SetLevel  func(ctx context.Context, endpoint string, level int) error
	// Stats returns the recorder's health.
	Stats func() RecorderStats
	// ClientIP returns the address a request came from, trusting the
	// configured proxies; nil uses the connection's address.
	ClientIP func(*http.Request) string
	// Standalone is a UI without a service of its own (gmd serve): it
	// shows every service of the database, changes levels in the
	// database only (the services' instances read them from there), and
	// has no recorder. Endpoints, Level, SetLevel and Stats are unused.
	Standalone bool
	// Logger receives login failures and the generated admin password.
	Logger *slog.Logger
	// Now replaces time.Now in tests.
	Now func() time.Time

	// Hash is argon2id's cost; the zero value takes OWASP's minimum.
	// Tests of packages that only need a UI to exist use cheap ones.
	Hash auth.Params
}

// Server is the UI. It is an http.Handler for paths under the link.
type Server struct {
	opts    Options
	cfg     *config.Config
	store   store.Store
	link    string
	log     *slog.Logger
	now     func() time.Time
	auth    *auth.Auth
	origin  *http.CrossOriginProtection
	pages   map[string]*template.Template
	static  *staticFiles
	mux     *http.ServeMux
	service string // the dashboard's own service; "" standalone
	budget  *budget.Budget
	token   string // SECURITY_TOKEN; "" standalone
}

// login is the user of a request.
type login = auth.Login

// New builds the UI. It reads nothing from the database yet: Init does,
// and the UI answers 503 until Init has succeeded, so that a service whose
// database server is down starts all the same.
func New(opts Options) (*Server, error) {
	if opts.Config == nil || opts.Store == nil || !strings.HasPrefix(opts.Link, "/") || strings.HasSuffix(opts.Link, "/") {
		return nil, errors.New("web: Options need Config, Store and a Link such as /dashboard")
	}
	s := &Server{
		opts: opts, cfg: opts.Config, store: opts.Store, link: opts.Link, log: opts.Logger, now: opts.Now,
		origin: http.NewCrossOriginProtection(), service: opts.Config.Service,
		budget: budget.New(budget.Options{Running: opts.Config.QueryBudget, Queue: opts.Config.QueryQueue}),
	}
	if opts.Standalone {
		s.service = ""
	} else {
		s.token = opts.Config.SecurityToken
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	// Pages read sums of closed hours through the cache (QUERY_CACHE).
	s.store = readcache.Wrap(s.store, opts.Config.QueryCache, s.now)
	if s.opts.Endpoints == nil {
		s.opts.Endpoints = func() []string { return nil }
	}
	if s.opts.Level == nil {
		s.opts.Level = func(string) (int, bool) { return 0, false }
	}
	if s.opts.SetLevel == nil {
		s.opts.SetLevel = func(context.Context, string, int) error { return errors.New("levels cannot be changed here") }
	}
	if s.opts.Stats == nil {
		s.opts.Stats = func() RecorderStats { return RecorderStats{} }
	}
	c := opts.Config
	s.auth = auth.New(auth.Options{Store: opts.Store, Link: opts.Link, Username: c.Username, Password: c.Password,
		GuestUsername: c.GuestUsername, GuestPasswords: c.GuestPasswords, TrustedProxies: c.TrustedProxies,
		Logger: s.log, Now: s.now, Hash: opts.Hash})
	var err error
	if s.static, err = newStaticFiles(); err != nil {
		return nil, err
	}
	if s.pages, err = parseTemplates(s.funcs()); err != nil {
		return nil, err
	}
	s.mux = s.mount()
	return s, nil
}

// Init reads (or creates) the installation's session key and creates or
// updates the configured users. It does so once: after a success it
// returns nil at once. The dashboard calls it at start and when its
// database connects; a request that finds it not done tries it too.
func (s *Server) Init(ctx context.Context) error { return s.auth.Init(ctx) }

// loc is the zone times are shown in.
func (s *Server) loc() *time.Location {
	if s.cfg.Timezone != nil {
		return s.cfg.Timezone
	}
	return time.Local
}

func (s *Server) clientIP(r *http.Request) string {
	if s.opts.ClientIP != nil {
		return s.opts.ClientIP(r)
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
