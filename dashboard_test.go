package dashboard

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func booksMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "missing" {
			http.Error(w, "no such book", http.StatusNotFound)
			return
		}
		fmt.Fprintf(w, "book %s", r.PathValue("id"))
	})
	mux.HandleFunc("POST /books", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("handler bug") })
	return mux
}

func get(tb testing.TB, url string, header ...string) *http.Response {
	tb.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestConcurrentRequestsAreAllRecorded(t *testing.T) {
	const n = 300
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s, AppVersion: "v1.2.3",
		GroupBy: func(r *http.Request) string { return r.Header.Get("X-User") }})
	srv := httptest.NewServer(d)
	defer srv.Close()

	before := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			get(t, fmt.Sprintf("%s/books/%d", srv.URL, i), "X-User", fmt.Sprintf("user-%d", i%7))
		}()
	}
	wg.Wait()
	after := time.Now()
	mustClose(t, d)

	rows := rowsOf(t, s, store.RequestFilter{})
	if len(rows) != n {
		t.Fatalf("%d rows for %d requests", len(rows), n)
	}
	users := map[string]int{}
	for _, r := range rows {
		if r.Endpoint != "GET /books/{id}" || r.Method != "GET" || r.Status != 200 || r.Version != "v1.2.3" ||
			r.Service != "svc" || r.Instance != "host-1" || r.IP != "127.0.0.1" {
			t.Fatalf("wrong row: %+v", r)
		}
		if r.Start.Before(before.Truncate(time.Microsecond)) || r.Start.After(after) || r.Duration < 0 || r.Duration > after.Sub(before) {
			t.Fatalf("row times out of the test window: start %v duration %v (window %v..%v)", r.Start, r.Duration, before, after)
		}
		users[r.Group]++
	}
	if len(users) != 7 || users["user-0"] != (n+6)/7 {
		t.Errorf("groups %v, want 7 users from GroupBy", users)
	}
	eps, _ := s.Endpoints(context.Background(), "svc")
	if len(eps) != 1 || eps[0].Name != "GET /books/{id}" || eps[0].Level != 1 || eps[0].LastRequested.IsZero() {
		t.Errorf("endpoints %+v", eps)
	}
	vs, _ := s.Versions(context.Background(), "svc")
	if len(vs) != 1 || vs[0].Name != "v1.2.3" || vs[0].FirstSeen.After(after) {
		t.Errorf("versions %+v", vs)
	}
}

func TestStatusCodes(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s})
	srv := httptest.NewServer(d)
	defer srv.Close()
	get(t, srv.URL+"/books/missing")
	get(t, srv.URL+"/silent")
	resp, err := http.Post(srv.URL+"/books", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mustClose(t, d)
	got := map[string]int{}
	for _, r := range rowsOf(t, s, store.RequestFilter{}) {
		got[r.Endpoint] = r.Status
	}
	want := map[string]int{"GET /books/{id}": 404, "/silent": 200, "POST /books": 201}
	for ep, st := range want {
		if got[ep] != st {
			t.Errorf("%s recorded status %d, want %d (all: %v)", ep, got[ep], st, got)
		}
	}
}

func TestPanicIsRecordedAs500AndReRaised(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s})
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/panic", nil))
	}()
	if recovered != "handler bug" {
		t.Fatalf("recovered %v, want the handler's own panic value", recovered)
	}
	// Through a real server, whose own recovery must still run.
	srv := httptest.NewServer(d)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the panic is expected
	defer srv.Close()
	if _, err := http.Get(srv.URL + "/panic"); err == nil {
		t.Error("the server answered a panicking handler; its recovery should have closed the connection")
	}
	mustClose(t, d)
	rows := rowsOf(t, s, store.RequestFilter{Endpoint: "/panic"})
	if len(rows) != 2 || rows[0].Status != 500 || rows[1].Status != 500 {
		t.Errorf("panic rows %+v, want two with status 500", rows)
	}
}

