package gotest

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strings"
	"time"
)

// MaxLine is the longest line Parse reads whole; the rest of a longer line
// is skipped. go test's own lines are far shorter; a test that prints a
// huge blob must not make the parser hold it.
const MaxLine = 1 << 20

// event is one line of `go test -json` (cmd/test2json's TestEvent, plus
// the build events go test adds).
type event struct {
	Action      string
	Package     string
	ImportPath  string
	Test        string
	Elapsed     *float64
	Output      string
	FailedBuild string
}

type testKey struct{ pkg, name string }

type benchKey struct {
	pkg, name string
	procs     int
}

type parser struct {
	res       *Result
	runs      map[testKey]int // runs seen of each test
	open      map[testKey]int // index in res.Tests of a test's latest run
	pkgs      map[string]int  // index in res.Packages
	partial   map[string]*strings.Builder
	benchRuns map[benchKey]int
	// benchNames holds the benchmark names seen in "run" events, which
	// never carry the -GOMAXPROCS suffix: a result line whose name is
	// one of them has no suffix to strip, even if it ends in -digits.
	benchNames map[testKey]bool
	plainPkg   string // the last "pkg:" header of plain output
}

// Parse reads go test output, -json or plain or a mix of both, and
// returns what it found. It fails only when r fails; whatever the text,
// it returns what could be read.
func Parse(r io.Reader) (*Result, error) {
	p := &parser{
		res:        &Result{},
		runs:       map[testKey]int{},
		open:       map[testKey]int{},
		pkgs:       map[string]int{},
		partial:    map[string]*strings.Builder{},
		benchRuns:  map[benchKey]int{},
		benchNames: map[testKey]bool{},
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) <= MaxLine {
			line = append(line, chunk...)
		} else if len(line) < MaxLine {
			line = append(line, chunk[:MaxLine-len(line)]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if len(line) > 0 {
			p.line(line)
		}
		line = line[:0]
		if err == io.EOF {
			break
		}
		if err != nil {
			p.finish()
			return p.res, err
		}
	}
	p.finish()
	return p.res, nil
}

func (p *parser) line(b []byte) {
	s := strings.TrimRight(string(b), "\r\n")
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") {
		var e event
		if err := json.Unmarshal([]byte(t), &e); err == nil && (e.Action != "" || e.ImportPath != "") {
			p.event(&e)
			return
		}
		if strings.Contains(t, `"Action"`) {
			p.res.Malformed++
			return
		}
	}
	p.plain(s)
}

func (p *parser) event(e *event) {
	switch e.Action {
	case "start":
		p.touch(e.Package)
	case "run":
		if e.Test == "" {
			return
		}
		k := testKey{e.Package, e.Test}
		if strings.HasPrefix(e.Test, "Benchmark") {
			p.benchNames[k] = true
			return
		}
		p.touch(e.Package)
		p.open[k] = len(p.res.Tests)
		p.res.Tests = append(p.res.Tests, Test{Package: e.Package, Name: e.Test, Run: p.runs[k], Outcome: Incomplete})
		p.runs[k]++
	case "pass", "fail", "skip":
		o := Outcome(e.Action)
		if e.Test == "" {
			p.flush(e.Package)
			if e.Package == "" {
				return
			}
			if e.FailedBuild != "" {
				o = BuildFail
			}
			pk := &p.res.Packages[p.pkg(e.Package)]
			pk.Outcome = o
			pk.Elapsed = seconds(e.Elapsed)
			return
		}
		if strings.HasPrefix(e.Test, "Benchmark") {
			return
		}
		k := testKey{e.Package, e.Test}
		i, ok := p.open[k]
		if !ok {
			// The run event was cut off the start of the log.
			p.touch(e.Package)
			i = len(p.res.Tests)
			p.res.Tests = append(p.res.Tests, Test{Package: e.Package, Name: e.Test, Run: p.runs[k]})
			p.runs[k]++
		}
		delete(p.open, k)
		p.res.Tests[i].Outcome = o
		p.res.Tests[i].Elapsed = seconds(e.Elapsed)
	case "build-fail":
		name, _, _ := strings.Cut(e.ImportPath, " ")
		if name == "" {
			return
		}
		p.res.Packages[p.pkg(name)].Outcome = BuildFail
	case "output":
		p.output(e.Package, e.Output)
	}
}

