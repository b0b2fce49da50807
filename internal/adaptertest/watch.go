package adaptertest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// WatchConfig is Config with outliers found early: after 3 requests of an
// endpoint, past 50 ms.
func WatchConfig(s store.Store) dashboard.Config {
	c := Config(s)
	c.Settings = map[string]string{"OUTLIER_MIN_REQUESTS": "3", "OUTLIER_MIN_DURATION": "50ms"}
	return c
}

// Sleep sleeps for the duration in r's sleep parameter ("300ms"), so that
// a handler calling it is slow when asked to be.
func Sleep(r *http.Request) {
	d, _ := time.ParseDuration(r.URL.Query().Get("sleep"))
	time.Sleep(d)
}

// CheckWatched sets endpoint to level 2 on d (made with WatchConfig),
// serves path with h a few times fast and once slow (its handler must call
// Sleep), closes d and fails the test unless exactly one outlier of
// endpoint was captured while the slow request ran, with frame (the
// handler's function name, or part of it) on the request's own stack,
// and every request recorded under endpoint. That is only possible when
// the adapter names the route before the handler runs.
func CheckWatched(t *testing.T, d *dashboard.Dashboard, s store.Store, h http.Handler, endpoint, path, frame string) {
	t.Helper()
	if err := d.SetLevel(context.Background(), endpoint, store.LevelOutliers); err != nil {
		t.Fatal(err)
	}
	const fast = 5
	for range fast {
		if status, _ := Serve(h, "GET", path+"?sleep=1ms"); status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, status)
		}
	}
	if status, _ := Serve(h, "GET", path+"?sleep=300ms"); status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, status)
	}
	Close(t, d)
	rows := Rows(t, s)
	if len(rows) != fast+1 {
		t.Fatalf("%d rows for %d requests", len(rows), fast+1)
	}
	for _, r := range rows {
		if r.Endpoint != endpoint {
			t.Errorf("request recorded as %q, want %q", r.Endpoint, endpoint)
		}
	}
	os, err := s.Outliers(context.Background(), store.OutlierFilter{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	if len(os) != 1 {
		t.Fatalf("%d outliers of %s, want the slow request's", len(os), endpoint)
	}
	o, err := s.Outlier(context.Background(), "", os[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Duration < 300*time.Millisecond || o.CapturedAfter >= o.Duration || !strings.Contains(o.URL, "sleep=300ms") {
		t.Errorf("outlier of %s after %v of %v: want the slow request, captured while it ran", o.URL, o.CapturedAfter, o.Duration)
	}
	var funcs []string
	for _, f := range o.Stack {
		if strings.Contains(f.Func, frame) {
			return
		}
		funcs = append(funcs, f.Func)
	}
	t.Errorf("the request's own stack lacks %s:\n%s", frame, strings.Join(funcs, "\n"))
}
