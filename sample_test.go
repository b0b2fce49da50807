package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// TestRawSampleRate: with RAW_SAMPLE_RATE=10 a level-1 endpoint keeps one
// raw row in ten, its 5xx rows all, and the rollups count every request;
// an endpoint at level 2 keeps every row.
func TestRawSampleRate(t *testing.T) {
	s := memStore(t)
	mux := booksMux()
	mux.HandleFunc("GET /fail", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
	mux.HandleFunc("GET /watched", func(w http.ResponseWriter, r *http.Request) {})
	d := mustNew(t, mux, Config{Store: s, Settings: map[string]string{"RAW_SAMPLE_RATE": "10"}})
	d.DeclareEndpoint("GET /watched", "GET")
	if err := d.SetLevel(context.Background(), "GET /watched", store.LevelOutliers); err != nil {
		t.Fatal(err)
	}
	serve := func(path string, n int) {
		for i := range n {
			d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", fmt.Sprintf(path, i), nil))
		}
	}
	serve("/books/%d", 1000)
	serve("/fail?%d", 30)
	serve("/watched?%d", 40)
	d.Record(Sample{Endpoint: "GET /books/{id}", Method: "GET", Status: 200}) // by hand: sampled too
	mustClose(t, d)

	raw := map[string]int{}
	for _, r := range rowsOf(t, s, store.RequestFilter{}) {
		raw[r.Endpoint]++
	}
	sums, err := s.SumRollups(context.Background(), store.SumFilter{Service: "svc", By: store.ByEndpoint})
	if err != nil {
		t.Fatal(err)
	}
	counted := map[string]int64{}
	for _, r := range sums {
		counted[r.Endpoint] = r.Count
	}
	if raw["GET /books/{id}"] != 100 {
		t.Errorf("GET /books/{id}: %d raw rows of 1001 requests, want 100 (one in ten)", raw["GET /books/{id}"])
	}
	if raw["GET /fail"] != 30 || raw["GET /watched"] != 40 {
		t.Errorf("raw rows %v: want every 5xx (30) and every request of the level-2 endpoint (40)", raw)
	}
	if counted["GET /books/{id}"] != 1001 || counted["GET /fail"] != 30 || counted["GET /watched"] != 40 {
		t.Errorf("rollups count %v, want every request: 1001, 30 and 40", counted)
	}
}

// TestRawSampleRateOff: the default keeps every row.
func TestRawSampleRateOff(t *testing.T) {
	s := memStore(t)
	d := mustNew(t, booksMux(), Config{Store: s})
	for i := range 50 {
		d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", fmt.Sprintf("/books/%d", i), nil))
	}
	mustClose(t, d)
	if n := len(rowsOf(t, s, store.RequestFilter{})); n != 50 {
		t.Errorf("%d rows, want 50", n)
	}
}
