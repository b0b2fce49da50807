package main

import (
	"testing"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/exampletest"
)

func TestExample(t *testing.T) {
	s := exampletest.Start(t)
	for _, q := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/books/1", 200},
		{"POST", "/books", 201},
		{"GET", "/nope", 404},
		{"DELETE", "/books/1", 405},
		{"GET", "/panic", 500}, // chi's Recoverer
		{"GET", "/dashboard/", -1},
	} {
		// -1: the dashboard's pages, whatever they answer; they
		// must not be recorded.
		if got := s.Do(t, q.method, q.path); got != q.want && q.want != -1 {
			t.Errorf("%s %s: %d, want %d", q.method, q.path, got, q.want)
		}
	}
	rows, eps := s.Stop(t)
	exampletest.Check(t, rows, [][2]any{
		{"GET /books/{id}", 200}, {"POST /books", 201}, {dashboard.Unmatched, 404},
		{dashboard.Unmatched, 405}, {"GET /panic", 500},
	})
	if e, ok := eps["GET /api/v1/authors/{id}"]; !ok || !e.LastRequested.IsZero() {
		t.Errorf("route never requested is not listed: %+v, %v", e, ok)
	}
	if _, ok := eps[dashboard.Unmatched]; !ok {
		t.Errorf("no %s endpoint in %v", dashboard.Unmatched, eps)
	}
}
