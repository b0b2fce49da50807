package profiler

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

var t0 = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

func stack(fns ...string) []Frame {
	out := make([]Frame, len(fns))
	for i, fn := range fns {
		out[i] = Frame{Func: fn, File: "/src/" + fn + ".go", Line: 10 + i}
	}
	return out
}

func parse(t *testing.T, p store.Profile) *profile.Profile {
	t.Helper()
	pp, err := profile.Parse(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatalf("profile of %s does not parse: %v", p.Endpoint, err)
	}
	if err := pp.CheckValid(); err != nil {
		t.Fatalf("profile of %s is not valid: %v", p.Endpoint, err)
	}
	return pp
}

func TestFlushMakesOneProfilePerEndpoint(t *testing.T) {
	a := NewAggregator(10*time.Millisecond, t0)
	a.Add("GET /b", stack("main.query", "main.handler"), 10*time.Millisecond)
	a.Add("GET /b", stack("main.query", "main.handler"), 12*time.Millisecond)
	a.Add("GET /b", stack("main.render", "main.handler"), 10*time.Millisecond)
	a.Add("GET /a", stack("main.other"), 30*time.Millisecond)
	ps, err := a.Flush("svc", "i1", "v1", t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Endpoint != "GET /a" || ps[1].Endpoint != "GET /b" {
		t.Fatalf("profiles %+v, want GET /a and GET /b in order", ps)
	}
	b := ps[1]
	if b.Service != "svc" || b.Instance != "i1" || b.Version != "v1" || !b.Start.Equal(t0) || !b.End.Equal(t0.Add(time.Minute)) ||
		b.Samples != 3 || b.Wall != 32*time.Millisecond {
		t.Errorf("profile of GET /b: %+v", b)
	}
	pp := parse(t, b)
	if len(pp.SampleType) != 2 || pp.SampleType[0].Type != "samples" || pp.SampleType[1].Type != "wall" || pp.SampleType[1].Unit != "nanoseconds" {
		t.Errorf("sample types %v", pp.SampleType)
	}
	if pp.Period != int64(10*time.Millisecond) || pp.TimeNanos != t0.UnixNano() || pp.DurationNanos != int64(time.Minute) {
		t.Errorf("period %d, time %d, duration %d", pp.Period, pp.TimeNanos, pp.DurationNanos)
	}
	got := map[string][]int64{}
	for _, s := range pp.Sample {
		var names []string
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				names = append(names, fmt.Sprintf("%s:%s:%d", ln.Function.Name, ln.Function.Filename, ln.Line))
			}
		}
		got[fmt.Sprint(names)] = s.Value
	}
	want := map[string][]int64{
		"[main.query:/src/main.query.go:10 main.handler:/src/main.handler.go:11]":   {2, int64(22 * time.Millisecond)},
		"[main.render:/src/main.render.go:10 main.handler:/src/main.handler.go:11]": {1, int64(10 * time.Millisecond)},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("samples\n%v\nwant\n%v", got, want)
	}
	// main.handler at line 11 is one location shared by both stacks.
	if len(pp.Location) != 3 || len(pp.Function) != 3 {
		t.Errorf("%d locations and %d functions, want 3 and 3", len(pp.Location), len(pp.Function))
	}
}

func TestFlushStartsOver(t *testing.T) {
	a := NewAggregator(time.Millisecond, t0)
	if a.Pending() {
		t.Error("a new aggregator has samples pending")
	}
	a.Add("GET /a", stack("f"), time.Millisecond)
	if !a.Pending() {
		t.Error("no samples pending after Add")
	}
	t1 := t0.Add(time.Minute)
	if _, err := a.Flush("svc", "i", "v", t1); err != nil {
		t.Fatal(err)
	}
	if a.Pending() {
		t.Error("samples pending after Flush")
	}
	if ps, err := a.Flush("svc", "i", "v", t1.Add(time.Minute)); err != nil || len(ps) != 0 {
		t.Errorf("a second Flush gave %d profiles, %v", len(ps), err)
	}
	a.Add("GET /a", stack("f"), time.Millisecond)
	ps, err := a.Flush("svc", "i", "v", t1.Add(2*time.Minute))
	if err != nil || len(ps) != 1 || !ps[0].Start.Equal(t1.Add(time.Minute)) || ps[0].Samples != 1 {
		t.Errorf("after starting over: %+v, %v; want one sample from the last flush on", ps, err)
	}
}

// TestSameSamplesSameBytes: the order in which samples came does not show
// in the profile.
func TestSameSamplesSameBytes(t *testing.T) {
	stacks := [][]Frame{stack("a", "main"), stack("b", "main"), stack("c", "b", "main")}
	var data [2][]byte
	for run, order := range [][]int{{0, 1, 2}, {2, 1, 0}} {
		a := NewAggregator(time.Millisecond, t0)
		for _, i := range order {
			a.Add("GET /x", stacks[i], time.Millisecond)
		}
		ps, err := a.Flush("svc", "i", "v", t0.Add(time.Second))
		if err != nil || len(ps) != 1 {
			t.Fatal(ps, err)
		}
		data[run] = ps[0].Data
	}
	if !bytes.Equal(data[0], data[1]) {
		t.Error("the same samples in another order made other bytes")
	}
}

func TestStacksPerEndpointAreBounded(t *testing.T) {
	a := NewAggregator(time.Millisecond, t0)
	for i := 0; i < maxStacks+5; i++ {
		a.Add("GET /x", []Frame{{Func: "f", Line: i}}, time.Millisecond)
	}
	a.Add("GET /x", []Frame{{Func: "f", Line: 0}}, time.Millisecond) // a known stack still counts
	a.Add("GET /y", []Frame{{Func: "f", Line: 0}}, time.Millisecond) // each endpoint has its own bound
	if d := a.Dropped(); d != 5 {
		t.Errorf("dropped %d samples, want 5", d)
	}
	ps, err := a.Flush("svc", "i", "v", t0.Add(time.Second))
	if err != nil || len(ps) != 2 {
		t.Fatal(len(ps), err)
	}
	if ps[0].Samples != maxStacks+1 || ps[1].Samples != 1 {
		t.Errorf("samples %d and %d, want %d and 1", ps[0].Samples, ps[1].Samples, maxStacks+1)
	}
}

// TestAddCopiesTheStack: the sampler reuses its buffers.
func TestAddCopiesTheStack(t *testing.T) {
	a := NewAggregator(time.Millisecond, t0)
	s := stack("main.f")
	a.Add("GET /x", s, time.Millisecond)
	s[0].Func = "changed"
	ps, err := a.Flush("svc", "i", "v", t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if fn := parse(t, ps[0]).Function[0].Name; fn != "main.f" {
		t.Errorf("function %q, want main.f", fn)
	}
}

func TestConcurrentAdds(t *testing.T) {
	a := NewAggregator(time.Millisecond, t0)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				a.Add(fmt.Sprint("GET /", i%3), stack("f", fmt.Sprint("g", i%7)), time.Millisecond)
			}
		}()
	}
	wg.Wait()
	ps, err := a.Flush("svc", "i", "v", t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, p := range ps {
		n += p.Samples
		parse(t, p)
	}
	if len(ps) != 3 || n != 2000 {
		t.Errorf("%d profiles with %d samples, want 3 with 2000", len(ps), n)
	}
}
