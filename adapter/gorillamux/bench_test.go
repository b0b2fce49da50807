package dashmux

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
)

// Router bare against router with the dashboard at level 1, side by side:
//
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat -col /router bench.txt

var body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

func benchRouter() *mux.Router {
	r := mux.NewRouter()
	r.HandleFunc("/books/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}).Methods("GET")
	r.PathPrefix("/api").Subrouter().HandleFunc("/v1/authors/{id}", func(w http.ResponseWriter, r *http.Request) { w.Write(body) }).Methods("GET")
	return r
}

func newBenchRequest() *http.Request { return httptest.NewRequest("GET", "/books/42", nil) }

func BenchmarkGorillaMux(b *testing.B) {
	bare := benchRouter()
	ours := benchRouter()
	d, err := New(ours, adaptertest.BenchConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close(context.Background())
	adaptertest.BenchBareVsOurs(b, d.Dashboard, bare, ours)
}
