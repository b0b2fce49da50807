package sqlite_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

// planCase is one call of a read method as the pages make it.
type planCase struct {
	method string // the store.Store method it calls
	name   string
	call   func(ctx context.Context, s store.Store) error
}

// notPageQueries are the methods of store.Store that no page reads
// through, each with the reason; every other method needs a planCase.
var notPageQueries = map[string]string{
	"Close": "not a query", "Write": "the recorder's write", "WriteOutliers": "the recorder's write",
	"WritePanics": "the recorder's write", "WriteProfiles": "the recorder's write", "SaveCIRun": "an upload",
	"SetLevel": "a change by primary key", "PruneRequests": "retention, in the background",
	"PruneRollups": "retention, in the background", "PruneDaily": "retention, in the background",
	"DeriveDay": "folding, in the background", "RederiveTouched": "folding, in the background",
	"CreateUser": "accounts: a small table, by key", "UpdateUser": "accounts: a small table, by key",
	"DeleteUser": "accounts: a small table, by key", "User": "accounts: a small table, by key",
	"Users": "accounts: a small table", "CreateSession": "sessions: by key", "Session": "sessions: by key",
	"DeleteSession": "sessions: by key", "DeleteUserSessions": "sessions: by user index",
	"DeleteExpiredSessions": "sessions: by expiry index", "Setting": "settings: by key", "InitSetting": "settings: by key",
}

