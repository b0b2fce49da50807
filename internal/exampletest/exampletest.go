// Package exampletest builds and runs an example service for its test:
// the binary is built with go build and started on a free port with a
// configuration file of its own (a database in a temporary directory, a
// version, an admin). The test requests routes over HTTP and reads what
// was recorded through the dashboard's JSON API, as a user's script
// would, while the service runs; then it stops the service with SIGTERM
// (the example closes its dashboard, writing every pending row) and
// checks that the database holds every request made.
package exampletest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// The example's configuration, written to its INI file.
const (
	Version  = "v-example"
	Username = "example-admin"
	Password = "example-password"
	link     = "/dashboard"
	// flushInterval is short, so that rows reach the API soon, yet long
	// enough that the last request before SIGTERM is usually still
	// queued, and written by Close.
	flushInterval = 200 * time.Millisecond
)

// Service is a running example.
type Service struct {
	URL  string
	db   string
	cmd  *exec.Cmd
	done chan error
	made []Request // every request made, in order
}

// Request is a request of the test and what the dashboard must record.
type Request struct {
	Method, Path string
	// Status is the answer; 0 when the server drops the connection (a
	// panic no middleware recovered), which is recorded as 500.
	Status int
	// Endpoint is the name recorded, as the router names the route.
	Endpoint string
}

// Req is a Request: method and path asked, status answered, endpoint
// recorded.
func Req(method, path string, status int, endpoint string) Request {
	return Request{Method: method, Path: path, Status: status, Endpoint: endpoint}
}

// Start builds the example in the test's working directory and starts it.
// The example must print "listening on HOST:PORT" once it accepts
// connections, and read its address from ADDR.
func Start(t *testing.T) *Service {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "example")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := &Service{db: filepath.Join(dir, "dashboard.db"), done: make(chan error, 1)}
	ini := filepath.Join(dir, "dashboard.ini")
	conf := fmt.Sprintf("[dashboard]\nDATABASE = sqlite:///%s\nAPP_VERSION = %s\nSERVICE_NAME = example\n"+
		"USERNAME = %s\nPASSWORD = %s\nFLUSH_INTERVAL = %s\n", s.db, Version, Username, Password, flushInterval)
	if err := os.WriteFile(ini, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin)
	// The file configures the dashboard alone: no DASHBOARD_ variable of
	// the test's environment overrides it.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DASHBOARD_") {
			s.cmd.Env = append(s.cmd.Env, kv)
		}
	}
	s.cmd.Env = append(s.cmd.Env, "ADDR=127.0.0.1:0", "DASHBOARD_CONFIG="+ini)
	s.cmd.Stderr = testWriter{t}
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
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
				addr <- a
			}
		}
		io.Copy(io.Discard, stdout)
		s.done <- s.cmd.Wait()
	}()
	select {
	case a := <-addr:
		s.URL = "http://" + a
	case err := <-s.done:
		t.Fatalf("example exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("example did not say where it listens within 30s")
	}
	return s
}

// client makes a new connection for each request: Go's client repeats an
// idempotent request whose reused connection was dropped, which would
// make a panicking route count twice.
var client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}

// Do makes request q and fails the test unless the answer is q.Status.
func (s *Service) Do(t *testing.T, q Request) {
	t.Helper()
	req, err := http.NewRequest(q.Method, s.URL+q.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.made = append(s.made, q)
	status := 0
	if resp, err := client.Do(req); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
	}
	if status != q.Status {
		t.Errorf("%s %s: %d, want %d", q.Method, q.Path, status, q.Status)
	}
}

// Run makes the requests, then reads the recorded requests through the
// JSON API until every request made so far is there, and fails the test
// unless each is recorded as wanted, in order.
func (s *Service) Run(t *testing.T, reqs []Request) {
	t.Helper()
	for _, q := range reqs {
		s.Do(t, q)
	}
	var rows []APIRequest
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows = nil
		s.API(t, "api/requests?format=json", &rows)
		if len(rows) >= len(s.made) || time.Now().After(deadline) {
			break
		}
		time.Sleep(flushInterval / 4)
	}
	checkRows(t, "the API", rows, s.made)
}

