package outlier

import (
	"bytes"
	"fmt"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-monitoring-dashboard/dashboard/internal/profiler"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// capture is an outlier being put together by two goroutines: the
// watchdog fills in the stacks and the host, the request goroutine the
// request and its end. Each writes its own fields; the one that finishes
// second (parties reaches 0) hands the outlier on.
type capture struct {
	o       store.Outlier
	parties atomic.Int32
}

// Bounds of the stacks kept with an outlier.
const (
	maxFrames         = 128
	maxGoroutineBytes = 60000 // below MySQL's TEXT limit of 64 KiB
)

// goroutines reads every goroutine's stack with its pprof labels, in the
// text form of the goroutine profile. The runtime's goroutine profile stops
// the world only briefly, to note which goroutines exist, and records their
// stacks while the world runs, where runtime.Stack(all) stops it for the
// whole dump (see BenchmarkGoroutineProfile). With a few dozen goroutines,
// as the profiler reads them every period, the text form costs a seventh
// of the protocol buffer form (120 µs against 800 µs), which sets up a
// gzip writer every time.
func goroutines(buf *bytes.Buffer, prefix string) ([]gstack, error) {
	buf.Reset()
	if err := pprof.Lookup("goroutine").WriteTo(buf, 1); err != nil {
		return nil, err
	}
	return parseGoroutines(buf.Bytes(), prefix), nil
}

// gstack is a group of goroutines with the same stack and labels.
type gstack struct {
	count  int
	labels string // as printed: {"key":"value", ...}
	slot   int    // the slot its label names, or -1
	frames []profiler.Frame
}

// parseGoroutines reads the goroutine profile's text form:
//
//	goroutine profile: total 5
//	2 @ 0x4886ee 0x418aae
//	# labels: {"gmd_request":"0xc000123/3"}
//	#	0x5e5298	main.handler+0x18	/src/main.go:14
//
// prefix is the label value prefix of our slots. Lines it does not
// understand are skipped.
func parseGoroutines(text []byte, prefix string) []gstack {
	var out []gstack
	var cur *gstack
	for len(text) > 0 {
		var line []byte
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, nil
		}
		switch {
		case len(line) == 0:
			cur = nil
		case line[0] >= '0' && line[0] <= '9':
			n, _, ok := bytes.Cut(line, []byte(" @"))
			if !ok {
				continue
			}
			count, err := strconv.Atoi(string(n))
			if err != nil {
				continue
			}
			out = append(out, gstack{count: count, slot: -1})
			cur = &out[len(out)-1]
		case cur == nil:
		case bytes.HasPrefix(line, []byte("# labels: ")):
			cur.labels = string(line[len("# labels: "):])
			cur.slot = slotIn(cur.labels, prefix)
		case bytes.HasPrefix(line, []byte("#\t")):
			if f, ok := parseFrame(string(line[2:])); ok {
				cur.frames = append(cur.frames, f)
			}
		}
	}
	return out
}

// parseFrame reads "0x5e5298\tmain.handler+0x18\t\t/src/main.go:14".
func parseFrame(s string) (profiler.Frame, bool) {
	_, rest, ok := strings.Cut(s, "\t")
	if !ok {
		return profiler.Frame{}, false
	}
	fn, loc, _ := strings.Cut(rest, "\t")
	if i := strings.LastIndex(fn, "+0x"); i > 0 {
		fn = fn[:i]
	}
	if fn == "" {
		return profiler.Frame{}, false
	}
	f := profiler.Frame{Func: fn}
	loc = strings.TrimLeft(loc, "\t")
	if i := strings.LastIndexByte(loc, ':'); i > 0 {
		if line, err := strconv.Atoi(loc[i+1:]); err == nil {
			f.File, f.Line = loc[:i], line
		}
	}
	return f, true
}

// slotIn finds our label in a printed label set and returns the slot it
// names. Keys and values are printed quoted, so a quote inside a value is
// escaped and a value cannot pass for our key.
func slotIn(labels, prefix string) int {
	const key = `"` + labelKey + `":"`
	i := strings.Index(labels, key)
	if i < 0 {
		return -1
	}
	v := labels[i+len(key):]
	end := strings.IndexByte(v, '"')
	if end < 0 {
		return -1
	}
	rest, ok := strings.CutPrefix(v[:end], prefix)
	if !ok {
		return -1
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

func storeFrames(fs []profiler.Frame) []store.Frame {
	n := min(len(fs), maxFrames)
	out := make([]store.Frame, n)
	for i := range n {
		out[i] = store.Frame{Func: fs[i].Func, File: fs[i].File, Line: fs[i].Line}
	}
	return out
}

// dumpGoroutines writes every goroutine's stack, grouped by stack (the
// profile already groups them), the largest groups first, bounded in size.
func dumpGoroutines(gs []gstack) string {
	gs = append([]gstack(nil), gs...)
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].count > gs[j].count })
	total := 0
	for _, g := range gs {
		total += g.count
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d goroutines in %d groups of identical stacks\n", total, len(gs))
	for i, s := range gs {
		var g strings.Builder
		fmt.Fprintf(&g, "\n%d goroutine", s.count)
		if s.count != 1 {
			g.WriteString("s")
		}
		if s.labels != "" {
			g.WriteString(" labels: " + s.labels)
		}
		g.WriteString("\n")
		for _, f := range s.frames {
			fmt.Fprintf(&g, "  %s\n      %s:%d\n", f.Func, f.File, f.Line)
		}
		if b.Len()+g.Len() > maxGoroutineBytes-100 {
			fmt.Fprintf(&b, "\n… %d more groups not kept\n", len(gs)-i)
			break
		}
		b.WriteString(g.String())
	}
	return b.String()
}
