package dashchi_test

import (
	"context"
	"log"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/go-monitoring-dashboard/dashboard"
	dashchi "github.com/go-monitoring-dashboard/dashboard/adapter/chi"
)

// The README's chi binding, compiled here so that it keeps compiling; a
// test of the root module checks the README shows these lines.
func ExampleNew() {
	getBook := func(w http.ResponseWriter, r *http.Request) {}
	cfg := dashboard.Config{GroupBy: func(r *http.Request) string { return r.Header.Get("X-User") }}

	r := chi.NewRouter()
	r.Get("/books/{id}", getBook)
	d, err := dashchi.New(r, cfg) // after the routes
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close(context.Background())
	log.Print(http.ListenAndServe(":8080", d)) // serve d, not r
}
