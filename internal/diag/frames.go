package diag

import (
	"strings"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Kinds of frame, for folding a stack down to the service's own code.
const (
	KindApp       = "app"       // the service's code, shown
	KindDashboard = "dashboard" // ours: the middleware around the handler
	KindRuntime   = "runtime"   // the Go runtime
	KindLibrary   = "library"   // the standard library's server and plumbing
)

const modulePath = "github.com/go-monitoring-dashboard/dashboard"

// Kind classifies a function by its full name.
func Kind(fn string) string {
	switch {
	case strings.HasPrefix(fn, modulePath+"/internal/demo."):
		return KindApp // the demo's book shop is the service there
	case strings.HasPrefix(fn, modulePath+".(*Dashboard)."), strings.HasPrefix(fn, modulePath+".Measurement."),
		strings.HasPrefix(fn, modulePath+"/internal/"):
		return KindDashboard
	case strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "runtime/"):
		return KindRuntime
	case isStdlib(fn):
		return KindLibrary
	}
	return KindApp
}

// isStdlib reports whether a function belongs to the standard library: its
// package path has no dot in its first element (net/http, time, sync),
// which module paths always have (example.com/...). "main" is the
// service's own.
func isStdlib(fn string) bool {
	pkg := fn
	if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
		first := pkg[:strings.IndexByte(pkg, '/')]
		return !strings.Contains(first, ".")
	}
	if i := strings.IndexByte(pkg, '.'); i >= 0 {
		pkg = pkg[:i]
	}
	return pkg != "main" && pkg != ""
}

// FrameGroup is a run of frames of one kind; groups of other kinds than
// app are shown folded.
type FrameGroup struct {
	Kind   string        `json:"kind"`
	Folded bool          `json:"folded"`
	Frames []store.Frame `json:"frames"`
}

// Fold groups a stack, innermost call first, into runs of one kind.
// A short run of library frames inside the innermost app frame stays in
// sight, since "the handler waits in database/sql" is the point.
func Fold(stack []store.Frame) []FrameGroup {
	var out []FrameGroup
	for _, f := range stack {
		k := Kind(f.Func)
		if n := len(out); n > 0 && out[n-1].Kind == k {
			out[n-1].Frames = append(out[n-1].Frames, f)
			continue
		}
		out = append(out, FrameGroup{Kind: k, Frames: []store.Frame{f}})
	}
	seenApp := false
	for i := range out {
		g := &out[i]
		switch g.Kind {
		case KindApp:
			seenApp = true
		case KindLibrary:
			// A short run inside the service's innermost code says
			// what it waits for (time.Sleep, database/sql): shown.
			g.Folded = seenApp || len(g.Frames) > 3
		default:
			g.Folded = true
		}
	}
	return out
}

// FirstAppFrame returns the innermost frame of the service's own code, or
// the innermost frame when there is none.
func FirstAppFrame(stack []store.Frame) store.Frame {
	for _, f := range stack {
		if Kind(f.Func) == KindApp {
			return f
		}
	}
	if len(stack) > 0 {
		return stack[0]
	}
	return store.Frame{}
}
