package gotest

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse feeds the parser arbitrary text, seeded with real outputs of
// the fixture module. Whatever the input, Parse returns without error and
// what it returns is well formed; benchmark results printed back in go
// test's format read the same.
func FuzzParse(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("BenchmarkA-2 \t 10\t 5 ns/op\t 3 B/op\n"))
	f.Add([]byte(`{"Action":"output","Package":"p","Output":"BenchmarkA-2 \t"}` + "\n" + `{"Action":"output","Package":"p","Output":"1 2 ns/op\n"}`))
	f.Add([]byte(`{"Action":"run","Package":"p","Test":"TestA"}` + "\n" + `{"Action":"fail","Package":"p","Test":"TestA","Elapsed":0.5}`))
	f.Add([]byte("FAIL\tp [build failed]\nok  \tq\t0.1s\n?   \tr\t[no test files]\n"))
	for _, args := range [][]string{
		{"test", "-json", "-count", "1", "./..."},
		{"test", "-json", "-bench", ".", "-benchmem", "-count", "2", "-run", "^$", "-benchtime", "100x", "./calc"},
		{"test", "-bench", ".", "-benchmem", "-count", "1", "-benchtime", "100x", "./..."},
	} {
		f.Add(fixtureOutput(f, nil, args...))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := Parse(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		for _, p := range r.Packages {
			if p.Name == "" || !p.Outcome.Valid() || p.Elapsed < 0 {
				t.Errorf("package %+v", p)
			}
		}
		runs := map[string]int{}
		for _, tt := range r.Tests {
			if tt.Name == "" || !tt.Outcome.Valid() || tt.Outcome == BuildFail || tt.Elapsed < 0 {
				t.Errorf("test %+v", tt)
			}
			k := tt.Package + "\x00" + tt.Name
			if tt.Run != runs[k] {
				t.Errorf("test %s: run %d, want %d", tt.Name, tt.Run, runs[k])
			}
			runs[k]++
		}
		var printed strings.Builder
		for _, b := range r.Benchmarks {
			if !strings.HasPrefix(b.Name, "Benchmark") || b.Procs < 1 || b.Iterations < 1 || len(b.Metrics) == 0 {
				t.Errorf("benchmark %+v", b)
			}
			name := b.Name
			if b.Procs > 1 {
				name = fmt.Sprintf("%s-%d", b.Name, b.Procs)
			}
			fmt.Fprintf(&printed, "pkg: %s\n%s\t%d", printable(b.Package), name, b.Iterations)
			for _, m := range b.Metrics {
				if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) || m.Unit == "" || strings.ContainsAny(m.Unit, " \t\n") {
					t.Errorf("benchmark %s: metric %+v", b.Name, m)
				}
				fmt.Fprintf(&printed, "\t%v %s", m.Value, m.Unit)
			}
			printed.WriteByte('\n')
		}
		again, err := Parse(strings.NewReader(printed.String()))
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Benchmarks) != len(r.Benchmarks) {
			t.Fatalf("printed back, %d benchmarks read as %d:\n%s", len(r.Benchmarks), len(again.Benchmarks), printed.String())
		}
		for i := range r.Benchmarks {
			a, b := r.Benchmarks[i], again.Benchmarks[i]
			// A name made of a suffix-free base that itself ends in -N
			// (seen in a run event) reads back split: compare the full names.
			if printable(a.Package) != b.Package || fullName(a) != fullName(b) || a.Iterations != b.Iterations || !reflect.DeepEqual(a.Metrics, b.Metrics) {
				t.Errorf("printed back:\n got %+v\nwant %+v", b, a)
			}
		}
	})
}

func fullName(b Benchmark) string {
	if b.Procs > 1 {
		return fmt.Sprintf("%s-%d", b.Name, b.Procs)
	}
	return b.Name
}

// printable is a package name as a "pkg:" line carries it back.
func printable(pkg string) string {
	return strings.TrimSpace(strings.NewReplacer("\r", " ", "\n", " ").Replace(pkg))
}
