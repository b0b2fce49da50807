package dashgin_test

import (
	"context"
	"log"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/go-monitoring-dashboard/dashboard"
	dashgin "github.com/go-monitoring-dashboard/dashboard/adapter/gin"
)

// The README's gin binding, compiled here so that it keeps compiling; a
// test of the root module checks the README shows these lines.
func ExampleNew() {
	getBook := func(c *gin.Context) {}
	cfg := dashboard.Config{GroupBy: func(r *http.Request) string { return r.Header.Get("X-User") }}

	r := gin.Default()
	d, err := dashgin.New(r, cfg) // before the routes
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close(context.Background())
	r.GET("/books/:id", getBook)
	log.Print(r.Run(":8080"))
}
