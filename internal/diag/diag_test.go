package diag

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/profiler"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

func TestKind(t *testing.T) {
	cases := []struct{ fn, want string }{
		{"main.handler", KindApp},
		{"example.com/shop/api.(*Server).getBook", KindApp},
		{"github.com/go-monitoring-dashboard/dashboard.(*Dashboard).serve", KindDashboard},
		{"github.com/go-monitoring-dashboard/dashboard/internal/outlier.(*Monitor).Panic", KindDashboard},
		{"github.com/go-monitoring-dashboard/dashboard.slowBookHandler", KindApp},
		{"github.com/go-monitoring-dashboard/dashboard/internal/demo.(*World).Handler.func1", KindApp},
		{"runtime.gopark", KindRuntime},
		{"runtime/pprof.Do", KindRuntime},
		{"net/http.(*conn).serve", KindLibrary},
		{"time.Sleep", KindLibrary},
		{"database/sql.(*DB).QueryContext", KindLibrary},
	}
	for _, c := range cases {
		if got := Kind(c.fn); got != c.want {
			t.Errorf("Kind(%q) = %s, want %s", c.fn, got, c.want)
		}
	}
}

func TestFoldShowsTheServicesCode(t *testing.T) {
	stack := []store.Frame{
		{Func: "runtime.gopark"}, {Func: "time.Sleep"}, {Func: "main.slow"}, {Func: "main.handler"},
		{Func: "net/http.HandlerFunc.ServeHTTP"}, {Func: "github.com/go-monitoring-dashboard/dashboard.(*Dashboard).serve"},
		{Func: "net/http.serverHandler.ServeHTTP"}, {Func: "net/http.(*conn).serve"},
	}
	gs := Fold(stack)
	var got []string
	for _, g := range gs {
		s := g.Kind
		if g.Folded {
			s += "(folded)"
		}
		got = append(got, s)
	}
	want := "runtime(folded) library app library(folded) dashboard(folded) library(folded)"
	if strings.Join(got, " ") != want {
		t.Errorf("groups %q, want %q", strings.Join(got, " "), want)
	}
	if f := FirstAppFrame(stack); f.Func != "main.slow" {
		t.Errorf("first app frame %q", f.Func)
	}
}

func TestFileName(t *testing.T) {
	cases := []struct{ ep, ver, want string }{
		{"GET /books/{id}", "v1.2.3", "profile-GET-books-id-v1.2.3.pb.gz"},
		{"\"/../x\r\n", "", "profile-x-.pb.gz"},
	}
	for _, c := range cases {
		if got := FileName(c.ep, c.ver); got != c.want {
			t.Errorf("FileName(%q, %q) = %q, want %q", c.ep, c.ver, got, c.want)
		}
	}
}

var base = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

// fixture stores outliers, panics, requests and profiles of two versions.
func fixture(t testing.TB) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	stack := []store.Frame{{Func: "runtime.gopark"}, {Func: "time.Sleep"}, {Func: "main.slowBook", File: "/src/main.go", Line: 12},
		{Func: "net/http.HandlerFunc.ServeHTTP"}}
	var os []store.Outlier
	for i, d := range []time.Duration{300, 900, 500} {
		os = append(os, store.Outlier{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Version: "v1", Method: "GET",
			URL: "/books/1", Status: 200, Start: base.Add(time.Duration(i) * time.Minute), Duration: d * time.Millisecond,
			Average: 100 * time.Millisecond, Threshold: 250 * time.Millisecond, Stack: stack, Goroutines: "dump"})
	}
	if err := s.WriteOutliers(ctx, os); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, &store.Batch{Service: "svc", Instance: "i1",
		Counters: []store.Counter{{Service: "svc", Instance: "i1", Name: "outliers_skipped_rate_limit", Value: 4}},
		Requests: []store.Request{
			{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Method: "GET", Status: 500, Start: base, Duration: time.Millisecond, Version: "v1"},
			{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Method: "GET", Status: 200, Start: base, Duration: time.Millisecond, Version: "v1"},
		}}); err != nil {
		t.Fatal(err)
	}
	if err := s.WritePanics(ctx, []store.Panic{{Service: "svc", Instance: "i1", Endpoint: "GET /books/{id}", Version: "v1",
		Signature: "abc", Value: "boom", Stack: "goroutine 1 [running]:\npanic({0x1, 0x2})\n\t/go/panic.go:1 +0x1\nmain.slowBook(0xc0001)\n\t/src/main.go:12 +0x2\n",
		Count: 2, First: base, Last: base.Add(time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		version string
		db      time.Duration
	}{{"v1", 10}, {"v2", 30}} {
		a := profiler.NewAggregator(10*time.Millisecond, base)
		for i := 0; i < 10; i++ {
			a.Add("GET /books/{id}", []profiler.Frame{{Func: "main.render"}, {Func: "main.slowBook"}, {Func: "net/http.(*conn).serve"}}, 10*time.Millisecond)
		}
		for i := time.Duration(0); i < v.db; i++ {
			a.Add("GET /books/{id}", []profiler.Frame{{Func: "database/sql.(*DB).Query"}, {Func: "main.slowBook"}, {Func: "net/http.(*conn).serve"}}, 10*time.Millisecond)
		}
		ps, err := a.Flush("svc", "i1", v.version, base.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.WriteProfiles(ctx, ps); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestChartsDrawWhatWasCaptured(t *testing.T) {
	h := store.Host{CPUPercent: []float64{12.5, 80}, ProcessCPU: 90, MemTotal: 8 << 30, MemUsed: 3 << 30, ProcessRSS: 50 << 20, HeapAlloc: 4 << 20, HeapGoal: 8 << 20}
	cpu, mem := string(CPUChart(h)), string(MemoryChart(h))
	for _, want := range []string{"core 0", "core 1", "this process", "80"} {
		if !strings.Contains(cpu, want) {
			t.Errorf("CPU chart lacks %q", want)
		}
	}
	if !strings.Contains(mem, "process (RSS)") || !strings.Contains(mem, "<svg") {
		t.Errorf("memory chart: %.300s", mem)
	}
	s := fixture(t)
	r := &Reader{Store: s, Service: "svc"}
	v, err := r.Profile(context.Background(), "GET /books/{id}", "v2", 10)
	if err != nil {
		t.Fatal(err)
	}
	flame := string(FlameChart(v))
	if !strings.Contains(flame, "gmd-frame") || !strings.Contains(flame, "database/sql.(*DB).Query") {
		t.Errorf("flame graph: %.300s", flame)
	}
	c, err := r.Compare(context.Background(), "GET /books/{id}", "v1", "v2", 10)
	if err != nil {
		t.Fatal(err)
	}
	if cmp := string(CompareChart(c, 5)); !strings.Contains(cmp, "v1") || !strings.Contains(cmp, "database/sql") {
		t.Errorf("comparison chart: %.300s", cmp)
	}
}
