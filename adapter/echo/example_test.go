package dashecho_test

import (
	"context"
	"log"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/go-monitoring-dashboard/dashboard"
	dashecho "github.com/go-monitoring-dashboard/dashboard/adapter/echo"
)

// The README's echo binding, compiled here so that it keeps compiling; a
// test of the root module checks the README shows these lines.
func ExampleNew() {
	getBook := func(c echo.Context) error { return nil }
	cfg := dashboard.Config{GroupBy: func(r *http.Request) string { return r.Header.Get("X-User") }}

	e := echo.New()
	e.GET("/books/:id", getBook)
	d, err := dashecho.New(e, cfg) // before or after the routes
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close(context.Background())
	log.Print(e.Start(":8080"))
}
