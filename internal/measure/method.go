package measure

import (
	"strings"
	"sync"
	"sync/atomic"
)

// OtherMethod is the method recorded for a request whose method is neither
// a standard one nor one the service's routes declare. Clients choose the
// method, so recording it as sent would let anyone add names to the
// database without end; OpenTelemetry's HTTP conventions use the same
// name for the same reason.
const OtherMethod = "_OTHER"

// maxDeclared bounds the methods a service may declare beyond the standard
// ones. Routes come from the program, not from clients, so a real service
// stays far below it.
const maxDeclared = 256

// Methods names the method of a request for recording: the method itself
// when it is standard (RFC 9110 and RFC 5789, case-sensitive) or declared
// by a route, otherwise OtherMethod. Naming takes no lock and allocates
// nothing. The zero value knows the standard methods only.
type Methods struct {
	declared atomic.Pointer[map[string]struct{}]
	mu       sync.Mutex
}

// Declare adds methods that the service's routes answer, such as
// "PROPFIND". Standard methods, empty names and names beyond the bound
// are ignored.
func (m *Methods) Declare(methods ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var old map[string]struct{}
	if p := m.declared.Load(); p != nil {
		old = *p
	}
	var fresh map[string]struct{}
	for _, method := range methods {
		if method == "" || standard(method) {
			continue
		}
		if _, ok := old[method]; ok {
			continue
		}
		if _, ok := fresh[method]; ok {
			continue
		}
		if len(old)+len(fresh) >= maxDeclared {
			break
		}
		if fresh == nil {
			fresh = make(map[string]struct{}, len(old)+len(methods))
			for k := range old {
				fresh[k] = struct{}{}
			}
		}
		fresh[method] = struct{}{}
	}
	if fresh != nil {
		m.declared.Store(&fresh)
	}
}

// Name returns the name under which to record a request with method
// that matched the route named pattern ("" when none did). A pattern that
// starts with the method and a space, as ServeMux's "PROPFIND /dav/"
// does, declares it.
func (m *Methods) Name(method, pattern string) string {
	if standard(method) {
		return method
	}
	if method != "" && len(pattern) > len(method) && pattern[len(method)] == ' ' && strings.HasPrefix(pattern, method) {
		return method
	}
	if p := m.declared.Load(); p != nil {
		if _, ok := (*p)[method]; ok {
			return method
		}
	}
	return OtherMethod
}

func standard(method string) bool {
	switch method {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH":
		return true
	}
	return false
}
