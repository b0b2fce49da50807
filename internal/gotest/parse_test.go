package gotest

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

func mustParse(tb testing.TB, b []byte) *Result {
	tb.Helper()
	r, err := Parse(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return r
}

// outcomes lists "package name#run outcome" for every test, sorted.
func outcomes(r *Result) []string {
	var out []string
	for _, t := range r.Tests {
		out = append(out, fmt.Sprintf("%s %s#%d %s", strings.TrimPrefix(t.Package, fixturePkg), t.Name, t.Run, t.Outcome))
	}
	sort.Strings(out)
	return out
}

func packages(r *Result) []string {
	var out []string
	for _, p := range r.Packages {
		out = append(out, strings.TrimPrefix(p.Name, fixturePkg)+" "+string(p.Outcome))
	}
	sort.Strings(out)
	return out
}

// benchmarks lists "package name procs#run units" for every result, sorted.
func benchmarks(r *Result) []string {
	var out []string
	for _, b := range r.Benchmarks {
		var units []string
		for _, m := range b.Metrics {
			units = append(units, m.Unit)
		}
		out = append(out, fmt.Sprintf("%s %s-%d#%d %s", strings.TrimPrefix(b.Package, fixturePkg), b.Name, b.Procs, b.Run, strings.Join(units, ",")))
	}
	sort.Strings(out)
	return out
}

func calcBenchmarks(procs, count int) []string {
	var out []string
	for run := 0; run < count; run++ {
		out = append(out,
			fmt.Sprintf("calc BenchmarkBytes/size=64-%d#%d ns/op,MB/s,widgets/op,B/op,allocs/op", procs, run),
			fmt.Sprintf("calc BenchmarkConcat-%d#%d ns/op,B/op,allocs/op", procs, run),
			fmt.Sprintf("calc BenchmarkSum-%d#%d ns/op,B/op,allocs/op", procs, run))
	}
	sort.Strings(out)
	return out
}

var allTests = []string{
	"calc TestConcat#0 pass", "calc TestConcat/empty#0 pass", "calc TestConcat/two_words#0 pass",
	"calc TestSkipped#0 skip", "calc TestSleep#0 pass", "calc TestSum#0 pass",
	"failing TestFails#0 fail", "failing TestPanics#0 fail", "failing TestPasses#0 pass",
}

var allPackages = []string{"broken build-fail", "calc pass", "failing fail", "notests skip"}

// TestRealOutputs parses what go test printed for the fixture module, in
// the forms a CI job produces.
func TestRealOutputs(t *testing.T) {
	procs := runtime.NumCPU()
	cases := []struct {
		name           string
		env            []string
		args           []string
		wantPackages   []string
		wantTests      []string
		wantBenchmarks []string
	}{
		{
			name:         "json tests of every package",
			args:         []string{"test", "-json", "-count", "1", "./..."},
			wantPackages: allPackages, wantTests: allTests,
		},
		{
			name:         "json tests run twice",
			args:         []string{"test", "-json", "-count", "2", "-run", "TestSum|TestSkipped", "./calc"},
			wantPackages: []string{"calc pass"},
			wantTests:    []string{"calc TestSkipped#0 skip", "calc TestSkipped#1 skip", "calc TestSum#0 pass", "calc TestSum#1 pass"},
		},
		{
			name:           "json benchmarks",
			args:           []string{"test", "-json", "-bench", ".", "-benchmem", "-count", "3", "-run", "^$", "-benchtime", "2000x", "./calc"},
			wantPackages:   []string{"calc pass"},
			wantBenchmarks: calcBenchmarks(procs, 3),
		},
		{
			name:           "plain benchmarks",
			args:           []string{"test", "-bench", ".", "-benchmem", "-count", "3", "-run", "^$", "-benchtime", "2000x", "./calc"},
			wantPackages:   []string{"calc pass"},
			wantBenchmarks: calcBenchmarks(procs, 3),
		},
		{
			name:           "plain verbose benchmarks",
			args:           []string{"test", "-v", "-bench", ".", "-benchmem", "-count", "1", "-run", "^$", "-benchtime", "2000x", "./calc"},
			wantPackages:   []string{"calc pass"},
			wantBenchmarks: calcBenchmarks(procs, 1),
		},
		{
			name:         "json tests and benchmarks on one CPU, no name suffix",
			args:         []string{"test", "-json", "-bench", ".", "-benchmem", "-count", "1", "-cpu", "1", "-benchtime", "2000x", "./calc"},
			wantPackages: []string{"calc pass"},
			wantTests: []string{"calc TestConcat#0 pass", "calc TestConcat/empty#0 pass", "calc TestConcat/two_words#0 pass",
				"calc TestSkipped#0 skip", "calc TestSleep#0 pass", "calc TestSum#0 pass"},
			wantBenchmarks: calcBenchmarks(1, 1),
		},
		{
			name:         "plain summary lines",
			args:         []string{"test", "-count", "1", "./..."},
			wantPackages: allPackages,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mustParse(t, fixtureOutput(t, tc.env, tc.args...))
			if got := packages(r); !reflect.DeepEqual(got, tc.wantPackages) {
				t.Errorf("packages:\n got %q\nwant %q", got, tc.wantPackages)
			}
			if got := outcomes(r); !reflect.DeepEqual(got, tc.wantTests) {
				t.Errorf("tests:\n got %q\nwant %q", got, tc.wantTests)
			}
			if got := benchmarks(r); !reflect.DeepEqual(got, tc.wantBenchmarks) {
				t.Errorf("benchmarks:\n got %q\nwant %q", got, tc.wantBenchmarks)
			}
			if r.Malformed != 0 {
				t.Errorf("Malformed = %d in real output", r.Malformed)
			}
			for _, b := range r.Benchmarks {
				checkBenchmarkValues(t, b)
			}
			if len(tc.wantBenchmarks) > 0 && (r.GoOS != runtime.GOOS || r.GoArch != runtime.GOARCH || r.CPU == "") {
				t.Errorf("header: goos %q goarch %q cpu %q", r.GoOS, r.GoArch, r.CPU)
			}
		})
	}
}

