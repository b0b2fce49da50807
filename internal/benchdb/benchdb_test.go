package benchdb

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// TestFillShape writes a small history of the pinned shape and checks it
// through the store: the count, the endpoints, versions, instances, users,
// addresses and errors, that rows are in time order by the hour, and that the rollups
// agree with the rows.
func TestFillShape(t *testing.T) {
	rows := 30_000
	if raceEnabled {
		rows = 3000
	}
	ctx := context.Background()
	s, err := sqlite.OpenFile(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := Fill(ctx, s, rows); err != nil {
		t.Fatal(err)
	}

	eps, err := s.Endpoints(ctx, Service)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != Endpoints {
		t.Errorf("%d endpoints, want %d", len(eps), Endpoints)
	}
	vers, err := s.Versions(ctx, Service)
	if err != nil {
		t.Fatal(err)
	}
	if len(vers) != Versions {
		t.Errorf("%d versions, want %d", len(vers), Versions)
	}

	var n, errs int
	var last time.Time
	var lastID int64
	instances, users, ips, byEndpoint := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]int{}
	err = s.Requests(ctx, store.RequestFilter{Service: Service}, func(r *store.Request) error {
		n++
		// The instances' batches interleave within an hour, never across.
		if store.HourOf(r.Start).Before(store.HourOf(last)) {
			t.Fatalf("request %d starts at %v, an hour before one written before it (%v)", r.ID, r.Start, last)
		}
		if r.ID <= lastID {
			t.Fatalf("ids not increasing: %d after %d", r.ID, lastID)
		}
		last, lastID = r.Start, r.ID
		if r.Start.Before(Start()) || !r.Start.Before(End()) {
			t.Fatalf("request at %v, outside [%v, %v)", r.Start, Start(), End())
		}
		if r.Status >= 500 {
			errs++
		}
		instances[r.Instance] = true
		ips[r.IP] = true
		if r.Group != "" {
			users[r.Group] = true
		}
		byEndpoint[r.Endpoint]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != rows {
		t.Errorf("%d rows, want %d", n, rows)
	}
	if len(instances) != Instances {
		t.Errorf("%d instances, want %d", len(instances), Instances)
	}
	if !raceEnabled { // enough rows for the shares
		// The skewed draws reach most users and addresses even at 30k.
		if len(users) < Users*8/10 || len(users) > Users {
			t.Errorf("%d users, want most of %d", len(users), Users)
		}
		if len(ips) < Addresses*9/10 || len(ips) > Addresses {
			t.Errorf("%d addresses, want most of %d", len(ips), Addresses)
		}
		if rate := float64(errs) / float64(n); rate < ErrorRate*0.7 || rate > ErrorRate*1.3 {
			t.Errorf("5xx rate %.4f, want about %.3f", rate, ErrorRate)
		}
		if share := float64(byEndpoint[Endpoint]) / float64(n); share < 0.15 || share > 0.35 {
			t.Errorf("%s has %.2f of the requests, want the busiest share (about a quarter)", Endpoint, share)
		}
	}

	sums, err := s.SumRollups(ctx, store.SumFilter{Service: Service, By: store.ByEndpoint})
	if err != nil {
		t.Fatal(err)
	}
	var rolled, rolledErrs int64
	for _, r := range sums {
		rolled += r.Count
		rolledErrs += r.Errors
		if int(r.Count) != byEndpoint[r.Endpoint] {
			t.Errorf("%s: rollups count %d, rows %d", r.Endpoint, r.Count, byEndpoint[r.Endpoint])
		}
	}
	if rolled != int64(rows) || rolledErrs != int64(errs) {
		t.Errorf("rollups count %d requests and %d errors, rows %d and %d", rolled, rolledErrs, rows, errs)
	}
}

// TestFillSame checks that Fill writes the same rows every time, which is
// what lets a cached database stand for the generator's version.
func TestFillSame(t *testing.T) {
	ctx := context.Background()
	var got [2][]store.Request
	for i := range got {
		s, err := sqlite.OpenFile(ctx, ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		if err := Fill(ctx, s, 3000); err != nil {
			t.Fatal(err)
		}
		err = s.Requests(ctx, store.RequestFilter{}, func(r *store.Request) error {
			got[i] = append(got[i], *r)
			return nil
		})
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(got[0]) != 3000 || len(got[0]) != len(got[1]) {
		t.Fatalf("%d and %d rows, want 3000 each", len(got[0]), len(got[1]))
	}
	for i := range got[0] {
		a, b := got[0][i], got[1][i]
		if a.Start != b.Start || a.Endpoint != b.Endpoint || a.Duration != b.Duration || a.Group != b.Group || a.Status != b.Status {
			t.Fatalf("row %d differs: %+v and %+v", i, a, b)
		}
	}
}

// TestEnsureOnce asks for one database from several goroutines at once:
// one makes it, the others wait on the lock and find it made, and every
// caller gets the same file, with no part files left behind.
func TestEnsureOnce(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GMD_BENCH_DIR", dir)
	const rows = 2000
	var wg sync.WaitGroup
	var mu sync.Mutex
	var builds int
	paths := map[string]bool{}
	for range 4 {
		wg.Go(func() {
			var log strings.Builder
			path, made, err := ensure(rows, &log)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			paths[path] = true
			if made > 0 {
				builds++
			}
		})
	}
	wg.Wait()
	if builds != 1 || len(paths) != 1 {
		t.Fatalf("%d builds and paths %v, want one build and one path", builds, paths)
	}
	for p := range paths {
		if filepath.Base(p) != File(rows) {
			t.Errorf("path %s, want the file %s", p, File(rows))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".part") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestFileNameKeys(t *testing.T) {
	name := File(M10)
	for _, want := range []string{"10M", "-g", "-s"} {
		if !strings.Contains(name, want) {
			t.Errorf("File(M10) = %q, want it to contain %q", name, want)
		}
	}
	if File(M1) == File(M10) {
		t.Errorf("the two sizes share a file name %q", File(M1))
	}
}

// TestBuild makes the benchmark databases ahead of the benchmarks, and
// says how long each took, when GMD_BENCH_BUILD=1 (with GMD_BENCH_10M=1
// for the ten-million one too):
//
//	GMD_BENCH_BUILD=1 GMD_BENCH_10M=1 go test -run TestBuild -v -timeout 2h ./internal/benchdb/
func TestBuild(t *testing.T) {
	if os.Getenv("GMD_BENCH_BUILD") != "1" {
		t.Skip("set GMD_BENCH_BUILD=1 to make the benchmark databases")
	}
	for _, rows := range Sizes() {
		path := PathOf(t, rows)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d MB", path, fi.Size()>>20)
	}
}
