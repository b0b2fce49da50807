package dashboard

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/benchdb"
)

// BenchmarkInterference measures what reading the dashboard costs the
// service it monitors. A monitored endpoint is served over HTTP,
// open-loop at 500 requests/s (each request sent at its time, whether the
// previous ones answered or not; latency counts from that time) for 30 s
// with nobody reading the dashboard, then 30 s more while four clients load
// the heaviest pages in a loop, over a copy of the million-request
// benchmark database (internal/benchdb, ten million with GMD_BENCH_10M=1)
// that the service's recorder writes into. It reports the endpoint's p50
// and p99 in both phases; the goal is
// p99_loaded ≤ max(1.5 × p99_quiet, p99_quiet + 5 ms), as a median of 5
// runs. It runs only when GMD_BENCH_INTERFERENCE=1:
//
//	GMD_BENCH_INTERFERENCE=1 go test -run '^$' -bench Interference -benchtime 1x -count 5 -timeout 1h . | tee interference.txt
//	go run golang.org/x/perf/cmd/benchstat@latest interference.txt
//
// GMD_INTERFERENCE_SECONDS shortens or lengthens each phase.
func BenchmarkInterference(b *testing.B) {
	if os.Getenv("GMD_BENCH_INTERFERENCE") != "1" {
		b.Skip("set GMD_BENCH_INTERFERENCE=1 to run the interference benchmark (a minute per run)")
	}
	phase := 30 * time.Second
	if v := os.Getenv("GMD_INTERFERENCE_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("GMD_INTERFERENCE_SECONDS=%q: want whole seconds", v)
		}
		phase = time.Duration(n) * time.Second
	}
	for _, rows := range benchdb.Sizes() {
		b.Run("rows="+benchdb.Label(rows), func(b *testing.B) {
			for b.Loop() {
				interferenceRun(b, rows, phase)
			}
		})
	}
}

// interferencePages are the heaviest pages and calls, over all time.
var interferencePages = []string{
	"/dashboard/",
	"/dashboard/errors",
	"/dashboard/api/errors",
	"/dashboard/versions",
	"/dashboard/endpoint?range=all&name=" + url.QueryEscape(benchdb.Endpoint),
	"/dashboard/api/endpoints",
}

func interferenceRun(b *testing.B, rows int, phase time.Duration) {
	db := filepath.Join(b.TempDir(), "interference.db")
	copyFile(b, benchdb.PathOf(b, rows), db)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		// A little work of the service's own: about 20 µs.
		sum := sha256.Sum256([]byte(r.PathValue("id")))
		for range 40 {
			sum = sha256.Sum256(sum[:])
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"etag":"%x"}`, r.PathValue("id"), sum[:4])
	})
	d := mustNew(b, mux, Config{Database: "sqlite:///" + db, Service: benchdb.Service,
		Settings: map[string]string{"USERNAME": "admin", "PASSWORD": "bench-password", "TIMEZONE": benchdb.Zone}})
	srv := httptest.NewServer(d)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	// Warm up: connections, the endpoint's first requests.
	for i := range 200 {
		fetchOK(b, client, srv.URL+"/books/"+strconv.Itoa(i))
	}

	quiet := openLoop(b, client, srv.URL, phase)

	// The readers log in as a browser does: pages take a session cookie,
	// not Basic credentials.
	jar, _ := cookiejar.New(nil)
	reader := &http.Client{Transport: client.Transport, Jar: jar, Timeout: 5 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := reader.PostForm(srv.URL+"/dashboard/login", url.Values{"username": {"admin"}, "password": {"bench-password"}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: status %d", resp.StatusCode)
	}

	ctx, stop := context.WithCancel(context.Background())
	var loads, busy atomic.Int64
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Go(func() {
			for i := c; ctx.Err() == nil; i++ {
				req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+interferencePages[i%len(interferencePages)], nil)
				resp, err := reader.Do(req)
				if err != nil {
					continue // stopped
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					loads.Add(1)
				case http.StatusServiceUnavailable:
					busy.Add(1)
				default:
					b.Errorf("%s: status %d", req.URL.Path, resp.StatusCode)
				}
			}
		})
	}
	loaded := openLoop(b, client, srv.URL, phase)
	stop()
	wg.Wait()

	q50, q99 := percentile(quiet, 0.50), percentile(quiet, 0.99)
	l50, l99 := percentile(loaded, 0.50), percentile(loaded, 0.99)
	goal := max(q99*3/2, q99+5*time.Millisecond)
	b.ReportMetric(ms(q50), "p50-quiet-ms")
	b.ReportMetric(ms(q99), "p99-quiet-ms")
	b.ReportMetric(ms(l50), "p50-loaded-ms")
	b.ReportMetric(ms(l99), "p99-loaded-ms")
	b.ReportMetric(float64(loads.Load()), "pages")
	b.ReportMetric(float64(busy.Load()), "pages-503")
	verdict := "met"
	if l99 > goal {
		verdict = "missed"
	}
	b.Logf("rows=%s: quiet p50 %.2f ms p99 %.2f ms; loaded p50 %.2f ms p99 %.2f ms; goal p99 ≤ %.2f ms %s; %d pages loaded, %d answered 503",
		benchdb.Label(rows), ms(q50), ms(q99), ms(l50), ms(l99), ms(goal), verdict, loads.Load(), busy.Load())
}

// openLoop sends GET /books/<i> at 500 requests/s for d, each at its
// planned time in a goroutine of its own, and returns the latencies
// counted from the planned times (so that a stalled server is not hidden
// by requests that were sent late).
func openLoop(b *testing.B, client *http.Client, base string, d time.Duration) []time.Duration {
	const rate = 500
	n := int(d.Seconds() * rate)
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		planned := start.Add(time.Duration(i) * time.Second / rate)
		time.Sleep(time.Until(planned))
		wg.Go(func() {
			fetchOK(b, client, base+"/books/"+strconv.Itoa(i%1000))
			lat[i] = time.Since(planned)
		})
	}
	wg.Wait()
	return lat
}

func fetchOK(b *testing.B, client *http.Client, u string) {
	resp, err := client.Get(u)
	if err != nil {
		b.Error(err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Errorf("%s: status %d", u, resp.StatusCode)
	}
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	src, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		tb.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		tb.Fatal(err)
	}
}
