package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/benchdb"
	"github.com/go-monitoring-dashboard/dashboard/internal/config"
	"github.com/go-monitoring-dashboard/dashboard/internal/web"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// benchUI is the UI over the benchmark database of the given size
// (internal/benchdb) at the end of its history, with an admin's session
// cookie. keys add to the configuration.
func benchUI(b *testing.B, rows int, keys map[string]string) (http.Handler, []*http.Cookie) {
	b.Helper()
	mem, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { mem.Close() })
	code := map[string]string{"USERNAME": "admin", "PASSWORD": "bench-password",
		"SERVICE_NAME": benchdb.Service, "TIMEZONE": benchdb.Zone}
	for k, v := range keys {
		code[k] = v
	}
	cfg, err := config.Load(config.Options{Code: code})
	if err != nil {
		b.Fatal(err)
	}
	end := benchdb.End()
	srv, err := web.New(web.Options{Config: cfg, Store: benchdb.UIStore(benchdb.OpenOf(b, rows), mem), Link: "/dashboard",
		Version: benchdb.VersionName(benchdb.Versions - 1), Now: func() time.Time { return end },
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Init(context.Background()); err != nil {
		b.Fatal(err)
	}
	form := url.Values{"username": {"admin"}, "password": {"bench-password"}}
	r := httptest.NewRequest("POST", "/dashboard/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || len(w.Result().Cookies()) == 0 {
		b.Fatalf("login: status %d\n%s", w.Code, w.Body)
	}
	return srv, w.Result().Cookies()
}

// benchPage is one page or API call of BenchmarkPages.
type benchPage struct {
	name string
	path func(rows int) string
	// check says what is wrong with a whole answer ("" when right).
	check func(rows int, body string) string
	// firstByte measures the time to the first byte of the body and
	// then drops the connection, as for an export.
	firstByte bool
}

func contains(s string) func(int, string) string {
	return func(_ int, body string) string {
		if !strings.Contains(body, s) {
			return "no " + strconv.Quote(s)
		}
		return ""
	}
}

func fixed(p string) func(int) string { return func(int) string { return p } }

// requestIDs checks a JSON page of raw rows: n rows, the last one's id
// last (0: any).
func requestIDs(n int, last func(rows int) int64) func(int, string) string {
	return func(rows int, body string) string {
		var got []struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			return err.Error()
		}
		if len(got) != n {
			return strconv.Itoa(len(got)) + " rows, want " + strconv.Itoa(n)
		}
		if last != nil && got[n-1].ID != last(rows) {
			return "last id " + strconv.FormatInt(got[n-1].ID, 10) + ", want " + strconv.FormatInt(last(rows), 10)
		}
		return ""
	}
}

// benchPages are the pages and API calls of issue 11's table. The
// database has ids 1..rows, in time order (benchdb.Fill), so the last
// page of 100 rows follows the id rows-100.
var benchPages = []benchPage{
	{"overview", fixed("/dashboard/"), contains("gmd-chart-heatmap"), false},
	{"endpoint-24h", fixed("/dashboard/endpoint?range=24h&name=" + url.QueryEscape(benchdb.Endpoint)), contains("Duration per user"), false},
	{"endpoint-30d", fixed("/dashboard/endpoint?range=30d&name=" + url.QueryEscape(benchdb.Endpoint)), contains("Duration per user"), false},
	{"endpoint-all", fixed("/dashboard/endpoint?range=all&name=" + url.QueryEscape(benchdb.Endpoint)), contains("Duration per user"), false},
	{"versions", fixed("/dashboard/versions"), contains("Median per endpoint and version"), false},
	{"errors", fixed("/dashboard/errors"), contains("<table"), false},
	{"report", fixed("/dashboard/report"), contains(benchdb.VersionName(benchdb.Versions - 1)), false},
	{"api-endpoints", fixed("/dashboard/api/endpoints"), contains(`"` + benchdb.Endpoint + `"`), false},
	{"api-versions", fixed("/dashboard/api/versions"), contains(`"` + benchdb.VersionName(0) + `"`), false},
	{"api-errors", fixed("/dashboard/api/errors"), contains(`"` + benchdb.Endpoint + `"`), false},
	{"api-requests-first", fixed("/dashboard/api/requests?limit=100"), requestIDs(100, func(int) int64 { return 100 }), false},
	{"api-requests-last", func(rows int) string { return "/dashboard/api/requests?limit=100&after=" + strconv.Itoa(rows-100) },
		requestIDs(100, func(rows int) int64 { return int64(rows) }), false},
	{"export-csv", fixed("/dashboard/api/requests?format=csv"), contains("id,time,endpoint"), true},
}

