package dashboard

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/outlier"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// slowBookHandler sleeps when asked to, so that its request is an outlier
// while the watchdog looks at it.
func slowBookHandler(w http.ResponseWriter, r *http.Request) {
	d, _ := time.ParseDuration(r.URL.Query().Get("sleep"))
	time.Sleep(d)
	fmt.Fprint(w, "book")
}

// serveGet serves a GET of target with headers (name, value, ...) through
// d, without a network.
func serveGet(d http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	d.ServeHTTP(w, r)
	return w
}

func outlierMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", slowBookHandler)
	return mux
}

func watched(tb testing.TB, h http.Handler, s store.Store, level int, settings map[string]string) *Dashboard {
	tb.Helper()
	d := mustNew(tb, h, Config{Store: s, Settings: settings})
	for _, name := range []string{"GET /books/{id}", "GET /cpu", "GET /sleep"} {
		d.DeclareEndpoint(name, "GET")
		if err := d.SetLevel(context.Background(), name, level); err != nil {
			tb.Fatal(err)
		}
	}
	return d
}

func outliersOf(tb testing.TB, s store.Store, endpoint string) []store.Outlier {
	tb.Helper()
	os, err := s.Outliers(context.Background(), store.OutlierFilter{Endpoint: endpoint})
	if err != nil {
		tb.Fatal(err)
	}
	return os
}

func counter(tb testing.TB, s store.Store, name string) int64 {
	tb.Helper()
	cs, err := s.Counters(context.Background(), "svc")
	if err != nil {
		tb.Fatal(err)
	}
	var n int64
	for _, c := range cs {
		if c.Name == name {
			n += c.Value
		}
	}
	return n
}

// TestSlowRequestIsCapturedOnceWithItsOwnStack runs in a synctest bubble:
// the handler's sleeps and the watchdog's scans pass in fake time, so the
// capture comes at the threshold on any machine, and costs no real time.
// Requests are served without a network (a bubble's clock stands still
// while a goroutine waits on the network).
func TestSlowRequestIsCapturedOnceWithItsOwnStack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memStore(t)
		d := watched(t, outlierMux(), s, store.LevelOutliers, map[string]string{
			// The floor is far above what a 1ms request takes on a loaded
			// machine under -race, and the slow request far above the floor.
			"OUTLIER_MIN_REQUESTS": "5", "OUTLIER_MIN_DURATION": "300ms", "OUTLIER_REDACT": "X-Tenant",
		})
		for i := 0; i < 10; i++ {
			serveGet(d, "/books/1?sleep=1ms")
		}
		serveGet(d, "/books/2?sleep=1500ms&token=s3cret&q=go", "Authorization", "Bearer s3cret", "Cookie", "session=s3cret",
			"X-Tenant", "acme", "Accept", "text/plain")
		for i := 0; i < 5; i++ {
			serveGet(d, "/books/1?sleep=1ms")
		}
		mustClose(t, d)

		os := outliersOf(t, s, "GET /books/{id}")
		if len(os) != 1 {
			t.Fatalf("%d outliers, want 1: %+v", len(os), os)
		}
		o, err := s.Outlier(context.Background(), "svc", os[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Duration < 1500*time.Millisecond || o.CapturedAfter < 300*time.Millisecond || o.CapturedAfter >= o.Duration {
			t.Errorf("duration %v captured after %v: want a capture while the request ran", o.Duration, o.CapturedAfter)
		}
		if o.Average <= 0 || o.Average > 300*time.Millisecond || o.Threshold != 300*time.Millisecond {
			t.Errorf("average %v threshold %v: want the fast requests' average and the 300ms floor", o.Average, o.Threshold)
		}
		var names []string
		found := false
		for _, f := range o.Stack {
			names = append(names, f.Func)
			found = found || strings.HasSuffix(f.Func, ".slowBookHandler")
		}
		if !found {
			t.Errorf("own stack does not show the handler:\n%s", strings.Join(names, "\n"))
		}
		if !strings.Contains(o.Goroutines, "slowBookHandler") || !strings.Contains(o.Goroutines, "goroutines in") {
			t.Errorf("goroutine dump lacks the handler:\n%.2000s", o.Goroutines)
		}
		if o.Method != "GET" || o.Status != 200 || !strings.HasPrefix(o.URL, "/books/2?") {
			t.Errorf("request: %s %s %d", o.Method, o.URL, o.Status)
		}
		all := o.URL + fmt.Sprint(o.Headers, o.Values)
		if strings.Contains(all, "s3cret") || strings.Contains(all, "acme") {
			t.Errorf("a secret was stored: %s", all)
		}
		want := map[string]string{"Authorization": outlier.Redacted, "Cookie": outlier.Redacted, "X-Tenant": outlier.Redacted, "Accept": "text/plain"}
		for _, h := range o.Headers {
			if w, ok := want[h.Key]; ok {
				if h.Value != w {
					t.Errorf("header %s = %q, want %q", h.Key, h.Value, w)
				}
				delete(want, h.Key)
			}
		}
		if len(want) > 0 {
			t.Errorf("headers missing: %v", want)
		}
		if o.Host.Goroutines < 2 || o.Host.GOMAXPROCS < 1 || o.Host.HeapAlloc == 0 {
			t.Errorf("runtime figures missing: %+v", o.Host)
		}
		if !o.Host.MachineUnknown && (len(o.Host.CPUPercent) == 0 || o.Host.MemTotal == 0) {
			t.Errorf("machine figures missing: %+v", o.Host)
		}
		if n := counter(t, s, outlier.CounterCaptured); n != 1 {
			t.Errorf("captured counter %d, want 1", n)
		}
	})
}

