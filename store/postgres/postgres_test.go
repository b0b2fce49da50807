package postgres_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/dbtest"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/postgres"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

// newDatabase makes a schema of the test's own in the test server
// (dbtest.PostgresServer), dropped when the test ends.
func newDatabase(t testing.TB) string { return dbtest.PostgresDatabase(t, postgres.OpenDB) }

func size(ctx context.Context, s *sqlstore.Store) (map[string]int64, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'gmd_%'`)
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

var server = dbtest.Server{
	Name:        "PostgreSQL",
	NewDatabase: newDatabase,
	OpenWith:    postgres.OpenWith,
	Size:        size,
	Remote:      true,
}

func TestPostgres(t *testing.T) { dbtest.Run(t, server) }

func TestHelperProcess(t *testing.T) { dbtest.HelperProcess(t) }

func BenchmarkWriter(b *testing.B) { dbtest.BenchWriter(b, server) }

func TestRegisteredSchemes(t *testing.T) {
	for _, scheme := range []string{"postgres", "postgresql"} {
		u := strings.Replace(newDatabase(t), "postgres://", scheme+"://", 1)
		s, err := store.Open(context.Background(), u)
		if err != nil {
			t.Fatalf("%s: %v", scheme, err)
		}
		s.Close()
	}
}

func TestBadURLsFailAtOnce(t *testing.T) {
	cases := []struct{ name, url string }{
		{"bad port", "postgres://u:secret@127.0.0.1:99999/db"},
		{"bad escape", "postgres://u:secret@host/db?sslmode=%zz"},
		{"bad sslmode", "postgres://u:secret@host/db?sslmode=sometimes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			s, err := store.Start(c.url, store.StartOptions{})
			if err == nil {
				s.Close()
				t.Fatal("Start accepted it")
			}
			if time.Since(start) > time.Second {
				t.Errorf("Start took %v to refuse it", time.Since(start))
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestMissingSchemaIsNamed: a search_path naming no schema fails with
// PostgreSQL's own reason, not a puzzle about the migration lock.
func TestMissingSchemaIsNamed(t *testing.T) {
	u, err := url.Parse(newDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "gmd_no_such_schema")
	u.RawQuery = q.Encode()
	_, err = postgres.Open(context.Background(), u.String())
	if err == nil || strings.Contains(err.Error(), "migration lock") || !strings.Contains(err.Error(), "schema") {
		t.Errorf("Open = %v, want PostgreSQL's complaint about the schema", err)
	}
}
