// Command echo is a small book service on echo with the Go Monitoring
// Dashboard bound to it: run it and open /dashboard.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	dashecho "github.com/go-monitoring-dashboard/dashboard/adapter/echo"
)

func main() {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.Recover())
	e.GET("/books/:id", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"id": c.Param("id")}) })
	e.POST("/books", func(c echo.Context) error { return c.NoContent(http.StatusCreated) })
	e.GET("/books/:id/cover", func(c echo.Context) error { return echo.NewHTTPError(http.StatusNotFound, "no cover") })
	api := e.Group("/api/v1")
	api.GET("/authors/:id", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{}) })
	e.GET("/panic", func(c echo.Context) error { panic("a bug in a handler") })

	d := dashecho.Bind(e)
	// e.Start(addr) works too; serve adds a graceful stop that closes d.
	serve(e, d.Close)
}

// serve serves h on $ADDR (default :8080) until SIGINT or SIGTERM, then
// lets requests finish and calls closeDashboard, which writes every
// pending row.
func serve(h http.Handler, closeDashboard func(context.Context) error) {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = ":8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("listening on", ln.Addr())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	closing, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := closeDashboard(closing); err != nil {
		log.Fatal(err)
	}
}
