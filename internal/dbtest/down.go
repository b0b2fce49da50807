package dbtest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	neturl "net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/testlog"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// proxy forwards TCP connections to a database server once it is opened;
// before that it hangs up on every connection, like a server that is down.
type proxy struct {
	ln     net.Listener
	target string
	open   atomic.Bool
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  []net.Conn
}

func startProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.open.Load() {
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Go(func() { io.Copy(up, c); up.Close() })
		p.wg.Go(func() { io.Copy(c, up); c.Close() })
	}
}

func (p *proxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// withHost returns url with its host:port replaced.
func withHost(t testing.TB, url, hostport string) string {
	t.Helper()
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = hostport
	return u.String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testDownAtStart: the database is down when the service starts. New
// succeeds, requests are served and kept, the outage is logged once; when
// the database comes up the dashboard connects, writes what it kept and
// loads the endpoints' stored levels.
func testDownAtStart(t *testing.T, srv Server) {
	if !srv.Remote {
		t.Skip("the database is a local file")
	}
	ctx := context.Background()
	s, url := srv.Open(t)
	// An operator switched the route off in an earlier run.
	if err := s.Write(ctx, &store.Batch{Endpoints: []store.Endpoint{{Service: "books", Name: "GET /books/{id}", Level: 0}}}); err != nil {
		t.Fatal(err)
	}
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	purl := withHost(t, url, p.ln.Addr().String())

	var logs testlog.Buffer
	start := time.Now()
	d, err := dashboard.New(mux(), dashboard.Config{Database: purl, Service: "books", Instance: "b1", AppVersion: "v1",
		Settings: settings, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("New with the database down: %v", err)
	}
	defer d.Close(ctx)
	if el := time.Since(start); el > time.Second {
		t.Errorf("New took %v with the database down", el)
	}
	const kept = 20
	for i := range kept {
		d.ServeHTTP(httptest.NewRecorder(), request("GET /books/{id}", i))
	}
	if lvl, _ := d.Level("GET /books/{id}"); lvl != 1 {
		t.Errorf("level before connecting = %d, want the default 1", lvl)
	}
	waitFor(t, "the writer has tried and failed", func() bool { st := d.Stats(); return st.Backlog == kept && st.LastError != "" })
	if st := d.Stats(); !strings.Contains(st.LastError, store.ErrNotReady.Error()) || st.DroppedStore != 0 {
		t.Errorf("stats while down: %+v", st)
	}
	time.Sleep(500 * time.Millisecond) // a few more attempts, not logged
	p.open.Store(true)
	waitFor(t, "the stored level is loaded", func() bool { lvl, _ := d.Level("GET /books/{id}"); return lvl == 0 })
	for i := range 5 {
		d.ServeHTTP(httptest.NewRecorder(), request("GET /books/{id}", i)) // switched off now: not recorded
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := d.Close(cctx); err != nil {
		t.Fatalf("Close after the database came up: %v", err)
	}
	n := 0
	if err := s.Requests(ctx, store.RequestFilter{Service: "books"}, func(*store.Request) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != kept {
		t.Errorf("%d rows stored, want the %d served while the database was down", n, kept)
	}
	out := logs.String()
	if c := strings.Count(out, "cannot reach the database"); c != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", c, out)
	}
	if c := strings.Count(out, "connected to the database"); c != 1 {
		t.Errorf("the recovery was logged %d times, want once:\n%s", c, out)
	}
	if strings.Contains(out, "writing to the database failed") {
		t.Errorf("the writer logged the outage too:\n%s", out)
	}
}

// testClosedPort: nothing listens where the database should be. New
// succeeds, requests are served, and Close reports what it could not
// write.
func testClosedPort(t *testing.T, srv Server) {
	if !srv.Remote {
		t.Skip("the database is a local file")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	url := withHost(t, srv.NewDatabase(t), closed)
	d, err := dashboard.New(mux(), dashboard.Config{Database: url, Service: "books", Instance: "b1", AppVersion: "v1",
		Settings: settings, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("New with a closed port: %v", err)
	}
	for i := range 10 {
		start := time.Now()
		d.ServeHTTP(httptest.NewRecorder(), request("POST /books", i))
		if el := time.Since(start); el > 100*time.Millisecond {
			t.Errorf("a request took %v with the database down", el)
		}
	}
	if err := d.SetLevel(context.Background(), "POST /books", 2); err == nil {
		t.Error("SetLevel succeeded with the database down")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = d.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "10 samples not written") {
		t.Errorf("Close = %v, want it to report 10 samples not written", err)
	}
}