func planCases() []planCase {
	end := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		amsterdam = time.FixedZone("+01:00", 3600)
	}
	kolkata := time.FixedZone("+05:30", 5*3600+1800)
	day := func(loc *time.Location, n int) time.Time {
		y, m, d := end.In(loc).Date()
		return time.Date(y, m, d-n, 0, 0, 0, 0, loc)
	}
	windows := []struct {
		name         string
		since, until time.Time
	}{
		{"all time", time.Time{}, time.Time{}},
		{"24h", end.Add(-24 * time.Hour), time.Time{}},
		{"30 local days", day(amsterdam, 29), day(amsterdam, -1)},
		{"7 days +05:30", day(kolkata, 6), day(kolkata, -1)},
		{"until", time.Time{}, day(time.UTC, 2)},
	}
	var out []planCase
	sum := func(name string, f store.SumFilter) {
		out = append(out, planCase{"SumRollups", name, func(ctx context.Context, s store.Store) error {
			_, err := s.SumRollups(ctx, f)
			return err
		}})
	}
	for _, w := range windows {
		for _, by := range []store.Dims{0, store.ByEndpoint, store.ByVersion, store.ByEndpoint | store.ByVersion, store.ByHour,
			store.ByEndpoint | store.ByHour, store.ByInstance, store.ByEndpoint | store.ByInstance, store.ByDay, store.ByDay | store.ByEndpoint} {
			sum(fmt.Sprintf("%s by %d", w.name, by), store.SumFilter{Service: "svc", Since: w.since, Until: w.until, By: by, Hist: true})
			sum(fmt.Sprintf("%s by %d, one endpoint", w.name, by), store.SumFilter{Service: "svc", Endpoint: "GET /e1", Since: w.since, Until: w.until, By: by, Hist: true})
		}
		sum(w.name+", every service", store.SumFilter{Since: w.since, Until: w.until, By: store.ByEndpoint})
	}
	reqs := func(name string, f store.RequestFilter) {
		out = append(out, planCase{"Requests", name, func(ctx context.Context, s store.Store) error {
			return s.Requests(ctx, f, func(*store.Request) error { return nil })
		}})
	}
	for _, w := range windows {
		for _, ep := range []string{"", "GET /e1"} {
			for _, svc := range []string{"", "svc"} {
				for _, after := range []int64{0, 500} {
					reqs(fmt.Sprintf("%s, endpoint %q, service %q, after %d", w.name, ep, svc, after),
						store.RequestFilter{Service: svc, Endpoint: ep, Since: w.since, Until: w.until, AfterID: after, Limit: 100})
				}
			}
		}
	}
	out = append(out,
		planCase{"Timings", "an endpoint, 30 days, newest rows", func(ctx context.Context, s store.Store) error {
			return s.Timings(ctx, store.TimingFilter{Service: "svc", Endpoint: "GET /e1", Since: windows[2].since, Until: windows[2].until, Limit: 1000},
				func(*store.Timing) error { return nil })
		}},
		planCase{"Groups", "an endpoint's users, 30 days", func(ctx context.Context, s store.Store) error {
			_, err := s.Groups(ctx, store.GroupFilter{Service: "svc", Endpoint: "GET /e1", Kind: store.GroupUser, Since: store.DayOf(windows[2].since), Until: store.DayOf(windows[2].until)})
			return err
		}},
		planCase{"Groups", "an endpoint's addresses, all time", func(ctx context.Context, s store.Store) error {
			_, err := s.Groups(ctx, store.GroupFilter{Service: "svc", Endpoint: "GET /e1", Kind: store.GroupIP})
			return err
		}},
		planCase{"Rollups", "an endpoint's hours of a day", func(ctx context.Context, s store.Store) error {
			_, err := s.Rollups(ctx, store.RollupFilter{Service: "svc", Endpoint: "GET /e1", Since: day(time.UTC, 1), Until: day(time.UTC, 0)})
			return err
		}},
		planCase{"Endpoints", "a service's", func(ctx context.Context, s store.Store) error { _, err := s.Endpoints(ctx, "svc"); return err }},
		planCase{"Versions", "a service's", func(ctx context.Context, s store.Store) error { _, err := s.Versions(ctx, "svc"); return err }},
		planCase{"Counters", "a service's", func(ctx context.Context, s store.Store) error { _, err := s.Counters(ctx, "svc"); return err }},
		planCase{"Instances", "a service's", func(ctx context.Context, s store.Store) error { _, err := s.Instances(ctx, "svc"); return err }},
		planCase{"Services", "all", func(ctx context.Context, s store.Store) error { _, err := s.Services(ctx); return err }},
		planCase{"ErrorGroups", "since a day", func(ctx context.Context, s store.Store) error {
			_, err := s.ErrorGroups(ctx, store.ErrorFilter{Service: "svc", Since: day(time.UTC, 1), Limit: 50})
			return err
		}},
		planCase{"Outliers", "an endpoint's slowest", func(ctx context.Context, s store.Store) error {
			_, err := s.Outliers(ctx, store.OutlierFilter{Service: "svc", Endpoint: "GET /e1", Order: store.SlowestFirst, Limit: 50})
			return err
		}},
		planCase{"Outliers", "newest of all", func(ctx context.Context, s store.Store) error {
			_, err := s.Outliers(ctx, store.OutlierFilter{Service: "svc", Limit: 50})
			return err
		}},
		planCase{"Outlier", "by id", func(ctx context.Context, s store.Store) error {
			_, err := s.Outlier(ctx, "svc", 1)
			if err != nil && !strings.Contains(err.Error(), "not found") {
				return err
			}
			return nil
		}},
		planCase{"Profiles", "an endpoint and version", func(ctx context.Context, s store.Store) error {
			return s.Profiles(ctx, store.ProfileFilter{Service: "svc", Endpoint: "GET /e1", Version: "v1"}, func(*store.Profile) error { return nil })
		}},
		planCase{"ProfileSummaries", "an endpoint's", func(ctx context.Context, s store.Store) error {
			_, err := s.ProfileSummaries(ctx, "svc", "GET /e1")
			return err
		}},
		planCase{"CIRuns", "a version's", func(ctx context.Context, s store.Store) error {
			_, err := s.CIRuns(ctx, store.CIRunFilter{Service: "svc", Version: "v1", Limit: 20})
			return err
		}},
		planCase{"CIVersions", "a service's", func(ctx context.Context, s store.Store) error { _, err := s.CIVersions(ctx, "svc"); return err }},
		planCase{"CITests", "two versions", func(ctx context.Context, s store.Store) error {
			return s.CITests(ctx, store.CIFilter{Service: "svc", Versions: []string{"v1", "v2"}}, func(*store.CITest) error { return nil })
		}},
		planCase{"CIBenchmarks", "two versions", func(ctx context.Context, s store.Store) error {
			return s.CIBenchmarks(ctx, store.CIFilter{Service: "svc", Versions: []string{"v1", "v2"}}, func(*store.CIBenchmark) error { return nil })
		}},
	)
	return out
}

// bigTables grow with the requests stored: no page query may scan them or
// sort their rows.
var bigTables = []string{"gmd_requests", "gmd_rollups", "gmd_rollup_buckets", "gmd_daily", "gmd_totals",
	"gmd_group_rollups", "gmd_group_buckets", "gmd_group_sketch"}

// TestQueryPlans runs every page query of the store against a database
// with data in every table and asks SQLite for the plan of each statement
// it sent: none may scan a table that grows with the requests stored
// (SCAN, with or without an index) or sort in a temporary B-tree while
// reading one. Every read method of store.Store has cases, or a reason in
// notPageQueries.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plan.db")
	fillPlanDB(t, path)
	rec := &recorded{}
	db := sql.OpenDB(recConnector{dsn: "file:" + path + "?_pragma=busy_timeout(10000)", rec: rec})
	s, err := sqlstore.NewWith(ctx, sqlite.Dialect(), db, db, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	plain, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()

	cases := planCases()
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.method] = true
	}
	st := reflect.TypeOf((*store.Store)(nil)).Elem()
	for i := range st.NumMethod() {
		m := st.Method(i).Name
		if !covered[m] && notPageQueries[m] == "" {
			t.Errorf("store.Store.%s has no case in planCases and no reason in notPageQueries", m)
		}
	}
	for _, c := range cases {
		t.Run(c.method+"/"+c.name, func(t *testing.T) {
			rec.take()
			if err := c.call(ctx, s); err != nil {
				t.Fatal(err)
			}
			stmts := rec.take()
			if len(stmts) == 0 {
				t.Fatal("no statement recorded")
			}
			for _, st := range stmts {
				if msg := checkPlan(t, plain, st); msg != "" {
					t.Errorf("%s\nin: %s\nargs: %v", msg, st.query, st.args)
				}
			}
		})
	}
}

