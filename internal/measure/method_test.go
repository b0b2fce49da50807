package measure

import (
	"fmt"
	"testing"
)

func TestMethodNames(t *testing.T) {
	var m Methods
	m.Declare("PROPFIND", "GET", "")
	cases := []struct {
		method, pattern, want string
	}{
		{"GET", "", "GET"},
		{"HEAD", "/x", "HEAD"},
		{"POST", "", "POST"},
		{"PUT", "", "PUT"},
		{"DELETE", "", "DELETE"},
		{"CONNECT", "", "CONNECT"},
		{"OPTIONS", "", "OPTIONS"},
		{"TRACE", "", "TRACE"},
		{"PATCH", "", "PATCH"},
		{"get", "", OtherMethod}, // methods are case-sensitive
		{"M1", "", OtherMethod},
		{"M1", "/nope", OtherMethod},
		{"", "", OtherMethod},
		{"PROPFIND", "", "PROPFIND"},                // declared
		{"MKCOL", "MKCOL /dav/", "MKCOL"},           // declared by its ServeMux pattern
		{"MKCOL", "MKCOLX /dav/", OtherMethod},      // another method's pattern
		{"MKCOL", "MKCOL", OtherMethod},             // no space after it
		{"MKCOL", "GET /dav/", OtherMethod},         // the route of another method
		{"MKCOL /dav/", "MKCOL /dav/", OtherMethod}, // not the method of the pattern
	}
	for _, c := range cases {
		if got := m.Name(c.method, c.pattern); got != c.want {
			t.Errorf("Name(%q, %q) = %q, want %q", c.method, c.pattern, got, c.want)
		}
	}
}

// TestMadeUpMethodsAreOneName is the growth a client could cause: any
// number of made-up methods give one name.
func TestMadeUpMethodsAreOneName(t *testing.T) {
	var m Methods
	names := map[string]bool{}
	for i := range 10000 {
		names[m.Name(fmt.Sprint("M", i), "")] = true
	}
	if len(names) != 1 || !names[OtherMethod] {
		t.Errorf("10,000 made-up methods were recorded as %d names", len(names))
	}
}

func TestDeclaredMethodsAreBounded(t *testing.T) {
	var m Methods
	for i := range 2 * maxDeclared {
		m.Declare(fmt.Sprint("X", i))
	}
	if n := len(*m.declared.Load()); n != maxDeclared {
		t.Errorf("%d declared methods kept, want %d", n, maxDeclared)
	}
	if got := m.Name("X0", ""); got != "X0" {
		t.Errorf("first declared method named %q", got)
	}
	if got := m.Name(fmt.Sprint("X", maxDeclared), ""); got != OtherMethod {
		t.Errorf("method declared past the bound named %q, want %q", got, OtherMethod)
	}
}

func TestMethodNameAllocatesNothing(t *testing.T) {
	var m Methods
	m.Declare("PROPFIND")
	for _, method := range []string{"GET", "PROPFIND", "MKCOL", "M1"} {
		if n := testing.AllocsPerRun(100, func() { _ = m.Name(method, "MKCOL /x") }); n != 0 {
			t.Errorf("Name(%q) allocates %.0f times", method, n)
		}
	}
}
