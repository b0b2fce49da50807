package dbtest

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/retention"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

func migrationCount(t testing.TB) int {
	t.Helper()
	migs, err := sqlstore.LoadMigrations(sqlstore.MigrationFiles())
	if err != nil {
		t.Fatal(err)
	}
	return len(migs)
}

func count(t testing.TB, s *sqlstore.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), s.Dialect().Rebind(q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// testMigrationsRunOnce: instances that start together on an empty
// database all succeed, and each migration is applied once.
func testMigrationsRunOnce(t *testing.T, srv Server) {
	url := srv.NewDatabase(t)
	const n = 4
	stores := make([]*sqlstore.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			stores[i], errs[i] = srv.OpenWith(ctx, url, sqlstore.Options{})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	if got, want := count(t, stores[0], `SELECT COUNT(*) FROM gmd_migrations`), migrationCount(t); got != want {
		t.Errorf("gmd_migrations holds %d rows, want %d", got, want)
	}
	// Each works on the one schema.
	for i, s := range stores {
		r := store.Request{Service: "svc", Instance: "i", Endpoint: "GET /a", Method: "GET", Status: 200, Start: time.Now(), Version: "v"}
		if err := s.Write(context.Background(), &store.Batch{Requests: []store.Request{r}}); err != nil {
			t.Fatalf("instance %d writes: %v", i, err)
		}
	}
	if got := count(t, stores[0], `SELECT COUNT(*) FROM gmd_requests`); got != n {
		t.Errorf("%d rows, want %d", got, n)
	}
}

// testUpgradeFromVersion1 builds a database as version 1 of the schema
// left it, with data, and opens it with the current code: every row is
// still there and writing goes on.
func testUpgradeFromVersion1(t *testing.T, srv Server) {
	ctx := context.Background()
	url := srv.NewDatabase(t)
	old, err := srv.OpenWith(ctx, url, sqlstore.Options{UpTo: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := count(t, old, `SELECT COUNT(*) FROM gmd_migrations`); got != 1 {
		t.Fatalf("the old database has %d migrations, want 1", got)
	}
	hour := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	us := hour.UnixMicro()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := old.WriteDB().ExecContext(ctx, old.Dialect().Rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	id := func(table, name string) int64 {
		t.Helper()
		var id int64
		if err := old.DB().QueryRowContext(ctx, old.Dialect().Rebind(`SELECT id FROM `+table+` WHERE service = ? AND name = ?`), "svc", name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Version 1's schema, written by hand as that version wrote it.
	exec(`INSERT INTO gmd_endpoints (service, name, level, first_seen_us, last_requested_us) VALUES (?, ?, ?, ?, ?)`, "svc", "GET /a", 3, us, us+3_000_000)
	exec(`INSERT INTO gmd_endpoints (service, name, level, first_seen_us) VALUES (?, ?, ?, ?)`, "svc", "POST /b", 0, us)
	exec(`INSERT INTO gmd_versions (service, name, first_seen_us) VALUES (?, ?, ?)`, "svc", "v1", us)
	exec(`INSERT INTO gmd_instances (service, name, first_seen_us) VALUES (?, ?, ?)`, "svc", "host-1", us)
	ep, ver, inst := id("gmd_endpoints", "GET /a"), id("gmd_versions", "v1"), id("gmd_instances", "host-1")
	exec(`INSERT INTO gmd_endpoint_methods (endpoint_id, method) VALUES (?, ?)`, ep, "GET")
	durs := []int64{1000, 2000, 500000}
	for i, d := range durs {
		exec(`INSERT INTO gmd_requests (endpoint_id, version_id, instance_id, method, status, start_us, duration_us, grp, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ep, ver, inst, "GET", 200+i*150, us+int64(i+1)*1_000_000, d, "alice", "192.0.2.1")
	}
	exec(`INSERT INTO gmd_rollups (endpoint_id, hour_us, version_id, instance_id, hits, errors, s0, s1, s2, s3, s4, s5, sum_us, min_us, max_us) VALUES (?, ?, ?, ?, 3, 1, 0, 0, 1, 1, 0, 1, 503000, 1000, 500000)`, ep, us, ver, inst)
	want := store.Histogram{}
	for _, d := range durs {
		want.Add(time.Duration(d) * time.Microsecond)
	}
	for b, n := range want {
		exec(`INSERT INTO gmd_rollup_buckets (endpoint_id, hour_us, version_id, instance_id, bucket, hits) VALUES (?, ?, ?, ?, ?, ?)`, ep, us, ver, inst, b, n)
	}
	exec(`INSERT INTO gmd_counters (instance_id, name, value) VALUES (?, ?, ?)`, inst, store.CounterDroppedQueueFull, 5)
	old.Close()

	s, err := srv.OpenWith(ctx, url, sqlstore.Options{})
	if err != nil {
		t.Fatalf("upgrading: %v", err)
	}
	defer s.Close()
	if got, want := count(t, s, `SELECT COUNT(*) FROM gmd_migrations`), migrationCount(t); got != want {
		t.Errorf("after the upgrade gmd_migrations holds %d rows, want %d", got, want)
	}
	eps, err := s.Endpoints(ctx, "svc")
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 2 || eps[0].Name != "GET /a" || eps[0].Level != 3 || !slices.Equal(eps[0].Methods, []string{"GET"}) ||
		!eps[0].LastRequested.Equal(hour.Add(3*time.Second)) || eps[1].Name != "POST /b" || eps[1].Level != 0 {
		t.Errorf("endpoints after the upgrade: %+v", eps)
	}
	var rows []store.Request
	if err := s.Requests(ctx, store.RequestFilter{Service: "svc"}, func(r *store.Request) error {
		rows = append(rows, *r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows after the upgrade, want 3", len(rows))
	}
	for i, r := range rows {
		if r.Endpoint != "GET /a" || r.Version != "v1" || r.Instance != "host-1" || r.Status != 200+i*150 ||
			r.Duration != time.Duration(durs[i])*time.Microsecond || !r.Start.Equal(hour.Add(time.Duration(i+1)*time.Second)) ||
			r.Group != "alice" || r.IP != "192.0.2.1" {
			t.Errorf("row %d after the upgrade: %+v", i, r)
		}
	}
	cs, err := s.Counters(ctx, "svc")
	if err != nil || len(cs) != 1 || cs[0].Value != 5 {
		t.Errorf("counters after the upgrade: %+v, %v", cs, err)
	}
	// Migration 5 dates the instance's last request by its rollups: the
	// hour is all that version 1 kept.
	lastSeen := func(want time.Time) {
		t.Helper()
		ins, err := s.Instances(ctx, "svc")
		if err != nil || len(ins) != 1 || ins[0].Name != "host-1" || !ins[0].FirstSeen.Equal(hour) || !ins[0].LastSeen.Equal(want) {
			t.Errorf("instances: %+v, %v; want host-1 first seen %v, last seen %v", ins, err, hour, want)
		}
	}
	lastSeen(hour)
	// The current code adds to the old rollup.
	r := store.Request{Service: "svc", Instance: "host-1", Endpoint: "GET /a", Method: "GET", Status: 200,
		Start: hour.Add(30 * time.Minute), Duration: 4 * time.Millisecond, Version: "v1"}
	if err := s.Write(ctx, &store.Batch{Requests: []store.Request{r}}); err != nil {
		t.Fatal(err)
	}
	lastSeen(r.Start)
	want.Add(r.Duration)
	rus, err := s.Rollups(ctx, store.RollupFilter{Service: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rus) != 1 || rus[0].Count != 4 || rus[0].Errors != 1 || rus[0].Sum != 507*time.Millisecond ||
		rus[0].Min != time.Millisecond || rus[0].Max != 500*time.Millisecond || rus[0].Status != [6]int64{0, 0, 2, 1, 0, 1} {
		t.Fatalf("rollups after the upgrade and one more request: %+v", rus)
	}
	for b, n := range want {
		if rus[0].Hist[b] != n {
			t.Errorf("histogram bucket %d: %d, want %d", b, rus[0].Hist[b], n)
		}
	}
}

// testFailedMigrationResumes: a migration whose last statement fails. On
// databases with transactional schema changes nothing of it remains; on
// MySQL the statements before it stay, recorded, and the next start
// resumes after them, also when the failed statement's change was
// committed but not recorded (a crash at the wrong moment).
func testFailedMigrationResumes(t *testing.T, srv Server) {
	ctx := context.Background()
	url := srv.NewDatabase(t)
	files := func(third string) fs.FS {
		m := fstest.MapFS{}
		real := sqlstore.MigrationFiles()
		names, _ := fs.Glob(real, "*.sql")
		for _, n := range names {
			b, _ := fs.ReadFile(real, n)
			m[n] = &fstest.MapFile{Data: b}
		}
		m["9001_test.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE gmd_test_a (id {{int}} NOT NULL, note {{key}} NOT NULL) {{table}};\n" +
			"INSERT INTO gmd_test_a (id, note) VALUES (1, 'one');\n" + third + "\n")}
		return m
	}
	_, err := srv.OpenWith(ctx, url, sqlstore.Options{Migrations: files("CREATE TABLE gmd_test_b (id {{int}} NOT NULL,,) {{table}};")})
	if err == nil {
		t.Fatal("a broken migration was applied")
	}
	if !strings.Contains(err.Error(), "9001_test") {
		t.Errorf("error %q does not name the migration", err)
	}
	probe, err := srv.OpenWith(ctx, url, sqlstore.Options{UpTo: 9000})
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	stepwise := probe.Dialect().DDLCommits
	if stepwise {
		if _, err := srv.OpenWith(ctx, url, sqlstore.Options{Migrations: files("CREATE TABLE gmd_test_b (id {{int}} NOT NULL,,) {{table}};")}); err == nil ||
			!strings.Contains(err.Error(), "statement 3 of 3") || !strings.Contains(err.Error(), "resumes at statement 3") {
			t.Errorf("error %v: want it to say statement 3 of 3 failed and where the next start resumes", err)
		}
		if n := count(t, probe, `SELECT COUNT(*) FROM gmd_test_a`); n != 1 {
			t.Fatalf("gmd_test_a holds %d rows after the failure, want the 1 the recorded statement inserted", n)
		}
		// The fixed statement ran, but the process died before
		// recording it.
		if _, err := probe.WriteDB().ExecContext(ctx, "CREATE TABLE gmd_test_b (id BIGINT NOT NULL)"); err != nil {
			t.Fatal(err)
		}
	} else if _, err := probe.DB().ExecContext(ctx, "SELECT COUNT(*) FROM gmd_test_a"); err == nil {
		t.Fatal("gmd_test_a exists after its migration failed: the migration was not rolled back")
	}
	s, err := srv.OpenWith(ctx, url, sqlstore.Options{Migrations: files("CREATE TABLE gmd_test_b (id {{int}} NOT NULL) {{table}};")})
	if err != nil {
		t.Fatalf("the fixed migration: %v", err)
	}
	defer s.Close()
	if n := count(t, s, `SELECT COUNT(*) FROM gmd_test_a`); n != 1 {
		t.Errorf("gmd_test_a holds %d rows, want 1: a statement ran twice", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM gmd_migrations WHERE version = 9001`); n != 1 {
		t.Errorf("migration 9001 recorded %d times", n)
	}
	if stepwise {
		if n := count(t, s, `SELECT COUNT(*) FROM gmd_migration_steps`); n != 0 {
			t.Errorf("%d progress rows left behind", n)
		}
	}
}

// testUpgradeBackfillsDerived: a database as schema version 5 left it
// (hourly rollups only), with days of requests, is upgraded in place; the
// retention job's folding then backfills the daily rollups and the
// totals from the hourly ones, after which every window sums as before,
// and the store goes on folding the days written after the upgrade.
func testUpgradeBackfillsDerived(t *testing.T, srv Server) {
	ctx := context.Background()
	url := srv.NewDatabase(t)
	old, err := srv.OpenWith(ctx, url, sqlstore.Options{UpTo: 5})
	if err != nil {
		t.Fatal(err)
	}
	day0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	reqAt := func(i int, t0 time.Time) store.Request {
		return store.Request{Service: "svc", Instance: fmt.Sprintf("i%d", i%2), Endpoint: fmt.Sprintf("GET /e%d", i%3), Method: "GET",
			Status: []int{200, 200, 500, 404}[i%4], Start: t0, Duration: time.Duration(100+i*37%9000) * time.Microsecond, Version: fmt.Sprintf("v%d", i%2)}
	}
	var reqs []store.Request
	for i := range 600 {
		reqs = append(reqs, reqAt(i, day0.Add(time.Duration(i)*17*time.Minute))) // about seven days
	}
	// This version's writer also sets a column of migration 8: it is
	// there for the write only, and gone again as version 5 had it.
	// (Migration 8 folds everything again, so a database at 6 upgrades
	// the same way.)
	exec := func(q string) {
		t.Helper()
		if _, err := old.WriteDB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`ALTER TABLE gmd_rollups ADD COLUMN floor_id BIGINT`)
	if err := old.Write(ctx, &store.Batch{Requests: reqs}); err != nil {
		t.Fatal(err)
	}
	exec(`ALTER TABLE gmd_rollups DROP COLUMN floor_id`)
	sumOf := func(s store.Store, f store.SumFilter) []store.Rollup {
		t.Helper()
		rus, err := s.SumRollups(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return rus
	}
	// What version 5 summed from hours alone.
	filters := []store.SumFilter{
		{Service: "svc", By: store.ByEndpoint | store.ByVersion, Hist: true},
		{Service: "svc", By: store.ByEndpoint, Since: day0.Add(30 * time.Hour), Until: day0.Add(5*24*time.Hour + 90*time.Minute), Hist: true},
	}
	old.Close()

	s, err := srv.OpenWith(ctx, url, sqlstore.Options{})
	if err != nil {
		t.Fatalf("upgrading: %v", err)
	}
	defer s.Close()
	var before [][]store.Rollup
	for _, f := range filters {
		before = append(before, sumOf(s, f)) // not folded yet: hours
	}
	if n := count(t, s, `SELECT COUNT(*) FROM gmd_daily`); n != 0 {
		t.Fatalf("%d daily rollups before folding", n)
	}
	p := retention.Start(s, retention.Options{First: time.Hour, Now: func() time.Time { return day0.Add(30 * 24 * time.Hour) }})
	defer p.Close()
	if err := p.Round(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT COUNT(DISTINCT day_us) FROM gmd_daily`); n != 8 {
		t.Errorf("daily rollups of %d days, want 8", n)
	}
	for i, f := range filters {
		after := sumOf(s, f)
		if len(after) != len(before[i]) {
			t.Fatalf("%+v: %d sums after folding, %d before", f, len(after), len(before[i]))
		}
		for j := range after {
			a, b := after[j], before[i][j]
			if a.Endpoint != b.Endpoint || a.Version != b.Version || a.Count != b.Count || a.Errors != b.Errors || a.Sum != b.Sum ||
				a.Min != b.Min || a.Max != b.Max || a.Status != b.Status || !a.Last5xx.Equal(b.Last5xx) || len(a.Hist) != len(b.Hist) {
				t.Errorf("%+v: sum %d after folding %+v, before %+v", f, j, a, b)
			}
		}
	}
	// Writing goes on, and so does folding.
	next := reqAt(1, day0.Add(20*24*time.Hour))
	if err := s.Write(ctx, &store.Batch{Requests: []store.Request{next}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Round(ctx); err != nil {
		t.Fatal(err)
	}
	all := sumOf(s, store.SumFilter{Service: "svc"})
	if len(all) != 1 || all[0].Count != int64(len(reqs)+1) {
		t.Errorf("all time after one more day: %+v", all)
	}
	if n := count(t, s, `SELECT COUNT(DISTINCT day_us) FROM gmd_daily`); n != 9 {
		t.Errorf("daily rollups of %d days, want 9", n)
	}
}
