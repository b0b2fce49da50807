package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/dbtest"
	"github.com/go-monitoring-dashboard/dashboard/store/mysql"
	"github.com/go-monitoring-dashboard/dashboard/store/postgres"
)

const servePW = "serve-test-password"

// databases are where the services and gmd serve meet: a schema or
// database of the test's own on each server, or a SQLite file.
var databases = []struct {
	name string
	url  func(t *testing.T) string
}{
	{"PostgreSQL", func(t *testing.T) string { return dbtest.PostgresDatabase(t, postgres.OpenDB) }},
	{"MariaDB", func(t *testing.T) string { return dbtest.MySQLDatabase(t, mysql.OpenDB) }},
	{"SQLite", func(t *testing.T) string { return "sqlite:///" + filepath.Join(t.TempDir(), "shared.db") }},
}

// serviceVar carries a child process's job: which service and instance it
// is, and its database.
const serviceVar = "GMD_SERVE_TEST_SERVICE"

type serviceJob struct {
	URL, Service, Instance string
}

// TestHelperService is the body of the service processes of
// TestServeCountsEveryServiceAndInstance: a small service with the
// dashboard, on a port of its own, until its standard input closes; then
// it closes the dashboard, which writes everything pending.
func TestHelperService(t *testing.T) {
	v := os.Getenv(serviceVar)
	if v == "" {
		t.Skip("runs only as a service process of TestServeCountsEveryServiceAndInstance")
	}
	var job serviceJob
	if err := json.Unmarshal([]byte(v), &job); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "a book") })
	mux.HandleFunc("POST /books", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "an order") })
	d, err := dashboard.New(mux, dashboard.Config{
		Database: job.URL, Service: job.Service, Instance: job.Instance, AppVersion: "v1", Password: servePW,
		Settings: map[string]string{"FLUSH_INTERVAL": "20ms", "LEVEL_REFRESH_INTERVAL": "100ms"},
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: d}
	ln, err := listen()
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	fmt.Printf("listening on %s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin) // until the parent closes it
	srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := d.Stats(); st.DroppedQueue != 0 || st.DroppedStore != 0 || st.Backlog != 0 {
		t.Fatalf("%+v: want nothing dropped or pending", st)
	}
}

// service is a running service process.
type service struct {
	serviceJob
	url   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   bytes.Buffer // its stderr and test output
	done  chan error
}

func startService(t *testing.T, job serviceJob) *service {
	t.Helper()
	b, _ := json.Marshal(job)
	s := &service{serviceJob: job, done: make(chan error, 1)}
	s.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperService$", "-test.count=1", "-test.v")
	s.cmd.Env = append(os.Environ(), serviceVar+"="+string(b))
	s.cmd.Stderr = &s.out
	var err error
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	addr := make(chan string, 1)
	var rest bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				addr <- a
				continue
			}
			rest.WriteString(sc.Text() + "\n")
		}
		s.done <- s.cmd.Wait()
	}()
	select {
	case a := <-addr:
		s.url = "http://" + a
	case err := <-s.done:
		t.Fatalf("%s exited before listening: %v\n%s%s", job.Instance, err, rest.String(), s.out.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not listen within 60s\n%s", job.Instance, s.out.String())
	}
	return s
}

// stop closes the service's standard input and waits for it to write
// everything and exit.
func (s *service) stop(t *testing.T) {
	t.Helper()
	s.stdin.Close()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.Instance, err, s.out.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not exit within 60s\n%s", s.Instance, s.out.String())
	}
}

// send makes n requests (the i-th to url with %d replaced by i) and
// checks each is answered with want.
func send(t *testing.T, method, url string, n, want int) {
	t.Helper()
	for i := range n {
		u := url
		if strings.Contains(u, "%d") {
			u = fmt.Sprintf(u, i)
		}
		req, err := http.NewRequest(method, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %s, want %d", method, req.URL, resp.Status, want)
		}
	}
}

// apiGet reads a JSON API route with the admin's Basic credentials.
func apiGet(t *testing.T, url string, v any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.SetBasicAuth("admin", servePW)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", url, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
}

type apiInstance struct {
	Instance string     `json:"instance"`
	Hits     int64      `json:"hits"`
	LastSeen *time.Time `json:"last_seen"`
}

type apiService struct {
	Service   string        `json:"service"`
	Default   bool          `json:"default"`
	Instances []apiInstance `json:"instances"`
}

type apiEndpoint struct {
	Name  string `json:"name"`
	Level int    `json:"level"`
	Hits  int64  `json:"hits"`
}

