package ciupload

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// TestValidate checks each rule of the upload format: the field it names
// and its exact message, on a payload that is valid but for one change.
func TestValidate(t *testing.T) {
	long := strings.Repeat("x", maxNameBytes+1)
	lim := DefaultLimits()
	lim.Packages, lim.Tests, lim.Benchmarks, lim.Metrics = 2, 3, 2, 3
	cases := []struct {
		name   string
		change func(p *Payload)
		field  string
		msg    string
	}{
		{"no version", func(p *Payload) { p.Version = "" }, "version", "missing: every run needs the version it tested"},
		{"version too long", func(p *Payload) { p.Version = long }, "version", "1021 bytes, at most 1020 allowed"},
		{"version not UTF-8", func(p *Payload) { p.Version = "v\xff" }, "version", "not valid UTF-8"},
		{"version with newline", func(p *Payload) { p.Version = "v1\nv2" }, "version", "contains control characters"},
		{"run_id with control", func(p *Payload) { p.RunID = "a\x01" }, "run_id", "contains control characters"},
		{"commit too long", func(p *Payload) { p.Commit = long }, "commit", "1021 bytes, at most 1020 allowed"},
		{"branch with NUL", func(p *Payload) { p.Branch = "main\x00" }, "branch", "contains control characters"},
		{"goos not UTF-8", func(p *Payload) { p.GoOS = "\xc0" }, "goos", "not valid UTF-8"},
		{"goarch with tab", func(p *Payload) { p.GoArch = "amd\t64" }, "goarch", "contains control characters"},
		{"cpu too long", func(p *Payload) { p.CPU = long }, "cpu", "1021 bytes, at most 1020 allowed"},
		{"start before 2000", func(p *Payload) { s := time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC); p.Started = &s },
			"started", "1999-12-31T00:00:00Z is not a plausible start time"},
		{"nothing to store", func(p *Payload) { p.Packages, p.Tests, p.Benchmarks = nil, nil, nil },
			"tests", "no packages, tests or benchmarks: nothing to store (was the input go test output?)"},
		{"too many packages", func(p *Payload) {
			p.Packages = append(p.Packages, Package{Name: "b", Outcome: "pass"}, Package{Name: "c", Outcome: "pass"})
		}, "packages", "3 packages, at most 2 allowed in one upload"},
		{"too many tests", func(p *Payload) {
			p.Tests = append(p.Tests, Test{Name: "TestA", Outcome: "pass"}, Test{Name: "TestB", Outcome: "pass"})
		}, "tests", "4 test results, at most 3 allowed in one upload"},
		{"too many benchmarks", func(p *Payload) { p.Benchmarks = append(p.Benchmarks, p.Benchmarks[0], p.Benchmarks[0]) },
			"benchmarks", "3 benchmark results, at most 2 allowed in one upload"},

		{"package without name", func(p *Payload) { p.Packages[0].Name = "" }, "packages[0].name", "missing"},
		{"package outcome", func(p *Payload) { p.Packages[0].Outcome = "ok" }, "packages[0].outcome",
			`"ok": want pass, fail, skip, incomplete or build-fail`},
		{"package elapsed", func(p *Payload) { p.Packages[0].ElapsedUS = maxElapsed + 1 }, "packages[0].elapsed_us",
			"2592000000001: want 0 to 2592000000000 (30 days)"},
		{"package twice", func(p *Payload) { p.Packages = append(p.Packages, p.Packages[0]) }, "packages[1].name",
			`package "example.com/calc" appears twice`},

		{"test package with control", func(p *Payload) { p.Tests[1].Package = "a\x7f" }, "tests[1].package", "contains control characters"},
		{"test without name", func(p *Payload) { p.Tests[0].Name = "" }, "tests[0].name", "missing"},
		{"test outcome", func(p *Payload) { p.Tests[1].Outcome = "great" }, "tests[1].outcome", `"great": want pass, fail, skip or incomplete`},
		{"test outcome build-fail", func(p *Payload) { p.Tests[0].Outcome = "build-fail" }, "tests[0].outcome",
			`"build-fail": want pass, fail, skip or incomplete`},
		{"test run negative", func(p *Payload) { p.Tests[0].Run = -1 }, "tests[0].run", "-1: want 0 to 1000000"},
		{"test run too high", func(p *Payload) { p.Tests[0].Run = maxRun + 1 }, "tests[0].run", "1000001: want 0 to 1000000"},
		{"test elapsed negative", func(p *Payload) { p.Tests[0].ElapsedUS = -1 }, "tests[0].elapsed_us", "-1: want 0 to 2592000000000 (30 days)"},
		{"test twice", func(p *Payload) { p.Tests[1].Run = 0 }, "tests[1]",
			"test example.com/calc TestSum run 0 appears twice (names count up to 255 characters)"},

		{"benchmark package not UTF-8", func(p *Payload) { p.Benchmarks[0].Package = "\xff" }, "benchmarks[0].package", "not valid UTF-8"},
		{"benchmark without name", func(p *Payload) { p.Benchmarks[0].Name = "" }, "benchmarks[0].name", "missing"},
		{"benchmark not named Benchmark", func(p *Payload) { p.Benchmarks[0].Name = "TestSum" }, "benchmarks[0].name",
			`"TestSum": a benchmark's name starts with Benchmark`},
		{"benchmark zero procs", func(p *Payload) { p.Benchmarks[0].Procs = 0 }, "benchmarks[0].procs", "0: want 1 to 1048576"},
		{"benchmark too many procs", func(p *Payload) { p.Benchmarks[0].Procs = maxProcs + 1 }, "benchmarks[0].procs", "1048577: want 1 to 1048576"},
		{"benchmark run", func(p *Payload) { p.Benchmarks[0].Run = -2 }, "benchmarks[0].run", "-2: want 0 to 1000000"},
		{"benchmark iterations", func(p *Payload) { p.Benchmarks[0].Iterations = 0 }, "benchmarks[0].iterations", "0: want at least 1"},
		{"benchmark without metrics", func(p *Payload) { p.Benchmarks[0].Metrics = nil }, "benchmarks[0].metrics", "0 metrics: want 1 to 3"},
		{"benchmark with too many metrics", func(p *Payload) {
			p.Benchmarks[0].Metrics = append(p.Benchmarks[0].Metrics, Metric{Unit: "MB/s", Value: 1})
		}, "benchmarks[0].metrics", "4 metrics: want 1 to 3"},
		{"metric without unit", func(p *Payload) { p.Benchmarks[0].Metrics[1].Unit = "" }, "benchmarks[0].metrics[1].unit",
			`"": want 1 to 64 characters without spaces`},
		{"metric unit with space", func(p *Payload) { p.Benchmarks[0].Metrics[0].Unit = "ns per op" }, "benchmarks[0].metrics[0].unit",
			`"ns per op": want 1 to 64 characters without spaces`},
		{"metric unit too long", func(p *Payload) { p.Benchmarks[0].Metrics[0].Unit = strings.Repeat("u", 65) }, "benchmarks[0].metrics[0].unit",
			`"` + strings.Repeat("u", 65) + `": want 1 to 64 characters without spaces`},
		{"metric unit with control", func(p *Payload) { p.Benchmarks[0].Metrics[2].Unit = "op\x00" }, "benchmarks[0].metrics[2].unit",
			`"op\x00": want 1 to 64 characters without spaces`},
		{"metric unit twice", func(p *Payload) { p.Benchmarks[0].Metrics[2].Unit = "ns/op" }, "benchmarks[0].metrics[2].unit",
			`"ns/op" appears twice`},
		{"metric unit twice beats its value", func(p *Payload) {
			p.Benchmarks[0].Metrics[1] = Metric{Unit: "ns/op", Value: math.NaN()}
		}, "benchmarks[0].metrics[1].unit", `"ns/op" appears twice`},
		{"metric NaN", func(p *Payload) { p.Benchmarks[0].Metrics[0].Value = math.NaN() }, "benchmarks[0].metrics[0].value", "not a finite number"},
		{"metric infinite", func(p *Payload) { p.Benchmarks[0].Metrics[1].Value = math.Inf(-1) }, "benchmarks[0].metrics[1].value", "not a finite number"},
		{"benchmark twice", func(p *Payload) { p.Benchmarks = append(p.Benchmarks, p.Benchmarks[0]) }, "benchmarks[1]",
			"benchmark example.com/calc BenchmarkSum-2 run 0 appears twice (names count up to 255 characters)"},

		{"first problem wins", func(p *Payload) { p.Tests[0].Name, p.Packages[0].Outcome = "", "?" }, "packages[0].outcome",
			`"?": want pass, fail, skip, incomplete or build-fail`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validPayload()
			c.change(p)
			err := p.Validate(lim)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate = %v, want a *FieldError", err)
			}
			if fe.Field != c.field || fe.Msg != c.msg {
				t.Errorf("Validate = %q: %q\n          want %q: %q", fe.Field, fe.Msg, c.field, c.msg)
			}
			if err.Error() != c.field+": "+c.msg {
				t.Errorf("Error() = %q", err.Error())
			}
		})
	}
}