// APIRequest is one row of GET api/requests.
type APIRequest struct {
	Endpoint string `json:"endpoint"`
	Method   string `json:"method"`
	Status   int    `json:"status"`
	Version  string `json:"version"`
}

// APIEndpoint is one endpoint of GET api/endpoints.
type APIEndpoint struct {
	Name          string     `json:"name"`
	Methods       []string   `json:"methods"`
	Level         int        `json:"level"`
	Hits          int64      `json:"hits"`
	Errors        int64      `json:"errors"`
	LastRequested *time.Time `json:"last_requested"`
}

// API gets path under the dashboard's link with the admin's Basic
// credentials and decodes the JSON answer into v.
func (s *Service) API(t *testing.T, path string, v any) {
	t.Helper()
	req, err := http.NewRequest("GET", s.URL+link+"/"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(Username, Password)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// Endpoint is what GET api/endpoints must say of an endpoint.
type Endpoint struct {
	Methods []string // sorted
	Hits    int64    // 0: never requested, so last_requested is null
	Errors  int64    // 5xx answers
}

// CheckEndpoints fails the test unless GET api/endpoints lists exactly
// the endpoints of want, each at the default level 1 and as want says.
// Call it after Run, once the requests are written.
func (s *Service) CheckEndpoints(t *testing.T, want map[string]Endpoint) {
	t.Helper()
	var list []APIEndpoint
	s.API(t, "api/endpoints", &list)
	got := map[string]APIEndpoint{}
	for _, e := range list {
		got[e.Name] = e
	}
	for name, w := range want {
		e, ok := got[name]
		if !ok {
			t.Errorf("endpoint %q not listed", name)
			continue
		}
		if !slices.Equal(e.Methods, w.Methods) && len(e.Methods)+len(w.Methods) > 0 {
			t.Errorf("%q: methods %v, want %v", name, e.Methods, w.Methods)
		}
		if e.Level != 1 {
			t.Errorf("%q: level %d, want 1", name, e.Level)
		}
		if e.Hits != w.Hits || e.Errors != w.Errors {
			t.Errorf("%q: %d hits and %d errors, want %d and %d", name, e.Hits, e.Errors, w.Hits, w.Errors)
		}
		if (e.LastRequested == nil) != (w.Hits == 0) {
			t.Errorf("%q: last requested %v with %d hits", name, e.LastRequested, e.Hits)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected endpoint %q", name)
		}
	}
}

// Stop ends the example with SIGTERM, waits for it to exit cleanly, and
// fails the test unless its database holds every request made, as
// wanted: those made after the last Run are written by Close.
func (s *Service) Stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("example exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("example did not stop within 30s of SIGTERM")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, "sqlite:///"+s.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var rows []APIRequest
	if err := st.Requests(ctx, store.RequestFilter{}, func(r *store.Request) error {
		rows = append(rows, APIRequest{Endpoint: r.Endpoint, Method: r.Method, Status: r.Status, Version: r.Version})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkRows(t, "the database after Close", rows, s.made)
}

// checkRows fails the test unless rows record the requests made, in
// order.
func checkRows(t *testing.T, where string, rows []APIRequest, made []Request) {
	t.Helper()
	if len(rows) != len(made) {
		t.Fatalf("%s has %d rows for %d requests: %+v", where, len(rows), len(made), rows)
	}
	for i, q := range made {
		want := APIRequest{Endpoint: q.Endpoint, Method: q.Method, Status: q.Status, Version: Version}
		if q.Status == 0 {
			want.Status = http.StatusInternalServerError
		}
		if rows[i] != want {
			t.Errorf("%s: %s %s recorded as %+v, want %+v", where, q.Method, q.Path, rows[i], want)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Logf("example: %s", strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
