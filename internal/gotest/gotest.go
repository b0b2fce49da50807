// Package gotest reads what `go test` prints: the events of `go test -json`
// (tests, subtests and packages with their outcomes and times) and benchmark
// result lines, wherever they appear: inside -json output events or in the
// plain output of `go test -bench . -benchmem`.
//
// The input comes from CI logs, so Parse never gives up on it: lines that
// are not JSON events are read as plain output, malformed events are
// counted and skipped, a test that started but never ended (a killed or
// truncated run) is reported as incomplete, and a package that did not
// compile is reported as a failed build.
package gotest

import "time"

// Outcome is how a test or package ended.
type Outcome string

// Outcomes.
const (
	Pass       Outcome = "pass"
	Fail       Outcome = "fail"
	Skip       Outcome = "skip"
	Incomplete Outcome = "incomplete" // started, never ended: the output stops early
	BuildFail  Outcome = "build-fail" // packages only: the test binary did not compile
)

// Valid reports whether o is one of the outcomes above.
func (o Outcome) Valid() bool {
	switch o {
	case Pass, Fail, Skip, Incomplete, BuildFail:
		return true
	}
	return false
}

// Result is everything read from one run of `go test`.
type Result struct {
	// GoOS, GoArch and CPU come from the header go test prints before
	// benchmark results.
	GoOS, GoArch, CPU string

	Packages   []Package
	Tests      []Test
	Benchmarks []Benchmark

	// Malformed counts lines that looked like JSON events but were not
	// valid ones. Plain text lines are expected and not counted.
	Malformed int
}

// Package is the result of one package.
type Package struct {
	Name    string
	Outcome Outcome
	Elapsed time.Duration
}

// Test is one run of one test or subtest. With -count N a test runs N
// times and appears N times, numbered by Run from 0.
type Test struct {
	Package string
	Name    string // "TestConcat/two_words"
	Run     int
	Outcome Outcome
	Elapsed time.Duration // to the 10 ms go test reports
}

// Benchmark is one result line of one benchmark. With -count N a
// benchmark has N results, numbered by Run from 0: every sample is kept,
// since comparing versions needs them all.
type Benchmark struct {
	Package    string
	Name       string // without the -GOMAXPROCS suffix: "BenchmarkBytes/size=64"
	Procs      int    // the GOMAXPROCS suffix; 1 when there is none
	Run        int
	Iterations int64
	Metrics    []Metric // in the order printed
}

// Metric is one value of a benchmark result: ns/op, B/op, allocs/op, MB/s
// or a unit reported with b.ReportMetric.
type Metric struct {
	Unit  string
	Value float64
}

// Metric returns the value of the metric with the given unit.
func (b *Benchmark) Metric(unit string) (float64, bool) {
	for _, m := range b.Metrics {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}
