// Package web serves the dashboard's pages and JSON API under its link:
// login and sessions, users, the endpoints table with its levels, the
// per-endpoint and versions pages, export, and settings.
//
// Every route but the login page and the static files requires a login.
// Guests read; admins also change levels, export, see the settings and
// manage users. Every change (POST) is checked against cross-origin
// requests and, for cookie sessions, carries the session's CSRF token.
//
// Pages are html/template files under templates/, each defining "content"
// (and optionally "title") inside layout.html; routes are listed in
// routes.go. To add a page: write templates/NAME.html, a handler
// func(w, r, *login) error that calls s.render, and one line in routes.go
// (plus one in nav.go for a menu entry).
package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciweb"
	"github.com/go-monitoring-dashboard/dashboard/internal/config"
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
	// CI serves the pages of CI results and the version report; nil
	// builds them on Store.
	CI *ciweb.Handlers
	// Standalone is a UI without a service of its own (gmd serve): it
	// shows every service of the database, changes levels in the
	// database only (the services' instances read them from there), and
	// has no recorder. Endpoints, Level, SetLevel and Stats are unused.
	Standalone bool
	// Logger receives login failures and the generated admin password.
	Logger *slog.Logger
	// Now replaces time.Now in tests.
	Now func() time.Time

	hash hashParams // tests use cheap parameters
}

// Server is the UI. It is an http.Handler for paths under the link.
type Server struct {
	opts    Options
	cfg     *config.Config
	store   store.Store
	link    string
	log     *slog.Logger
	now     func() time.Time
	keys    keys
	hasher  *hasher
	dummy   func() string // hash checked when a user does not exist
	byAddr  *limiter
	byUser  *limiter
	basic   *basicCache
	origin  *http.CrossOriginProtection
	pages   map[string]*template.Template
	static  *staticFiles
	routes  map[string]map[string]*route
	service string // the dashboard's own service; "" standalone

	initMu sync.Mutex
	inited atomic.Bool // Init succeeded: keys are set, users seeded
}

// New builds the UI. It reads nothing from the database yet: Init does,
// and the UI answers 503 until Init has succeeded, so that a service whose
// database server is down starts all the same.
func New(opts Options) (*Server, error) {
	if opts.Config == nil || opts.Store == nil || !strings.HasPrefix(opts.Link, "/") || strings.HasSuffix(opts.Link, "/") {
		return nil, errors.New("web: Options need Config, Store and a Link such as /dashboard")
	}
	s := &Server{
		opts: opts, cfg: opts.Config, store: opts.Store, link: opts.Link, log: opts.Logger, now: opts.Now,
		byAddr: newLimiter(20, 10*time.Second, 10000), byUser: newLimiter(10, 30*time.Second, 10000),
		basic: newBasicCache(256), origin: http.NewCrossOriginProtection(), service: opts.Config.Service,
	}
	if opts.Standalone {
		s.service = ""
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
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
	p := opts.hash
	if p == (hashParams{}) {
		p = defaultHashParams
	}
	s.hasher = newHasher(p)
	s.dummy = sync.OnceValue(func() string {
		h, _ := s.hasher.hash(context.Background(), randomPassword())
		return h
	})
	var err error
	if s.static, err = newStaticFiles(); err != nil {
		return nil, err
	}
	if s.pages, err = parseTemplates(s.funcs()); err != nil {
		return nil, err
	}
	s.routes = map[string]map[string]*route{}
	s.addRoutes()
	return s, nil
}

// Init reads (or creates) the installation's session key and creates or
// updates the configured users. It does so once: after a success it
// returns nil at once. The dashboard calls it at start and when its
// database connects; a request that finds it not done tries it too.
func (s *Server) Init(ctx context.Context) error {
	if s.inited.Load() {
		return nil
	}
	s.initMu.Lock()
	defer s.initMu.Unlock()
	if s.inited.Load() {
		return nil
	}
	key, err := s.store.InitSetting(ctx, "session_key", randomKey())
	if err != nil {
		return fmt.Errorf("dashboard: reading the session key: %w", err)
	}
	s.keys = keys{key: []byte(key)}
	if err := s.seedUsers(ctx); err != nil {
		return err
	}
	s.inited.Store(true)
	return nil
}

func randomKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return b64.EncodeToString(b)
}

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
