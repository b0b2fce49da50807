package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/go-monitoring-dashboard/dashboard"
)

// demo serves a small book-shop API wrapped by the dashboard, and sends it
// traffic from a few simulated users, so that there is something to look at.
func demo(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	db := fs.String("db", "sqlite:///gmd-demo.db", "database URL")
	rate := fs.Int("rate", 20, "generated requests per second")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := dashboard.New(shop(), dashboard.Config{
		Database: *db, AppVersion: "demo-1.0",
		GroupBy: func(r *http.Request) string { return r.Header.Get("X-User") },
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		d.Close(ctx)
		return err
	}
	srv := &http.Server{Handler: d, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(out, "demo service on %s (try %s/books/1), recording into %s\n", base, base, *db)

	go traffic(ctx, base, *rate)
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			s := d.Stats()
			fmt.Fprintf(out, "recorded %d requests (dropped %d)\n", s.Written, s.DroppedQueue+s.DroppedStore)
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(srv.Shutdown(shutdown), d.Close(shutdown))
}

type book struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
}

// shop is the sample service: endpoints of different speeds.
func shop() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(5+rand.IntN(10)) * time.Millisecond)
		json.NewEncoder(w).Encode([]book{{1, "Go"}, {2, "SQL"}})
	})
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(1+rand.IntN(3)) * time.Millisecond)
		if rand.IntN(20) == 0 {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		json.NewEncoder(w).Encode(book{1, "Go"})
	})
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(20+rand.IntN(40)) * time.Millisecond)
		if rand.IntN(50) == 0 {
			http.Error(w, "payment service unavailable", http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	return mux
}

func traffic(ctx context.Context, base string, rate int) {
	users := []string{"alice", "bob", "carol", "dave", "erin"}
	paths := []struct{ method, path string }{
		{"GET", "/books"}, {"GET", "/books/1"}, {"GET", "/books/2"}, {"POST", "/orders"}, {"GET", "/missing"},
	}
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(time.Second / time.Duration(max(1, rate)))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		p := paths[rand.IntN(len(paths))]
		req, _ := http.NewRequestWithContext(ctx, p.method, base+p.path, nil)
		req.Header.Set("X-User", users[rand.IntN(len(users))])
		if resp, err := client.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}
