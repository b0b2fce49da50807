package demo

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/internal/testlog"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

var end = time.Date(2026, 3, 4, 15, 30, 0, 0, time.UTC)

func memStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func rows(t *testing.T, s store.Store, f store.RequestFilter) []store.Request {
	t.Helper()
	var out []store.Request
	if err := s.Requests(context.Background(), f, func(r *store.Request) error {
		out = append(out, *r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBackfillWritesWhatItCounts(t *testing.T) {
	s := memStore(t)
	w := NewWorld(WorldOptions{Users: 12, Days: 6, PerHour: 150, End: end, Seed: 1, Loc: time.UTC})
	sum, err := Backfill(context.Background(), s, w, BackfillOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	raw := rows(t, s, store.RequestFilter{})
	if sum.Requests < 6*24*150/2 || int64(len(raw)) != sum.Requests {
		t.Fatalf("summary says %d requests, store holds %d", sum.Requests, len(raw))
	}
	byVersion, byUser, byEndpoint := map[string]int64{}, map[string]int64{}, map[string]int64{}
	var errs int64
	for _, r := range raw {
		byVersion[r.Version]++
		byUser[r.Group]++
		byEndpoint[r.Endpoint]++
		if r.Status >= 500 {
			errs++
		}
		if r.Version != w.versionAt(r.Start) {
			t.Fatalf("request at %v has version %s, want %s", r.Start, r.Version, w.versionAt(r.Start))
		}
		if r.Start.Before(w.Start) || !r.Start.Before(w.End) || r.Service != w.Service || r.Instance != w.Instance {
			t.Fatalf("request outside the history or the service: %+v", r)
		}
		if (r.Group == "") != (r.Endpoint == "GET /healthz") {
			t.Fatalf("user %q on %s", r.Group, r.Endpoint)
		}
	}
	if !maps.Equal(byVersion, sum.ByVersion) || !maps.Equal(byUser, sum.ByUser) || !maps.Equal(byEndpoint, sum.ByEndpoint) || errs != sum.Errors {
		t.Errorf("stored counts differ from the summary:\n versions %v / %v\n users %v / %v\n endpoints %v / %v",
			byVersion, sum.ByVersion, byUser, sum.ByUser, byEndpoint, sum.ByEndpoint)
	}
	if len(byVersion) != 4 || len(byUser) != 13 || len(byEndpoint) != 7 {
		t.Errorf("%d versions, %d users (with none), %d endpoints; want 4, 13, 7", len(byVersion), len(byUser), len(byEndpoint))
	}

	// Each release is stored with its own first-seen time.
	vers, err := s.Versions(context.Background(), w.Service)
	if err != nil {
		t.Fatal(err)
	}
	if len(vers) != len(w.Releases) {
		t.Fatalf("versions %+v", vers)
	}
	for i, v := range vers {
		if v.Name != w.Releases[i].Name || !v.FirstSeen.Equal(w.Releases[i].Since) {
			t.Errorf("version %d: %s first seen %v, want %s at %v", i, v.Name, v.FirstSeen, w.Releases[i].Name, w.Releases[i].Since)
		}
	}

	// The rollups agree with the raw rows, hour by hour, bucket by bucket.
	got, err := s.SumRollups(context.Background(), store.SumFilter{Service: w.Service, By: store.ByEndpoint | store.ByVersion | store.ByHour, Hist: true})
	if err != nil {
		t.Fatal(err)
	}
	want := store.Aggregate(raw)
	if len(got) != len(want) {
		t.Fatalf("%d rollups, %d from the raw rows", len(got), len(want))
	}
	index := map[string]store.Rollup{}
	for _, ru := range want {
		index[ru.Endpoint+"|"+ru.Version+"|"+ru.Hour.String()] = ru
	}
	for _, g := range got {
		w := index[g.Endpoint+"|"+g.Version+"|"+g.Hour.String()]
		if g.Count != w.Count || g.Errors != w.Errors || g.Sum != w.Sum || g.Min != w.Min || g.Max != w.Max || g.Status != w.Status || !maps.Equal(g.Hist, w.Hist) {
			t.Fatalf("rollup %s %s %v: %+v\nfrom rows: %+v", g.Endpoint, g.Version, g.Hour, g, w)
		}
	}

	// The releases change what the pages show.
	sc := query.Scope{Store: s, Service: w.Service, Now: end}
	median := func(ep string) map[string]float64 {
		boxes, err := query.VersionBoxes(context.Background(), sc, ep, query.Window{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]float64{}
		for _, b := range boxes {
			m[b.Label] = b.MedianMs
		}
		return m
	}
	search, books := median("GET /search"), median("GET /books")
	if !(search[v120] > 2*search[v110] && search[v121] < search[v120]/2) {
		t.Errorf("GET /search medians %v: want 1.2.0 more than twice as slow, 1.2.1 fixed", search)
	}
	if !(books[v110] < books[v100]/2) {
		t.Errorf("GET /books medians %v: want 1.1.0 more than twice as fast", books)
	}
}

func TestBackfillIsRepeatable(t *testing.T) {
	w := NewWorld(WorldOptions{Users: 5, Days: 1, PerHour: 40, End: end, Seed: 3})
	a, err := Backfill(context.Background(), memStore(t), w, BackfillOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Backfill(context.Background(), memStore(t), NewWorld(WorldOptions{Users: 5, Days: 1, PerHour: 40, End: end, Seed: 3}), BackfillOptions{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if a.Requests != b.Requests || !maps.Equal(a.ByUser, b.ByUser) || a.Requests == 0 {
		t.Errorf("two backfills with one seed: %d and %d requests", a.Requests, b.Requests)
	}
}

func TestGapFillUsesTheLiveVersion(t *testing.T) {
	s := memStore(t)
	w := NewWorld(WorldOptions{Users: 5, Days: 2, PerHour: 40, End: end, Seed: 3})
	from := end.Add(-5 * time.Hour)
	sum, err := Backfill(context.Background(), s, w, BackfillOptions{From: from, To: end, Version: w.Live()})
	if err != nil {
		t.Fatal(err)
	}
	raw := rows(t, s, store.RequestFilter{})
	if int64(len(raw)) != sum.Requests || len(sum.ByVersion) != 1 || sum.ByVersion[w.Live()] != sum.Requests {
		t.Errorf("gap: %+v, %d rows", sum, len(raw))
	}
	for _, r := range raw {
		if r.Start.Before(from) || !r.Start.Before(end) {
			t.Fatalf("row at %v outside the gap", r.Start)
		}
	}
	vers, _ := s.Versions(context.Background(), w.Service)
	if len(vers) != 1 || vers[0].Name != w.Live() || !vers[0].FirstSeen.Equal(from) {
		t.Errorf("versions after a gap fill alone: %+v", vers)
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestDemoRecordsLiveTraffic(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo for a few seconds")
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "demo.db")
	d, err := Start(ctx, Options{Addr: "127.0.0.1:0", DB: db, Days: 1, PerHour: 30, Users: 8, Rate: 100, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	if !strings.HasPrefix(d.DashboardURL, d.URL+"/") || d.Password == "" || d.Username != "admin" {
		t.Errorf("demo %+v", d)
	}
	resp, err := http.Get(d.URL + "/books")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /books: %s", resp.Status)
	}
	// Live rows appear: the live version, users from X-User, addresses
	// from X-Forwarded-For.
	var live []store.Request
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		live = rows(t, d.Store, store.RequestFilter{Service: d.World.Service, Since: d.World.End})
		users := 0
		for _, r := range live {
			if r.Group != "" {
				users++
			}
		}
		if users >= 20 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(live) < 20 {
		t.Fatalf("%d live rows after 20s", len(live))
	}
	for _, r := range live {
		if r.Version != d.World.Live() {
			t.Errorf("live row in version %s", r.Version)
		}
		if r.Endpoint == "GET /books" && r.Group == "" && r.IP == "127.0.0.1" {
			continue // the test's own request
		}
		if r.Group != "" && d.World.user(r.Group) == nil {
			t.Errorf("unknown user %q", r.Group)
		}
		if !strings.HasPrefix(r.IP, "192.0.2.") && !strings.HasPrefix(r.IP, "198.51.100.") && !strings.HasPrefix(r.IP, "203.0.113.") && r.IP != "10.0.0.2" {
			t.Errorf("client address %q, want one from X-Forwarded-For", r.IP)
		}
	}
	if err := d.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestRestartKeepsHistoryAndLogin(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "demo.db")
	o := Options{Addr: "127.0.0.1:0", DB: db, Days: 2, PerHour: 30, Users: 6, Rate: -1, Logger: quiet()}
	d, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	first, pw := d.History, d.Password
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(db + ".login"); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("password file: %v, %v", info, err)
	}

	d, err = Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Gap || d.Password != pw || d.History.Requests > first.Requests/10 {
		t.Errorf("restart: gap %v, password kept %v, %d requests written (first run %d)", d.Gap, d.Password == pw, d.History.Requests, first.Requests)
	}
	n := len(rows(t, d.Store, store.RequestFilter{}))
	if int64(n) != first.Requests+d.History.Requests {
		t.Errorf("%d rows after a restart, want %d + %d", n, first.Requests, d.History.Requests)
	}
	d.Close(ctx)

	o.Fresh = true
	d, err = Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	if d.Gap || d.Password == pw {
		t.Errorf("fresh start: gap %v, same password %v", d.Gap, d.Password == pw)
	}
	if n := len(rows(t, d.Store, store.RequestFilter{})); int64(n) != d.History.Requests {
		t.Errorf("fresh start holds %d rows, wrote %d", n, d.History.Requests)
	}
}

func TestRunPrintsLogin(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out testlog.Buffer
	db := filepath.Join(t.TempDir(), "demo.db")
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Addr: "127.0.0.1:0", DB: db, Days: 1, PerHour: 20, Users: 4, Rate: -1, Logger: quiet()}, &out)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Ctrl-C") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	pw, err := os.ReadFile(db + ".login")
	if err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"dashboard  http://127.0.0.1:", "/dashboard/", "login      admin / " + strings.TrimSpace(string(pw)),
		"1.2.0", "GET /search lost its index", "History: "} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Count(s, strings.TrimSpace(string(pw))) != 1 {
		t.Errorf("password printed %d times", strings.Count(s, strings.TrimSpace(string(pw))))
	}
}
