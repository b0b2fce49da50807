package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/recorder"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Sample is a finished request, for frameworks that do not serve through
// net/http handlers and record by hand with [Dashboard.Record].
type Sample struct {
	// Endpoint is the route pattern that matched, such as
	// "GET /books/{id}" or "/books/:id"; "" when none did (counted as
	// Unmatched). Never the raw path: one name per route keeps the
	// number of endpoints bounded.
	Endpoint string
	// Method is the request's method. Methods that are neither standard
	// nor declared (see DeclareEndpoint) are recorded as "_OTHER".
	Method string
	// Status is the response status; 0 is recorded as 200.
	Status   int
	Start    time.Time
	Duration time.Duration
	// Group names the user of the request (see [Config.GroupBy]).
	Group string
	// IP is the client address.
	IP string
}

// Record records a request served outside net/http's handler chain. Like
// the middleware it never blocks: it returns false when the sample was not
// recorded because its endpoint is switched off (level 0) or the queue was
// full (then it is counted as dropped).
func (d *Dashboard) Record(s Sample) bool {
	e := d.eps.get(s.Endpoint)
	if e.level.Load() == store.LevelOff {
		return false
	}
	if s.Status == 0 {
		s.Status = http.StatusOK
	}
	if s.Start.IsZero() {
		s.Start = time.Now().Add(-s.Duration)
	}
	return d.rec.Add(recorder.Sample{
		Endpoint: e.name, Method: d.methods.Name(s.Method, e.name), Status: s.Status, Start: s.Start.UnixMicro(),
		Duration: s.Duration, Group: s.Group, IP: s.IP, NoRaw: d.raw.skip(e.level.Load(), s.Status, false),
	})
}

// DeclareEndpoint makes an endpoint known before its first request, so
// that it is listed (with its methods) and its level can be set. Router
// adapters declare every route at start (see "Writing a router adapter"
// in the package documentation). Requests are recorded under
// their method when it is a standard one (GET, POST, …), one declared
// here, or the method of a ServeMux pattern ("PROPFIND /dav/"); any
// other method is recorded as "_OTHER", so that clients cannot add names
// without end.
func (d *Dashboard) DeclareEndpoint(name string, methods ...string) {
	if name == "" {
		return
	}
	d.methods.Declare(methods...)
	e := d.eps.lookup(name)
	if e == nil {
		d.eps.add(name, d.cfg.MonitorLevel, methods)
		return
	}
	if len(methods) > 0 {
		// Known already: only add the methods.
		d.rec.DeclareEndpoint(store.Endpoint{Name: name, Level: int(e.level.Load()), Methods: methods, FirstSeen: time.Now()})
	}
}

// ErrUnknownEndpoint is returned by [Dashboard.SetLevel] for a name that
// is not an endpoint.
var ErrUnknownEndpoint = errors.New("dashboard: unknown endpoint")

// SetLevel sets an endpoint's monitoring level: 0 off, 1 timing, 2 timing
// and outliers, 3 timing, outliers and profiling. It takes effect with the
// next request and is stored, so it survives a restart.
func (d *Dashboard) SetLevel(ctx context.Context, endpoint string, level int) error {
	if level < store.LevelOff || level > store.MaxLevel {
		return fmt.Errorf("dashboard: level %d for %q: want 0, 1, 2 or 3", level, endpoint)
	}
	e := d.eps.lookup(endpoint)
	if e == nil {
		return fmt.Errorf("%w %q", ErrUnknownEndpoint, endpoint)
	}
	// The endpoint may not be written yet (declared moments ago): make
	// sure it exists before updating it.
	if err := d.store.Write(ctx, &store.Batch{Service: d.cfg.Service, Instance: d.cfg.Instance,
		Endpoints: []store.Endpoint{{Service: d.cfg.Service, Name: endpoint, Level: level, FirstSeen: time.Now()}}}); err != nil {
		return fmt.Errorf("dashboard: storing level of %q: %w", endpoint, err)
	}
	if err := d.store.SetLevel(ctx, d.cfg.Service, endpoint, level); err != nil {
		return fmt.Errorf("dashboard: storing level of %q: %w", endpoint, err)
	}
	d.eps.setLevel(e, level)
	return nil
}

// Level returns an endpoint's monitoring level, and false when the
// endpoint is unknown.
func (d *Dashboard) Level(endpoint string) (int, bool) {
	e := d.eps.lookup(endpoint)
	if e == nil {
		return 0, false
	}
	return int(e.level.Load()), true
}

// Endpoints returns the names of the endpoints known to this dashboard,
// sorted.
func (d *Dashboard) Endpoints() []string {
	m := *d.eps.m.Load()
	out := make([]string, 0, len(m))
	for name := range m {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Stats describes the recorder's health. Every request recorded is counted
// once, in Queued, InFlight, Backlog, Written or DroppedStore, so in one
// snapshot those add up to the requests accepted since New.
type Stats struct {
	Queued       int   // samples waiting to be written
	InFlight     int   // rows being gathered into the next batch
	Backlog      int   // rows handed to the database: the batch being written, and those held while it fails
	Written      int64 // rows written since start
	DroppedQueue int64 // samples dropped because the queue was full
	DroppedStore int64 // samples dropped because the database kept failing
	FailedWrites int64 // failed transactions since start
	LastError    string
}

// Stats returns the recorder's counts since New.
func (d *Dashboard) Stats() Stats {
	s := d.rec.Stats()
	return Stats{Queued: s.Queued, InFlight: s.InFlight, Backlog: s.Backlog, Written: s.Written, DroppedQueue: s.DroppedQueue,
		DroppedStore: s.DroppedStore, FailedWrites: s.FailedWrites, LastError: s.LastError}
}
