package main

import (
	"os"
	"strings"
	"testing"
)

// TestGoModHasNoReplace: go install .../cmd/gmd@VERSION refuses a module
// whose go.mod has replace directives, so the local modules are mapped in
// go.work instead.
func TestGoModHasNoReplace(t *testing.T) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 0 && (f[0] == "replace" || strings.HasPrefix(f[0], "replace(")) {
			t.Errorf("go.mod:%d: %s\ngo install refuses a module with replace directives; map local modules in ../../go.work", i+1, line)
		}
	}
}