// BenchmarkPages answers every page and API call of issue 11's table
// through the UI's handler, as a logged-in admin's browser asks for them,
// over the benchmark database (internal/benchdb: 30 days, 20 endpoints,
// 8 versions, 2 instances, 1,000 users, 500 addresses) of a million
// requests, and of ten million with GMD_BENCH_10M=1. Each runs with the
// cache of closed hours off (QUERY_CACHE=0: every load is a first load
// after the data was written) and on (the loads after the first, which
// the check makes). Names are rows=<size>/cache=<off|on>/page=<page>, so
// that benchstat -col /rows sets the sizes side by side. The export's
// figure is the time to the first byte of its body (also reported as
// ms-first-byte). docs/performance.md quotes it:
//
//	GMD_BENCH_10M=1 go test -run '^$' -bench BenchmarkPages -count 5 -timeout 2h ./internal/web/ | tee pages.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /rows pages.txt
func BenchmarkPages(b *testing.B) {
	for _, rows := range benchdb.Sizes() {
		b.Run("rows="+benchdb.Label(rows), func(b *testing.B) {
			for _, cache := range []struct{ name, lifetime string }{{"off", "0"}, {"on", "1h"}} {
				b.Run("cache="+cache.name, func(b *testing.B) {
					h, cookies := benchUI(b, rows, map[string]string{"QUERY_CACHE": cache.lifetime})
					for _, p := range benchPages {
						b.Run("page="+p.name, func(b *testing.B) { benchOne(b, h, cookies, rows, p) })
					}
				})
			}
		})
	}
}

func benchOne(b *testing.B, h http.Handler, cookies []*http.Cookie, rows int, p benchPage) {
	path := p.path(rows)
	ask := func() (int, string, time.Duration) {
		r := httptest.NewRequest("GET", path, nil)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		if p.firstByte {
			return firstByte(h, r)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Body.String(), 0
	}
	code, body, _ := ask()
	if code != http.StatusOK {
		b.Fatalf("%s: status %d\n%.500s", path, code, body)
	}
	if msg := p.check(rows, body); msg != "" {
		b.Fatalf("%s: %s\n%.500s", path, msg, body)
	}
	var first time.Duration
	n := 0
	for b.Loop() {
		code, _, fb := ask()
		if code != http.StatusOK {
			b.Fatalf("%s: status %d", path, code)
		}
		first += fb
		n++
	}
	if p.firstByte {
		b.ReportMetric(float64(first.Microseconds())/1000/float64(n), "ms-first-byte")
	} else {
		b.ReportMetric(float64(len(body)), "bytes/page")
	}
}

// firstByte serves r until the first byte of the body is written, then
// acts as a client that went away: the request's context is cancelled and
// further writes fail. It returns the status, the first write and when it
// came.
func firstByte(h http.Handler, r *http.Request) (int, string, time.Duration) {
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	w := &firstWriter{header: http.Header{}, began: time.Now(), cancel: cancel}
	func() {
		defer func() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				panic(v)
			}
		}()
		h.ServeHTTP(w, r.WithContext(ctx))
	}()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.code, string(w.first), w.at
}

var errGone = errors.New("client went away")

type firstWriter struct {
	header http.Header
	began  time.Time
	cancel func()

	mu    sync.Mutex
	code  int
	first []byte
	at    time.Duration
}

func (w *firstWriter) Header() http.Header { return w.header }

func (w *firstWriter) WriteHeader(code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.code == 0 {
		w.code = code
	}
}

func (w *firstWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.code == 0 {
		w.code = http.StatusOK
	}
	if w.first != nil {
		return 0, errGone
	}
	if len(p) == 0 {
		return 0, nil
	}
	w.at = time.Since(w.began)
	w.first = append([]byte(nil), p...)
	w.cancel()
	return len(p), nil
}

func (w *firstWriter) Flush() {}