// output adds text printed by a package. Lines are rebuilt per package
// because go test may split one line over several events (a benchmark's
// name is printed before it runs, its figures after).
func (p *parser) output(pkg, text string) {
	b := p.partial[pkg]
	if b == nil {
		b = &strings.Builder{}
		p.partial[pkg] = b
	}
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			if b.Len()+len(text) <= MaxLine {
				b.WriteString(text)
			}
			return
		}
		if b.Len()+i <= MaxLine {
			b.WriteString(text[:i])
		}
		p.outputLine(pkg, b.String())
		b.Reset()
		text = text[i+1:]
	}
}

func (p *parser) flush(pkg string) {
	if b := p.partial[pkg]; b != nil && b.Len() > 0 {
		p.outputLine(pkg, b.String())
		b.Reset()
	}
}

func (p *parser) finish() {
	for pkg := range p.partial {
		p.flush(pkg)
	}
}

// outputLine reads a line that a package printed (inside a JSON event).
func (p *parser) outputLine(pkg, s string) {
	if p.header(s) {
		return
	}
	p.benchmark(pkg, s)
}

// plain reads a line that is not a JSON event: plain go test output, or
// text that a build or a script printed around the events.
func (p *parser) plain(s string) {
	if p.header(s) {
		return
	}
	if v, ok := strings.CutPrefix(s, "pkg: "); ok {
		p.plainPkg = strings.TrimSpace(v)
		return
	}
	if p.benchmark(p.plainPkg, s) {
		return
	}
	p.summary(s)
}

// header reads the lines go test prints before benchmark results.
func (p *parser) header(s string) bool {
	for _, h := range []struct {
		prefix string
		dst    *string
	}{{"goos: ", &p.res.GoOS}, {"goarch: ", &p.res.GoArch}, {"cpu: ", &p.res.CPU}} {
		if v, ok := strings.CutPrefix(s, h.prefix); ok {
			*h.dst = strings.TrimSpace(v)
			return true
		}
	}
	return false
}

func (p *parser) benchmark(pkg, s string) bool {
	full, iters, metrics, ok := ParseBenchmarkLine(s)
	if !ok {
		return false
	}
	name, procs := full, 1
	if !p.benchNames[testKey{pkg, full}] {
		name, procs = SplitProcs(full)
	}
	k := benchKey{pkg, name, procs}
	p.res.Benchmarks = append(p.res.Benchmarks, Benchmark{
		Package: pkg, Name: name, Procs: procs, Run: p.benchRuns[k], Iterations: iters, Metrics: metrics,
	})
	p.benchRuns[k]++
	return true
}

// summary reads the per-package lines of plain go test output:
//
//	ok  	example.com/calc	0.012s
//	FAIL	example.com/failing	0.004s
//	FAIL	example.com/broken [build failed]
//	?   	example.com/notests	[no test files]
func (p *parser) summary(s string) {
	f := strings.Fields(s)
	if len(f) < 2 {
		return
	}
	var o Outcome
	switch f[0] {
	case "ok":
		o = Pass
	case "FAIL":
		o = Fail
	case "?":
		o = Skip
	default:
		return
	}
	if len(f) >= 4 && f[2] == "[build" && f[3] == "failed]" {
		o = BuildFail
	}
	var elapsed time.Duration
	if len(f) >= 3 {
		if d, err := time.ParseDuration(f[2]); err == nil && d >= 0 {
			elapsed = d.Round(time.Microsecond)
		}
	}
	pk := &p.res.Packages[p.pkg(f[1])]
	pk.Outcome, pk.Elapsed = o, elapsed
}

// pkg returns the index of the named package, adding it (as incomplete
// until its end event) when new.
func (p *parser) pkg(name string) int {
	if i, ok := p.pkgs[name]; ok {
		return i
	}
	p.pkgs[name] = len(p.res.Packages)
	p.res.Packages = append(p.res.Packages, Package{Name: name, Outcome: Incomplete})
	return len(p.res.Packages) - 1
}

// touch makes sure a named package is listed.
func (p *parser) touch(name string) {
	if name != "" {
		p.pkg(name)
	}
}

// seconds turns go test's elapsed seconds into a duration, treating
// values that cannot be times (negative, not a number, centuries) as 0.
func seconds(s *float64) time.Duration {
	if s == nil || math.IsNaN(*s) || *s < 0 || *s > 1e9 {
		return 0
	}
	return time.Duration(math.Round(*s*1e6)) * time.Microsecond
}
