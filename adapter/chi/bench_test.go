package dashchi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
)

// Router bare, with one empty middleware, and with the dashboard at level
// 1, side by side:
//
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat -col /router bench.txt

var body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

// benchRouter makes a router with middlewares mws.
func benchRouter(mws ...func(http.Handler) http.Handler) *chi.Mux {
	r := chi.NewRouter()
	r.Use(mws...)
	r.Get("/books/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	r.Route("/api", func(api chi.Router) {
		api.Get("/v1/authors/{id}", func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	})
	return r
}

func newBenchRequest() *http.Request { return httptest.NewRequest("GET", "/books/42", nil) }

func BenchmarkChi(b *testing.B) {
	noop := func(next http.Handler) http.Handler { return next }
	d, err := New(benchRouter(), adaptertest.BenchConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close(context.Background())
	adaptertest.BenchBareVsOurs(b, d.Dashboard, benchRouter(), benchRouter(noop), d)
}
