package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/postgres"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// dayRequests returns n requests on each of days days from day0, ten
// minutes apart from 06:00.
func dayRequests(days, n int) []store.Request {
	var out []store.Request
	for d := 0; d < days; d++ {
		for i := 0; i < n; i++ {
			out = append(out, store.Request{Service: "svc", Instance: "i1", Endpoint: "GET /a", Method: "GET", Status: 200,
				Start:    day0.Add(time.Duration(d)*24*time.Hour + 6*time.Hour + time.Duration(i)*10*time.Minute),
				Duration: time.Millisecond, Version: "v1", Group: "u", IP: "10.0.0.1"})
		}
	}
	return out
}

// rowsPerPartition counts the rows of each partition of gmd_requests.
func rowsPerPartition(t *testing.T, s *sqlstore.Store) map[string]int {
	t.Helper()
	rows, err := s.DB().Query(`SELECT tableoid::regclass::text, COUNT(*) FROM gmd_requests GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		out[name] = n
	}
	return out
}

func partitions(t *testing.T, s *sqlstore.Store) []string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'gmd_requests'::regclass ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	return out
}

// pageAll reads every row through the after=id cursor, limit at a time.
func pageAll(t *testing.T, s store.Store, limit int) []int64 {
	t.Helper()
	var ids []int64
	after := int64(0)
	for {
		n := 0
		err := s.Requests(context.Background(), store.RequestFilter{Service: "svc", AfterID: after, Limit: limit}, func(r *store.Request) error {
			ids = append(ids, r.ID)
			after = r.ID
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n < limit {
			return ids
		}
	}
}

func checkPaging(t *testing.T, s store.Store, want int) {
	t.Helper()
	ids := pageAll(t, s, 3)
	if len(ids) != want || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != want {
		t.Errorf("paging 3 at a time read %d ids %v; want %d distinct, rising", len(ids), ids, want)
	}
}

// TestPartitionsByDay: the writer makes a partition per day and one ahead,
// rows land in their day's, a window's query touches only its days'
// partitions, the cursor pages across partitions, a day whose rows already
// sit in the default partition still takes rows, and retention drops
// whole days.
func TestPartitionsByDay(t *testing.T) {
	ctx := context.Background()
	s, err := postgres.Open(ctx, newDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var kind string
	if err := s.DB().QueryRow(`SELECT relkind FROM pg_class WHERE oid = 'gmd_requests'::regclass`).Scan(&kind); err != nil || kind != "p" {
		t.Fatalf("gmd_requests relkind %q (%v), want p (partitioned)", kind, err)
	}
	// A row of Mar 10 that reached the default partition before its day
	// had a partition.
	if _, err := s.WriteDB().Exec(`INSERT INTO gmd_requests (endpoint_id, version_id, instance_id, method, status, start_us, duration_us, grp, ip)
VALUES (0, 0, 0, 'GET', 200, $1, 1000, '', '')`, day0.Add(9*24*time.Hour).UnixMicro()); err != nil {
		t.Fatal(err)
	}
	reqs := dayRequests(4, 5)
	if err := s.Write(ctx, &store.Batch{Service: "svc", Instance: "i1", Requests: reqs}); err != nil {
		t.Fatal(err)
	}
	late := dayRequests(1, 1)
	late[0].Start = day0.Add(9*24*time.Hour + time.Hour)
	if err := s.Write(ctx, &store.Batch{Service: "svc", Instance: "i1", Requests: late}); err != nil {
		t.Fatalf("a row of a day whose rows are in the default partition: %v", err)
	}
	want := []string{"gmd_requests_default", "gmd_requests_p20260301", "gmd_requests_p20260302", "gmd_requests_p20260303",
		"gmd_requests_p20260304", "gmd_requests_p20260305", "gmd_requests_p20260311"}
	if got := partitions(t, s); !slices.Equal(got, want) {
		t.Errorf("partitions %v, want %v (Mar 10 stays in the default one; Mar 11 is made ahead)", got, want)
	}
	got := rowsPerPartition(t, s)
	for d := 1; d <= 4; d++ {
		if n := got[fmt.Sprintf("gmd_requests_p202603%02d", d)]; n != 5 {
			t.Errorf("Mar %d's partition holds %d rows, want 5 (%v)", d, n, got)
		}
	}
	if got["gmd_requests_default"] != 2 {
		t.Errorf("the default partition holds %d rows, want the 2 of Mar 10", got["gmd_requests_default"])
	}

	// A window's statements touch only its days' partitions.
	since, until := day0.Add(24*time.Hour+6*time.Hour).UnixMicro(), day0.Add(48*time.Hour).UnixMicro()
	for _, q := range []string{
		// Timings and Groups-free pages: the window on (endpoint_id, start_us).
		fmt.Sprintf(`SELECT x.start_us, x.duration_us FROM gmd_requests x WHERE x.endpoint_id IN (1) AND x.start_us >= %d AND x.start_us < %d ORDER BY x.start_us DESC, x.id DESC LIMIT 1000`, since, until),
		// Requests: the cursor with a window.
		fmt.Sprintf(`SELECT r.id FROM gmd_requests r WHERE r.id > 0 AND r.start_us >= %d AND r.start_us < %d ORDER BY r.id LIMIT 100`, since, until),
	} {
		plan := explain(t, s, q)
		if !strings.Contains(plan, "gmd_requests_p20260302") {
			t.Errorf("the plan reads no partition of Mar 2:\n%s", plan)
		}
		for _, other := range []string{"p20260301", "p20260303", "p20260304", "default"} {
			if strings.Contains(plan, "gmd_requests_"+other) {
				t.Errorf("the plan of a Mar 2 window reads gmd_requests_%s:\n%s", other, plan)
			}
		}
	}
	// The store's own Requests with a window: the same rows.
	var n int
	err = s.Requests(ctx, store.RequestFilter{Service: "svc", Since: day0.Add(24 * time.Hour), Until: day0.Add(48 * time.Hour)}, func(*store.Request) error { n++; return nil })
	if err != nil || n != 5 {
		t.Errorf("Requests of Mar 2: %d rows (%v), want 5", n, err)
	}
	checkPaging(t, s, 21)

	// Retention: the days that ended by the cutoff go whole, then rows.
	cutoff := day0.Add(48*time.Hour + 7*time.Hour) // Mar 3, 07:00: 6:00, 6:10 ... 6:50 of Mar 3 are older
	var deleted []int64
	for {
		n, err := s.PruneRequests(ctx, cutoff, 100)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		deleted = append(deleted, n)
	}
	if !slices.Equal(deleted, []int64{5, 5, 5}) {
		t.Errorf("pruned %v, want Mar 1 and Mar 2 dropped (5 rows each), then Mar 3's 5 rows deleted", deleted)
	}
	if got := partitions(t, s); slices.Contains(got, "gmd_requests_p20260301") || slices.Contains(got, "gmd_requests_p20260302") ||
		!slices.Contains(got, "gmd_requests_p20260303") {
		t.Errorf("partitions after pruning: %v", got)
	}
	checkPaging(t, s, 6)
}

func explain(t *testing.T, s *sqlstore.Store, q string) string {
	t.Helper()
	rows, err := s.DB().Query("EXPLAIN " + q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// TestPartitionMigration upgrades a database at schema 8, whose
// gmd_requests is one table with rows over three days, and checks that
// the rows keep their ids in day partitions, that new rows get larger ids,
// and that paging reads them all.
func TestPartitionMigration(t *testing.T) {
	ctx := context.Background()
	dsn := newDatabase(t)
	old, err := postgres.OpenWith(ctx, dsn, sqlstore.Options{UpTo: 8})
	if err != nil {
		t.Fatal(err)
	}
	reqs := dayRequests(3, 4)
	if err := old.Write(ctx, &store.Batch{Service: "svc", Instance: "i1", Requests: reqs}); err != nil {
		t.Fatal(err)
	}
	var before []store.Request
	old.Requests(ctx, store.RequestFilter{}, func(r *store.Request) error { before = append(before, *r); return nil })
	var kind string
	old.DB().QueryRow(`SELECT relkind FROM pg_class WHERE oid = 'gmd_requests'::regclass`).Scan(&kind)
	old.Close()
	if kind != "r" || len(before) != 12 {
		t.Fatalf("schema 8: relkind %q, %d rows; want an ordinary table with 12", kind, len(before))
	}

	s, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.DB().QueryRow(`SELECT relkind FROM pg_class WHERE oid = 'gmd_requests'::regclass`).Scan(&kind); err != nil || kind != "p" {
		t.Fatalf("after the upgrade relkind %q (%v), want p", kind, err)
	}
	var after []store.Request
	s.Requests(ctx, store.RequestFilter{}, func(r *store.Request) error { after = append(after, *r); return nil })
	if len(after) != len(before) {
		t.Fatalf("%d rows after the upgrade, want %d", len(after), len(before))
	}
	for i := range before {
		b, a := before[i], after[i]
		if a.ID != b.ID || !a.Start.Equal(b.Start) || a.Endpoint != b.Endpoint || a.Duration != b.Duration || a.Group != b.Group {
			t.Errorf("row %d: %+v, was %+v", i, a, b)
		}
	}
	got := rowsPerPartition(t, s)
	for d := 1; d <= 3; d++ {
		if n := got[fmt.Sprintf("gmd_requests_p202603%02d", d)]; n != 4 {
			t.Errorf("Mar %d's partition holds %d rows, want 4 (%v)", d, n, got)
		}
	}
	var left int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM pg_class WHERE relname = 'gmd_requests_unpartitioned'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("the old table is still there (%v)", err)
	}
	more := dayRequests(4, 1)[3:]
	if err := s.Write(ctx, &store.Batch{Service: "svc", Instance: "i1", Requests: more}); err != nil {
		t.Fatal(err)
	}
	var maxID int64
	s.Requests(ctx, store.RequestFilter{AfterID: before[len(before)-1].ID}, func(r *store.Request) error { maxID = r.ID; return nil })
	if maxID <= before[len(before)-1].ID {
		t.Errorf("a new row got id %d, not above the old ones' %d", maxID, before[len(before)-1].ID)
	}
	checkPaging(t, s, 13)
}
