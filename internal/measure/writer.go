// Package measure holds the request hot path: a response writer that
// remembers the status code, and the client address. Nothing here
// allocates per request.
package measure

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
)

// Writer wraps a http.ResponseWriter to learn the status code the handler
// sends. Use Wrap to get one and Release when the handler has returned.
//
// The http.ResponseWriter that Wrap returns has exactly the optional
// interfaces (http.Flusher, http.Hijacker, io.ReaderFrom, http.Pusher,
// http.CloseNotifier) of the writer it wraps, no more and no fewer, so a
// handler that checks for one behaves as it would without the dashboard;
// and it has Unwrap, for http.ResponseController.
type Writer struct {
	w        http.ResponseWriter
	status   int
	hijacked bool
}

var pool = sync.Pool{New: func() any { return new(Writer) }}

// Wrap returns a pooled Writer around w and the http.ResponseWriter to pass
// to the handler.
func Wrap(w http.ResponseWriter) (*Writer, http.ResponseWriter) {
	return wrapWith(w, features(w))
}

func wrapWith(w http.ResponseWriter, f int) (*Writer, http.ResponseWriter) {
	rw := pool.Get().(*Writer)
	rw.w = w
	rw.status = 0
	rw.hijacked = false
	return rw, rw.wrap(f)
}

// Wrapper is Wrap with a memory of the writer types it has met: a server
// hands every request the same few writer types, so their optional
// interfaces are looked up once instead of with five type assertions per
// request. The zero value is ready to use.
type Wrapper struct {
	seen [4]atomic.Pointer[seenType]
}

type seenType struct {
	t reflect.Type
	f int
}

// Wrap is like the package's Wrap.
func (c *Wrapper) Wrap(w http.ResponseWriter) (*Writer, http.ResponseWriter) {
	t := reflect.TypeOf(w)
	for i := range c.seen {
		s := c.seen[i].Load()
		if s == nil {
			// A new type: remember it in the first free place. Once
			// all are taken, further types are looked up each time.
			f := features(w)
			c.seen[i].CompareAndSwap(nil, &seenType{t, f})
			return wrapWith(w, f)
		}
		if s.t == t {
			return wrapWith(w, s.f)
		}
	}
	return wrapWith(w, features(w))
}

// Release returns the Writer to the pool. As net/http requires, the handler
// must not use the writer after it returned.
func (rw *Writer) Release() {
	rw.w = nil
	pool.Put(rw)
}

// Status returns the status code sent: the code passed to WriteHeader, 200
// when the handler wrote a body or flushed without one, 101 when it took
// over the connection (Hijack) without sending a status, and 0 when it
// sent nothing (net/http then sends 200).
func (rw *Writer) Status() int {
	if rw.status == 0 && rw.hijacked {
		return http.StatusSwitchingProtocols
	}
	return rw.status
}

// Header implements http.ResponseWriter.
func (rw *Writer) Header() http.Header { return rw.w.Header() }

// WriteHeader implements http.ResponseWriter. Informational codes (1xx
// other than 101) may precede the final status and are not kept.
func (rw *Writer) WriteHeader(code int) {
	if rw.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		rw.status = code
	}
	rw.w.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (rw *Writer) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	return rw.w.Write(b)
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (rw *Writer) Unwrap() http.ResponseWriter { return rw.w }

// The optional methods are unexported on Writer, so that only the
// generated wrapper types that should have them do.

func (rw *Writer) flush() {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	rw.w.(http.Flusher).Flush()
}

func (rw *Writer) hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, b, err := rw.w.(http.Hijacker).Hijack()
	if err == nil {
		rw.hijacked = true
	}
	return c, b, err
}

func (rw *Writer) readFrom(r io.Reader) (int64, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	return rw.w.(io.ReaderFrom).ReadFrom(r)
}

func (rw *Writer) push(target string, opts *http.PushOptions) error {
	return rw.w.(http.Pusher).Push(target, opts)
}

func (rw *Writer) closeNotify() <-chan bool {
	//lint:ignore SA1019 kept because the wrapped writer has it
	return rw.w.(http.CloseNotifier).CloseNotify() //nolint:staticcheck
}

// Feature bits: which optional interfaces a writer has.
const (
	hasFlusher = 1 << iota
	hasHijacker
	hasReaderFrom
	hasPusher
	hasCloseNotifier
)

func features(w http.ResponseWriter) int {
	f := 0
	if _, ok := w.(http.Flusher); ok {
		f |= hasFlusher
	}
	if _, ok := w.(http.Hijacker); ok {
		f |= hasHijacker
	}
	if _, ok := w.(io.ReaderFrom); ok {
		f |= hasReaderFrom
	}
	if _, ok := w.(http.Pusher); ok {
		f |= hasPusher
	}
	//lint:ignore SA1019 kept because the wrapped writer has it
	if _, ok := w.(http.CloseNotifier); ok { //nolint:staticcheck
		f |= hasCloseNotifier
	}
	return f
}

//go:generate go run ./gen -o delegator_gen.go
