// Package demo runs the dashboard's demonstration: a small book shop
// wrapped by the dashboard, with 30 days of synthetic history written
// straight into its SQLite database and live traffic sent to it over HTTP,
// so that every page of the dashboard has something to show at once.
// `gmd demo` is a thin command over Run; tests start it with Start.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// Options configure the demo. Zero values take the defaults noted.
type Options struct {
	Addr string // address to listen on; default "127.0.0.1:8080" (":0" picks a port)
	DB   string // SQLite file (or sqlite:/// URL); default "gmd-demo.db"
	// Rate is the live requests per second; default 20, negative for none.
	Rate  float64
	Days  int  // days of history; default 30
	Fresh bool // delete the database first and start over
	// Users is the number of simulated users (default 40), PerHour the
	// average requests per hour of the history (default 200).
	Users   int
	PerHour float64
	Seed    uint64
	// Password of the admin; default: generated on the first run and kept
	// next to the database (DB + ".login"), so that a restarted demo
	// keeps its login.
	Password string
	Logger   *slog.Logger // the dashboard's log; default slog.Default()
}

// Username is the demo's admin user.
const Username = "admin"

// Demo is a running demonstration.
type Demo struct {
	URL          string // the shop, "http://127.0.0.1:8080"
	DashboardURL string // its dashboard
	Username     string
	Password     string
	PasswordFile string // where the password is kept ("" when given in Options)
	World        *World
	History      Summary // what this start backfilled
	Gap          bool    // History filled the time since an earlier run
	Store        store.Store
	Dashboard    *dashboard.Dashboard

	srv       *http.Server
	stop      context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

func (o *Options) defaults() {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:8080"
	}
	if o.DB == "" {
		o.DB = "gmd-demo.db"
	}
	if o.Rate == 0 {
		o.Rate = 20
	}
	if o.Days <= 0 {
		o.Days = 30
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Start backfills the history (or the time since the last run), starts the
// shop with its dashboard and the live traffic. Close stops everything.
func Start(ctx context.Context, o Options) (*Demo, error) {
	o.defaults()
	if strings.Contains(o.DB, "://") {
		p, err := sqlite.Path(o.DB)
		if err != nil {
			return nil, err
		}
		o.DB = p
	}
	if o.Fresh {
		for _, suffix := range []string{"", "-wal", "-shm", ".login"} {
			if err := os.Remove(o.DB + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("demo: starting over: %w", err)
			}
		}
	}
	st, err := sqlite.OpenFile(ctx, o.DB)
	if err != nil {
		return nil, err
	}
	d := &Demo{Store: st, Username: Username}
	if err := d.start(ctx, o); err != nil {
		d.Close(context.Background())
		return nil, err
	}
	return d, nil
}

func (d *Demo) start(ctx context.Context, o Options) error {
	now := time.Now()
	w := NewWorld(WorldOptions{Users: o.Users, Days: o.Days, PerHour: o.PerHour, End: now, Seed: o.Seed})
	d.World = w
	last, err := lastRequest(ctx, d.Store, w.Service)
	if err != nil {
		return err
	}
	bo := BackfillOptions{Seed: o.Seed}
	if !last.IsZero() {
		// An earlier run's history: fill the time since, in the live version.
		d.Gap = true
		bo.From = maxTime(last.Add(time.Microsecond), w.Start)
		bo.To, bo.Version = now, w.Live()
	}
	if d.History, err = Backfill(ctx, d.Store, w, bo); err != nil {
		return fmt.Errorf("demo: writing the history: %w", err)
	}
	// CI results of every release, so that the Tests, Benchmarks and
	// Report pages have something to show.
	if _, err := SeedCI(ctx, d.Store, w, o.Seed); err != nil {
		return err
	}
	d.Password = o.Password
	if d.Password == "" {
		d.PasswordFile = o.DB + ".login"
		if d.Password, err = loadOrMakePassword(d.PasswordFile); err != nil {
			return err
		}
	}
	d.Dashboard, err = dashboard.New(w.Handler(), dashboard.Config{
		Store: d.Store, Service: w.Service, Instance: w.Instance, AppVersion: w.Live(),
		Username: Username, Password: d.Password,
		// The traffic comes through loopback with X-Forwarded-For, as
		// through a proxy, so that requests have many client addresses.
		TrustedProxies: []string{"127.0.0.1/32", "::1/128"},
		GroupBy:        func(r *http.Request) string { return r.Header.Get("X-User") },
		Logger:         o.Logger,
		// Profiles written every 10 s rather than every minute, so that a
		// newcomer sees the flame graph soon.
		Settings: map[string]string{"PROFILE_INTERVAL": "10s"},
	})
	if err != nil {
		return err
	}
	// Searches are watched for outliers and orders also profiled, so
	// that the outliers and profile pages have something to show.
	for name, level := range map[string]int{"GET /search": store.LevelOutliers, "POST /orders": store.LevelProfiler} {
		if err := d.Dashboard.SetLevel(ctx, name, level); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d.URL = "http://" + ln.Addr().String()
	d.DashboardURL = d.URL + d.Dashboard.Link() + "/"
	d.srv = &http.Server{Handler: d.Dashboard, ReadHeaderTimeout: 10 * time.Second}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.srv.Serve(ln)
	}()
	tctx, stop := context.WithCancel(context.Background())
	d.stop = stop
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		w.traffic(tctx, d.URL, o.Rate, &http.Client{Timeout: 10 * time.Second})
	}()
	return nil
}

// lastRequest returns the newest request time of the service, zero when
// it has none.
func lastRequest(ctx context.Context, st store.Store, service string) (time.Time, error) {
	eps, err := st.Endpoints(ctx, service)
	if err != nil {
		return time.Time{}, err
	}
	var last time.Time
	for _, e := range eps {
		last = maxTime(last, e.LastRequested)
	}
	return last, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// loadOrMakePassword reads the demo's admin password from path, or makes
// a random one and writes it there (readable by the owner only).
func loadOrMakePassword(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		if p := strings.TrimSpace(string(b)); p != "" {
			return p, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("demo: reading the password: %w", err)
	}
	raw := make([]byte, 12)
	rand.Read(raw)
	p := base64.RawURLEncoding.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(p+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("demo: keeping the password: %w", err)
	}
	return p, nil
}

// Close stops the traffic, the server and the dashboard (writing what it
// still holds), and closes the database.
func (d *Demo) Close(ctx context.Context) error {
	d.closeOnce.Do(func() {
		if d.stop != nil {
			d.stop()
		}
		if d.srv != nil {
			d.closeErr = d.srv.Shutdown(ctx)
		}
		d.wg.Wait()
		if d.Dashboard != nil {
			d.closeErr = errors.Join(d.closeErr, d.Dashboard.Close(ctx))
		}
		d.closeErr = errors.Join(d.closeErr, d.Store.Close())
	})
	return d.closeErr
}

// Run starts the demo, prints where to look and how to log in, reports the
// recorder's progress now and then, and stops when ctx ends.
func Run(ctx context.Context, o Options, out io.Writer) error {
	d, err := Start(ctx, o)
	if err != nil {
		return err
	}
	d.describe(out, o)
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			s := d.Dashboard.Stats()
			fmt.Fprintf(out, "live: recorded %d requests (dropped %d)\n", s.Written, s.DroppedQueue+s.DroppedStore)
		}
	}
	fmt.Fprintln(out, "stopping")
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return d.Close(cctx)
}

