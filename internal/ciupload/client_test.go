package ciupload

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestEndpoint(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{"https://svc.example.com/dashboard", "https://svc.example.com/dashboard/api/upload", ""},
		{"https://svc.example.com/dashboard/", "https://svc.example.com/dashboard/api/upload", ""},
		{"http://127.0.0.1:8080/x/dashboard/api/upload", "http://127.0.0.1:8080/x/dashboard/api/upload", ""},
		{"svc.example.com/dashboard", "", "want the dashboard's address"},
		{"ftp://svc/dashboard", "", "want the dashboard's address"},
		{"https://admin:" + token + "@svc/dashboard", "", "not in the URL"},
	}
	for _, c := range cases {
		got, err := Endpoint(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), token) {
				t.Errorf("Endpoint(%q) error %v, want one saying %q without the token", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Endpoint(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestClientRetries: answers that may pass on a retry are retried, with
// the same run id, until the dashboard takes the run.
func TestClientRetries(t *testing.T) {
	s := memStore(t)
	h := &Handler{Store: s, Service: "svc", Token: token}
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			http.Error(w, "starting up", http.StatusServiceUnavailable)
		case 2:
			// Store the run but lose the answer, as a dropped
			// connection would.
			h.ServeHTTP(httptest.NewRecorder(), r)
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
		default:
			h.ServeHTTP(w, r)
		}
	}))
	defer srv.Close()
	var log strings.Builder
	c := &Client{URL: srv.URL + "/dashboard", Token: token, Backoff: time.Millisecond,
		Logf: func(f string, a ...any) { log.WriteString(strings.TrimSpace(f) + "\n") }}
	p := validPayload()
	p.RunID = p.Hash()
	a, err := c.Upload(context.Background(), p)
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if calls.Load() != 3 || a.Created {
		t.Errorf("%d calls, created %v; want 3 calls, the third finding the run stored", calls.Load(), a.Created)
	}
	if strings.Count(log.String(), "\n") != 2 {
		t.Errorf("attempts logged:\n%s", log.String())
	}
	var tests int
	s.CITests(context.Background(), store.CIFilter{}, func(*store.CITest) error { tests++; return nil })
	if tests != len(p.Tests) {
		t.Errorf("%d tests stored, want %d", tests, len(p.Tests))
	}
}

func TestClientErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	cases := []struct {
		name    string
		handler http.Handler // nil: closed server
		calls   int32
		want    string
	}{
		{"refused upload is not retried", &Handler{Store: memStore(t), Service: "svc", Token: "another-token-0123456789"}, 1, "refused the upload: 401"},
		{"disabled uploads", &Handler{Store: memStore(t), Service: "svc"}, 1, "uploads are disabled"},
		{"wrong address", http.NotFoundHandler(), 1, "is --url the dashboard's address"},
		{"not a dashboard", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>") }), 1, "something other than an upload answer"},
		{"always unavailable", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
		}), 3, "failed 3 times: 502"},
		{"no server", nil, 0, "failed 3 times"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int32
			url := closedURL
			if c.handler != nil {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					c.handler.ServeHTTP(w, r)
				}))
				defer srv.Close()
				url = srv.URL
			}
			cl := &Client{URL: url + "/dashboard", Token: token, Attempts: 3, Backoff: time.Millisecond}
			_, err := cl.Upload(context.Background(), validPayload())
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error shows the token: %v", err)
			}
			if calls.Load() != c.calls {
				t.Errorf("%d calls, want %d", calls.Load(), c.calls)
			}
		})
	}
}

func TestClientStopsWithContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c := &Client{URL: srv.URL, Token: token, Attempts: 100, Backoff: time.Hour}
	start := time.Now()
	_, err := c.Upload(ctx, validPayload())
	if err == nil || time.Since(start) > 10*time.Second {
		t.Errorf("Upload with a short context: %v after %v", err, time.Since(start))
	}
}

func TestClientRefusesOversized(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	p := validPayload()
	for i := 0; len(p.Tests) < 250000; i++ {
		p.Tests = append(p.Tests, Test{Package: strings.Repeat("p", 100), Name: "TestMany", Run: i, Outcome: "pass"})
	}
	_, err := (&Client{URL: srv.URL, Token: token}).Upload(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "over the dashboard's limit") || calls.Load() != 0 {
		t.Errorf("oversized upload: %v after %d calls", err, calls.Load())
	}
}
