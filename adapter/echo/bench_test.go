package dashecho

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/go-monitoring-dashboard/dashboard/internal/adaptertest"
)

// echo bare, with one empty middleware, and with the dashboard at level 1,
// side by side:
//
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat -col /router bench.txt

var body = []byte(`{"id":42,"title":"The Go Programming Language"}`)

// benchEcho makes an echo with middlewares mws.
func benchEcho(mws ...echo.MiddlewareFunc) *echo.Echo {
	e := echo.New()
	e.Use(mws...)
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
	noop := func(next echo.HandlerFunc) echo.HandlerFunc { return func(c echo.Context) error { return next(c) } }
	adaptertest.BenchBareVsOurs(b, d.Dashboard, bare, benchEcho(noop), ours)
}
