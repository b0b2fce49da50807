package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

// TestWriteRetriesDeadlocks makes the first transactions of a Write fail
// the way a deadlock does (a trigger aborts them while a row says so) and
// checks the batch is written once, in full, or given up after a bound.
func TestWriteRetriesDeadlocks(t *testing.T) {
	cases := []struct {
		name     string
		failures int // transactions that fail before the row is removed
		wantErr  string
		wantRows int
	}{
		{"two deadlocks then success", 2, "", 3},
		{"deadlocks forever", 1000, "tried 5 times", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "d.db")+"?_pragma=busy_timeout(5000)")
			if err != nil {
				t.Fatal(err)
			}
			db.SetMaxOpenConns(1)
			d := sqlite.Dialect()
			attempts := 0
			d.Retryable = func(err error) bool {
				if !strings.Contains(err.Error(), "simulated deadlock") {
					return false
				}
				attempts++
				if attempts == c.failures {
					if _, err := db.ExecContext(ctx, `DELETE FROM fail_writes`); err != nil {
						t.Error(err)
					}
				}
				return true
			}
			s, err := sqlstore.NewWith(ctx, d, db, db, sqlstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, q := range []string{
				`CREATE TABLE fail_writes (x INTEGER)`,
				`INSERT INTO fail_writes VALUES (1)`,
				`CREATE TRIGGER fail_insert BEFORE INSERT ON gmd_requests WHEN EXISTS (SELECT 1 FROM fail_writes) BEGIN SELECT RAISE(ABORT, 'simulated deadlock'); END`,
			} {
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			var reqs []store.Request
			for i := range 3 {
				reqs = append(reqs, store.Request{Service: "s", Instance: "i", Endpoint: "GET /a", Method: "GET", Status: 200,
					Start: time.Now().Add(time.Duration(i) * time.Second), Version: "v"})
			}
			err = s.Write(ctx, &store.Batch{Requests: reqs})
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("Write = %v, want error %q", err, c.wantErr)
			}
			var rows, hits int
			db.QueryRowContext(ctx, `SELECT COUNT(*) FROM gmd_requests`).Scan(&rows)
			db.QueryRowContext(ctx, `SELECT COALESCE(SUM(hits), 0) FROM gmd_rollups`).Scan(&hits)
			if rows != c.wantRows || hits != c.wantRows {
				t.Errorf("%d rows and rollups of %d requests, want %d of each", rows, hits, c.wantRows)
			}
		})
	}
}
