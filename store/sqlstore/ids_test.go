package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

// TestIDCacheIsBounded sends the store more names than its ids cache
// holds, the way clients can (made-up methods through Record, test names
// in CI uploads), and checks that the cache stays at its bound and that
// names it forgot are still written to the rows they had.
func TestIDCacheIsBounded(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.OpenFile(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const max = 50
	sqlstore.SetMaxIDs(s, max)
	now := time.Now()
	for i := range 4 {
		var reqs []store.Request
		for j := range 40 {
			reqs = append(reqs, store.Request{Service: "s", Instance: "i", Endpoint: fmt.Sprintf("GET /e%d", j%7),
				Method: fmt.Sprintf("M%d", i*40+j), Status: 200, Start: now, Version: "v"})
		}
		if err := s.Write(ctx, &store.Batch{Requests: reqs}); err != nil {
			t.Fatal(err)
		}
		run := &store.CIRun{Service: "s", RunID: fmt.Sprint("run", i), Hash: "h", Version: "v"}
		for j := range 40 {
			run.Tests = append(run.Tests, store.CITest{Package: "p", Name: fmt.Sprintf("Test%d", i*40+j), Outcome: store.CIPass})
		}
		if _, err := s.SaveCIRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		if n := sqlstore.CachedIDs(s); n > max {
			t.Fatalf("after %d batches the ids cache holds %d entries, want at most %d", i+1, n, max)
		}
	}
	// Written again once forgotten: same endpoint rows, no duplicate methods.
	if err := s.Write(ctx, &store.Batch{Requests: []store.Request{{Service: "s", Instance: "i", Endpoint: "GET /e0",
		Method: "M0", Status: 200, Start: now, Version: "v"}}}); err != nil {
		t.Fatal(err)
	}
	eps, err := s.Endpoints(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	methods := 0
	for _, e := range eps {
		methods += len(e.Methods)
	}
	if len(eps) != 7 || methods != 160 {
		t.Errorf("%d endpoints with %d methods, want 7 with 160", len(eps), methods)
	}
}
