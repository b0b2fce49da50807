package dashmux

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
)

// Router bare, with one empty middleware, and with the dashboard at level
// 1, side by side:
//
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat -col /router bench.txt

var body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

// benchRouter makes a router with middlewares mws.
func benchRouter(mws ...mux.MiddlewareFunc) *mux.Router {
	r := mux.NewRouter()
	r.Use(mws...)
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
	noop := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, r) })
	}
	adaptertest.BenchBareVsOurs(b, d.Dashboard, bare, benchRouter(noop), ours)
}
