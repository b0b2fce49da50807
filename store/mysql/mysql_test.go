package mysql_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/go-monitoring-dashboard/dashboard/internal/dbtest"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/mysql"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

// serverVar names the server the tests use, as a mysql:// URL whose
// database part is ignored; each test gets a database of its own in it,
// dropped when the test ends.
const serverVar = "GMD_TEST_MYSQL"

const defaultServer = "mysql://root@127.0.0.1:3306/test"

func serverURL() string {
	if u := os.Getenv(serverVar); u != "" {
		return u
	}
	return defaultServer
}

// dbPrefix starts the names of the tests' databases, followed by the Unix
// time they were made, so that databases left by a killed run are dropped.
const dbPrefix = "gmd_test_"

func admin(t testing.TB) (*sql.DB, *gomysql.Config) {
	t.Helper()
	cfg, err := mysql.Config(serverURL())
	if err != nil {
		t.Fatal(err)
	}
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		dbtest.Unavailable(t, "MySQL at "+store.Redact(serverURL()), err, "set "+serverVar+" to the URL of a server the tests may create databases in")
	}
	return db, cfg
}

func newDatabase(t testing.TB) string {
	t.Helper()
	db, _ := admin(t)
	ctx := context.Background()
	dropStale(ctx, db)
	var b [6]byte
	rand.Read(b[:])
	name := fmt.Sprintf("%s%d_%s", dbPrefix, time.Now().Unix(), hex.EncodeToString(b[:]))
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
		db.Close()
	})
	u := serverURL()
	rest := u[len("mysql://"):]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		t.Fatalf("%s=%q: want mysql://user:password@host:port/db", serverVar, store.Redact(u))
	}
	path := rest[slash+1:]
	query := ""
	if q := strings.IndexByte(path, '?'); q >= 0 {
		query = path[q:]
	}
	return "mysql://" + rest[:slash+1] + name + query
}

// dropStale drops databases that test runs killed half way left behind.
func dropStale(ctx context.Context, db *sql.DB) {
	rows, err := db.QueryContext(ctx, "SHOW DATABASES LIKE '"+dbPrefix+"%'")
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) != nil {
			continue
		}
		ts, _, _ := strings.Cut(strings.TrimPrefix(n, dbPrefix), "_")
		if sec, err := strconv.ParseInt(ts, 10, 64); err == nil && time.Since(time.Unix(sec, 0)) > 6*time.Hour {
			stale = append(stale, n)
		}
	}
	rows.Close()
	for _, n := range stale {
		db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+n)
	}
}

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