// TestFastRequestsWithJitterAreNoOutliers runs in a synctest bubble: the
// requests take exactly what their handlers sleep, in fake time, so none
// may be flagged; the count of requests the machine held up stays for the
// case where the bubble's clock moved while one ran.
func TestFastRequestsWithJitterAreNoOutliers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memStore(t)
		// The floor stands for the scheduling jitter of a loaded machine:
		// this test runs with -race beside others on two cores.
		const floor = 25 * time.Millisecond
		d := watched(t, outlierMux(), s, store.LevelOutliers, map[string]string{"OUTLIER_MIN_DURATION": floor.String()})
		const workers, each = 4, 750
		var wg sync.WaitGroup
		var mu sync.Mutex
		stalled := 0 // requests the machine made slower than the floor
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rnd := rand.New(rand.NewPCG(uint64(w), 1))
				rec := httptest.NewRecorder()
				for i := 0; i < each; i++ {
					sleep := time.Duration(rnd.IntN(1500)) * time.Microsecond
					if i%10 == 0 {
						sleep *= 3 // a tail, still within the floor
					}
					began := time.Now()
					d.ServeHTTP(rec, httptest.NewRequest("GET", "/books/7?sleep="+sleep.String(), nil))
					if time.Since(began) >= floor {
						mu.Lock()
						stalled++
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		st := d.mon.Stats()
		mustClose(t, d)
		// Every request the watchdog flagged must really have run past the
		// floor; on a quiet machine none does, and none may be flagged.
		if flagged := int(st.Captured + st.Skipped); flagged > stalled {
			t.Errorf("%d requests flagged as outliers (captured %d, skipped %d), but only %d of %d ran past the %v floor",
				flagged, st.Captured, st.Skipped, stalled, workers*each, floor)
		}
		if os := outliersOf(t, s, ""); int64(len(os)) != st.Captured {
			t.Errorf("%d outliers stored, %d captured", len(os), st.Captured)
		}
		if stalled > 0 {
			t.Logf("the machine held up %d requests past the floor", stalled)
		}
		if st.Unwatched != 0 {
			t.Errorf("%d requests ran unwatched", st.Unwatched)
		}
		if rows := rowsOf(t, s, store.RequestFilter{}); len(rows) != workers*each {
			t.Errorf("%d rows for %d requests", len(rows), workers*each)
		}
	})
}

