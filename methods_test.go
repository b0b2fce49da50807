package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// TestMadeUpMethodsAreRecordedAsOther sends what a scanner can: requests
// with made-up methods. They must add one method name, not one each, to
// the endpoints, while methods the service's routes declare keep theirs.
func TestMadeUpMethodsAreRecordedAsOther(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("PROPFIND /dav/", func(http.ResponseWriter, *http.Request) {})
	s := memStore(t)
	d := mustNew(t, mux, Config{Store: s})
	d.DeclareEndpoint("brew", "BREW")
	for i := range 200 {
		for _, path := range []string{"/nope", "/books/1", "/dav/x"} {
			d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(fmt.Sprint("M", i), path, nil))
		}
		d.Record(Sample{Endpoint: "brew", Method: fmt.Sprint("R", i)})
	}
	d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("PROPFIND", "/dav/x", nil))
	d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/books/1", nil))
	d.Record(Sample{Endpoint: "brew", Method: "BREW"})
	mustClose(t, d)

	eps, err := s.Endpoints(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, e := range eps {
		got[e.Name] = e.Methods
	}
	want := map[string][]string{
		Unmatched:         {"_OTHER"},
		"GET /books/{id}": {"GET"},
		"PROPFIND /dav/":  {"PROPFIND"},
		"brew":            {"BREW", "_OTHER"},
	}
	for name, methods := range want {
		if !slices.Equal(got[name], methods) {
			t.Errorf("%s has methods %q, want %q", name, got[name], methods)
		}
	}
	rows := rowsOf(t, s, store.RequestFilter{Service: "svc"})
	names := map[string]int{}
	for _, r := range rows {
		names[r.Method]++
	}
	if len(rows) != 4*200+3 || names["_OTHER"] != 4*200 || len(names) != 4 {
		t.Errorf("%d rows with methods %v, want %d with 800 _OTHER, PROPFIND, GET and BREW", len(rows), names, 4*200+3)
	}
}