// checkBenchmarkValues checks the figures the fixture's benchmarks are
// known to produce.
func checkBenchmarkValues(t *testing.T, b Benchmark) {
	t.Helper()
	if b.Iterations != 2000 {
		t.Errorf("%s: %d iterations, want 2000 (-benchtime 2000x)", b.Name, b.Iterations)
	}
	if ns, ok := b.Metric("ns/op"); !ok || ns <= 0 {
		t.Errorf("%s: ns/op %v", b.Name, ns)
	}
	if b.Name == "BenchmarkBytes/size=64" {
		if w, _ := b.Metric("widgets/op"); w != 3 {
			t.Errorf("%s: widgets/op = %v, want 3 (b.ReportMetric)", b.Name, w)
		}
		ns, _ := b.Metric("ns/op")
		mbs, _ := b.Metric("MB/s")
		// MB/s is 64 bytes per op over ns/op; both are rounded in print.
		if want := 64 / ns * 1e3; mbs < want*0.9 || mbs > want*1.1 {
			t.Errorf("%s: MB/s = %v, want about %v", b.Name, mbs, want)
		}
	}
	if b.Name == "BenchmarkSum" {
		if a, _ := b.Metric("allocs/op"); a != 0 {
			t.Errorf("%s: allocs/op = %v, want 0", b.Name, a)
		}
	}
}

func TestTestDurations(t *testing.T) {
	r := mustParse(t, fixtureOutput(t, nil, "test", "-json", "-count", "1", "./..."))
	for _, tt := range r.Tests {
		if tt.Name == "TestSleep" && (tt.Elapsed < 30*time.Millisecond || tt.Elapsed > 10*time.Second) {
			t.Errorf("TestSleep took %v, want at least its 30ms sleep", tt.Elapsed)
		}
	}
	for _, p := range r.Packages {
		if p.Name == fixturePkg+"calc" && p.Elapsed < 30*time.Millisecond {
			t.Errorf("package calc took %v, want at least 30ms", p.Elapsed)
		}
	}
}

