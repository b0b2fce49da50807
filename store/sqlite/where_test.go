package sqlite_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// TestThreeSlashesAreRelative is the convention the README documents:
// sqlite:///var/lib/books/dashboard.db names a file under the working
// directory, sqlite:////var/lib/books/dashboard.db the absolute one.
func TestThreeSlashesAreRelative(t *testing.T) {
	for url, want := range map[string]string{
		"sqlite:///var/lib/books/dashboard.db":  "var/lib/books/dashboard.db",
		"sqlite:////var/lib/books/dashboard.db": "/var/lib/books/dashboard.db",
	} {
		if got, err := sqlite.Path(url); err != nil || got != want {
			t.Errorf("Path(%q) = %q, %v; want %q", url, got, err, want)
		}
	}
}

func TestWhere(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("data", 0o755); err != nil {
		t.Fatal(err)
	}
	abs := func(p string) string { return filepath.Join(dir, p) }
	cases := []struct {
		name, path, file, hint string
	}{
		{"memory", ":memory:", ":memory:", ""},
		{"file in the working directory", "dashboard.db", abs("dashboard.db"), ""},
		{"absolute", "/var/lib/books/dashboard.db", "/var/lib/books/dashboard.db", ""},
		{"relative directory that exists", "data/dashboard.db", abs("data/dashboard.db"), ""},
		{"relative directory that is absent", "nothere/dashboard.db", abs("nothere/dashboard.db"), ""},
		{"absolute meant", "tmp/books/dashboard.db", abs("tmp/books/dashboard.db"), "sqlite:////tmp/books/dashboard.db (four slashes)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file, hint := sqlite.Where(c.path)
			if file != c.file {
				t.Errorf("file %q, want %q", file, c.file)
			}
			if c.hint == "" && hint != "" || !strings.Contains(hint, c.hint) {
				t.Errorf("hint %q, want one with %q", hint, c.hint)
			}
		})
	}
}

// TestStartLogsTheFile starts a store the way a dashboard does and checks
// the log names the database's absolute path, and warns about a relative
// path that looks meant to be absolute.
func TestStartLogsTheFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	for _, dsn := range []string{"sqlite:///rel/dashboard.db", "sqlite:///tmp/dashboard.db"} {
		s, err := store.Start(dsn, store.StartOptions{Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	out := buf.String()
	for _, want := range []string{
		"file=" + filepath.Join(dir, "rel", "dashboard.db"),
		"file=" + filepath.Join(dir, "tmp", "dashboard.db"),
		"level=WARN msg=\"dashboard: DATABASE sqlite:///tmp/dashboard.db is relative to the working directory",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log has no %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "level=WARN"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, out)
	}
}
