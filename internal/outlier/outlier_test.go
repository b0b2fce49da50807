package outlier

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func TestAverage(t *testing.T) {
	ms := time.Millisecond
	cases := []struct {
		name   string
		in     []time.Duration
		warmUp int64
		lo, hi time.Duration
	}{
		{"plain mean during warm-up", []time.Duration{1 * ms, 2 * ms, 3 * ms, 100 * ms}, 10, 26 * ms, 27 * ms},
		{"one slow request moves it little", append(repeat(200, 10*ms), 10*time.Second), 20, 10 * ms, 10*ms + 10*ms*15/10/64 + ms/100},
		{"a lasting change is followed", append(repeat(200, 10*ms), repeat(400, 30*ms)...), 20, 29 * ms, 30 * ms},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var a Average
			for _, d := range c.in {
				a.Observe(d, 2.5, c.warmUp)
			}
			got, n := a.Load()
			if got < c.lo || got > c.hi || n != int64(len(c.in)) {
				t.Errorf("average %v after %d, want %v..%v after %d", got, n, c.lo, c.hi, len(c.in))
			}
		})
	}
}

func repeat(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestTableClaimsAreExclusive(t *testing.T) {
	tb := newTable(64, t)
	ep := &Endpoint{Name: "GET /x"}
	var mu sync.Mutex
	inUse := map[*slot]bool{}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				h := tb.claim(ep, 1, noDeadline, false)
				if !h.Valid() {
					continue
				}
				mu.Lock()
				if inUse[h.s] {
					t.Error("slot handed to two requests")
				}
				inUse[h.s] = true
				mu.Unlock()
				mu.Lock()
				delete(inUse, h.s)
				mu.Unlock()
				if st, _ := tb.release(h); st != stateArmed {
					t.Errorf("released a slot in state %d", st)
				}
			}
		}()
	}
	wg.Wait()
	for i := range tb.slots {
		if st := tb.slots[i].word.Load() & stateMask; st != stateFree {
			t.Fatalf("slot %d left in state %d", i, st)
		}
	}
}

func TestFullTableLeavesRequestsUnwatched(t *testing.T) {
	tb := newTable(4, t)
	ep := &Endpoint{Name: "GET /x"}
	var hs []Handle
	for i := 0; i < 4; i++ {
		if h := tb.claim(ep, 1, noDeadline, false); h.Valid() {
			hs = append(hs, h)
		}
	}
	if len(hs) != 4 || tb.claim(ep, 1, noDeadline, false).Valid() {
		t.Fatalf("claimed %d of 4 slots, then a fifth", len(hs))
	}
	tb.release(hs[0])
	if !tb.claim(ep, 1, noDeadline, false).Valid() {
		t.Error("a freed slot was not reused")
	}
}

