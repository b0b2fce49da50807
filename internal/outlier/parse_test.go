package outlier

import (
	"bytes"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

const sampleProfile = `goroutine profile: total 4
2 @ 0x4886ee 0x418aae
# labels: {"b":"q\"gmd_request\":\"P/9", "gmd_request":"P/3"}
#	0x5e5298	example.com/svc.handler.func1+0x18	/src/my dir/main.go:14
#	0x5448cb	runtime/pprof.Do+0x8b			/usr/local/go/src/runtime/pprof/runtime.go:57

1 @ 0x4479d1
# labels: {"gmd_request":"Other/5"}
#	0x53a4d0	example.com/svc.(*T).Method[...]+0xb0	/src/t.go:851

1 @ 0x4886ee
#	0x48c0a4	time.Sleep+0x164	/usr/local/go/src/runtime/time.go:363
#	garbage line
`

func TestParseGoroutines(t *testing.T) {
	gs := parseGoroutines([]byte(sampleProfile), "P/")
	if len(gs) != 3 {
		t.Fatalf("%d groups, want 3: %+v", len(gs), gs)
	}
	cases := []struct {
		name      string
		got, want any
	}{
		{"count", gs[0].count, 2},
		{"our slot, not the look-alike in another value", gs[0].slot, 3},
		{"function without offset", gs[0].frames[0].Func, "example.com/svc.handler.func1"},
		{"file with a space", gs[0].frames[0].File, "/src/my dir/main.go"},
		{"line", gs[0].frames[0].Line, 14},
		{"another monitor's label", gs[1].slot, -1},
		{"generic method", gs[1].frames[0].Func, "example.com/svc.(*T).Method[...]"},
		{"no labels", gs[2].slot, -1},
		{"garbage frame skipped", len(gs[2].frames), 1},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestGoroutinesFindsLabelledGoroutine reads the real runtime's output.
func TestGoroutinesFindsLabelledGoroutine(t *testing.T) {
	tb := newTable(8, t)
	stop, started := make(chan struct{}), make(chan struct{})
	go func() {
		pprof.SetGoroutineLabels(tb.slots[5].labels)
		close(started)
		<-stop
	}()
	<-started
	defer close(stop)
	time.Sleep(time.Millisecond)
	gs, err := goroutines(new(bytes.Buffer), tb.prefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.slot == 5 {
			for _, f := range g.frames {
				if strings.Contains(f.Func, "TestGoroutinesFindsLabelledGoroutine") {
					return
				}
			}
			t.Fatalf("slot 5's stack lacks the test: %+v", g.frames)
		}
	}
	t.Fatalf("no goroutine with slot 5's label among %d groups", len(gs))
}

func FuzzParseGoroutines(f *testing.F) {
	f.Add([]byte(sampleProfile), "P/")
	f.Add([]byte("1 @\n# labels: {\"gmd_request\":\"P/-1\"}\n#\t\t\t:\n"), "P/")
	f.Fuzz(func(t *testing.T, text []byte, prefix string) {
		for _, g := range parseGoroutines(text, prefix) {
			if g.slot < -1 {
				t.Fatalf("slot %d", g.slot)
			}
		}
		_ = dumpGoroutines(parseGoroutines(text, prefix))
	})
}
