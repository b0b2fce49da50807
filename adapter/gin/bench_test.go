package dashgin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
)

// Engine bare against engine with the dashboard at level 1, side by side:
//
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat bench.txt

var body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

// benchEngine makes an engine; bind, when not nil, binds a dashboard
// before the routes.
func benchEngine(bind func(*gin.Engine)) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	if bind != nil {
		bind(e)
	}
	e.GET("/books/:id", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", body) })
	e.Group("/api").GET("/v1/authors/:id", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", body) })
	return e
}

func newBenchRequest() *http.Request { return httptest.NewRequest("GET", "/books/42", nil) }

func BenchmarkGin(b *testing.B) {
	var d *Dashboard
	ours := benchEngine(func(e *gin.Engine) {
		var err error
		if d, err = New(e, adaptertest.BenchConfig(b)); err != nil {
			b.Fatal(err)
		}
	})
	defer d.Close(context.Background())
	bare := benchEngine(nil)
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