func TestHijackAndFlushThroughTheDashboard(t *testing.T) {
	s := memStore(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n")
		buf.Flush()
	})
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "chunk %d\n", i)
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("Flush through ResponseController: %v", err)
			}
		}
	})
	d := mustNew(t, mux, Config{Store: s})
	wsDone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.ServeHTTP(w, r)
		if r.URL.Path == "/ws" {
			close(wsDone) // the dashboard has recorded the hijacked request
		}
	}))
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n")
	line, _ := bufio.NewReader(conn).ReadString('\n')
	conn.Close()
	if !strings.Contains(line, "101") {
		t.Fatalf("hijacked response line %q", line)
	}
	<-wsDone
	resp := get(t, srv.URL+"/stream")
	if resp.StatusCode != 200 {
		t.Fatalf("stream status %d", resp.StatusCode)
	}
	mustClose(t, d)
	got := map[string]int{}
	for _, r := range rowsOf(t, s, store.RequestFilter{}) {
		got[r.Endpoint] = r.Status
	}
	if got["GET /ws"] != 101 || got["GET /stream"] != 200 {
		t.Errorf("statuses %v, want 101 for the hijacked and 200 for the stream", got)
	}
}

func TestUnmatchedRequestsShareOneName(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s})
	srv := httptest.NewServer(d)
	defer srv.Close()
	for i := 0; i < 20; i++ {
		get(t, fmt.Sprintf("%s/scan/%d/admin.php", srv.URL, i))
	}
	req, _ := http.NewRequest("DELETE", srv.URL+"/books/1", nil) // 405
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mustClose(t, d)
	rows := rowsOf(t, s, store.RequestFilter{})
	statuses := map[int]int{}
	for _, r := range rows {
		if r.Endpoint != Unmatched {
			t.Fatalf("unmatched request recorded as %q", r.Endpoint)
		}
		statuses[r.Status]++
	}
	if statuses[404] != 20 || statuses[405] != 1 {
		t.Errorf("statuses %v, want 20×404 and 1×405", statuses)
	}
	if eps := d.Endpoints(); len(eps) != 1 || eps[0] != Unmatched {
		t.Errorf("endpoints %v, want only %q", eps, Unmatched)
	}
}

func TestLevelsSwitchLiveAndSurviveRestart(t *testing.T) {
	dbURL := "sqlite:///" + filepath.Join(t.TempDir(), "d.db")
	d := mustNew(t, booksMux(), Config{Database: dbURL})
	srv := httptest.NewServer(d)
	get(t, srv.URL+"/books/1")
	if err := d.SetLevel(context.Background(), "GET /books/{id}", 0); err != nil {
		t.Fatal(err)
	}
	get(t, srv.URL+"/books/2") // not recorded
	if err := d.SetLevel(context.Background(), "GET /books/{id}", 3); err != nil {
		t.Fatal(err)
	}
	get(t, srv.URL+"/books/3")
	if err := d.SetLevel(context.Background(), "GET /nope", 1); err == nil {
		t.Error("SetLevel of an unknown endpoint succeeded")
	}
	if err := d.SetLevel(context.Background(), "GET /books/{id}", 4); err == nil {
		t.Error("SetLevel(4) succeeded")
	}
	srv.Close()
	mustClose(t, d)

	d2 := mustNew(t, booksMux(), Config{Database: dbURL})
	if lvl, ok := d2.Level("GET /books/{id}"); !ok || lvl != 3 {
		t.Errorf("after restart level = %d, %v; want 3", lvl, ok)
	}
	srv2 := httptest.NewServer(d2)
	defer srv2.Close()
	get(t, srv2.URL+"/books/4")
	mustClose(t, d2)
	s, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []string
	for _, r := range rowsOf(t, s, store.RequestFilter{}) {
		ids = append(ids, r.Endpoint)
	}
	if len(ids) != 3 {
		t.Errorf("%d rows, want 3 (request 2 was at level 0)", len(ids))
	}
}

