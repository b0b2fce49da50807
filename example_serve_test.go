package dashboard_test

import (
	"context"
	"log"
	"net/http"

	"github.com/go-monitoring-dashboard/dashboard"
)

// The README's net/http binding, compiled here so that it keeps compiling;
// TestReadmeSnippetsAreExamples checks the README shows these lines.
func ExampleNew_serveMux() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", getBook)
	cfg := dashboard.Config{
		ConfigFile: "dashboard.ini",                                                // optional; else $DASHBOARD_CONFIG
		GroupBy:    func(r *http.Request) string { return r.Header.Get("X-User") }, // names the user
	}
	d, err := dashboard.New(mux, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close(context.Background()) // writes every request still queued
	log.Print(http.ListenAndServe(":8080", d))
}
