package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/measure"
	"github.com/go-monitoring-dashboard/dashboard/internal/web"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite" // sqlite:// URLs
)

const serveUsage = `usage: gmd serve --db URL [--addr 127.0.0.1:8080] [--config FILE]

Serves the dashboard alone, without a service of its own, over a database
that services write to (DATABASE=postgres://... or mysql://... in each of
them): one login, a picker of the services, every page for the chosen one,
instances side by side. A level changed here is written to the database;
the service's instances take it up within their LEVEL_REFRESH_INTERVAL.

The users are the database's, shared with the services' own dashboards;
USERNAME and PASSWORD (flag --config, or DASHBOARD_* variables) seed an
admin as in a service. The dashboard is at /CUSTOM_LINK (/dashboard).
Put it behind a TLS-terminating proxy (TRUSTED_PROXIES) when it is not on
localhost.

flags:
`

// serveEnv is what gmd serve takes from the process, replaced in tests.
type serveEnv struct {
	environ []string
	stdout  io.Writer
	stderr  io.Writer
	// listening, when set, is told the address the server listens on.
	listening func(addr string)
}

// serveCmd runs gmd serve until ctx ends.
func serveCmd(ctx context.Context, args []string, env serveEnv) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprint(env.stderr, serveUsage)
		fs.PrintDefaults()
	}
	db := fs.String("db", "", "database URL the services write to (default: DATABASE from --config or $DASHBOARD_DATABASE)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	file := fs.String("config", "", "INI file with the [dashboard] settings: users, TIMEZONE, CUSTOM_LINK, TRUSTED_PROXIES")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q; give the database with --db", fs.Arg(0))
	}
	code := map[string]string{}
	if *db != "" {
		code["DATABASE"] = *db
	}
	cfg, err := config.Load(config.Options{File: *file, Environ: env.environ, Code: code})
	if err != nil {
		return err
	}
	if source(cfg, "DATABASE") == "default" {
		return errors.New("serve: give the database the services write to: --db URL (or DATABASE in --config, or DASHBOARD_DATABASE)")
	}
	if err := sqliteExists(cfg.Database); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(env.stderr, nil))
	for _, w := range cfg.Warnings {
		log.Warn("dashboard: " + w)
	}

	// The UI exists before the store is ready, and sets up its users when
	// the database is reached (at once for a file, later for a server
	// that is down); it answers 503 until then.
	var ui atomic.Pointer[web.Server]
	st, err := store.Start(cfg.Database, store.StartOptions{Logger: log, OnReady: func(ctx context.Context, _ store.Store) error {
		if u := ui.Load(); u != nil {
			return u.Init(ctx)
		}
		return nil
	}})
	if err != nil {
		return err
	}
	defer st.Close()
	if l, ok := st.(store.ReadLimiter); ok {
		l.LimitReads(cfg.ReadConnections)
	}
	link := "/" + cfg.CustomLink
	u, err := web.New(web.Options{
		Config: cfg, Store: st, Link: link, Standalone: true, Logger: log,
		ClientIP: func(r *http.Request) string { return measure.ClientIP(r, cfg.TrustedProxies) },
	})
	if err != nil {
		return err
	}
	ui.Store(u)
	if err := u.Init(ctx); err != nil && !errors.Is(err, store.ErrNotReady) {
		return err
	}

	mux := http.NewServeMux()
	mux.Handle(link, u)
	mux.Handle(link+"/", u)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, link+"/", http.StatusFound) })
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Fprintf(env.stdout, "dashboard  http://%s%s/\ndatabase   %s\nPress Ctrl-C to stop.\n", ln.Addr(), link, store.Redact(cfg.Database))
	if env.listening != nil {
		env.listening(ln.Addr().String())
	}
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// sqliteExists refuses a SQLite file that does not exist: opening it would
// make an empty database, where a service's was meant.
func sqliteExists(dsn string) error {
	if scheme, err := store.Scheme(dsn); err != nil || scheme != "sqlite" {
		return nil // other URLs are checked by their driver
	}
	path, err := sqlite.Path(dsn)
	if err != nil || path == ":memory:" {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("serve: no database at %s (%w): give the file the services write to", path, err)
	}
	return nil
}

// source is where a setting came from: "default" when nothing set it.
func source(c *config.Config, key string) string {
	for _, e := range c.Entries {
		if e.Key == key {
			return e.Source
		}
	}
	return ""
}
