package dashmux_test

import (
	"context"
	"log"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/go-monitoring-dashboard/dashboard"
	dashmux "github.com/go-monitoring-dashboard/dashboard/adapter/gorillamux"
)

// The README's gorilla/mux binding, compiled here so that it keeps
// compiling; a test of the root module checks the README shows these lines.
func ExampleNew() {
	getBook := func(w http.ResponseWriter, r *http.Request) {}
	cfg := dashboard.Config{GroupBy: func(r *http.Request) string { return r.Header.Get("X-User") }}

	r := mux.NewRouter()
	r.HandleFunc("/books/{id}", getBook).Methods("GET")
	d, err := dashmux.New(r, cfg) // after the routes
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close(context.Background())
	log.Print(http.ListenAndServe(":8080", r)) // serve r: the dashboard is its middleware
}
