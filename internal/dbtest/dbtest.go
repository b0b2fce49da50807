// Package dbtest holds the tests every SQL database runs beyond the
// conformance suite: migrations run once by instances starting together,
// upgrades of databases older versions wrote, interrupted migrations,
// several instances and processes writing at once, a database that is
// down when the service starts, and the writer's throughput. The driver
// modules (store/postgres, store/mysql) and store/sqlite call Run.
package dbtest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
	"github.com/go-monitoring-dashboard/dashboard/store/storetest"
)

// RequireVar names the environment variable that turns a skip for a
// missing database server into a failure. CI sets it.
const RequireVar = "GMD_REQUIRE_DATABASES"

// Server is a database the tests run against.
type Server struct {
	Name string // "PostgreSQL"
	// NewDatabase returns the URL of a new, empty database (or schema) of
	// the test's own, dropped when the test ends. When the server is
	// absent it calls Unavailable.
	NewDatabase func(t testing.TB) string
	// OpenWith opens the store at url, connected and migrated.
	OpenWith func(ctx context.Context, url string, o sqlstore.Options) (*sqlstore.Store, error)
	// Size returns the bytes the dashboard's tables take, by table.
	Size func(ctx context.Context, s *sqlstore.Store) (map[string]int64, error)
	// Remote says the database is reached over TCP: the tests of a server
	// that is down at start run.
	Remote bool
}

// Unavailable skips the test because a database server is absent, or
// fails it when RequireVar is set.
func Unavailable(t testing.TB, what string, err error, hint string) {
	t.Helper()
	msg := fmt.Sprintf("%s is not reachable (%v); %s", what, err, hint)
	if os.Getenv(RequireVar) != "" {
		t.Fatalf("%s\n%s is set, so a missing database is a failure", msg, RequireVar)
	}
	t.Skipf("skipping: %s; set %s=1 to make this a failure", msg, RequireVar)
}

var optionsNone sqlstore.Options

// Open opens a store on a new database for a test, closed when it ends.
func (srv Server) Open(t testing.TB) (*sqlstore.Store, string) {
	t.Helper()
	url := srv.NewDatabase(t)
	s, err := srv.OpenWith(context.Background(), url, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, url
}

// Run runs the conformance suite and every test of this package against
// srv.
func Run(t *testing.T, srv Server) {
	t.Run("Conformance", func(t *testing.T) {
		storetest.Run(t, func(t testing.TB) store.Store {
			s, _ := srv.Open(t)
			return s
		})
	})
	tests := []struct {
		name string
		fn   func(*testing.T, Server)
	}{
		{"MigrationsRunOnce", testMigrationsRunOnce},
		{"UpgradeFromVersion1", testUpgradeFromVersion1},
		{"UpgradeBackfillsDerived", testUpgradeBackfillsDerived},
		{"FailedMigrationResumes", testFailedMigrationResumes},
		{"ManyInstances", testManyInstances},
		{"SameInstanceName", testSameInstanceName},
		{"PruneWhileWriting", testPruneWhileWriting},
		{"ManyProcesses", testManyProcesses},
		{"DownAtStart", testDownAtStart},
		{"ClosedPort", testClosedPort},
		{"ReadPool", testReadPool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, srv) })
	}
}