func (d *Demo) describe(out io.Writer, o Options) {
	w := d.World
	h := d.History
	fmt.Fprintf(out, "Go Monitoring Dashboard demo: %s %s\n\n", w.Service, w.Live())
	fmt.Fprintf(out, "  dashboard  %s\n", d.DashboardURL)
	if d.PasswordFile != "" {
		fmt.Fprintf(out, "  login      %s / %s   (kept in %s)\n", d.Username, d.Password, d.PasswordFile)
	} else {
		fmt.Fprintf(out, "  login      %s / %s\n", d.Username, d.Password)
	}
	fmt.Fprintf(out, "  service    %s/books\n", d.URL)
	fmt.Fprintf(out, "  database   %s\n\n", o.DB)
	if d.Gap {
		fmt.Fprintf(out, "History kept from an earlier run; %d requests fill the time since (%v).\n", h.Requests, h.Elapsed.Round(time.Millisecond))
	} else {
		fmt.Fprintf(out, "History: %d requests over %d days from %d users, written in %v. Versions:\n",
			h.Requests, o.Days, len(w.Users), h.Elapsed.Round(time.Millisecond))
		for _, r := range w.Releases {
			fmt.Fprintf(out, "  %-6s %s  %s\n", r.Name, r.Since.In(w.Loc).Format("Jan 2 15:04"), r.Note)
		}
		fmt.Fprintf(out, "Incident: POST /orders failing %s to %s.\n",
			w.IncidentStart.In(w.Loc).Format("Jan 2 15:04"), w.IncidentEnd.In(w.Loc).Format("15:04"))
	}
	if o.Rate > 0 {
		fmt.Fprintf(out, "Live: about %g requests per second. Ctrl-C stops; -fresh starts over.\n", o.Rate)
	} else {
		fmt.Fprintln(out, "Live traffic off. Ctrl-C stops; -fresh starts over.")
	}
}
