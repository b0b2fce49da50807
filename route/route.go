// Package route names endpoints the same way for every router, so that a
// service moving from one router to another keeps its endpoint names as
// far as the routers' pattern syntaxes allow.
//
// An endpoint is named after the route as it was registered: the method,
// a space and the router's own pattern ("GET /books/{id}" for net/http and
// chi, "GET /books/:id" for gin and echo, "GET /books/{id:[0-9]+}" for
// gorilla/mux), or the pattern alone for a route that serves every method
// (chi's Handle and Mount, gin's and echo's Any, a gorilla/mux route
// without Methods), as net/http's ServeMux names "GET /x" and "/x". Raw
// paths never become names.
//
// Router adapters use a Table to turn the method and pattern of each
// request into that name without allocating.
package route

import (
	"sync"
	"sync/atomic"
)

// Name returns the endpoint name of a route: "METHOD pattern", or pattern
// when method is "" (the route serves every method). An empty pattern
// (no route matched) gives "".
func Name(method, pattern string) string {
	if pattern == "" || method == "" {
		return pattern
	}
	return method + " " + pattern
}

// maxEntries bounds a Table: routes are finite, but a router bug that
// reports raw paths as patterns must not grow it without end.
const maxEntries = 10000

// Table maps a request's method and matched pattern to its endpoint name.
// Lookups take no lock and allocate nothing; a pattern met for the first
// time is added under a lock. The zero Table is ready to use.
type Table struct {
	m  atomic.Pointer[map[string]*entry]
	mu sync.Mutex
	n  int
	// max overrides maxEntries in tests.
	max int
}

// entry holds the names of one pattern: per method, and for every other
// method when the pattern has a route that serves every method.
type entry struct {
	all     string // "" when no route of the pattern serves every method
	methods []methodName
}

type methodName struct{ method, name string }

// Add declares a route and returns its name; method "" means the route
// serves every method. A method-specific route and an every-method route
// may share a pattern (chi allows it): requests of the method get the
// first name, others the second.
func (t *Table) Add(method, pattern string) string {
	if pattern == "" {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.addLocked(method, pattern)
}

func (t *Table) addLocked(method, pattern string) string {
	old := t.load()
	e := old[pattern]
	if e != nil {
		if method == "" && e.all != "" {
			return e.all
		}
		for _, m := range e.methods {
			if m.method == method {
				return m.name
			}
		}
	}
	name := Name(method, pattern)
	limit := t.max
	if limit == 0 {
		limit = maxEntries
	}
	if t.n >= limit {
		return name
	}
	ne := &entry{}
	if e != nil {
		ne.all = e.all
		ne.methods = append(ne.methods, e.methods...)
	}
	if method == "" {
		ne.all = name
	} else {
		ne.methods = append(ne.methods, methodName{method, name})
	}
	m := make(map[string]*entry, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[pattern] = ne
	t.m.Store(&m)
	t.n++
	return name
}

func (t *Table) load() map[string]*entry {
	if p := t.m.Load(); p != nil {
		return *p
	}
	return nil
}

// Name returns the endpoint name of a request of method that the router
// matched to pattern: the name of the method's own route, else of the
// pattern's every-method route. A pattern or method not declared is added
// as a method-specific route, so routes registered after discovery are
// named alike. An empty pattern gives "".
func (t *Table) Name(method, pattern string) string {
	if pattern == "" {
		return ""
	}
	if e := t.load()[pattern]; e != nil {
		for _, m := range e.methods {
			if m.method == method {
				return m.name
			}
		}
		if e.all != "" {
			return e.all
		}
	}
	return t.Add(method, pattern)
}

// Lookup is Name without adding: ok is false when the pattern has no
// route for method.
func (t *Table) Lookup(method, pattern string) (name string, ok bool) {
	if e := t.load()[pattern]; e != nil {
		for _, m := range e.methods {
			if m.method == method {
				return m.name, true
			}
		}
		if e.all != "" {
			return e.all, true
		}
	}
	return "", false
}
