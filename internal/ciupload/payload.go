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
	"strconv"
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

// Validate checks every field against lim and the rules of the API. The
// first problem, in the order of payloadRules, is returned as a *FieldError.
func (p *Payload) Validate(lim Limits) error {
	return checkFields("", p, lim, payloadRules, nil)
}

// rule is one check of the upload format on a value of type T (the payload
// or one element of a list). It does exactly one of three things:
//   - problem says what is wrong with the field, or "" when nothing is;
//   - key makes the field unique in its list: two elements with the same
//     key are refused, with the message dup;
//   - list checks a list held by the value, with the field as its path.
type rule[T any] struct {
	field   string // JSON path after the value's own: "version", ".name"
	problem func(v T, lim Limits) string
	key     func(v T) string
	dup     func(v T) string
	list    func(path string, v T, lim Limits) error
}

// checkFields applies the rules in order to v, found at path, and returns
// the first problem. seen holds, per key rule, the keys of the elements of
// v's list checked before it.
func checkFields[T any](path string, v T, lim Limits, rules []rule[T], seen []map[string]bool) error {
	for k, r := range rules {
		switch {
		case r.problem != nil:
			if msg := r.problem(v, lim); msg != "" {
				return &FieldError{Field: path + r.field, Msg: msg}
			}
		case r.key != nil:
			key := r.key(v)
			if seen[k] == nil {
				seen[k] = make(map[string]bool)
			}
			if seen[k][key] {
				return &FieldError{Field: path + r.field, Msg: r.dup(v)}
			}
			seen[k][key] = true
		case r.list != nil:
			if err := r.list(path+r.field, v, lim); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkList applies the rules to every element of a list, in order.
func checkList[T any](path string, items []T, lim Limits, rules []rule[T]) error {
	seen := make([]map[string]bool, len(rules))
	for i, v := range items {
		if err := checkFields(path+"["+strconv.Itoa(i)+"]", v, lim, rules, seen); err != nil {
			return err
		}
	}
	return nil
}

// payloadRules are the rules of the whole upload: its own fields, its size,
// then each list's elements.
var payloadRules = []rule[*Payload]{
	{field: "version", problem: func(p *Payload, _ Limits) string {
		if p.Version == "" {
			return "missing: every run needs the version it tested"
		}
		return nameProblem(p.Version, false)
	}},
	{field: "run_id", problem: func(p *Payload, _ Limits) string { return nameProblem(p.RunID, true) }},
	{field: "commit", problem: func(p *Payload, _ Limits) string { return nameProblem(p.Commit, true) }},
	{field: "branch", problem: func(p *Payload, _ Limits) string { return nameProblem(p.Branch, true) }},
	{field: "goos", problem: func(p *Payload, _ Limits) string { return nameProblem(p.GoOS, true) }},
	{field: "goarch", problem: func(p *Payload, _ Limits) string { return nameProblem(p.GoArch, true) }},
	{field: "cpu", problem: func(p *Payload, _ Limits) string { return nameProblem(p.CPU, true) }},
	{field: "started", problem: func(p *Payload, _ Limits) string {
		if p.Started != nil && (p.Started.Year() < 2000 || p.Started.Year() > 9999) {
			return p.Started.Format(time.RFC3339) + " is not a plausible start time"
		}
		return ""
	}},
	{field: "tests", problem: func(p *Payload, _ Limits) string {
		if len(p.Packages)+len(p.Tests)+len(p.Benchmarks) == 0 {
			return "no packages, tests or benchmarks: nothing to store (was the input go test output?)"
		}
		return ""
	}},
	{field: "packages", problem: func(p *Payload, lim Limits) string {
		return countProblem(len(p.Packages), lim.Packages, "packages")
	}},
	{field: "tests", problem: func(p *Payload, lim Limits) string {
		return countProblem(len(p.Tests), lim.Tests, "test results")
	}},
	{field: "benchmarks", problem: func(p *Payload, lim Limits) string {
		return countProblem(len(p.Benchmarks), lim.Benchmarks, "benchmark results")
	}},
	{field: "packages", list: func(path string, p *Payload, lim Limits) error {
		return checkList(path, p.Packages, lim, packageRules)
	}},
	{field: "tests", list: func(path string, p *Payload, lim Limits) error {
		return checkList(path, p.Tests, lim, testRules)
	}},
	{field: "benchmarks", list: func(path string, p *Payload, lim Limits) error {
		return checkList(path, p.Benchmarks, lim, benchmarkRules)
	}},
}

var packageRules = []rule[Package]{
	{field: ".name", problem: func(k Package, _ Limits) string { return nameProblem(k.Name, false) }},
	{field: ".outcome", problem: func(k Package, _ Limits) string {
		if !gotest.Outcome(k.Outcome).Valid() {
			return fmt.Sprintf("%q: want pass, fail, skip, incomplete or build-fail", k.Outcome)
		}
		return ""
	}},
	{field: ".elapsed_us", problem: func(k Package, _ Limits) string { return elapsedProblem(k.ElapsedUS) }},
	{field: ".name",
		key: func(k Package) string { return store.Clip(k.Name) },
		dup: func(k Package) string { return fmt.Sprintf("package %q appears twice", k.Name) }},
}

var testRules = []rule[Test]{
	{field: ".package", problem: func(t Test, _ Limits) string { return nameProblem(t.Package, true) }},
	{field: ".name", problem: func(t Test, _ Limits) string { return nameProblem(t.Name, false) }},
	{field: ".outcome", problem: func(t Test, _ Limits) string {
		if o := gotest.Outcome(t.Outcome); !o.Valid() || o == gotest.BuildFail {
			return fmt.Sprintf("%q: want pass, fail, skip or incomplete", t.Outcome)
		}
		return ""
	}},
	{field: ".run", problem: func(t Test, _ Limits) string { return rangeProblem(int64(t.Run), 0, maxRun) }},
	{field: ".elapsed_us", problem: func(t Test, _ Limits) string { return elapsedProblem(t.ElapsedUS) }},
	{key: func(t Test) string {
		return fmt.Sprintf("%s\x00%s\x00%d", store.Clip(t.Package), store.Clip(t.Name), t.Run)
	}, dup: func(t Test) string {
		return fmt.Sprintf("test %s %s run %d appears twice (names count up to %d characters)", t.Package, t.Name, t.Run, store.MaxName)
	}},
}

var benchmarkRules = []rule[Benchmark]{
	{field: ".package", problem: func(b Benchmark, _ Limits) string { return nameProblem(b.Package, true) }},
	{field: ".name", problem: func(b Benchmark, _ Limits) string { return nameProblem(b.Name, false) }},
	{field: ".name", problem: func(b Benchmark, _ Limits) string {
		if !strings.HasPrefix(b.Name, "Benchmark") {
			return fmt.Sprintf("%q: a benchmark's name starts with Benchmark", b.Name)
		}
		return ""
	}},
	{field: ".procs", problem: func(b Benchmark, _ Limits) string { return rangeProblem(int64(b.Procs), 1, maxProcs) }},
	{field: ".run", problem: func(b Benchmark, _ Limits) string { return rangeProblem(int64(b.Run), 0, maxRun) }},
	{field: ".iterations", problem: func(b Benchmark, _ Limits) string {
		if b.Iterations < 1 {
			return fmt.Sprintf("%d: want at least 1", b.Iterations)
		}
		return ""
	}},
	{field: ".metrics", problem: func(b Benchmark, lim Limits) string {
		if len(b.Metrics) == 0 || len(b.Metrics) > lim.Metrics {
			return fmt.Sprintf("%d metrics: want 1 to %d", len(b.Metrics), lim.Metrics)
		}
		return ""
	}},
	{field: ".metrics", list: func(path string, b Benchmark, lim Limits) error {
		return checkList(path, b.Metrics, lim, metricRules)
	}},
	{key: func(b Benchmark) string {
		return fmt.Sprintf("%s\x00%s\x00%d\x00%d", store.Clip(b.Package), store.Clip(b.Name), b.Procs, b.Run)
	}, dup: func(b Benchmark) string {
		return fmt.Sprintf("benchmark %s %s-%d run %d appears twice (names count up to %d characters)", b.Package, b.Name, b.Procs, b.Run, store.MaxName)
	}},
}

var metricRules = []rule[Metric]{
	{field: ".unit", problem: func(m Metric, _ Limits) string {
		if m.Unit == "" || len(m.Unit) > maxUnit || !utf8.ValidString(m.Unit) || strings.IndexFunc(m.Unit, unicode.IsSpace) >= 0 || hasControl(m.Unit) {
			return fmt.Sprintf("%q: want 1 to %d characters without spaces", m.Unit, maxUnit)
		}
		return ""
	}},
	{field: ".unit",
		key: func(m Metric) string { return m.Unit },
		dup: func(m Metric) string { return fmt.Sprintf("%q appears twice", m.Unit) }},
	{field: ".value", problem: func(m Metric, _ Limits) string {
		if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
			return "not a finite number"
		}
		return ""
	}},
}

// maxNameBytes bounds names before clipping: longer names are surely not
// test names, and clipping them would hide the mistake.
const maxNameBytes = 4 * store.MaxName

// nameProblem checks a name: present unless empty is allowed, bounded,
// valid UTF-8 and without control characters.
func nameProblem(v string, empty bool) string {
	switch {
	case v == "" && !empty:
		return "missing"
	case len(v) > maxNameBytes:
		return fmt.Sprintf("%d bytes, at most %d allowed", len(v), maxNameBytes)
	case !utf8.ValidString(v):
		return "not valid UTF-8"
	case hasControl(v):
		return "contains control characters"
	}
	return ""
}

func hasControl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }

func rangeProblem(v, lo, hi int64) string {
	if v < lo || v > hi {
		return fmt.Sprintf("%d: want %d to %d", v, lo, hi)
	}
	return ""
}

func elapsedProblem(us int64) string {
	if us < 0 || us > maxElapsed {
		return fmt.Sprintf("%d: want 0 to %d (30 days)", us, maxElapsed)
	}
	return ""
}

// countProblem bounds the length of a list of one upload.
func countProblem(n, limit int, what string) string {
	if n > limit {
		return fmt.Sprintf("%d %s, at most %d allowed in one upload", n, what, limit)
	}
	return ""
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
