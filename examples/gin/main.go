// Command gin is a small book service on a gin engine with the Go
// Monitoring Dashboard bound to it: run it and open /dashboard.
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

	"github.com/gin-gonic/gin"

	dashgin "github.com/go-monitoring-dashboard/dashboard/adapter/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.Default()   // with gin's Recovery
	d := dashgin.Bind(r) // before the routes: gin gives middleware to later routes only
	r.GET("/books/:id", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"id": c.Param("id")}) })
	r.POST("/books", func(c *gin.Context) { c.Status(http.StatusCreated) })
	api := r.Group("/api/v1")
	api.GET("/authors/:id", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{}) })
	r.GET("/panic", func(c *gin.Context) { panic("a bug in a handler") })

	// r.Run(addr) works too; serve adds a graceful stop that closes d.
	serve(r, d.Close)
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
