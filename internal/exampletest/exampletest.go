// Package exampletest builds and runs an example service for its test:
// the binary is built with go build, started on a free port with a
// database in a temporary directory, requested over HTTP, stopped with
// SIGTERM (the example closes its dashboard, writing every pending row),
// and what it recorded is read from the database.
package exampletest

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// Service is a running example.
type Service struct {
	URL  string
	db   string
	cmd  *exec.Cmd
	done chan error
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
	s.cmd = exec.Command(bin)
	s.cmd.Env = append(os.Environ(), "ADDR=127.0.0.1:0",
		"DASHBOARD_DATABASE=sqlite:///"+s.db, "DASHBOARD_APP_VERSION=v-example",
		"DASHBOARD_SERVICE_NAME=example", "DASHBOARD_PASSWORD=example-password")
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

// Do requests method path and returns the status; 0 when the server
// closed the connection (a panic no middleware recovered).
func (s *Service) Do(t *testing.T, method, path string) int {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A new connection each time: Go's client repeats an idempotent
	// request whose reused connection was dropped, which would make a
	// panicking route count twice.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Stop ends the example with SIGTERM, waits for it to exit cleanly, and
// returns the request rows and endpoints it recorded.
func (s *Service) Stop(t *testing.T) ([]store.Request, map[string]store.Endpoint) {
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
	var rows []store.Request
	if err := st.Requests(ctx, store.RequestFilter{}, func(r *store.Request) error {
		rows = append(rows, *r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	list, err := st.Endpoints(ctx, "example")
	if err != nil {
		t.Fatal(err)
	}
	eps := map[string]store.Endpoint{}
	for _, e := range list {
		eps[e.Name] = e
	}
	return rows, eps
}

// Check fails the test unless rows hold exactly one request of each
// wanted endpoint and status, in order.
func Check(t *testing.T, rows []store.Request, want [][2]any) {
	t.Helper()
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		if rows[i].Endpoint != w[0].(string) || rows[i].Status != w[1].(int) {
			t.Errorf("row %d: %q %d, want %q %d", i, rows[i].Endpoint, rows[i].Status, w[0], w[1])
		}
		if rows[i].Version != "v-example" {
			t.Errorf("row %d: version %q", i, rows[i].Version)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Logf("example: %s", strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