// TestValidateAccepts checks payloads at the edges of what is allowed.
func TestValidateAccepts(t *testing.T) {
	lim := DefaultLimits()
	cases := []struct {
		name   string
		change func(p *Payload)
	}{
		{"as built", func(p *Payload) {}},
		{"optional names empty", func(p *Payload) { p.RunID, p.Commit, p.Branch, p.GoOS, p.GoArch, p.CPU = "", "", "", "", "", "" }},
		{"name at the byte limit", func(p *Payload) { p.Version = strings.Repeat("v", maxNameBytes) }},
		{"only packages", func(p *Payload) { p.Tests, p.Benchmarks = nil, nil }},
		{"only benchmarks", func(p *Payload) { p.Packages, p.Tests = nil, nil }},
		{"build-fail package", func(p *Payload) { p.Packages[0].Outcome = "build-fail" }},
		{"test without package", func(p *Payload) { p.Tests[0].Package = "" }},
		{"limits reached", func(p *Payload) { p.Tests[0].Run, p.Tests[0].ElapsedUS = maxRun, maxElapsed }},
		{"same test in two packages", func(p *Payload) { p.Tests[1].Package, p.Tests[1].Run = "example.com/other", 0 }},
		{"same benchmark with other procs", func(p *Payload) {
			b := p.Benchmarks[0]
			b.Procs = 4
			p.Benchmarks = append(p.Benchmarks, b)
		}},
		{"start in range", func(p *Payload) { s := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC); p.Started = &s }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := validPayload()
			c.change(p)
			if err := p.Validate(lim); err != nil {
				t.Errorf("Validate = %v, want nil", err)
			}
		})
	}
}
