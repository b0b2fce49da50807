package outlier

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Bounds of what is kept of a panic.
const (
	maxPanicValue = 1024
	maxPanicStack = 16384
	// maxPanicGroups bounds the groups waiting for the writer; panics of
	// further groups are dropped and counted until it collects them.
	maxPanicGroups = 1000
)

// Signature identifies a panic by where it happened: the type of its value
// and the functions on the stack from the panicking call outwards. Line
// numbers and addresses are left out, so that the same panic keeps its
// group across versions that moved the code, and so are argument values
// and goroutine ids, which differ on every run. The runtime's panic
// machinery and the frames of ignore (our own recovery) are skipped.
//
// stack is the text of runtime/debug.Stack taken in a deferred function
// while the panic unwinds.
func Signature(value any, stack string, ignore ...string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%T\n", value)
	for _, fn := range panicFrames(stack, ignore) {
		h.Write([]byte(fn))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// panicFrames returns the function names of a debug.Stack text that lie
// beyond the innermost panic call, without runtime frames at its top.
func panicFrames(stack string, ignore []string) []string {
	var fns []string
	lines := strings.Split(stack, "\n")
	for _, ln := range lines {
		if ln == "" || strings.HasPrefix(ln, "\t") || strings.HasPrefix(ln, "goroutine ") {
			continue
		}
		fn := ln
		if strings.HasPrefix(fn, "created by ") {
			fn = strings.TrimPrefix(fn, "created by ")
			if i := strings.Index(fn, " in goroutine "); i >= 0 {
				fn = fn[:i]
			}
			fns = append(fns, "created by "+fn)
			continue
		}
		// "pkg.(*T).Method(0xc000012345, {0x1, 0x2})" -> "pkg.(*T).Method"
		if i := strings.LastIndex(fn, "("); i > 0 && strings.HasSuffix(fn, ")") {
			fn = fn[:i]
		}
		fns = append(fns, fn)
	}
	// Keep what lies beyond the innermost panic call (runtime.gopanic
	// prints as "panic").
	for i := len(fns) - 1; i >= 0; i-- {
		if fns[i] == "panic" || fns[i] == "runtime.gopanic" {
			fns = fns[i+1:]
			break
		}
	}
	// A runtime error starts in the runtime (runtime.panicmem,
	// runtime.sigpanic, runtime.goPanicIndex): skip to the user's code.
	for len(fns) > 0 && strings.HasPrefix(fns[0], "runtime.") {
		fns = fns[1:]
	}
	out := fns[:0]
	for _, fn := range fns {
		skip := false
		for _, p := range ignore {
			if strings.HasPrefix(fn, p) {
				skip = true
				break
			}
		}
		if !skip {
			out = append(out, fn)
		}
	}
	return out
}

// fromPanic drops the frames above the innermost panic call (the
// recording's own: debug.Stack, the deferred function), keeping the
// goroutine line, so that a stored stack starts where the panic did.
func fromPanic(stack string) string {
	head, rest, ok := strings.Cut(stack, "\n")
	if !ok || !strings.HasPrefix(head, "goroutine ") {
		return stack
	}
	i := strings.LastIndex(rest, "\npanic(")
	if strings.HasPrefix(rest, "panic(") {
		i = -1 // already starts there
	} else if i < 0 {
		return stack
	}
	return head + "\n" + rest[i+1:]
}

// panics groups panics until the writer takes them.
type panics struct {
	mu      sync.Mutex
	groups  map[panicKey]*store.Panic
	dropped int64
}

type panicKey struct{ endpoint, signature string }

func (p *panics) add(service, instance, version, endpoint string, value any, stack string, ignore []string, now time.Time) {
	sig := Signature(value, stack, ignore...)
	text := clipString(valueText(value), maxPanicValue)
	stack = clipString(fromPanic(stack), maxPanicStack)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.groups == nil {
		p.groups = map[panicKey]*store.Panic{}
	}
	k := panicKey{endpoint, sig}
	g := p.groups[k]
	if g == nil {
		if len(p.groups) >= maxPanicGroups {
			p.dropped++
			return
		}
		g = &store.Panic{Service: service, Instance: instance, Endpoint: endpoint, Version: version, Signature: sig, First: now}
		p.groups[k] = g
	}
	g.Count++
	g.Last, g.Value, g.Stack = now, text, stack
}

// take returns the groups collected and starts over.
func (p *panics) take() []store.Panic {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]store.Panic, 0, len(p.groups))
	for _, g := range p.groups {
		out = append(out, *g)
	}
	p.groups = nil
	return out
}

// valueText renders a panic value. fmt recovers from an Error or String
// method that panics itself, which matters here: this runs while the
// service's panic unwinds.
func valueText(v any) string {
	switch v.(type) {
	case error, fmt.Stringer, string:
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%v (%T)", v, v)
}
