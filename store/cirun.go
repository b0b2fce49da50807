package store

import (
	"context"
	"errors"
	"time"
)

// CIRun is one upload of test and benchmark results from continuous
// integration, tagged with the version of the code they ran on, so that a
// slowdown is seen before that version is deployed.
type CIRun struct {
	ID      int64 // assigned by the store
	Service string
	// RunID names the run for the uploader (a CI job id, or a hash of the
	// content). A service keeps one run per RunID: sending it again
	// stores nothing.
	RunID string
	// Hash is a hash of the content, which tells a run sent again from a
	// different run sent under the same RunID.
	Hash    string
	Version string
	Commit  string // "" when not given
	Branch  string // "" when not given
	// GoOS, GoArch and CPU are what go test printed before benchmarks.
	GoOS, GoArch, CPU string
	Started           time.Time // when the run started, as the uploader says; zero when unknown
	Uploaded          time.Time
	// Counts are computed by SaveCIRun and returned by CIRuns.
	Counts CICounts

	// The results, written by SaveCIRun; CIRuns leaves them empty.
	Packages   []CIPackage
	Tests      []CITest
	Benchmarks []CIBenchmark
}

// CICounts sum up a run.
type CICounts struct {
	Packages, Tests, Passed, Failed, Skipped, Benchmarks int
}

// Outcomes of CI tests and packages, as go test reports them.
const (
	CIPass       = "pass"
	CIFail       = "fail"
	CISkip       = "skip"
	CIIncomplete = "incomplete" // started, never ended
	CIBuildFail  = "build-fail" // packages only
)

// CIPackage is the result of one package in a run.
type CIPackage struct {
	Name    string
	Outcome string
	Elapsed time.Duration
}

// CITest is one run of one test in a CI run. With go test -count N a test
// has N results, numbered by Run from 0.
type CITest struct {
	Version string // of its CI run; filled when read
	RunID   int64  // CIRun.ID; filled when read
	Package string
	Name    string // "TestConcat/two_words"
	Run     int
	Outcome string
	Elapsed time.Duration // microsecond resolution
}

// CIBenchmark is one result of one benchmark (one -count sample) with its
// metrics.
type CIBenchmark struct {
	Version    string // of its CI run; filled when read
	RunID      int64  // CIRun.ID; filled when read
	Package    string
	Name       string // without the -GOMAXPROCS suffix
	Procs      int    // GOMAXPROCS, 1 when the name had no suffix
	Run        int
	Iterations int64
	Metrics    []CIMetric // in the order printed
}

// CIMetric is one figure of a benchmark result: ns/op, B/op, allocs/op,
// MB/s or a unit given to b.ReportMetric.
type CIMetric struct {
	Unit  string
	Value float64
}

// CIVersion is a version that CI runs were uploaded for.
type CIVersion struct {
	Name          string
	FirstUploaded time.Time
	LastUploaded  time.Time
	Runs          int
}

// CIRunFilter selects CI runs. Zero fields select everything.
type CIRunFilter struct {
	Service string
	Version string
	Limit   int
}

// CIFilter selects test or benchmark results. Zero fields select
// everything.
type CIFilter struct {
	Service  string
	Versions []string // any of these versions
	Package  string
	Name     string
}

// ErrRunConflict is returned by SaveCIRun when the service already has a
// run with the same RunID and different content.
var ErrRunConflict = errors.New("a different run with this run id exists")

// CIStore keeps test and benchmark results uploaded from CI.
type CIStore interface {
	// SaveCIRun stores a run and its results atomically, filling r.ID
	// and r.Counts. When the service has a run with r.RunID already,
	// nothing is written: created is false, and the error is
	// ErrRunConflict when that run's Hash differs from r.Hash. Names are
	// clipped with Clip.
	SaveCIRun(ctx context.Context, r *CIRun) (created bool, err error)
	// CIRuns lists runs without their results, newest upload first.
	CIRuns(ctx context.Context, f CIRunFilter) ([]CIRun, error)
	// CIVersions lists the versions of a service that have runs, by
	// first upload, oldest first.
	CIVersions(ctx context.Context, service string) ([]CIVersion, error)
	// CITests calls fn for each selected test result, ordered by upload,
	// package, name and Run. The *CITest is reused between calls.
	CITests(ctx context.Context, f CIFilter, fn func(*CITest) error) error
	// CIBenchmarks calls fn for each selected benchmark result, ordered
	// by upload, package, name, Procs and Run. The *CIBenchmark and its
	// Metrics are reused between calls.
	CIBenchmarks(ctx context.Context, f CIFilter, fn func(*CIBenchmark) error) error
}
