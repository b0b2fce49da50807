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
//	go test -run '^$' -bench . -benchmem -count 10 | tee bench.txt; benchstat -col /router bench.txt

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
	adaptertest.BenchBareVsOurs(b, d.Dashboard, bare, ours)
}