func TestNewEndpointsTakeMonitorLevel(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s, Settings: map[string]string{"MONITOR_LEVEL": "0"}})
	srv := httptest.NewServer(d)
	defer srv.Close()
	get(t, srv.URL+"/books/1")
	mustClose(t, d)
	if n := len(rowsOf(t, s, store.RequestFilter{})); n != 0 {
		t.Errorf("%d rows with MONITOR_LEVEL=0", n)
	}
	eps, _ := s.Endpoints(context.Background(), "svc")
	if len(eps) != 1 || eps[0].Level != 0 {
		t.Errorf("endpoint not stored at level 0: %+v", eps)
	}
}

func TestDashboardPathIsNotRecorded(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s, CustomLink: "ops/dash"})
	srv := httptest.NewServer(d)
	defer srv.Close()
	for _, p := range []string{"/ops/dash", "/ops/dash/", "/ops/dash/api/endpoints"} {
		get(t, srv.URL+p)
	}
	get(t, srv.URL+"/ops/dashboard") // not under the link: the service's
	mustClose(t, d)
	rows := rowsOf(t, s, store.RequestFilter{})
	if len(rows) != 1 || rows[0].Endpoint != Unmatched {
		t.Errorf("rows %+v, want only the request outside the link", rows)
	}
}

func TestTwoDashboardsAreIndependent(t *testing.T) {
	s1, s2 := memStore(t), memStore(t)
	d1 := mustNew(t, booksMux(), Config{Store: s1, AppVersion: "one"})
	d2 := mustNew(t, booksMux(), Config{Store: s2, AppVersion: "two", CustomLink: "other"})
	srv1, srv2 := httptest.NewServer(d1), httptest.NewServer(d2)
	defer srv1.Close()
	defer srv2.Close()
	get(t, srv1.URL+"/books/1")
	get(t, srv2.URL+"/books/1")
	get(t, srv2.URL+"/books/2")
	if err := d1.SetLevel(context.Background(), "GET /books/{id}", 0); err != nil {
		t.Fatal(err)
	}
	if lvl, _ := d2.Level("GET /books/{id}"); lvl != 1 {
		t.Errorf("d2's level changed with d1's: %d", lvl)
	}
	mustClose(t, d1)
	get(t, srv2.URL+"/books/3") // d2 still records after d1 closed
	mustClose(t, d2)
	r1, r2 := rowsOf(t, s1, store.RequestFilter{}), rowsOf(t, s2, store.RequestFilter{})
	if len(r1) != 1 || r1[0].Version != "one" || len(r2) != 3 || r2[0].Version != "two" {
		t.Errorf("d1 rows %+v\nd2 rows %+v", r1, r2)
	}
}

