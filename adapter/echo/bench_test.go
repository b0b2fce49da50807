package dashecho

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
)

// echo bare against echo with the dashboard at level 1, side by side:
//
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat bench.txt

var body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

func benchEcho() *echo.Echo {
	e := echo.New()
	e.GET("/books/:id", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/json", body) })
	e.Group("/api").GET("/v1/authors/:id", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/json", body) })
	return e
}

func newBenchRequest() *http.Request { return httptest.NewRequest("GET", "/books/42", nil) }

func BenchmarkEcho(b *testing.B) {
	bare := benchEcho()
	ours := benchEcho()
	d, err := New(ours, adaptertest.BenchConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close(context.Background())
	for _, target := range []string{"/books/42", "/api/v1/authors/7"} {
		for _, c := range []struct {
			name string
			h    http.Handler
		}{{"bare", bare}, {"level1", ours}} {
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
