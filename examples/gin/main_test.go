package main

import (
	"testing"

	"github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/exampletest"
)

func TestExample(t *testing.T) {
	s := exampletest.Start(t)
	s.Run(t, []exampletest.Request{
		exampletest.Req("GET", "/books/1", 200, "GET /books/:id"),
		exampletest.Req("POST", "/books", 201, "POST /books"),
		exampletest.Req("GET", "/books/2", 200, "GET /books/:id"),
		exampletest.Req("GET", "/nope", 404, dashboard.Unmatched),
		exampletest.Req("DELETE", "/books/1", 404, dashboard.Unmatched), // gin answers 404 unless HandleMethodNotAllowed
		exampletest.Req("GET", "/panic", 500, "GET /panic"),             // gin's Recovery
	})
	s.CheckEndpoints(t, map[string]exampletest.Endpoint{
		"GET /books/:id":          {Methods: []string{"GET"}, Hits: 2},
		"POST /books":             {Methods: []string{"POST"}, Hits: 1},
		"GET /api/v1/authors/:id": {Methods: []string{"GET"}}, // never requested
		"GET /panic":              {Methods: []string{"GET"}, Hits: 1, Errors: 1},
		dashboard.Unmatched:       {Methods: []string{"DELETE", "GET"}, Hits: 2},
	})
	// Written by Close, after the service stopped.
	s.Do(t, exampletest.Req("GET", "/api/v1/authors/7", 200, "GET /api/v1/authors/:id"))
	s.Stop(t)
}
