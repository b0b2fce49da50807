package dashboard

import (
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// matchingMux is a router whose route Wrap can learn before serving.
type matchingMux struct {
	*http.ServeMux
	asked int // requests MatchRoute was asked about
}

func (m *matchingMux) MatchRoute(r *http.Request) (string, bool) {
	m.asked++
	_, p := m.Handler(r)
	return p, p != ""
}

// Wrap with a route function names the endpoint after the handler; a
// RouteMatcher lets it name the route first, so that a slow request of a
// level-2 endpoint is captured while it runs. It is asked only while
// something is watched.
func TestWrapAsksARouteMatcherWhileWatching(t *testing.T) {
	cases := []struct {
		name     string
		level    int
		matcher  bool
		outliers int
	}{
		{"route function alone: not watched", store.LevelOutliers, false, 0},
		{"route matcher: watched", store.LevelOutliers, true, 1},
		{"route matcher at level 1: never asked", store.LevelTiming, true, 0},
	}
	for _, c := range cases {
		// In a synctest bubble, served without a network: the slow
		// request takes no real time.
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := memStore(t)
				d := watched(t, http.NotFoundHandler(), s, c.level, map[string]string{
					"OUTLIER_MIN_REQUESTS": "3", "OUTLIER_MIN_DURATION": "50ms",
				})
				m := &matchingMux{ServeMux: outlierMux()}
				var next http.Handler = m.ServeMux
				if c.matcher {
					next = m
				}
				h := d.Wrap(next, func(r *http.Request) string { return r.Pattern })
				for range 5 {
					serveGet(h, "/books/1?sleep=1ms")
				}
				serveGet(h, "/books/2?sleep=300ms")
				mustClose(t, d)
				if os := outliersOf(t, s, "GET /books/{id}"); len(os) != c.outliers {
					t.Errorf("%d outliers, want %d", len(os), c.outliers)
				}
				if c.level < store.LevelOutliers && m.asked != 0 {
					t.Errorf("asked %d times with nothing watched", m.asked)
				}
				if c.matcher && c.level >= store.LevelOutliers && m.asked != 6 {
					t.Errorf("asked %d times for 6 watched requests", m.asked)
				}
			})
		})
	}
}