func TestCloseFlushesEverything(t *testing.T) {
	s := memStore(t)
	// A long flush interval and big batches: only Close writes.
	d := mustNew(t, booksMux(), Config{Store: s, Settings: map[string]string{"FLUSH_INTERVAL": "1h", "BATCH_SIZE": "100000"}})
	for i := 0; i < 500; i++ {
		d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", fmt.Sprintf("/books/%d", i), nil))
	}
	if n := len(rowsOf(t, s, store.RequestFilter{})); n != 0 {
		t.Fatalf("%d rows before Close; the test needs them pending", n)
	}
	mustClose(t, d)
	if n := len(rowsOf(t, s, store.RequestFilter{})); n != 500 {
		t.Errorf("%d rows after Close, want 500", n)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRollupsAgreeWithRawRows(t *testing.T) {
	s := memStore(t)
	mux := booksMux()
	d := mustNew(t, mux, Config{Store: s})
	for i := 0; i < 200; i++ {
		path := fmt.Sprintf("/books/%d", i)
		if i%9 == 0 {
			path = "/books/missing"
		}
		d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	mustClose(t, d)
	rows := rowsOf(t, s, store.RequestFilter{})
	rus, err := s.Rollups(context.Background(), store.RollupFilter{Service: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	var count, n404 int64
	var sum time.Duration
	for _, ru := range rus {
		count += ru.Count
		sum += ru.Sum
		n404 += ru.Status[4]
	}
	var rawSum time.Duration
	var raw404 int64
	for _, r := range rows {
		rawSum += r.Duration
		if r.Status == 404 {
			raw404++
		}
	}
	if count != int64(len(rows)) || sum != rawSum || n404 != raw404 {
		t.Errorf("rollups count=%d sum=%v 4xx=%d; raw rows count=%d sum=%v 4xx=%d", count, sum, n404, len(rows), rawSum, raw404)
	}
}

func TestRecordByHand(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, nil, Config{Store: s})
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if !d.Record(Sample{Endpoint: "GET /x/:id", Method: "GET", Start: start, Duration: 3 * time.Millisecond, Group: "g", IP: "192.0.2.1"}) {
		t.Fatal("Record returned false")
	}
	d.Record(Sample{Method: "GET", Status: 404, Duration: time.Millisecond})
	mustClose(t, d)
	rows := rowsOf(t, s, store.RequestFilter{})
	if len(rows) != 2 {
		t.Fatalf("rows %+v", rows)
	}
	if r := rows[0]; r.Endpoint != "GET /x/:id" || r.Status != 200 || !r.Start.Equal(start) || r.Duration != 3*time.Millisecond || r.Group != "g" {
		t.Errorf("recorded %+v", r)
	}
	if rows[1].Endpoint != Unmatched || rows[1].Status != 404 {
		t.Errorf("unnamed sample recorded as %+v", rows[1])
	}
}

func TestDeclaredEndpointsAreListedBeforeTheirFirstRequest(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s})
	d.DeclareEndpoint("GET /books/{id}", "GET")
	d.DeclareEndpoint("DELETE /books/{id}", "DELETE")
	if err := d.SetLevel(context.Background(), "DELETE /books/{id}", 2); err != nil {
		t.Fatalf("SetLevel of a declared endpoint: %v", err)
	}
	mustClose(t, d)
	eps, _ := s.Endpoints(context.Background(), "svc")
	if len(eps) != 2 {
		t.Fatalf("endpoints %+v", eps)
	}
	if eps[0].Name != "DELETE /books/{id}" || eps[0].Level != 2 || !eps[0].LastRequested.IsZero() || len(eps[0].Methods) != 1 {
		t.Errorf("declared endpoint %+v", eps[0])
	}
}

func TestClientIPHonoursTrustedProxies(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s, TrustedProxies: []string{"127.0.0.1"}})
	srv := httptest.NewServer(d)
	defer srv.Close()
	get(t, srv.URL+"/books/1", "X-Forwarded-For", "198.51.100.7")
	mustClose(t, d)
	if rows := rowsOf(t, s, store.RequestFilter{}); len(rows) != 1 || rows[0].IP != "198.51.100.7" {
		t.Errorf("rows %+v, want the forwarded client", rows)
	}
	s2 := memStore(t)
	d2 := mustNew(t, booksMux(), Config{Store: s2})
	srv2 := httptest.NewServer(d2)
	defer srv2.Close()
	get(t, srv2.URL+"/books/1", "X-Forwarded-For", "198.51.100.7")
	mustClose(t, d2)
	if rows := rowsOf(t, s2, store.RequestFilter{}); len(rows) != 1 || rows[0].IP != "127.0.0.1" {
		t.Errorf("without trusted proxies rows %+v, want the peer address", rows)
	}
}

func TestVersionFromGitDirectory(t *testing.T) {
	git := filepath.Join(t.TempDir(), ".git")
	hash := strings.Repeat("ab12", 10)
	os.MkdirAll(filepath.Join(git, "refs", "heads"), 0o755)
	os.WriteFile(filepath.Join(git, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
	os.WriteFile(filepath.Join(git, "refs", "heads", "main"), []byte(hash+"\n"), 0o644)
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s, Git: git})
	if v, src := d.Version(); v != hash || src != "GIT" {
		t.Errorf("Version() = %q, %q; want %q from GIT", v, src, hash)
	}
	d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/books/1", nil))
	mustClose(t, d)
	if rows := rowsOf(t, s, store.RequestFilter{}); len(rows) != 1 || rows[0].Version != hash {
		t.Errorf("rows %+v", rows)
	}
}
