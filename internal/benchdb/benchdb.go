// Package benchdb makes and opens the benchmarks' database: the demo's
// book shop with a million requests over 30 days, 7 endpoints, 4 versions
// and 300 users, in SQLite. It is made once (about ten seconds) into
// GMD_BENCH_DIR, or the temporary directory, and kept there; its file name
// changes with what is generated. The query and web benchmarks read it.
package benchdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/demo"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

const (
	Requests = 1_000_000
	Users    = 300
	Days     = 30
	Service  = "bookshop"
	// Endpoint is the busiest endpoint, about 300,000 of the requests.
	Endpoint = "GET /books/{id}"
	// Zone is the time zone the benchmarks present the data in.
	Zone = "Europe/Amsterdam"

	file = "gmd-bench-1m-v2.db"
)

// End is the moment the history ends: the benchmarks' "now".
func End() time.Time { return time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC) }

// Path returns the database's file, making it first if needed.
func Path(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("GMD_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, file)
	if _, err := os.Stat(path); err == nil {
		return path
	} else if !errors.Is(err, os.ErrNotExist) {
		tb.Fatal(err)
	}
	if err := make1M(path); err != nil {
		tb.Fatalf("making the benchmark database: %v", err)
	}
	return path
}

// Open opens the database (see Path), closed when tb ends.
func Open(tb testing.TB) store.Store {
	tb.Helper()
	s, err := sqlite.OpenFile(context.Background(), Path(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// make1M writes the database next to path under a name of this process's
// own, then moves it into place: benchmarks of several packages may run
// at once.
func make1M(path string) error {
	tmp := path + ".part" + strconv.Itoa(os.Getpid())
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	s, err := sqlite.OpenFile(context.Background(), tmp)
	if err != nil {
		return err
	}
	o := demo.WorldOptions{Users: Users, Days: Days, End: End(), Seed: 1, Loc: time.UTC, PerHour: 1}
	unit := demo.NewWorld(o)
	o.PerHour = Requests / unit.Expected(unit.Start, unit.End)
	sum, err := demo.Backfill(context.Background(), s, demo.NewWorld(o), demo.BackfillOptions{Seed: 1})
	if err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "made %s: %d requests in %v\n", path, sum.Requests, sum.Elapsed.Round(time.Millisecond))
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	return os.Rename(tmp, path)
}
