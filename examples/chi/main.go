// Command chi is a small book service on a chi router with the Go
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

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	dashchi "github.com/go-monitoring-dashboard/dashboard/adapter/chi"
)

func main() {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Get("/books/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"id":%q}`, chi.URLParam(r, "id"))
	})
	r.Post("/books", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	r.Route("/api/v1", func(api chi.Router) {
		api.Get("/authors/{id}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{}") })
	})
	r.Get("/panic", func(w http.ResponseWriter, r *http.Request) { panic("a bug in a handler") })

	d := dashchi.Bind(r) // after the routes: every one is listed
	serve(d, d.Close)
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
