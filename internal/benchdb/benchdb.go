// Package benchdb makes and opens the benchmarks' databases: one pinned
// shape of traffic (see Shape) at a million and at ten million requests,
// in SQLite. Each is made once into GMD_BENCH_DIR, or the temporary
// directory, and kept there. Its file name carries the generator's version
// and the schema's, so a change of either makes a new file; a lock beside
// it lets test processes that start together make it once. The query and
// web benchmarks, and the service-first benchmark of the root package,
// read them.
//
// The ten-million database takes minutes to make and about 2.5 GB of disk:
// the benchmarks use it only when GMD_BENCH_10M=1 (see Sizes).
package benchdb

import (
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

// Sizes of the databases, in requests.
const (
	M1  = 1_000_000
	M10 = 10_000_000
)

// Requests is the size Open and Path make: a million.
const Requests = M1

const (
	// Service is the service every request belongs to.
	Service = "bookshop"
	// Endpoint is the busiest endpoint, about a fifth of the requests.
	Endpoint = "GET /books/{id}"
	// Zone is the time zone the benchmarks present the data in.
	Zone = "Europe/Amsterdam"
)

// generator is the version of what Fill writes. Bump it whenever the
// shape or the way rows are written changes: cached databases of another
// version are then made anew.
const generator = 3

// End is the moment the history ends: the benchmarks' "now".
func End() time.Time { return time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC) }

// Sizes lists the sizes a benchmark runs at: a million, and ten million
// too when the environment variable GMD_BENCH_10M is 1.
func Sizes() []int {
	if os.Getenv("GMD_BENCH_10M") == "1" {
		return []int{M1, M10}
	}
	return []int{M1}
}

// Label names a size the way the benchmarks' names do: "1M", "10M".
func Label(rows int) string {
	if rows%1_000_000 == 0 {
		return strconv.Itoa(rows/1_000_000) + "M"
	}
	if rows%1000 == 0 {
		return strconv.Itoa(rows/1000) + "k"
	}
	return strconv.Itoa(rows)
}

// Path returns the million-request database's file, making it first if
// needed.
func Path(tb testing.TB) string { tb.Helper(); return PathOf(tb, M1) }

// Open opens the million-request database (see Path), closed when tb ends.
func Open(tb testing.TB) store.Store { tb.Helper(); return OpenOf(tb, M1) }

// OpenOf opens the database of the given size (see PathOf), closed when
// tb ends.
func OpenOf(tb testing.TB, rows int) store.Store {
	tb.Helper()
	s, err := sqlite.OpenFile(context.Background(), PathOf(tb, rows))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// PathOf returns the file of the database of the given size, making it
// first if needed (and logging how long that took).
func PathOf(tb testing.TB, rows int) string {
	tb.Helper()
	path, made, err := ensure(rows, os.Stderr)
	if err != nil {
		tb.Fatalf("benchdb: %v", err)
	}
	if made > 0 {
		tb.Logf("benchdb: made %s (%d requests) in %v", path, rows, made.Round(time.Second))
	}
	return path
}

// Dir is where the databases are kept: GMD_BENCH_DIR, or the temporary
// directory.
func Dir() string {
	if dir := os.Getenv("GMD_BENCH_DIR"); dir != "" {
		return dir
	}
	return os.TempDir()
}

// File is the name of the database of the given size: it changes with the
// generator's version and with the schema's, so that a database made by an
// older generator or migrated from an older schema is never measured.
func File(rows int) string {
	return fmt.Sprintf("gmd-bench-%s-g%d-s%s.db", Label(rows), generator, schemaVersion())
}

// schemaVersion is the number of the newest migration this build knows and
// a hash of the migrations' names: two branches that each add a migration
// of the same number do not share a database.
func schemaVersion() string {
	migs, err := sqlstore.LoadMigrations(sqlstore.MigrationFiles())
	if err != nil || len(migs) == 0 {
		panic(fmt.Sprintf("benchdb: reading the migrations: %v", err)) // embedded: cannot happen
	}
	h := crc32.NewIEEE()
	for _, m := range migs {
		fmt.Fprintf(h, "%d %s\n", m.Version, m.Name)
	}
	return fmt.Sprintf("%d-%08x", migs[len(migs)-1].Version, h.Sum32())
}

// ensure returns the database's path, making it when missing. Processes
// that start together (go test runs packages in parallel) wait on a lock
// file beside it, so one of them makes it and the others open it after.
// made is how long making it took, zero when it was there.
func ensure(rows int, log io.Writer) (path string, made time.Duration, err error) {
	dir := Dir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, err
	}
	path = filepath.Join(dir, File(rows))
	if exists(path) {
		return path, 0, nil
	}
	unlock, err := lock(path + ".lock")
	if err != nil {
		return "", 0, fmt.Errorf("locking %s: %w", path, err)
	}
	defer unlock()
	if exists(path) { // made by another process while this one waited
		return path, 0, nil
	}
	fmt.Fprintf(log, "benchdb: making %s (%d requests), once\n", path, rows)
	began := time.Now()
	if err := build(path, rows); err != nil {
		return "", 0, fmt.Errorf("making %s: %w", path, err)
	}
	made = time.Since(began)
	fmt.Fprintf(log, "benchdb: made %s (%d requests) in %v\n", path, rows, made.Round(time.Second))
	return path, made, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// build writes the database under a name of this process's own, then
// moves it into place, so that a half-made file is never opened.
func build(path string, rows int) error {
	tmp := path + ".part" + strconv.Itoa(os.Getpid())
	clean := func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	}
	clean()
	s, err := sqlite.OpenFile(context.Background(), tmp)
	if err != nil {
		return err
	}
	if err := Fill(context.Background(), s, rows); err != nil {
		s.Close()
		clean()
		return err
	}
	// A running dashboard folds closed days into daily rollups and totals
	// in the background (internal/retention); a database made in one go
	// gets them here, as a service that has run for the whole history.
	for {
		ok, err := s.DeriveDay(context.Background(), End())
		if err != nil {
			s.Close()
			clean()
			return err
		}
		if !ok {
			break
		}
	}
	if err := s.Close(); err != nil {
		clean()
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	return os.Rename(tmp, path)
}
