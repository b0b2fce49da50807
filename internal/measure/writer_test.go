package measure

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fake is a ResponseWriter whose optional interfaces are chosen by mask.
type fake struct {
	*httptest.ResponseRecorder
	flushed, hijacked, readFrom, pushed, notified bool
}

func (f *fake) flush() { f.flushed = true; f.ResponseRecorder.Flush() }
func (f *fake) hijack() (net.Conn, *bufio.ReadWriter, error) {
	f.hijacked = true
	return nil, nil, nil
}
func (f *fake) readFromR(r io.Reader) (int64, error) {
	f.readFrom = true
	return io.Copy(f.ResponseRecorder, r)
}

// composite returns a writer with exactly the optional interfaces in mask:
// the generated type for mask over a writer that has them all.
func composite(mask int, f *fake) http.ResponseWriter {
	return (&Writer{w: everything{f}}).wrap(mask)
}

// everything has every optional interface.
type everything struct{ *fake }

func (e everything) Flush()                                       { e.flush() }
func (e everything) Hijack() (net.Conn, *bufio.ReadWriter, error) { return e.hijack() }
func (e everything) ReadFrom(r io.Reader) (int64, error)          { return e.readFromR(r) }
func (e everything) Push(string, *http.PushOptions) error         { e.pushed = true; return nil }
func (e everything) CloseNotify() <-chan bool                     { e.notified = true; return nil }

// TestWrapKeepsExactInterfaces checks, for all 32 combinations, that the
// wrapper has an optional interface if and only if the wrapped writer has
// it, and that calling it reaches the wrapped writer.
func TestWrapKeepsExactInterfaces(t *testing.T) {
	for mask := 0; mask < 32; mask++ {
		f := &fake{ResponseRecorder: httptest.NewRecorder()}
		inner := composite(mask, f)
		if got := features(inner); got != mask {
			t.Fatalf("mask %05b: inner writer has features %05b", mask, got)
		}
		rw, outer := Wrap(inner)
		if got := features(outer); got != mask {
			t.Errorf("mask %05b: wrapper has features %05b", mask, got)
		}
		if u, ok := outer.(interface{ Unwrap() http.ResponseWriter }); !ok || u.Unwrap() != inner {
			t.Errorf("mask %05b: Unwrap does not return the wrapped writer", mask)
		}
		if fl, ok := outer.(http.Flusher); ok {
			fl.Flush()
			if !f.flushed {
				t.Errorf("mask %05b: Flush not delegated", mask)
			}
		}
		if h, ok := outer.(http.Hijacker); ok {
			h.Hijack()
			if !f.hijacked {
				t.Errorf("mask %05b: Hijack not delegated", mask)
			}
		}
		if r, ok := outer.(io.ReaderFrom); ok {
			r.ReadFrom(strings.NewReader("x"))
			if !f.readFrom {
				t.Errorf("mask %05b: ReadFrom not delegated", mask)
			}
		}
		rw.Release()
	}
}

func TestStatus(t *testing.T) {
	cases := []struct {
		name    string
		handler func(w http.ResponseWriter)
		want    int
	}{
		{"nothing written", func(w http.ResponseWriter) {}, 0},
		{"body only", func(w http.ResponseWriter) { w.Write([]byte("hi")) }, 200},
		{"explicit", func(w http.ResponseWriter) { w.WriteHeader(418) }, 418},
		{"second WriteHeader ignored", func(w http.ResponseWriter) { w.WriteHeader(404); w.WriteHeader(500) }, 404},
		{"informational then final", func(w http.ResponseWriter) { w.WriteHeader(103); w.WriteHeader(201) }, 201},
		{"flush without header", func(w http.ResponseWriter) { w.(http.Flusher).Flush() }, 200},
		{"read from", func(w http.ResponseWriter) { w.(io.ReaderFrom).ReadFrom(bytes.NewReader([]byte("x"))) }, 200},
		{"hijacked", func(w http.ResponseWriter) { w.(http.Hijacker).Hijack() }, 101},
		{"hijacked after status", func(w http.ResponseWriter) { w.WriteHeader(101); w.(http.Hijacker).Hijack() }, 101},
		{"via ResponseController", func(w http.ResponseWriter) { http.NewResponseController(w).Flush() }, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fake{ResponseRecorder: httptest.NewRecorder()}
			rw, w := Wrap(everything{f})
			c.handler(w)
			if got := rw.Status(); got != c.want {
				t.Errorf("Status() = %d, want %d", got, c.want)
			}
			rw.Release()
		})
	}
}

// TestRealServerWriter checks the wrapper over net/http's own writer:
// Hijack works and the status reaches the client.
func TestRealServerWriter(t *testing.T) {
	var status int
	var hadHijacker, hadFlusher bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, hadHijacker = w.(http.Hijacker)
		_, hadFlusher = w.(http.Flusher)
		rw, ww := Wrap(w)
		defer rw.Release()
		ww.WriteHeader(http.StatusAccepted)
		ww.Write([]byte("ok"))
		status = rw.Status()
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 || status != 202 {
		t.Errorf("client saw %d, wrapper saw %d, want 202", resp.StatusCode, status)
	}
	if !hadHijacker || !hadFlusher {
		t.Errorf("net/http writer lacks Hijacker (%v) or Flusher (%v)", hadHijacker, hadFlusher)
	}
}

func TestWrapDoesNotAllocate(t *testing.T) {
	w := everything{&fake{ResponseRecorder: httptest.NewRecorder()}}
	Wrap(w) // warm the pool
	allocs := testing.AllocsPerRun(1000, func() {
		rw, ww := Wrap(w)
		ww.WriteHeader(200)
		_ = rw.Status()
		rw.Release()
	})
	if allocs != 0 {
		t.Errorf("Wrap/Release allocates %.1f times per request, want 0", allocs)
	}
}

// TestWrapperRemembersTypes: the cached path gives the same interfaces as
// the direct one, for more writer types than the cache holds.
func TestWrapperRemembersTypes(t *testing.T) {
	var c Wrapper
	for round := 0; round < 3; round++ {
		for mask := 0; mask < 32; mask++ {
			inner := composite(mask, &fake{ResponseRecorder: httptest.NewRecorder()})
			rw, outer := c.Wrap(inner)
			if got := features(outer); got != mask {
				t.Fatalf("round %d mask %05b: cached wrapper has %05b", round, mask, got)
			}
			rw.Release()
		}
	}
	w := everything{&fake{ResponseRecorder: httptest.NewRecorder()}}
	if n := testing.AllocsPerRun(100, func() { rw, _ := c.Wrap(w); rw.Release() }); n != 0 {
		t.Errorf("Wrapper.Wrap allocates %.1f times", n)
	}
}
