package demo

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Handler returns the live book shop: every endpoint of w, taking the time
// and failing as often as the World says for the live version. The user
// comes from the X-User header (the dashboard's GroupBy reads it too).
func (w *World) Handler() http.Handler {
	mux := http.NewServeMux()
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for i := range w.endpoints {
		ep := &w.endpoints[i]
		mux.HandleFunc(ep.Name(), func(rw http.ResponseWriter, r *http.Request) {
			u := w.user(r.Header.Get("X-User"))
			if ep.pattern == "/users/{id}/history" {
				if u = w.user(r.PathValue("id")); u == nil {
					http.Error(rw, "no such user", http.StatusNotFound)
					return
				}
			}
			mu.Lock()
			d, status := w.outcome(rng, ep, u, time.Now(), w.Live())
			mu.Unlock()
			if !wait(r.Context(), d) {
				return
			}
			if status >= 400 {
				http.Error(rw, http.StatusText(status), status)
				return
			}
			rw.Header().Set("Content-Type", "application/json")
			rw.WriteHeader(status)
			body := map[string]any{"endpoint": ep.Name(), "version": w.Live()}
			if u != nil && ep.pattern == "/users/{id}/history" {
				body["items"] = w.items(u, time.Now())
			}
			json.NewEncoder(rw).Encode(body)
		})
	}
	return mux
}

// wait sleeps for d unless the request is cancelled first.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// traffic sends about rate requests per second to base until ctx ends,
// each from a simulated user and address (X-User, X-Forwarded-For). It
// bounds the requests in flight, so a slow shop slows the traffic instead
// of piling up goroutines, and returns when they have all finished.
func (w *World) traffic(ctx context.Context, base string, rate float64, client *http.Client) {
	if rate <= 0 {
		return
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	inFlight := make(chan struct{}, 64)
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		c := w.draw(rng, time.Now(), w.Live())
		select {
		case inFlight <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-inFlight }()
			send(ctx, client, base, c)
		}()
	}
}

func send(ctx context.Context, client *http.Client, base string, c call) {
	req, err := http.NewRequestWithContext(ctx, c.ep.method, base+c.path, nil)
	if err != nil {
		return
	}
	if c.user != nil {
		req.Header.Set("X-User", c.user.Name)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	resp, err := client.Do(req)
	if err != nil {
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
