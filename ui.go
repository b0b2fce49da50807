package dashboard

import (
	"context"
	"errors"
	"net/http"

	"github.com/go-monitoring-dashboard/dashboard/internal/measure"
	"github.com/go-monitoring-dashboard/dashboard/internal/web"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// startUI builds the dashboard's pages and API on the running dashboard
// and sets up their users and session key, unless the database server is
// not reachable yet: then that happens when the store connects (onReady),
// and the pages answer 503 until it does.
func (d *Dashboard) startUI() error {
	ui, err := web.New(web.Options{
		Config: d.cfg, Store: d.store, Link: d.link, Logger: d.log,
		Version: d.version, VersionSource: string(d.versionSource),
		Endpoints: d.Endpoints, Level: d.Level, SetLevel: d.SetLevel,
		Stats:    func() web.RecorderStats { return web.RecorderStats(d.Stats()) },
		ClientIP: func(r *http.Request) string { return measure.ClientIP(r, d.trusted) },
		Hash:     d.hash,
	})
	if err != nil {
		return err
	}
	d.ui = ui
	d.webUI.Store(ui)
	if err := ui.Init(context.Background()); err != nil && !errors.Is(err, store.ErrNotReady) {
		return err
	}
	return nil
}

// onReady runs when the store has connected: it reads the stored levels
// and sets up the UI's users.
func (d *Dashboard) onReady(ctx context.Context, s store.Store) error {
	if err := d.loadLevels(ctx, s); err != nil {
		return err
	}
	if ui := d.webUI.Load(); ui != nil {
		return ui.Init(ctx)
	}
	return nil // startUI will
}

// Handler returns the dashboard's pages and API alone, for routers that
// mount handlers themselves. Mount it at the link ([Dashboard.Link],
// "/dashboard" by default) without stripping the prefix, for both the link and
// everything under it:
//
//	chi:   r.Handle("/dashboard", d.Handler()); r.Handle("/dashboard/*", d.Handler())
//	gin:   r.Any("/dashboard", gin.WrapH(d.Handler())); r.Any("/dashboard/*path", gin.WrapH(d.Handler()))
//	echo:  e.Any("/dashboard", echo.WrapHandler(d.Handler())); e.Any("/dashboard/*", echo.WrapHandler(d.Handler()))
//	mux:   mux.Handle("/dashboard/", d.Handler())
//
// Its requests are never recorded as the service's, even when the
// router's middleware from [Dashboard.Middleware] or [Dashboard.Wrap]
// sees them.
func (d *Dashboard) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.isUI(r.URL.Path) {
			d.ui.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

// isUI reports whether path is the link or under it.
func (d *Dashboard) isUI(p string) bool {
	return p == d.link || len(p) >= len(d.linkSlash) && p[:len(d.linkSlash)] == d.linkSlash
}
