package route

import (
	"fmt"
	"sync"
	"testing"
)

func TestName(t *testing.T) {
	cases := []struct {
		name, method, pattern, want string
	}{
		{"method and pattern", "GET", "/books/{id}", "GET /books/{id}"},
		{"every method", "", "/static/*", "/static/*"},
		{"no route", "GET", "", ""},
		{"gin syntax kept", "POST", "/books/:id", "POST /books/:id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Name(c.method, c.pattern); got != c.want {
				t.Errorf("Name(%q, %q) = %q, want %q", c.method, c.pattern, got, c.want)
			}
		})
	}
}

func TestTable(t *testing.T) {
	var tb Table
	tb.Add("GET", "/books/{id}")
	tb.Add("PUT", "/books/{id}")
	tb.Add("", "/files/*")
	tb.Add("", "/mixed")
	tb.Add("POST", "/mixed")
	cases := []struct {
		name, method, pattern, want string
	}{
		{"declared method", "GET", "/books/{id}", "GET /books/{id}"},
		{"second method of a pattern", "PUT", "/books/{id}", "PUT /books/{id}"},
		{"every-method route", "DELETE", "/files/*", "/files/*"},
		{"method route beside every-method route", "POST", "/mixed", "POST /mixed"},
		{"other method of a mixed pattern", "GET", "/mixed", "/mixed"},
		{"undeclared method of a declared pattern", "DELETE", "/books/{id}", "DELETE /books/{id}"},
		{"undeclared pattern", "GET", "/late", "GET /late"},
		{"unmatched", "GET", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := tb.Name(c.method, c.pattern); got != c.want {
				t.Errorf("Name(%q, %q) = %q, want %q", c.method, c.pattern, got, c.want)
			}
		})
	}
	if _, ok := tb.Lookup("GET", "/late"); !ok {
		t.Error("a name given once is kept")
	}
	if _, ok := tb.Lookup("GET", "/never"); ok {
		t.Error("Lookup added a pattern")
	}
}

func TestTableNameDoesNotAllocate(t *testing.T) {
	var tb Table
	tb.Add("GET", "/books/{id}")
	tb.Add("", "/files/*")
	tb.Name("GET", "/new") // first sight adds; later ones must not allocate
	for _, c := range [][2]string{{"GET", "/books/{id}"}, {"HEAD", "/files/*"}, {"GET", "/new"}} {
		if n := testing.AllocsPerRun(100, func() { tb.Name(c[0], c[1]) }); n != 0 {
			t.Errorf("Name(%q, %q) allocates %.0f times", c[0], c[1], n)
		}
	}
}

func TestTableBounded(t *testing.T) {
	tb := Table{max: 100}
	for i := range tb.max + 10 {
		tb.Name("GET", fmt.Sprintf("/p%d", i))
	}
	if n := len(tb.load()); n != tb.max {
		t.Fatalf("table holds %d patterns, want at most %d", n, tb.max)
	}
	if got := tb.Name("GET", "/beyond"); got != "GET /beyond" {
		t.Fatalf("a full table still names: got %q", got)
	}
}

func TestTableConcurrent(t *testing.T) {
	var tb Table
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				p := fmt.Sprintf("/r%d", i%50)
				if got, want := tb.Name("GET", p), "GET "+p; got != want {
					t.Errorf("goroutine %d: %q, want %q", g, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(tb.load()); n != 50 {
		t.Fatalf("%d patterns, want 50", n)
	}
}

func BenchmarkTableName(b *testing.B) {
	var tb Table
	for i := range 100 {
		tb.Add("GET", fmt.Sprintf("/r%d/{id}", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		tb.Name("GET", "/r42/{id}")
	}
}
