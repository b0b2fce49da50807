package dbtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// mux serves the routes the instances are sent.
func mux() *http.ServeMux {
	m := http.NewServeMux()
	ok := func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }
	m.HandleFunc("GET /books/{id}", ok)
	m.HandleFunc("POST /books", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	m.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "0" {
			http.Error(w, "gone", http.StatusInternalServerError)
			return
		}
		ok(w, r)
	})
	return m
}

// instance is one copy of a service and the requests it is sent, by route.
type instance struct {
	Service, Instance string
	Requests          map[string]int // "GET /books/{id}": 400
}

// paths turns a route into a request path for the i-th request.
func request(route string, i int) *http.Request {
	switch route {
	case "GET /books/{id}":
		return httptest.NewRequest("GET", fmt.Sprintf("/books/%d", i), nil)
	case "POST /books":
		return httptest.NewRequest("POST", "/books", nil)
	case "GET /orders/{id}":
		return httptest.NewRequest("GET", fmt.Sprintf("/orders/%d", i%50), nil)
	}
	panic("unknown route " + route)
}

// settings make the recorder write small batches often, so that the
// instances' transactions interleave.
var settings = map[string]string{"FLUSH_INTERVAL": "20ms", "BATCH_SIZE": "40", "QUEUE_SIZE": "65536"}

// serve starts a dashboard for in, sends it its requests from a few
// goroutines, spread over some hundreds of milliseconds, and closes it.
func serve(ctx context.Context, url string, in instance, log *slog.Logger) (dashboard.Stats, error) {
	d, err := dashboard.New(mux(), dashboard.Config{Database: url, Service: in.Service, Instance: in.Instance,
		AppVersion: "v1", Settings: settings, Logger: log})
	if err != nil {
		return dashboard.Stats{}, err
	}
	var wg sync.WaitGroup
	for route, n := range in.Requests {
		for g := range 3 {
			wg.Go(func() {
				for i := g; i < n; i += 3 {
					rec := httptest.NewRecorder()
					d.ServeHTTP(rec, request(route, i))
					if i%60 == 0 {
						time.Sleep(10 * time.Millisecond)
					}
				}
			})
		}
	}
	wg.Wait()
	cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err = d.Close(cctx)
	return d.Stats(), err
}