// In a synctest bubble: the four slow requests take no real time.
func TestOutlierCapturesAreRateLimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memStore(t)
		d := watched(t, outlierMux(), s, store.LevelOutliers, map[string]string{
			"OUTLIER_MIN_REQUESTS": "0", "OUTLIER_MIN_DURATION": "20ms", "OUTLIER_CAPTURES_PER_MINUTE": "1",
		})
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/books/1?sleep=250ms", nil))
			}()
		}
		wg.Wait()
		st := d.mon.Stats()
		mustClose(t, d)
		if st.Captured != 1 || st.Skipped != 3 {
			t.Errorf("captured %d, skipped %d; want 1 and 3", st.Captured, st.Skipped)
		}
		if os := outliersOf(t, s, "GET /books/{id}"); len(os) != 1 {
			t.Errorf("%d outliers stored, want 1", len(os))
		}
		if n := counter(t, s, outlier.CounterSkipped); n != 3 {
			t.Errorf("stored skip counter %d, want 3", n)
		}
	})
}

// In a synctest bubble: the slow request takes no real time.
func TestLevelOneIsNotWatched(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memStore(t)
		d := watched(t, outlierMux(), s, store.LevelTiming, map[string]string{"OUTLIER_MIN_REQUESTS": "0", "OUTLIER_MIN_DURATION": "1ms"})
		if d.mon.Watching() {
			t.Fatal("monitor watches while every endpoint is at level 1")
		}
		d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/books/1?sleep=50ms", nil))
		mustClose(t, d)
		if os := outliersOf(t, s, ""); len(os) != 0 {
			t.Errorf("level 1 endpoint produced %d outliers", len(os))
		}
	})
}

// panickyHandler fails on purpose.
func panickyHandler(w http.ResponseWriter, r *http.Request) {
	var m map[string]int
	if r.URL.Query().Get("kind") == "nil-map" {
		m["x"] = 1 // assignment to entry in nil map
	}
	panic(fmt.Sprintf("book %s is cursed", r.PathValue("id")))
}

// otherPanickyHandler panics like panickyHandler, from another function.
func otherPanickyHandler(w http.ResponseWriter, r *http.Request) {
	panic(fmt.Sprintf("book %s is cursed", r.PathValue("id")))
}

func TestPanicsAreGroupedCountedAndReraised(t *testing.T) {
	for _, level := range []int{store.LevelTiming, store.LevelOutliers} {
		t.Run(fmt.Sprintf("level %d", level), func(t *testing.T) {
			s := memStore(t)
			mux := http.NewServeMux()
			mux.HandleFunc("GET /books/{id}", panickyHandler)
			mux.HandleFunc("GET /other/{id}", otherPanickyHandler)
			mux.HandleFunc("GET /abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
			d := watched(t, mux, s, level, nil)
			type caught struct {
				value any
				stack string
			}
			var got []caught
			// The service's own recovery, outside the dashboard.
			outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() {
					if v := recover(); v != nil {
						got = append(got, caught{v, string(debug.Stack())})
						w.WriteHeader(http.StatusInternalServerError)
					}
				}()
				d.ServeHTTP(w, r)
			})
			for _, u := range []string{"/books/1", "/books/2", "/books/3", "/books/4?kind=nil-map", "/other/5", "/abort"} {
				outer.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", u, nil))
			}
			mustClose(t, d)

			if len(got) != 6 {
				t.Fatalf("the service's recovery saw %d panics, want 6", len(got))
			}
			if got[0].value != "book 1 is cursed" || !strings.Contains(got[0].stack, "panickyHandler") {
				t.Errorf("re-raised panic: value %v, stack without the handler:\n%s", got[0].value, got[0].stack)
			}
			if err, ok := got[5].value.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
				t.Errorf("abort re-raised as %v", got[5].value)
			}
			groups, err := s.ErrorGroups(context.Background(), store.ErrorFilter{Service: "svc"})
			if err != nil {
				t.Fatal(err)
			}
			counts := map[string]int64{}
			for _, g := range groups {
				counts[g.Endpoint+" "+strings.Split(g.Value, " ")[0]] += g.Count
				if len(g.Versions) != 1 || g.Versions[0].Version != "v-test" || g.Versions[0].Count != g.Count {
					t.Errorf("group versions %+v", g.Versions)
				}
			}
			want := map[string]int64{"GET /books/{id} book": 3, "GET /books/{id} assignment": 1, "GET /other/{id} book": 1}
			if len(groups) != 3 || fmt.Sprint(counts) != fmt.Sprint(want) {
				t.Errorf("groups %v, want %v", counts, want)
			}
			for _, g := range groups {
				if g.Endpoint == "GET /books/{id}" && g.Count == 3 && (g.Value != "book 3 is cursed" || !strings.Contains(g.Stack, "panickyHandler")) {
					t.Errorf("group keeps value %q and stack\n%s", g.Value, g.Stack)
				}
			}
			rows := rowsOf(t, s, store.RequestFilter{})
			if len(rows) != 6 {
				t.Fatalf("%d rows, want 6", len(rows))
			}
			for _, r := range rows {
				if r.Status != 500 {
					t.Errorf("%s recorded with status %d, want 500", r.Endpoint, r.Status)
				}
			}
		})
	}
}

