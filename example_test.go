package dashboard_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
)

// get fetches url and returns the status and the start of the body, or the
// path it was redirected to.
func get(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 20))
	if resp.Request.URL.String() != url {
		return fmt.Sprintf("%d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	return fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(b)))
}

func getBook(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "book %s", r.PathValue("id"))
}

// The quick start: Bind wraps the service's mux, and the dashboard's pages
// appear at /dashboard behind a login. Bind reads its settings from the
// environment (DASHBOARD_<KEY>) or the INI file named by DASHBOARD_CONFIG;
// this example keeps its database in memory that way.
func Example() {
	os.Setenv("DASHBOARD_DATABASE", "sqlite:///:memory:")
	defer os.Unsetenv("DASHBOARD_DATABASE")

	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", getBook)
	// In a service: log.Fatal(http.ListenAndServe(":8080", dashboard.Bind(mux)))
	d := dashboard.Bind(mux)
	defer d.Close(context.Background())

	srv := httptest.NewServer(d)
	defer srv.Close()
	fmt.Println(get(srv.URL + "/books/7"))
	fmt.Println(get(srv.URL + "/dashboard"))
	fmt.Println(d.Endpoints())
	// Output:
	// 200 book 7
	// 200 at /dashboard/login
	// [GET /books/{id}]
}

func ExampleNew() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", getBook)
	d, err := dashboard.New(mux, dashboard.Config{
		Database:   "sqlite:///" + filepath.Join(dir, "dashboard.db"),
		AppVersion: "v1.2.0",
		GroupBy:    func(r *http.Request) string { return r.Header.Get("X-User") },
	})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(d)
	defer srv.Close()

	for _, id := range []string{"1", "2", "3"} {
		get(srv.URL + "/books/" + id)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil { // writes every pending row
		log.Fatal(err)
	}
	fmt.Println(d.Stats().Written, "requests recorded for", d.Endpoints())
	// Output: 3 requests recorded for [GET /books/{id}]
}

// A router that takes middleware of the form func(http.Handler)
// http.Handler gets the dashboard's from Middleware. The endpoint is the
// r.Pattern that net/http's ServeMux sets; routers with patterns of their
// own have adapter modules (adapter/chi and others).
func ExampleDashboard_Middleware() {
	api := http.NewServeMux()
	api.HandleFunc("GET /books/{id}", getBook)
	d, err := dashboard.New(api, dashboard.Config{Database: "sqlite:///:memory:", AppVersion: "v1"})
	if err != nil {
		log.Fatal(err)
	}

	// The service's own chain of middleware, with the dashboard's in it.
	var h http.Handler = api
	for _, mw := range []func(http.Handler) http.Handler{d.Middleware(), noStore} {
		h = mw(h)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	fmt.Println(get(srv.URL + "/books/1"))
	fmt.Println(get(srv.URL + "/nothing/here"))
	if err := d.Close(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Stats().Written, "requests recorded for", d.Endpoints())
	// Output:
	// 200 book 1
	// 404 404 page not found
	// 2 requests recorded for [(unmatched) GET /books/{id}]
}

// noStore stands for one of the service's own middleware.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// Where the dashboard is a middleware rather than the handler served, its
// pages are mounted on the router with Handler, at the link. Their
// requests are not recorded as the service's.
func ExampleDashboard_Handler() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", getBook)
	d, err := dashboard.New(mux, dashboard.Config{Database: "sqlite:///:memory:", AppVersion: "v1"})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle(d.Link()+"/", d.Handler()) // "/dashboard/"

	srv := httptest.NewServer(d.Middleware()(mux))
	defer srv.Close()

	fmt.Println(get(srv.URL + "/dashboard/"))
	fmt.Println(get(srv.URL + "/books/2"))
	if err := d.Close(context.Background()); err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Stats().Written, "request recorded for", d.Endpoints())
	// Output:
	// 200 at /dashboard/login
	// 200 book 2
	// 1 request recorded for [GET /books/{id}]
}

func ExampleDashboard_Record() {
	d, err := dashboard.New(nil, dashboard.Config{Database: "sqlite:///:memory:", AppVersion: "v1"})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close(context.Background())
	// A framework that does not serve through net/http reports each
	// request itself, with its route pattern.
	start := time.Now()
	// ... serve the request ...
	d.Record(dashboard.Sample{Endpoint: "GET /books/:id", Method: "GET", Status: 200,
		Start: start, Duration: time.Since(start), IP: "192.0.2.1"})
	fmt.Println(d.Endpoints())
	// Output: [GET /books/:id]
}