// TestTruncatedOutput cuts a real output at many points: what was read
// up to the cut agrees with the whole, and tests cut in the middle are
// incomplete.
func TestTruncatedOutput(t *testing.T) {
	full := fixtureOutput(t, nil, "test", "-json", "-count", "1", "./...")
	whole := mustParse(t, full)
	final := map[string]Outcome{}
	for _, tt := range whole.Tests {
		final[tt.Package+" "+tt.Name] = tt.Outcome
	}
	for cut := 0; cut <= len(full); cut += max(1, len(full)/97) {
		r := mustParse(t, full[:cut])
		for _, tt := range r.Tests {
			want, ok := final[tt.Package+" "+tt.Name]
			if !ok {
				t.Fatalf("cut at %d: test %s %s not in the whole output", cut, tt.Package, tt.Name)
			}
			if tt.Outcome != want && tt.Outcome != Incomplete {
				t.Errorf("cut at %d: %s is %s, want %s or incomplete", cut, tt.Name, tt.Outcome, want)
			}
		}
	}
	// Cut right after TestSleep's run event: it is incomplete, as is its package.
	i := bytes.Index(full, []byte(`"Action":"run","Package":"example.com/gmdfixture/calc","Test":"TestSleep"}`))
	if i < 0 {
		t.Fatal("no run event of TestSleep")
	}
	i += bytes.IndexByte(full[i:], '\n') + 1
	r := mustParse(t, full[:i])
	var sleep *Test
	for k := range r.Tests {
		if r.Tests[k].Name == "TestSleep" {
			sleep = &r.Tests[k]
		}
	}
	if sleep == nil || sleep.Outcome != Incomplete {
		t.Errorf("TestSleep after the cut: %+v, want incomplete", sleep)
	}
	for _, p := range r.Packages {
		if p.Name == fixturePkg+"calc" && p.Outcome != Incomplete {
			t.Errorf("calc after the cut: %s, want incomplete", p.Outcome)
		}
	}
}

// TestInterleavedText mixes CI log noise, broken events and Windows line
// ends into a real output: the result is the same, broken events counted.
func TestInterleavedText(t *testing.T) {
	full := fixtureOutput(t, nil, "test", "-json", "-bench", ".", "-benchmem", "-count", "2", "-benchtime", "2000x", "./...")
	whole := mustParse(t, full)
	var noisy bytes.Buffer
	noisy.WriteString("##[group]Run go test -json ./...\n\n")
	for i, line := range bytes.SplitAfter(full, []byte("\n")) {
		if i%5 == 0 {
			noisy.WriteString("warning: some tool said something\r\n")
		}
		if i%17 == 0 {
			noisy.WriteString(`{"Action":"output","Package":` + "\n") // a broken event
		}
		noisy.Write(bytes.TrimSuffix(line, []byte("\n")))
		if len(line) > 0 {
			noisy.WriteString("\r\n")
		}
	}
	r := mustParse(t, noisy.Bytes())
	if r.Malformed == 0 {
		t.Error("broken events not counted")
	}
	r.Malformed = 0
	if !reflect.DeepEqual(r, whole) {
		t.Errorf("noise changed the result:\n got %+v\nwant %+v", r, whole)
	}
}

func TestParseBenchmarkLine(t *testing.T) {
	cases := []struct {
		name, line string
		want       string // "name iterations unit=value..." or "" for not a result
	}{
		{"plain", "BenchmarkSum-8   \t 1000000\t      1050 ns/op", "BenchmarkSum-8 1000000 ns/op=1050"},
		{"benchmem and custom", "BenchmarkX/a=1-2 10 5.5 ns/op 3 widgets/op 64 B/op 1 allocs/op",
			"BenchmarkX/a=1-2 10 ns/op=5.5 widgets/op=3 B/op=64 allocs/op=1"},
		{"bare name of -v", "BenchmarkSum", ""},
		{"name and tab only", "BenchmarkSum-2   \t", ""},
		{"lower-case after prefix", "Benchmarking 10 5 ns/op", ""},
		{"just Benchmark", "Benchmark 10 5 ns/op", "Benchmark 10 ns/op=5"},
		{"odd fields", "BenchmarkSum 10 5 ns/op 7", ""},
		{"zero iterations", "BenchmarkSum 0 5 ns/op", ""},
		{"bad value", "BenchmarkSum 10 fast ns/op", ""},
		{"NaN value", "BenchmarkSum 10 NaN ns/op", ""},
		{"number as unit", "BenchmarkSum 10 5 6", ""},
		{"indented", "    BenchmarkSum 10 5 ns/op", "BenchmarkSum 10 ns/op=5"},
		{"log line", "    calc_test.go:12: BenchmarkSum ran", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name, n, ms, ok := ParseBenchmarkLine(c.line)
			got := ""
			if ok {
				got = fmt.Sprintf("%s %d", name, n)
				for _, m := range ms {
					got += fmt.Sprintf(" %s=%g", m.Unit, m.Value)
				}
			}
			if got != c.want {
				t.Errorf("ParseBenchmarkLine(%q) = %q, want %q", c.line, got, c.want)
			}
		})
	}
}