func TestRouterEntryPointsAreWatched(t *testing.T) {
	settings := map[string]string{"OUTLIER_MIN_REQUESTS": "0", "OUTLIER_MIN_DURATION": "50ms"}
	slow := func() *http.Request { return httptest.NewRequest("GET", "/books/1?sleep=200ms", nil) }
	cases := []struct {
		name    string
		serve   func(d *Dashboard)
		watched bool
	}{
		{"ServeEndpoint names the route first", func(d *Dashboard) {
			d.ServeEndpoint(httptest.NewRecorder(), slow(), "GET /books/{id}", http.HandlerFunc(slowBookHandler))
		}, true},
		{"Begin names the route first", func(d *Dashboard) {
			r := slow()
			m := d.Begin(r, "GET /books/{id}")
			slowBookHandler(httptest.NewRecorder(), r)
			m.End(200)
		}, true},
		{"Wrap with a route function names it after", func(d *Dashboard) {
			d.Wrap(http.HandlerFunc(slowBookHandler), func(*http.Request) string { return "GET /books/{id}" }).
				ServeHTTP(httptest.NewRecorder(), slow())
		}, false},
		{"Middleware inside a ServeMux route reads r.Pattern", func(d *Dashboard) {
			mux := http.NewServeMux()
			mux.Handle("GET /books/{id}", d.Middleware()(http.HandlerFunc(slowBookHandler)))
			mux.ServeHTTP(httptest.NewRecorder(), slow())
		}, true},
	}
	for _, c := range cases {
		// In a synctest bubble: the slow requests take no real time.
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := memStore(t)
				d := watched(t, outlierMux(), s, store.LevelOutliers, settings)
				c.serve(d)
				mustClose(t, d)
				os := outliersOf(t, s, "GET /books/{id}")
				if c.watched != (len(os) == 1) || len(os) > 1 {
					t.Fatalf("%d outliers, want watched = %v", len(os), c.watched)
				}
				if rows := rowsOf(t, s, store.RequestFilter{}); len(rows) != 1 || rows[0].Endpoint != "GET /books/{id}" {
					t.Fatalf("rows %+v", rows)
				}
				if !c.watched {
					return
				}
				o, err := s.Outlier(context.Background(), "svc", os[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(fmt.Sprint(o.Stack), "slowBookHandler") {
					t.Errorf("own stack lacks the handler: %v", o.Stack)
				}
			})
		})
	}
}

// busyHandler starts a helper goroutine, which inherits the request's
// labels, and waits for it.
func busyHandler(w http.ResponseWriter, r *http.Request) {
	done := make(chan struct{})
	go func() {
		time.Sleep(300 * time.Millisecond)
		close(done)
	}()
	<-done
}

// In a synctest bubble, served without a network: the request's own
// goroutine is the one in the dashboard's ServeHTTP.
func TestOwnStackIsTheRequestsNotItsHelpers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := memStore(t)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /books/{id}", busyHandler)
		d := watched(t, mux, s, store.LevelOutliers, map[string]string{"OUTLIER_MIN_REQUESTS": "0", "OUTLIER_MIN_DURATION": "50ms"})
		serveGet(d, "/books/1")
		mustClose(t, d)
		os := outliersOf(t, s, "GET /books/{id}")
		if len(os) != 1 {
			t.Fatalf("%d outliers", len(os))
		}
		var fns []string
		for _, f := range os[0].Stack {
			fns = append(fns, f.Func)
		}
		joined := strings.Join(fns, "\n")
		if !strings.Contains(joined, ".busyHandler\n") || strings.Contains(joined, "busyHandler.func1") {
			t.Errorf("own stack is not the request goroutine's:\n%s", joined)
		}
	})
}
