package mysql_test

import (
	"context"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/internal/dbtest"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/mysql"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

// newDatabase makes a database of the test's own in the test server
// (dbtest.MySQLServer), dropped when the test ends.
func newDatabase(t testing.TB) string { return dbtest.MySQLDatabase(t, mysql.OpenDB) }

func size(ctx context.Context, s *sqlstore.Store) (map[string]int64, error) {
	db := s.DB()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'gmd\_%'`)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]int64{}
	for _, tb := range tables {
		// The statistics information_schema reports are refreshed by
		// ANALYZE; the sizes are InnoDB's pages, data and indexes.
		if _, err := db.ExecContext(ctx, "ANALYZE TABLE "+tb); err != nil {
			return nil, err
		}
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT data_length + index_length FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?`, tb).Scan(&n); err != nil {
			return nil, err
		}
		out[tb] = n
	}
	return out, nil
}

var server = dbtest.Server{
	Name:        "MySQL",
	NewDatabase: newDatabase,
	OpenWith:    mysql.OpenWith,
	Size:        size,
	Remote:      true,
}

func TestMySQL(t *testing.T) { dbtest.Run(t, server) }

func TestHelperProcess(t *testing.T) { dbtest.HelperProcess(t) }

func BenchmarkWriter(b *testing.B) { dbtest.BenchWriter(b, server) }

func TestRegisteredScheme(t *testing.T) {
	s, err := store.Open(context.Background(), newDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}
