package dashgin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
)

// Engine bare, with one empty middleware, and with the dashboard at level
// 1, side by side:
//
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat -col /router bench.txt

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
	mw := benchEngine(func(e *gin.Engine) { e.Use(func(c *gin.Context) { c.Next() }) })
	adaptertest.BenchBareVsOurs(b, d.Dashboard, benchEngine(nil), mw, ours)
}
