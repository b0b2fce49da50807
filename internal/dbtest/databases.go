package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The servers the tests use, unless these variables name others.
const (
	PostgresVar     = "GMD_TEST_POSTGRES"
	DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	MySQLVar        = "GMD_TEST_MYSQL"
	DefaultMySQL    = "mysql://root@127.0.0.1:3306/test"
)

// Opener opens a database/sql pool on a postgres:// or mysql:// URL. This
// package links no server driver: the caller, which does, passes one.
type Opener func(url string) (*sql.DB, error)

// testPrefix starts the names of the tests' schemas and databases,
// followed by the Unix time they were made, so that those left by a killed
// test run are recognized and dropped.
const testPrefix = "gmd_test_"

func serverURL(variable, def string) string {
	if u := os.Getenv(variable); u != "" {
		return u
	}
	return def
}

// PostgresServer returns the URL of the PostgreSQL server the tests use.
func PostgresServer() string { return serverURL(PostgresVar, DefaultPostgres) }

// MySQLServer returns the URL of the MySQL server the tests use; its
// database part is ignored.
func MySQLServer() string { return serverURL(MySQLVar, DefaultMySQL) }

// admin connects to a test server, or skips the test (fails it with
// RequireVar) when the server is absent.
func admin(t testing.TB, open Opener, what, u, variable, makes string) *sql.DB {
	t.Helper()
	db, err := open(u)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		Unavailable(t, what+" at "+store.Redact(u), err, "set "+variable+" to the URL of a server the tests may create "+makes+" in")
	}
	return db
}

func uniqueName() string {
	var b [6]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s%d_%s", testPrefix, time.Now().Unix(), hex.EncodeToString(b[:]))
}

// testServer says how tests make a schema or database of their own on a
// server. The statements take the name for %s.
type testServer struct {
	what, url, variable, makes string // "PostgreSQL", its URL, PostgresVar, "schemas"
	list                       string // lists the names tests made
	create, drop, dropStale    string
}

// newDatabase connects to the server (or skips), drops what killed test
// runs left there (names older than six hours), makes a schema or
// database of the test's own, dropped when the test ends, and returns its
// name.
func (ts testServer) newDatabase(t testing.TB, open Opener) string {
	t.Helper()
	db := admin(t, open, ts.what, ts.url, ts.variable, ts.makes)
	ctx := context.Background()
	ts.dropOld(ctx, db)
	name := uniqueName()
	if _, err := db.ExecContext(ctx, fmt.Sprintf(ts.create, name)); err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), fmt.Sprintf(ts.drop, name)); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
		db.Close()
	})
	return name
}

func (ts testServer) dropOld(ctx context.Context, db *sql.DB) {
	rows, err := db.QueryContext(ctx, ts.list)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) != nil {
			continue
		}
		stamp, _, _ := strings.Cut(strings.TrimPrefix(n, testPrefix), "_")
		if sec, err := strconv.ParseInt(stamp, 10, 64); err == nil && time.Since(time.Unix(sec, 0)) > 6*time.Hour {
			stale = append(stale, n)
		}
	}
	rows.Close()
	for _, n := range stale {
		db.ExecContext(ctx, fmt.Sprintf(ts.dropStale, n))
	}
}

// PostgresDatabase returns the URL of a new schema of the test's own in
// the PostgreSQL server PostgresServer names (search_path selects it),
// dropped when the test ends. Without the server it calls Unavailable.
func PostgresDatabase(t testing.TB, open Opener) string {
	t.Helper()
	name := testServer{what: "PostgreSQL", url: PostgresServer(), variable: PostgresVar, makes: "schemas",
		list:   "SELECT nspname FROM pg_namespace WHERE nspname LIKE '" + testPrefix + "%'",
		create: "CREATE SCHEMA %s", drop: "DROP SCHEMA %s CASCADE", dropStale: "DROP SCHEMA IF EXISTS %s CASCADE",
	}.newDatabase(t, open)
	u, err := url.Parse(PostgresServer())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// MySQLDatabase returns the URL of a new database of the test's own in the
// MySQL server MySQLServer names, dropped when the test ends. Without the
// server it calls Unavailable.
func MySQLDatabase(t testing.TB, open Opener) string {
	t.Helper()
	name := testServer{what: "MySQL", url: MySQLServer(), variable: MySQLVar, makes: "databases",
		list:   "SHOW DATABASES LIKE '" + testPrefix + "%'",
		create: "CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", drop: "DROP DATABASE %s", dropStale: "DROP DATABASE IF EXISTS %s",
	}.newDatabase(t, open)
	u := MySQLServer()
	rest := u[len("mysql://"):]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		t.Fatalf("%s=%q: want mysql://user:password@host:port/db", MySQLVar, store.Redact(u))
	}
	path := rest[slash+1:]
	query := ""
	if q := strings.IndexByte(path, '?'); q >= 0 {
		query = path[q:]
	}
	return "mysql://" + rest[:slash+1] + name + query
}
