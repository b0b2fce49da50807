// Command nethttp is a small book service on net/http's ServeMux with the
// Go Monitoring Dashboard bound to it: run it and open /dashboard.
//
//	go run ./examples/nethttp
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

	"github.com/go-monitoring-dashboard/dashboard"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"id":%q}`, r.PathValue("id"))
	})
	mux.HandleFunc("POST /books", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	mux.HandleFunc("GET /authors/{id}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "{}") })
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("a bug in a handler") })

	d := dashboard.Bind(mux)
	// Routes ServeMux has not served yet are listed once declared.
	d.DeclareEndpoint("GET /authors/{id}", "GET")

	serve(d, func(ctx context.Context) error { return d.Close(ctx) })
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
