package dashboard_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
)

func Example() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "book %s", r.PathValue("id"))
	})
	// In a service: log.Fatal(http.ListenAndServe(":8080", dashboard.Bind(mux)))
	_ = dashboard.Bind
}

func ExampleNew() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "book %s", r.PathValue("id"))
	})
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
		resp, err := http.Get(srv.URL + "/books/" + id)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil { // writes every pending row
		log.Fatal(err)
	}
	fmt.Println(d.Stats().Written, "requests recorded for", d.Endpoints())
	// Output: 3 requests recorded for [GET /books/{id}]
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