// check counts the rows and rollups of every instance in the database.
func check(t *testing.T, srv Server, url string, ins []instance) {
	t.Helper()
	s, err := srv.OpenWith(context.Background(), url, optionsNone)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	type key struct{ service, instance, endpoint string }
	rows := map[key]int64{}
	ids := map[int64]bool{}
	if err := s.Requests(context.Background(), store.RequestFilter{}, func(r *store.Request) error {
		if ids[r.ID] {
			return fmt.Errorf("row id %d seen twice", r.ID)
		}
		ids[r.ID] = true
		rows[key{r.Service, r.Instance, r.Endpoint}]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rus, err := s.Rollups(context.Background(), store.RollupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sums, hists := map[key]int64{}, map[key]int64{}
	for _, ru := range rus {
		k := key{ru.Service, ru.Instance, ru.Endpoint}
		sums[k] += ru.Count
		hists[k] += ru.Hist.Count()
	}
	want := map[key]int64{}
	for _, in := range ins {
		for route, n := range in.Requests {
			want[key{in.Service, in.Instance, route}] += int64(n)
		}
	}
	for k, n := range want {
		if rows[k] != n || sums[k] != n || hists[k] != n {
			t.Errorf("%s/%s %s: %d rows, rollups count %d, histograms %d; want %d each", k.service, k.instance, k.endpoint, rows[k], sums[k], hists[k], n)
		}
	}
	if len(rows) != len(want) || len(sums) != len(want) {
		t.Errorf("rows of %d and rollups of %d service/instance/endpoint triples, want %d: %v", len(rows), len(sums), len(want), rows)
	}
	if got, want := count(t, s, `SELECT COUNT(*) FROM gmd_migrations`), migrationCount(t); got != want {
		t.Errorf("gmd_migrations holds %d rows, want %d", got, want)
	}
	services := map[string]bool{}
	for _, in := range ins {
		services[in.Service] = true
	}
	for service := range services {
		if n := count(t, s, `SELECT COUNT(*) FROM gmd_versions WHERE service = ?`, service); n != 1 {
			t.Errorf("service %s has %d versions, want 1", service, n)
		}
	}
	if n := count(t, s, `SELECT COUNT(*) FROM gmd_versions`); n != len(services) {
		t.Errorf("%d versions, want one per service", n)
	}
}

var instances = []instance{
	{"books", "books-1", map[string]int{"GET /books/{id}": 400, "POST /books": 90}},
	{"books", "books-2", map[string]int{"GET /books/{id}": 300, "POST /books": 60}},
	{"orders", "orders-1", map[string]int{"GET /orders/{id}": 250}},
}

// testManyInstances: three dashboards (two instances of one service and a
// second service) start together on an empty database and write at once.
// Every row arrives once, under its service and instance, and the
// rollups add up.
func testManyInstances(t *testing.T, srv Server) {
	url := srv.NewDatabase(t)
	var wg sync.WaitGroup
	stats := make([]dashboard.Stats, len(instances))
	errs := make([]error, len(instances))
	for i, in := range instances {
		wg.Go(func() { stats[i], errs[i] = serve(context.Background(), url, in, slog.New(slog.DiscardHandler)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", instances[i].Instance, err)
		}
		if st := stats[i]; st.DroppedQueue != 0 || st.DroppedStore != 0 || st.Backlog != 0 {
			t.Errorf("%s: %+v, want nothing dropped or pending", instances[i].Instance, st)
		}
	}
	check(t, srv, url, instances)
}

// testSameInstanceName: two processes of one service on one host share
// the default instance name, so they add to the same rollup rows at once.
func testSameInstanceName(t *testing.T, srv Server) {
	url := srv.NewDatabase(t)
	twins := []instance{
		{"books", "host-1", map[string]int{"GET /books/{id}": 300, "POST /books": 40}},
		{"books", "host-1", map[string]int{"GET /books/{id}": 200, "POST /books": 70}},
	}
	var wg sync.WaitGroup
	errs := make([]error, len(twins))
	for i, in := range twins {
		wg.Go(func() { _, errs[i] = serve(context.Background(), url, in, slog.New(slog.DiscardHandler)) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	check(t, srv, url, twins)
}

// childVar carries a child process's instance and database.
const childVar = "GMD_DBTEST_CHILD"

type childJob struct {
	URL string
	instance
}

// testManyProcesses: two processes (this test binary, run again) migrate
// an empty database and write to it at the same time.
func testManyProcesses(t *testing.T, srv Server) {
	url := srv.NewDatabase(t)
	ins := instances[:2]
	cmds := make([]*exec.Cmd, len(ins))
	outs := make([][]byte, len(ins))
	errs := make([]error, len(ins))
	var wg sync.WaitGroup
	for i, in := range ins {
		job, _ := json.Marshal(childJob{URL: url, instance: in})
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.v")
		cmds[i].Env = append(os.Environ(), childVar+"="+string(job))
		wg.Go(func() { outs[i], errs[i] = cmds[i].CombinedOutput() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("process %s: %v\n%s", ins[i].Instance, err, outs[i])
		}
	}
	check(t, srv, url, ins)
}

// HelperProcess is the body of the child processes of ManyProcesses. A
// driver's tests call it from a test named TestHelperProcess; it skips
// when not run as a child.
func HelperProcess(t *testing.T) {
	v := os.Getenv(childVar)
	if v == "" {
		t.Skip("runs only as a child process of the ManyProcesses test")
	}
	var job childJob
	if err := json.Unmarshal([]byte(v), &job); err != nil {
		t.Fatal(err)
	}
	st, err := serve(context.Background(), job.URL, job.instance, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if st.DroppedQueue != 0 || st.DroppedStore != 0 || st.Backlog != 0 {
		t.Fatalf("%+v, want nothing dropped or pending", st)
	}
}