func TestSplitProcs(t *testing.T) {
	cases := []struct {
		in    string
		base  string
		procs int
	}{
		{"BenchmarkSum-8", "BenchmarkSum", 8},
		{"BenchmarkSum", "BenchmarkSum", 1},
		{"BenchmarkX/n=10-16", "BenchmarkX/n=10", 16},
		{"BenchmarkX/a-b", "BenchmarkX/a-b", 1},
		{"BenchmarkX-", "BenchmarkX-", 1},
		{"BenchmarkX-0", "BenchmarkX-0", 1},
		{"BenchmarkX-+3", "BenchmarkX-+3", 1},
		{"BenchmarkX-99999999999999999999", "BenchmarkX-99999999999999999999", 1},
	}
	for _, c := range cases {
		base, procs := SplitProcs(c.in)
		if base != c.base || procs != c.procs {
			t.Errorf("SplitProcs(%q) = %q, %d; want %q, %d", c.in, base, procs, c.base, c.procs)
		}
	}
}

func TestEdgeCases(t *testing.T) {
	cases := []struct {
		name  string
		input string
		check func(*testing.T, *Result)
	}{
		{"empty", "", func(t *testing.T, r *Result) {
			if len(r.Packages)+len(r.Tests)+len(r.Benchmarks) != 0 {
				t.Errorf("%+v", r)
			}
		}},
		{"end event without run", `{"Action":"pass","Package":"p","Test":"TestA","Elapsed":1.5}`, func(t *testing.T, r *Result) {
			if len(r.Tests) != 1 || r.Tests[0].Outcome != Pass || r.Tests[0].Elapsed != 1500*time.Millisecond {
				t.Errorf("%+v", r.Tests)
			}
		}},
		{"negative and huge elapsed", `{"Action":"pass","Package":"p","Test":"TestA","Elapsed":-3}` + "\n" +
			`{"Action":"pass","Package":"p","Test":"TestB","Elapsed":1e300}`, func(t *testing.T, r *Result) {
			for _, tt := range r.Tests {
				if tt.Elapsed != 0 {
					t.Errorf("%s: elapsed %v, want 0", tt.Name, tt.Elapsed)
				}
			}
		}},
		{"line longer than MaxLine", "BenchmarkA 1 " + strings.Repeat("1", 2*MaxLine) + " ns/op\nBenchmarkB 10 5 ns/op\n", func(t *testing.T, r *Result) {
			if len(r.Benchmarks) != 1 || r.Benchmarks[0].Name != "BenchmarkB" {
				t.Errorf("%+v", r.Benchmarks)
			}
		}},
		{"benchmark split over events", `{"Action":"output","Package":"p","Test":"BenchmarkA","Output":"BenchmarkA-4 \t"}` + "\n" +
			`{"Action":"output","Package":"q","Output":"unrelated\n"}` + "\n" +
			`{"Action":"output","Package":"p","Test":"BenchmarkA","Output":"100\t 7 ns/op\n"}`, func(t *testing.T, r *Result) {
			want := []Benchmark{{Package: "p", Name: "BenchmarkA", Procs: 4, Iterations: 100, Metrics: []Metric{{"ns/op", 7}}}}
			if !reflect.DeepEqual(r.Benchmarks, want) {
				t.Errorf("%+v", r.Benchmarks)
			}
		}},
		{"name ending in digits seen in a run event", `{"Action":"run","Package":"p","Test":"BenchmarkA/n-10"}` + "\n" +
			`{"Action":"output","Package":"p","Test":"BenchmarkA/n-10","Output":"BenchmarkA/n-10 \t100\t 7 ns/op\n"}`, func(t *testing.T, r *Result) {
			if len(r.Benchmarks) != 1 || r.Benchmarks[0].Name != "BenchmarkA/n-10" || r.Benchmarks[0].Procs != 1 {
				t.Errorf("%+v", r.Benchmarks)
			}
		}},
		{"JSON that is not an event", `{"hello": "world"}` + "\n" + `{"Action": 3}`, func(t *testing.T, r *Result) {
			if r.Malformed != 1 || len(r.Tests) != 0 {
				t.Errorf("%+v", r)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, mustParse(t, []byte(c.input))) })
	}
}