// startServe runs gmd serve on a free port until the test ends and
// returns its dashboard's URL.
func startServe(t *testing.T, dbURL string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	var out bytes.Buffer
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) })
	go func() {
		done <- serveCmd(ctx, []string{"--db", dbURL, "--addr", "127.0.0.1:0"}, serveEnv{
			environ: []string{"DASHBOARD_PASSWORD=" + servePW}, stdout: w, stderr: w,
			listening: func(a string) { addr <- a },
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("gmd serve: %v", err)
		}
	})
	select {
	case a := <-addr:
		// A database server is reached in the background: the
		// dashboard answers 503 until then.
		u := "http://" + a + "/dashboard"
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			req, _ := http.NewRequest(http.MethodGet, u+"/api/services", nil)
			req.SetBasicAuth("admin", servePW)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return u
			}
			if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
				t.Fatalf("gmd serve answers %s", resp.Status)
			}
		}
	case err := <-done:
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("gmd serve stopped: %v\n%s", err, out.String())
	case <-time.After(60 * time.Second):
		t.Fatal("gmd serve did not listen within 60s")
	}
	return ""
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestServeCountsEveryServiceAndInstance is the end-to-end test of gmd
// serve: three service processes (two instances of books, one of orders)
// write to one database; gmd serve's API shows exactly the requests each
// was sent, per service and instance. A level set in gmd serve reaches
// both books instances, which stop recording that endpoint.
func TestServeCountsEveryServiceAndInstance(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			url := db.url(t)
			start := time.Now()
			jobs := []serviceJob{{url, "books", "books-a"}, {url, "books", "books-b"}, {url, "orders", "orders-a"}}
			svcs := make([]*service, len(jobs))
			var wg sync.WaitGroup
			for i, j := range jobs {
				wg.Go(func() { svcs[i] = startService(t, j) })
			}
			wg.Wait()
			if t.Failed() {
				return
			}
			booksA, booksB, ordersA := svcs[0], svcs[1], svcs[2]
			send(t, "GET", booksA.url+"/books/%d", 40, http.StatusOK)
			send(t, "POST", booksA.url+"/books", 10, http.StatusCreated)
			send(t, "GET", booksB.url+"/books/%d", 25, http.StatusOK)
			send(t, "GET", ordersA.url+"/orders/%d", 15, http.StatusOK)

			serve := startServe(t, url)
			// Level 0 for books' GET /books/{id}, set in gmd serve,
			// reaches both books instances.
			setLevel(t, serve, "books", "GET /books/{id}", 0)
			for _, s := range []*service{booksA, booksB} {
				waitForLevel(t, s.url+"/dashboard", "GET /books/{id}", 0)
			}
			send(t, "GET", booksA.url+"/books/%d", 20, http.StatusOK) // not recorded
			send(t, "POST", booksA.url+"/books", 5, http.StatusCreated)

			for _, s := range svcs {
				s.stop(t)
			}
			end := time.Now()

			var services []apiService
			apiGet(t, serve+"/api/services", &services)
			want := []apiService{
				{Service: "books", Default: true, Instances: []apiInstance{{Instance: "books-a", Hits: 55}, {Instance: "books-b", Hits: 25}}},
				{Service: "orders", Instances: []apiInstance{{Instance: "orders-a", Hits: 15}}},
			}
			if len(services) != len(want) {
				t.Fatalf("api/services = %+v, want books and orders", services)
			}
			for i, w := range want {
				g := services[i]
				if g.Service != w.Service || g.Default != w.Default || len(g.Instances) != len(w.Instances) {
					t.Errorf("service %d: %+v, want %+v", i, g, w)
					continue
				}
				for j, wi := range w.Instances {
					gi := g.Instances[j]
					if gi.Instance != wi.Instance || gi.Hits != wi.Hits {
						t.Errorf("%s/%s: %d requests, want %s with %d", g.Service, gi.Instance, gi.Hits, wi.Instance, wi.Hits)
					}
					if gi.LastSeen == nil || gi.LastSeen.Before(start.Add(-time.Second)) || gi.LastSeen.After(end) {
						t.Errorf("%s/%s: last seen %v, want between %v and %v", g.Service, gi.Instance, gi.LastSeen, start, end)
					}
				}
			}
			for _, c := range []struct {
				service string
				want    map[string]apiEndpoint
			}{
				{"books", map[string]apiEndpoint{"GET /books/{id}": {Level: 0, Hits: 65}, "POST /books": {Level: 1, Hits: 15}}},
				{"orders", map[string]apiEndpoint{"GET /orders/{id}": {Level: 1, Hits: 15}}},
			} {
				var eps []apiEndpoint
				apiGet(t, serve+"/api/endpoints?service="+c.service, &eps)
				got := map[string]apiEndpoint{}
				for _, e := range eps {
					if e.Hits > 0 || e.Name == "GET /books/{id}" {
						got[e.Name] = apiEndpoint{Level: e.Level, Hits: e.Hits}
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Errorf("api/endpoints?service=%s: %v, want %v", c.service, got, c.want)
				}
			}
		})
	}
}

// setLevel sets a level through gmd serve's API.
func setLevel(t *testing.T, dashboardURL, service, endpoint string, level int) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"service": service, "endpoint": endpoint, "level": level})
	req, _ := http.NewRequest(http.MethodPost, dashboardURL+"/api/endpoints/level", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth("admin", servePW)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("setting the level: %s\n%s", resp.Status, b)
	}
}

// waitForLevel waits until a service's own dashboard reports an
// endpoint's level in effect.
func waitForLevel(t *testing.T, dashboardURL, endpoint string, want int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var eps []apiEndpoint
		apiGet(t, dashboardURL+"/api/endpoints", &eps)
		for _, e := range eps {
			if e.Name == endpoint && e.Level == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: level of %s is not %d after 20s: %+v", dashboardURL, endpoint, want, eps)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
