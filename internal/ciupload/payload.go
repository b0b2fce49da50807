// Package ciupload carries test and benchmark results from CI to the
// dashboard: the JSON document `gmd upload` sends to POST api/upload, its
// validation, the handler that stores it, and the client that sends it
// with retries.
//
// A run is identified by its run_id, which the client sets (by default to
// a hash of the content), so a run sent again, by a retry after a lost
// answer or by a re-run CI job, is stored once.
package ciupload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-monitoring-dashboard/dashboard/internal/gotest"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Payload is the body of POST api/upload.
type Payload struct {
	// RunID names the run; "" lets the dashboard use the content hash.
	RunID   string `json:"run_id,omitempty"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
	Branch  string `json:"branch,omitempty"`
	// Started is when the CI run started (RFC 3339), if known.
	Started *time.Time `json:"started,omitempty"`
	GoOS    string     `json:"goos,omitempty"`
	GoArch  string     `json:"goarch,omitempty"`
	CPU     string     `json:"cpu,omitempty"`

	Packages   []Package   `json:"packages,omitempty"`
	Tests      []Test      `json:"tests,omitempty"`
	Benchmarks []Benchmark `json:"benchmarks,omitempty"`
}

// Package is the result of one package.
type Package struct {
	Name      string `json:"name"`
	Outcome   string `json:"outcome"`
	ElapsedUS int64  `json:"elapsed_us"`
}

// Test is one run of one test.
type Test struct {
	Package   string `json:"package"`
	Name      string `json:"name"`
	Run       int    `json:"run"`
	Outcome   string `json:"outcome"`
	ElapsedUS int64  `json:"elapsed_us"`
}

// Benchmark is one result (one -count sample) of one benchmark.
type Benchmark struct {
	Package    string   `json:"package"`
	Name       string   `json:"name"`
	Procs      int      `json:"procs"`
	Run        int      `json:"run"`
	Iterations int64    `json:"iterations"`
	Metrics    []Metric `json:"metrics"`
}

// Metric is one figure of a benchmark result.
type Metric struct {
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
}

// Limits bound what one upload may hold.
type Limits struct {
	Bytes      int64 // request body
	Packages   int
	Tests      int
	Benchmarks int // results, counting every -count sample
	Metrics    int // per benchmark result
}

// DefaultLimits are generous for a large repository run with -count 10:
// 32 MiB, 20,000 packages, 200,000 test results, 100,000 benchmark
// results of at most 32 metrics each.
func DefaultLimits() Limits {
	return Limits{Bytes: 32 << 20, Packages: 20000, Tests: 200000, Benchmarks: 100000, Metrics: 32}
}

// Bounds of single fields.
const (
	maxUnit    = 64
	maxElapsed = int64(30 * 24 * time.Hour / time.Microsecond)
	maxRun     = 1000000
	maxProcs   = 1 << 20
)

// FromResult builds a payload from parsed go test output.
func FromResult(r *gotest.Result) *Payload {
	p := &Payload{GoOS: r.GoOS, GoArch: r.GoArch, CPU: r.CPU}
	for _, k := range r.Packages {
		p.Packages = append(p.Packages, Package{Name: k.Name, Outcome: string(k.Outcome), ElapsedUS: k.Elapsed.Microseconds()})
	}
	for _, t := range r.Tests {
		p.Tests = append(p.Tests, Test{Package: t.Package, Name: t.Name, Run: t.Run, Outcome: string(t.Outcome), ElapsedUS: t.Elapsed.Microseconds()})
	}
	for _, b := range r.Benchmarks {
		ms := make([]Metric, len(b.Metrics))
		for i, m := range b.Metrics {
			ms[i] = Metric{Unit: m.Unit, Value: m.Value}
		}
		p.Benchmarks = append(p.Benchmarks, Benchmark{Package: b.Package, Name: b.Name, Procs: b.Procs, Run: b.Run, Iterations: b.Iterations, Metrics: ms})
	}
	return p
}

// Hash returns a hash of everything in the payload but its RunID: two
// payloads with the same hash hold the same run.
func (p *Payload) Hash() string {
	c := *p
	c.RunID = ""
	b, err := json.Marshal(&c)
	if err != nil {
		// Only a non-finite metric can fail, and Validate rejects those.
		b = []byte(fmt.Sprint(c))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// FieldError says which field of an upload is wrong.
type FieldError struct {
	Field string // JSON path, e.g. "tests[3].outcome"
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Validate checks every field against lim and the rules of the API. The
// first problem is returned as a *FieldError.
func (p *Payload) Validate(lim Limits) error {
	if p.Version == "" {
		return fieldErr("version", "missing: every run needs the version it tested")
	}
	if err := checkName("version", p.Version, false); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"run_id", p.RunID}, {"commit", p.Commit}, {"branch", p.Branch},
		{"goos", p.GoOS}, {"goarch", p.GoArch}, {"cpu", p.CPU}} {
		if err := checkName(f.name, f.v, true); err != nil {
			return err
		}
	}
	if p.Started != nil && (p.Started.Year() < 2000 || p.Started.Year() > 9999) {
		return fieldErr("started", "%s is not a plausible start time", p.Started.Format(time.RFC3339))
	}
	if len(p.Packages)+len(p.Tests)+len(p.Benchmarks) == 0 {
		return fieldErr("tests", "no packages, tests or benchmarks: nothing to store (was the input go test output?)")
	}
	if len(p.Packages) > lim.Packages {
		return fieldErr("packages", "%d packages, at most %d allowed in one upload", len(p.Packages), lim.Packages)
	}
	if len(p.Tests) > lim.Tests {
		return fieldErr("tests", "%d test results, at most %d allowed in one upload", len(p.Tests), lim.Tests)
	}
	if len(p.Benchmarks) > lim.Benchmarks {
		return fieldErr("benchmarks", "%d benchmark results, at most %d allowed in one upload", len(p.Benchmarks), lim.Benchmarks)
	}
	seen := map[string]bool{}
	for i, k := range p.Packages {
		f := fmt.Sprintf("packages[%d]", i)
		if err := checkName(f+".name", k.Name, false); err != nil {
			return err
		}
		if !gotest.Outcome(k.Outcome).Valid() {
			return fieldErr(f+".outcome", "%q: want pass, fail, skip, incomplete or build-fail", k.Outcome)
		}
		if err := checkElapsed(f, k.ElapsedUS); err != nil {
			return err
		}
		if key := store.Clip(k.Name); seen[key] {
			return fieldErr(f+".name", "package %q appears twice", k.Name)
		} else {
			seen[key] = true
		}
	}
	clear(seen)
	for i, t := range p.Tests {
		f := fmt.Sprintf("tests[%d]", i)
		if err := checkName(f+".package", t.Package, true); err != nil {
			return err
		}
		if err := checkName(f+".name", t.Name, false); err != nil {
			return err
		}
		if o := gotest.Outcome(t.Outcome); !o.Valid() || o == gotest.BuildFail {
			return fieldErr(f+".outcome", "%q: want pass, fail, skip or incomplete", t.Outcome)
		}
		if t.Run < 0 || t.Run > maxRun {
			return fieldErr(f+".run", "%d: want 0 to %d", t.Run, maxRun)
		}
		if err := checkElapsed(f, t.ElapsedUS); err != nil {
			return err
		}
		key := fmt.Sprintf("%s\x00%s\x00%d", store.Clip(t.Package), store.Clip(t.Name), t.Run)
		if seen[key] {
			return fieldErr(f, "test %s %s run %d appears twice (names count up to %d characters)", t.Package, t.Name, t.Run, store.MaxName)
		}
		seen[key] = true
	}
	clear(seen)
	for i, b := range p.Benchmarks {
		f := fmt.Sprintf("benchmarks[%d]", i)
		if err := checkName(f+".package", b.Package, true); err != nil {
			return err
		}
		if err := checkName(f+".name", b.Name, false); err != nil {
			return err
		}
		if !strings.HasPrefix(b.Name, "Benchmark") {
			return fieldErr(f+".name", "%q: a benchmark's name starts with Benchmark", b.Name)
		}
		if b.Procs < 1 || b.Procs > maxProcs {
			return fieldErr(f+".procs", "%d: want 1 to %d", b.Procs, maxProcs)
		}
		if b.Run < 0 || b.Run > maxRun {
			return fieldErr(f+".run", "%d: want 0 to %d", b.Run, maxRun)
		}
		if b.Iterations < 1 {
			return fieldErr(f+".iterations", "%d: want at least 1", b.Iterations)
		}
		if len(b.Metrics) == 0 || len(b.Metrics) > lim.Metrics {
			return fieldErr(f+".metrics", "%d metrics: want 1 to %d", len(b.Metrics), lim.Metrics)
		}
		units := map[string]bool{}
		for j, m := range b.Metrics {
			mf := fmt.Sprintf("%s.metrics[%d]", f, j)
			if m.Unit == "" || len(m.Unit) > maxUnit || !utf8.ValidString(m.Unit) || strings.IndexFunc(m.Unit, unicode.IsSpace) >= 0 || hasControl(m.Unit) {
				return fieldErr(mf+".unit", "%q: want 1 to %d characters without spaces", m.Unit, maxUnit)
			}
			if units[m.Unit] {
				return fieldErr(mf+".unit", "%q appears twice", m.Unit)
			}
			units[m.Unit] = true
			if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
				return fieldErr(mf+".value", "not a finite number")
			}
		}
		key := fmt.Sprintf("%s\x00%s\x00%d\x00%d", store.Clip(b.Package), store.Clip(b.Name), b.Procs, b.Run)
		if seen[key] {
			return fieldErr(f, "benchmark %s %s-%d run %d appears twice (names count up to %d characters)", b.Package, b.Name, b.Procs, b.Run, store.MaxName)
		}
		seen[key] = true
	}
	return nil
}

// maxNameBytes bounds names before clipping: longer names are surely not
// test names, and clipping them would hide the mistake.
const maxNameBytes = 4 * store.MaxName

func checkName(field, v string, empty bool) error {
	switch {
	case v == "" && !empty:
		return fieldErr(field, "missing")
	case len(v) > maxNameBytes:
		return fieldErr(field, "%d bytes, at most %d allowed", len(v), maxNameBytes)
	case !utf8.ValidString(v):
		return fieldErr(field, "not valid UTF-8")
	case hasControl(v):
		return fieldErr(field, "contains control characters")
	}
	return nil
}

func hasControl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }

func checkElapsed(field string, us int64) error {
	if us < 0 || us > maxElapsed {
		return fieldErr(field+".elapsed_us", "%d: want 0 to %d (30 days)", us, maxElapsed)
	}
	return nil
}

// Decode reads a payload strictly: unknown fields, trailing data and
// values of the wrong type are errors.
func Decode(b []byte) (*Payload, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Payload
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("not a valid upload: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not a valid upload: data after the JSON document")
	}
	return &p, nil
}

// Run turns a valid payload into the run to store.
func (p *Payload) Run(service string, now time.Time) *store.CIRun {
	hash := p.Hash()
	r := &store.CIRun{
		Service: service, RunID: p.RunID, Hash: hash, Version: p.Version, Commit: p.Commit, Branch: p.Branch,
		GoOS: p.GoOS, GoArch: p.GoArch, CPU: p.CPU, Uploaded: now,
	}
	if r.RunID == "" {
		r.RunID = hash
	}
	if p.Started != nil {
		r.Started = *p.Started
	}
	for _, k := range p.Packages {
		r.Packages = append(r.Packages, store.CIPackage{Name: k.Name, Outcome: k.Outcome, Elapsed: time.Duration(k.ElapsedUS) * time.Microsecond})
	}
	for _, t := range p.Tests {
		r.Tests = append(r.Tests, store.CITest{Package: t.Package, Name: t.Name, Run: t.Run, Outcome: t.Outcome, Elapsed: time.Duration(t.ElapsedUS) * time.Microsecond})
	}
	for _, b := range p.Benchmarks {
		ms := make([]store.CIMetric, len(b.Metrics))
		for i, m := range b.Metrics {
			ms[i] = store.CIMetric{Unit: m.Unit, Value: m.Value}
		}
		r.Benchmarks = append(r.Benchmarks, store.CIBenchmark{Package: b.Package, Name: b.Name, Procs: b.Procs, Run: b.Run, Iterations: b.Iterations, Metrics: ms})
	}
	return r
}
