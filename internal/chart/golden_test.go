package chart

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGolden compares every gallery case with its file under testdata/, and
// checks each against the promises of checkSVG. After an intended change,
// look at the gallery (see TestGallery), then run with -update.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			got := string(c.svg())
			if err := checkSVG(c.svg()); err != nil {
				t.Fatalf("invalid SVG: %v", err)
			}
			if again := string(c.svg()); again != got {
				t.Fatal("two renderings of the same chart differ")
			}
			path := filepath.Join("testdata", c.name+".svg")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got+"\n" != string(want) {
				t.Errorf("%s differs from the rendering (run with -update after checking the gallery):\n%s", path, firstDiff(string(want), got+"\n"))
			}
		})
	}
}

// firstDiff shows where two renderings part, with some context.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	cut := func(s string) string { return s[from:min(len(s), i+80)] }
	return "want …" + strings.ReplaceAll(cut(a), "\n", "⏎") + "…\n got …" + strings.ReplaceAll(cut(b), "\n", "⏎") + "…"
}
