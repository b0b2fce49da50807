package web

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestAPIDocDescribesEveryRoute fails when docs/API.md and the route
// table disagree: a JSON route the document does not describe (as the
// heading or table row "`METHOD api/path`"), a route it describes that
// the table lacks, or an admin's route it does not mark "admin".
func TestAPIDocDescribesEveryRoute(t *testing.T) {
	b, err := os.ReadFile("../../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	// The lines that describe a route start with it: a heading or a
	// table row.
	described := map[string]string{} // "GET api/x" -> its line
	entry := regexp.MustCompile("^(?:#+ |\\| )`(GET|POST|PUT|PATCH|DELETE) (api/[^`?]+)")
	for _, line := range strings.Split(string(b), "\n") {
		if m := entry.FindStringSubmatch(line); m != nil {
			described[m[1]+" "+m[2]] = line
		}
	}
	inTable := map[string]bool{}
	for _, r := range Routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		key := r.Method + " " + strings.TrimPrefix(r.Path, "/")
		inTable[key] = true
		line, ok := described[key]
		switch {
		case !ok:
			t.Errorf("docs/API.md does not describe %s (%s): add a heading or a table row starting with `%s`", key, r.Access, key)
		case r.Access == AdminOnly && !strings.Contains(line, "admin"):
			t.Errorf("docs/API.md does not mark %s as an admin's route: %s", key, line)
		}
	}
	for key := range described {
		if !inTable[key] {
			t.Errorf("docs/API.md describes %s, which the route table does not have", key)
		}
	}
}
