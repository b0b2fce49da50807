package dashboard

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/go-monitoring-dashboard/dashboard/internal/config"
)

// The README and docs/ are kept in step with the code by these tests: the
// key table, the Config fields, the two commands of a fresh machine, the
// README's Go snippets and every relative link.

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestConfigurationDocListsEveryKey fails when the configuration doc's key
// table drifts from the keys the program reads.
func TestConfigurationDocListsEveryKey(t *testing.T) {
	if !strings.Contains(readDoc(t, "docs/configuration.md"), config.MarkdownTable()) {
		t.Errorf("docs/configuration.md does not contain the current configuration table; paste config.MarkdownTable() into it:\n%s", config.MarkdownTable())
	}
}

// TestConfigurationDocNamesEveryConfigField fails when a field of Config is
// missing from the configuration doc's table of fields.
func TestConfigurationDocNamesEveryConfigField(t *testing.T) {
	doc := readDoc(t, "docs/configuration.md")
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		if !strings.Contains(doc, "`"+f.Name+"`") {
			t.Errorf("docs/configuration.md does not name Config.%s; add it to the table of Config fields", f.Name)
		}
	}
}

// TestReadmeKeepsTheTwoCommands holds the README's promise to a newcomer:
// one command runs the demo and one runs every test, and CI runs that same
// test command.
func TestReadmeKeepsTheTwoCommands(t *testing.T) {
	readme := readDoc(t, "README.md")
	for _, cmd := range []string{"go run ./cmd/gmd demo", "bash scripts/test"} {
		if !strings.Contains(readme, "```sh\n"+cmd+"\n```") {
			t.Errorf("README.md has no sh block holding just %q", cmd)
		}
	}
	if ci := readDoc(t, ".ci/run"); !regexp.MustCompile(`(?m)^bash scripts/test\b`).MatchString(ci) {
		t.Error(".ci/run does not run the README's test command, bash scripts/test")
	}
}

// TestReadmeSnippetsAreExamples fails when a Go block of the README marked
// with <!-- example: FILE --> is not, line for line, part of FILE, an
// Example that the tests of its module compile.
func TestReadmeSnippetsAreExamples(t *testing.T) {
	readme := readDoc(t, "README.md")
	re := regexp.MustCompile("(?s)<!-- example: (\\S+) -->\n```go\n(.*?)```")
	blocks := re.FindAllStringSubmatch(readme, -1)
	if len(blocks) < 5 {
		t.Fatalf("README.md has %d Go blocks marked as examples, want one per router (5)", len(blocks))
	}
	for _, b := range blocks {
		file, snippet := b[1], normalizedLines(b[2])
		src := normalizedLines(readDoc(t, file))
		if !containsRun(src, snippet) {
			t.Errorf("README.md's block marked %s is not in that file; make them agree:\n%s", file, b[2])
		}
	}
}

// normalizedLines splits s into lines with runs of white space made one
// space, so that the README's indentation and gofmt's alignment agree.
func normalizedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func containsRun(lines, run []string) bool {
	for i := 0; i+len(run) <= len(lines); i++ {
		if reflect.DeepEqual(lines[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// TestDocLinksResolve fails when a relative link of the README or of a
// file in docs/ names a file that does not exist, or a heading that the
// file it names does not have.
func TestDocLinksResolve(t *testing.T) {
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "README.md")
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, file := range files {
		for _, m := range link.FindAllStringSubmatch(proseOf(readDoc(t, file)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			if path == "" {
				path = file
			} else {
				path = filepath.Join(filepath.Dir(file), path)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s, which does not exist", file, target)
				continue
			}
			if anchor != "" && !anchors(readDoc(t, path))[anchor] {
				t.Errorf("%s links to %s, but %s has no heading with that anchor", file, target, path)
			}
		}
	}
}

// proseOf drops fenced code blocks and inline code, where brackets are
// not links.
func proseOf(doc string) string {
	var b strings.Builder
	fenced := false
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			b.WriteString(l + "\n")
		}
	}
	return regexp.MustCompile("`[^`]*`").ReplaceAllString(b.String(), "")
}

// anchors returns the anchors of a Markdown file's headings, made as
// GitHub makes them: lower case, letters, digits, '-' and '_' kept, spaces
// made '-', "-1", "-2" added to repeats.
func anchors(doc string) map[string]bool {
	out := map[string]bool{}
	fenced := false
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced
		}
		if fenced || !strings.HasPrefix(l, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(l, "#"))
		var slug strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
				slug.WriteRune(r)
			case r == ' ':
				slug.WriteRune('-')
			}
		}
		a := slug.String()
		for n := 1; out[a]; n++ {
			a = slug.String() + "-" + strconv.Itoa(n)
		}
		out[a] = true
	}
	return out
}

// TestArchitectureListsEveryPackage fails when a directory holding Go code
// is missing from docs/architecture.md's layout table, or the table names
// a path that no longer exists, so that a newcomer finds every package by
// its path.
func TestArchitectureListsEveryPackage(t *testing.T) {
	doc := readDoc(t, "docs/architecture.md")
	_, table, ok := strings.Cut(doc, "## Layout")
	if !ok {
		t.Fatal(`docs/architecture.md has no "## Layout" section`)
	}
	// The first cell of each row names paths in backquotes.
	var listed []string
	cellPath := regexp.MustCompile("`([^`]+)`")
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range cellPath.FindAllStringSubmatch(cells[1], -1) {
			p := m[1]
			if _, err := os.Stat(p); err != nil {
				t.Errorf("docs/architecture.md lists %s, which does not exist", p)
			}
			listed = append(listed, strings.TrimSuffix(p, "/"))
		}
	}
	dirs := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (strings.HasPrefix(e.Name(), ".") && path != "." || e.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !e.IsDir() && strings.HasSuffix(path, ".go") {
			dirs[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range dirs {
		if dir == "." {
			continue // the root files are listed by name
		}
		found := false
		for _, p := range listed {
			if dir == p || strings.HasPrefix(dir, p+"/") {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("docs/architecture.md's layout table does not list %s; add a row saying what it holds", dir)
		}
	}
}

// TestReadmeListsEveryDoc fails when a file of docs/ is not in the README's
// table of documentation, where a newcomer looks for it.
func TestReadmeListsEveryDoc(t *testing.T) {
	readme := readDoc(t, "README.md")
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.Contains(readme, "| ["+f+"]("+f+") |") {
			t.Errorf("README.md's table of documentation has no row for %s", f)
		}
	}
}
