package dashchi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
)

// Router bare against router with the dashboard at level 1, side by side:
//
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat bench.txt

var body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

func benchRouter() *chi.Mux {
	r := chi.NewRouter()
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
	r := benchRouter()
	d, err := New(benchRouter(), adaptertest.BenchConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close(context.Background())
	for _, target := range []string{"/books/42", "/api/v1/authors/7"} {
		for _, c := range []struct {
			name string
			h    http.Handler
		}{{"bare", r}, {"level1", d}} {
			b.Run(c.name+target, func(b *testing.B) {
				w := adaptertest.NewDiscardWriter()
				req := httptest.NewRequest("GET", target, nil)
				before := d.Stats().DroppedQueue
				b.ReportAllocs()
				for b.Loop() {
					c.h.ServeHTTP(w, req)
				}
				if c.name == "level1" {
					b.ReportMetric(float64(d.Stats().DroppedQueue-before)/float64(b.N), "dropped/op")
				}
			})
		}
	}
}
