package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func TestBeginEndRecordsWhatTheFrameworkReports(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, http.NotFoundHandler(), Config{Store: s, GroupBy: func(r *http.Request) string { return r.Header.Get("X-User") }})
	cases := []struct {
		name       string
		endpoint   string
		status     int
		wantName   string
		wantStatus int
	}{
		{"route and status", "GET /books/:id", 201, "GET /books/:id", 201},
		{"no status is 200", "GET /books/:id", 0, "GET /books/:id", 200},
		{"no route is unmatched", "", 404, Unmatched, 404},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/books/1", nil)
		r.Header.Set("X-User", "alice")
		m := d.Begin(r, c.endpoint)
		m.End(c.status)
	}
	var zero Measurement
	zero.End(200) // records nothing, does not panic
	mustClose(t, d)
	rows := rowsOf(t, s, store.RequestFilter{})
	if len(rows) != len(cases) {
		t.Fatalf("%d rows, want %d", len(rows), len(cases))
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rows[i]
			if r.Endpoint != c.wantName || r.Status != c.wantStatus || r.Method != "GET" || r.Group != "alice" || r.IP != "192.0.2.1" {
				t.Errorf("row %+v, want endpoint %q status %d by alice from 192.0.2.1", r, c.wantName, c.wantStatus)
			}
		})
	}
}

func TestBeginEndSkipsEndpointsSwitchedOff(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, http.NotFoundHandler(), Config{Store: s})
	d.DeclareEndpoint("GET /off", "GET")
	if err := d.SetLevel(context.Background(), "GET /off", 0); err != nil {
		t.Fatal(err)
	}
	d.Begin(httptest.NewRequest("GET", "/off", nil), "GET /off").End(200)
	mustClose(t, d)
	if rows := rowsOf(t, s, store.RequestFilter{}); len(rows) != 0 {
		t.Fatalf("endpoint at level 0 recorded %d rows", len(rows))
	}
}

func TestBeginEndAddsNoAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop objects at random; scripts/test counts allocations without it")
	}
	d := mustNew(t, http.NotFoundHandler(), Config{Store: discardStore{Store: memStore(t)}, Settings: map[string]string{"QUEUE_SIZE": "100000"}})
	r := httptest.NewRequest("GET", "/books/42", nil)
	name := "GET /books/:id"
	d.Begin(r, name).End(200)
	if n := testing.AllocsPerRun(1000, func() { d.Begin(r, name).End(200) }); n != 0 {
		t.Errorf("Begin/End allocates %.1f times per request", n)
	}
	if d.Stats().DroppedQueue != 0 {
		t.Fatal("samples were dropped; the test did not measure the recording path")
	}
}

// cloning is a middleware that passes on a copy of the request, as
// middleware adding a context value does.
func cloning(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), cloningKey{}, 1)))
	})
}

type cloningKey struct{}

// TestCloningMiddlewareBetweenDashboardAndMux shows why the docs say a
// middleware between the dashboard and ServeMux must not copy the request,
// and that the documented fixes work.
func TestCloningMiddlewareBetweenDashboardAndMux(t *testing.T) {
	cases := []struct {
		name string
		// wire puts the cloning middleware somewhere around d.
		wire func(d func(http.Handler) *Dashboard, mux *http.ServeMux) (http.Handler, *Dashboard)
		want string
	}{
		{"between dashboard and mux: pattern hidden", func(d func(http.Handler) *Dashboard, mux *http.ServeMux) (http.Handler, *Dashboard) {
			dd := d(cloning(mux))
			return dd, dd
		}, Unmatched},
		{"fix: outside the dashboard", func(d func(http.Handler) *Dashboard, mux *http.ServeMux) (http.Handler, *Dashboard) {
			dd := d(mux)
			return cloning(dd), dd
		}, "GET /books/{id}"},
		{"fix: inside the route", func(d func(http.Handler) *Dashboard, mux *http.ServeMux) (http.Handler, *Dashboard) {
			outer := http.NewServeMux()
			outer.Handle("GET /books/{id}", cloning(mux))
			dd := d(outer)
			return dd, dd
		}, "GET /books/{id}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := memStore(t)
			h, d := c.wire(func(h http.Handler) *Dashboard { return mustNew(t, h, Config{Store: s}) }, booksMux())
			srv := httptest.NewServer(h)
			defer srv.Close()
			if resp := get(t, srv.URL+"/books/7"); resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			mustClose(t, d)
			rows := rowsOf(t, s, store.RequestFilter{})
			if len(rows) != 1 || rows[0].Endpoint != c.want {
				t.Fatalf("rows %+v, want one of %q", rows, c.want)
			}
		})
	}
}

func TestServeEndpoint(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, http.NotFoundHandler(), Config{Store: s})
	h := booksMux()
	cases := []struct {
		name, target, endpoint string
		wantName               string
		wantStatus             int
		panics                 bool
	}{
		{"status from the writer", "/books/missing", "GET /books/{id}", "GET /books/{id}", 404, false},
		{"nothing written is 200", "/silent", "/silent", "/silent", 200, false},
		{"unmatched", "/nope", "", Unmatched, 404, false},
		{"panic is 500 and goes on", "/panic", "/panic", "/panic", 500, true},
	}
	for _, c := range cases {
		func() {
			defer func() {
				if p := recover(); (p != nil) != c.panics {
					t.Errorf("%s: panic %v", c.name, p)
				}
			}()
			d.ServeEndpoint(httptest.NewRecorder(), httptest.NewRequest("GET", c.target, nil), c.endpoint, h)
		}()
	}
	mustClose(t, d)
	rows := rowsOf(t, s, store.RequestFilter{})
	if len(rows) != len(cases) {
		t.Fatalf("%d rows, want %d", len(rows), len(cases))
	}
	for i, c := range cases {
		if rows[i].Endpoint != c.wantName || rows[i].Status != c.wantStatus {
			t.Errorf("%s: recorded %q %d, want %q %d", c.name, rows[i].Endpoint, rows[i].Status, c.wantName, c.wantStatus)
		}
	}
}

func TestServeEndpointAddsNoAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop objects at random; scripts/test counts allocations without it")
	}
	d := mustNew(t, http.NotFoundHandler(), Config{Store: discardStore{Store: memStore(t)}, Settings: map[string]string{"QUEUE_SIZE": "100000"}})
	w := &discardWriter{h: http.Header{}}
	r := httptest.NewRequest("GET", "/books/42", nil)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	d.ServeEndpoint(w, r, "GET /books/{id}", next)
	if n := testing.AllocsPerRun(1000, func() { d.ServeEndpoint(w, r, "GET /books/{id}", next) }); n != 0 {
		t.Errorf("ServeEndpoint allocates %.1f times per request", n)
	}
}
