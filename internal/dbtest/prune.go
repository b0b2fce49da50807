package dbtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/retention"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// testPruneWhileWriting: two instances write new rows while two pruners
// (one per instance, as in production) delete old ones in small batches.
// Nothing fails or deadlocks, every new row stays and every old one goes.
func testPruneWhileWriting(t *testing.T, srv Server) {
	ctx := context.Background()
	s, _ := srv.Open(t)
	now := time.Now()
	old := now.Add(-100 * retention.Day)
	const oldRows, writers, batches, per = 3000, 2, 20, 50
	var reqs []store.Request
	for i := range oldRows {
		reqs = append(reqs, store.Request{Service: "svc", Instance: fmt.Sprintf("i%d", i%writers), Endpoint: fmt.Sprintf("GET /e%d", i%7),
			Method: "GET", Status: 200, Start: old.Add(time.Duration(i) * time.Second), Duration: time.Millisecond, Version: "v1"})
	}
	for i := 0; i < len(reqs); i += 500 {
		if err := s.Write(ctx, &store.Batch{Requests: reqs[i:min(i+500, len(reqs))]}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches+2)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				var batch []store.Request
				for i := range per {
					batch = append(batch, store.Request{Service: "svc", Instance: fmt.Sprintf("i%d", w), Endpoint: fmt.Sprintf("GET /e%d", i%7),
						Method: "GET", Status: 200, Start: now.Add(time.Duration(b*per+i) * time.Millisecond), Duration: time.Millisecond, Version: "v1"})
				}
				if err := s.Write(ctx, &store.Batch{Requests: batch}); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
				}
			}
		})
	}
	for range 2 {
		p := retention.Start(s, retention.Options{Raw: 90 * retention.Day, Rollups: 90 * retention.Day, Now: func() time.Time { return now },
			Batch: 100, Pause: time.Millisecond, First: time.Hour})
		wg.Go(func() {
			if err := p.Round(ctx); err != nil {
				errs <- fmt.Errorf("pruning: %w", err)
			}
		})
		defer p.Close()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM gmd_requests WHERE start_us < ?`, now.Add(-90*retention.Day).UnixMicro()); n != 0 {
		t.Errorf("%d old rows left", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM gmd_requests`); n != writers*batches*per {
		t.Errorf("%d rows, want the %d new ones", n, writers*batches*per)
	}
	if n := count(t, s, `SELECT COALESCE(SUM(hits), 0) FROM gmd_rollups`); n != writers*batches*per {
		t.Errorf("rollups count %d requests, want the %d new ones", n, writers*batches*per)
	}
}
