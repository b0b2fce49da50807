package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/internal/dbtest"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
	"github.com/go-monitoring-dashboard/dashboard/store/storetest"
)

var server = dbtest.Server{
	Name:        "SQLite",
	NewDatabase: func(t testing.TB) string { return "sqlite:///" + filepath.Join(t.TempDir(), "d.db") },
	OpenWith:    sqlite.OpenWith,
	Size:        size,
}

// size reports the bytes of each table and index, from SQLite's dbstat.
func size(ctx context.Context, s *sqlstore.Store) (map[string]int64, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT name, SUM(pgsize) FROM dbstat GROUP BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}

// TestFile runs the conformance suite and the tests every SQL database
// runs on a file database.
func TestFile(t *testing.T) { dbtest.Run(t, server) }

func TestHelperProcess(t *testing.T) { dbtest.HelperProcess(t) }

func BenchmarkWriter(b *testing.B) { dbtest.BenchWriter(b, server) }

func TestConformanceMemory(t *testing.T) {
	storetest.Run(t, func(t testing.TB) store.Store {
		s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestPath(t *testing.T) {
	cases := []struct{ url, want, err string }{
		{"sqlite:///dashboard.db", "dashboard.db", ""},
		{"sqlite:////var/lib/x.db", "/var/lib/x.db", ""},
		{"sqlite:///data/my%20db.db?mode=x", "data/my db.db", ""},
		{"SQLITE:///a.db", "a.db", ""},
		{"sqlite:///:memory:", ":memory:", ""},
		{"sqlite://a.db", "", "want sqlite:///relative"},
		{"sqlite:///", "", "no file name"},
		{"postgres://x", "", "not a sqlite"},
	}
	for _, c := range cases {
		got, err := sqlite.Path(c.url)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Path(%q) error %v, want one containing %q", c.url, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Path(%q) = %q, %v; want %q", c.url, got, err, c.want)
		}
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "d.db")
	s, err := sqlite.OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, &store.Batch{Endpoints: []store.Endpoint{{Service: "s", Name: "GET /a", Level: 3}}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.OpenFile(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	eps, err := s.Endpoints(ctx, "s")
	if err != nil || len(eps) != 1 || eps[0].Level != 3 {
		t.Fatalf("after reopen: %+v, %v", eps, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "d.db")
	s, err := sqlite.OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Simulate a database migrated by a newer dashboard.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO gmd_migrations (version, name, applied_us) VALUES (9999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = sqlite.OpenFile(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
		t.Fatalf("opening a newer schema: %v, want a refusal", err)
	}
}