func TestRequestHalfRedactsAndBounds(t *testing.T) {
	red, err := NewRedactor([]string{"X-Tenant", "/^x-internal-/", "pin"})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/login?user=ann&password=hunter2&api_key=k1&next=%2Fhome", strings.NewReader("pin=1234&remember=yes&csrf_token=abc"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "Basic YW5uOmh1bnRlcjI=")
	r.Header.Set("Cookie", "sid=abc")
	r.Header.Set("X-Tenant", "acme")
	r.Header.Set("X-Internal-Route", "blue")
	r.Header.Set("User-Agent", "test/1.0")
	r.Header.Set("X-Long", strings.Repeat("é", 1000))
	if err := r.ParseForm(); err != nil { // as the handler did
		t.Fatal(err)
	}
	var o store.Outlier
	requestHalf(&o, r, red)
	kv := func(kvs []store.KeyValue) map[string]string {
		m := map[string]string{}
		for _, p := range kvs {
			m[p.Key] += p.Value
		}
		return m
	}
	h, v := kv(o.Headers), kv(o.Values)
	cases := []struct {
		name, got, want string
	}{
		{"Authorization", h["Authorization"], Redacted},
		{"Cookie", h["Cookie"], Redacted},
		{"configured name", h["X-Tenant"], Redacted},
		{"configured pattern", h["X-Internal-Route"], Redacted},
		{"harmless header", h["User-Agent"], "test/1.0"},
		{"host", h["Host"], "example.com"},
		{"password in query", v["password"], Redacted},
		{"api key", v["api_key"], Redacted},
		{"configured form value", v["pin"], Redacted},
		{"csrf token", v["csrf_token"], Redacted},
		{"harmless value", v["remember"], "yes"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}
	if l := h["X-Long"]; len(l) > maxValue+len("…") || !strings.HasSuffix(l, "…") || !utfValid(l) {
		t.Errorf("long header kept as %d bytes", len(l))
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("password") != Redacted || q.Get("api_key") != Redacted || q.Get("user") != "ann" || q.Get("next") != "/home" {
		t.Errorf("URL %s", o.URL)
	}
	all := o.URL + fmt.Sprint(o.Headers, o.Values)
	for _, secret := range []string{"hunter2", "YW5u", "sid=abc", "acme", "1234", "k1", "blue"} {
		if strings.Contains(all, secret) {
			t.Errorf("secret %q stored: %s", secret, all)
		}
	}
}

func utfValid(s string) bool { return strings.ToValidUTF8(s, "?") == s }

func TestBoundLimitsPairs(t *testing.T) {
	var kvs []store.KeyValue
	for i := 0; i < 200; i++ {
		kvs = append(kvs, store.KeyValue{Key: fmt.Sprint("k", i), Value: "v"})
	}
	got := bound(kvs)
	if len(got) != maxPairs+1 || got[maxPairs].Value != "136 more not kept" {
		t.Errorf("%d pairs, last %+v", len(got), got[len(got)-1])
	}
}

func TestRedactorRejectsBadPattern(t *testing.T) {
	if _, err := NewRedactor([]string{"/(/"}); err == nil {
		t.Error("bad pattern accepted")
	}
}

// Two panics of one function, on different lines and with different
// values, are one group; the same value from another function is another.
func panicAt(line int, v any) (stack string) {
	defer func() {
		recover()
		stack = string(debug.Stack())
	}()
	switch line {
	case 1:
		panic(v)
	default:
		var m map[int]int
		_ = m
		panic(v)
	}
}

func otherPanicAt(v any) (stack string) {
	defer func() {
		recover()
		stack = string(debug.Stack())
	}()
	panic(v)
}

func nilMapPanic() (stack string, v any) {
	defer func() {
		v = recover()
		stack = string(debug.Stack())
	}()
	var m map[string]int
	m["x"] = 1
	return "", nil
}

func TestSignature(t *testing.T) {
	a := Signature("x", panicAt(1, "x"))
	if b := Signature("y", panicAt(2, "y")); a != b {
		t.Errorf("same function, other line and value: %s != %s", a, b)
	}
	if c := Signature("x", otherPanicAt("x")); a == c {
		t.Error("another function has the same signature")
	}
	if d := Signature(fmt.Errorf("x"), panicAt(1, "x")); a == d {
		t.Error("a value of another type has the same signature")
	}
	stack, v := nilMapPanic()
	frames := panicFrames(stack, nil)
	if len(frames) == 0 || !strings.HasSuffix(frames[0], ".nilMapPanic") {
		t.Errorf("runtime error: frames start %q, want the function that caused it", frames)
	}
	if Signature(v, stack) == Signature(v, stack, "github.com/go-monitoring-dashboard/dashboard/internal/outlier.nilMapPanic") {
		t.Error("ignored frames still count")
	}
}

func TestPanicGroupsAreBounded(t *testing.T) {
	var p panics
	now := time.Now()
	for i := 0; i < maxPanicGroups+5; i++ {
		p.add("svc", "i", "v", fmt.Sprint("GET /", i), "boom", "main.f()\n\t/x.go:1\n", nil, now)
	}
	p.add("svc", "i", "v", "GET /0", "boom", "main.f()\n\t/x.go:1\n", nil, now.Add(time.Second))
	ps := p.take()
	if len(ps) != maxPanicGroups || p.dropped != 5 {
		t.Fatalf("%d groups, %d dropped", len(ps), p.dropped)
	}
	for _, g := range ps {
		if g.Endpoint == "GET /0" && (g.Count != 2 || !g.First.Equal(now) || !g.Last.Equal(now.Add(time.Second))) {
			t.Errorf("group: count %d first %v last %v", g.Count, g.First, g.Last)
		}
	}
	// take starts over: room for new groups again.
	p.add("svc", "i", "v", "GET /0", "boom", "main.f()\n\t/x.go:1\n", nil, now.Add(2*time.Second))
	if ps := p.take(); len(ps) != 1 || ps[0].Count != 1 || !ps[0].First.Equal(now.Add(2*time.Second)) || p.dropped != 5 {
		t.Errorf("after take: %+v, %d dropped", ps, p.dropped)
	}
}

func TestFromPanicStartsAtThePanic(t *testing.T) {
	stack := "goroutine 5 [running]:\nruntime/debug.Stack()\n\t/go/debug/stack.go:26 +0x5e\nours.record()\n\t/x.go:1\npanic({0x1, 0x2})\n\t/go/panic.go:783 +0x132\nmain.handler()\n\t/main.go:12 +0x1\n"
	want := "goroutine 5 [running]:\npanic({0x1, 0x2})\n\t/go/panic.go:783 +0x132\nmain.handler()\n\t/main.go:12 +0x1\n"
	if got := fromPanic(stack); got != want {
		t.Errorf("fromPanic:\n%s\nwant\n%s", got, want)
	}
	if got := fromPanic("not a stack"); got != "not a stack" {
		t.Errorf("unparsed text changed to %q", got)
	}
}