var aliasRE = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+(gmd_\w+)(?:\s+(?:AS\s+)?(\w+))?`)

// checkPlan returns what is wrong with the plan of a statement: "" if
// nothing.
func checkPlan(t *testing.T, db *sql.DB, st stmt) string {
	t.Helper()
	q := strings.TrimSpace(st.query)
	if !strings.HasPrefix(strings.ToUpper(q), "SELECT") {
		return ""
	}
	big := map[string]bool{} // tables and their aliases
	touches := false
	for _, m := range aliasRE.FindAllStringSubmatch(q, -1) {
		if !slices.Contains(bigTables, m[1]) {
			continue
		}
		touches = true
		big[m[1]] = true
		if a := strings.ToUpper(m[2]); m[2] != "" && a != "WHERE" && a != "JOIN" && a != "LEFT" && a != "GROUP" && a != "ORDER" && a != "LIMIT" && a != "ON" {
			big[m[2]] = true
		}
	}
	if !touches {
		return ""
	}
	rows, err := db.Query("EXPLAIN QUERY PLAN "+q, st.args...)
	if err != nil {
		return fmt.Sprintf("EXPLAIN: %v", err)
	}
	defer rows.Close()
	var plan, bad []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return err.Error()
		}
		plan = append(plan, detail)
		f := strings.Fields(detail)
		switch {
		case len(f) >= 2 && f[0] == "SCAN" && big[f[1]]:
			bad = append(bad, "a full scan: "+detail)
		case strings.Contains(detail, "TEMP B-TREE"):
			bad = append(bad, "a sort: "+detail)
		}
	}
	if len(bad) > 0 {
		return strings.Join(bad, "; ") + "\nplan:\n  " + strings.Join(plan, "\n  ")
	}
	return ""
}

// fillPlanDB writes ten days of requests of two services, with outliers,
// a panic and a profile, and folds the closed days.
func fillPlanDB(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var reqs []store.Request
	for i := range 20000 {
		svc := "svc"
		if i%10 == 0 {
			svc = "other"
		}
		reqs = append(reqs, store.Request{Service: svc, Instance: fmt.Sprintf("i%d", i%2), Endpoint: fmt.Sprintf("GET /e%d", i%7),
			Method: "GET", Status: []int{200, 200, 200, 404, 500}[i%5], Start: start.Add(time.Duration(i) * 45 * time.Second),
			Duration: time.Duration(100+i*31%20000) * time.Microsecond, Version: fmt.Sprintf("v%d", i/5000), Group: fmt.Sprintf("u%d", i%50), IP: "10.0.0.1"})
	}
	for i := 0; i < len(reqs); i += 1000 {
		if err := s.Write(ctx, &store.Batch{Requests: reqs[i:min(i+1000, len(reqs))]}); err != nil {
			t.Fatal(err)
		}
	}
	for {
		ok, err := s.DeriveDay(ctx, start.Add(10*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
	}
}

// stmt is a statement the store sent, with its arguments.
type stmt struct {
	query string
	args  []any
}

type recorded struct {
	mu    sync.Mutex
	stmts []stmt
}

func (r *recorded) add(q string, args []driver.NamedValue) {
	a := make([]any, len(args))
	for i, v := range args {
		a[i] = v.Value
	}
	r.mu.Lock()
	r.stmts = append(r.stmts, stmt{q, a})
	r.mu.Unlock()
}

func (r *recorded) take() []stmt {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.stmts
	r.stmts = nil
	return out
}

// recConnector opens SQLite connections that record the statements they
// run.
type recConnector struct {
	dsn string
	rec *recorded
}

func (c recConnector) Connect(ctx context.Context) (driver.Conn, error) {
	db, err := sql.Open("sqlite", c.dsn)
	if err != nil {
		return nil, err
	}
	d := db.Driver()
	db.Close()
	conn, err := d.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &recConn{Conn: conn, rec: c.rec}, nil
}

func (c recConnector) Driver() driver.Driver { return nil }

type recConn struct {
	driver.Conn
	rec *recorded
}

func (c *recConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.rec.add(q, args)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c *recConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.rec.add(q, args)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c *recConn) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, o)
}
