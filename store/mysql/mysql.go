// Package mysql stores the dashboard's measurements in MySQL or MariaDB,
// through go-sql-driver/mysql. A program opts in with a blank import:
//
//	import _ "github.com/go-monitoring-dashboard/dashboard/store/mysql"
//
// and DATABASE=mysql://user:password@host:3306/db. Query parameters are
// the driver's (tls=true, timeout=5s, ...) or, for names the driver does not
// know, session variables. ?socket=/run/mysqld/mysqld.sock connects through
// a Unix socket instead of host:port.
//
// Tables are InnoDB in utf8mb4 with the binary collation, so that names
// compare and sort byte by byte as in the other databases. Several
// services and several instances of each may share one database.
// Migrations take a named lock (GET_LOCK), so that instances starting at
// once migrate once; since MySQL commits each schema change at once, a
// migration records its progress statement by statement and one that was
// interrupted resumes where it stopped.
package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
)

func init() {
	store.RegisterDriver(store.Driver{
		Open: func(ctx context.Context, dsn string) (store.Store, error) { return Open(ctx, dsn) },
		Start: func(dsn string, o store.StartOptions) (store.Store, error) {
			return Start(dsn, sqlstore.Options{Logger: o.Logger, OnReady: o.OnReady})
		},
	}, "mysql")
}

// Dialect is the SQL dialect of MySQL and MariaDB.
func Dialect() *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Name: "mysql",
		Types: sqlstore.Types{
			PK: "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY", Int: "BIGINT", Real: "DOUBLE",
			Key:   "VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
			Text:  "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
			Blob:  "LONGBLOB",
			Table: "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
		},
		Greatest: "GREATEST",
		Least:    "LEAST",
		// MariaDB has no "INSERT ... AS new" alias: VALUES(col) it is.
		DuplicateKeyUpdate: true,
		MaxParams:          65535,
		Lock:               lock,
		WriteIsolation:     sql.LevelReadCommitted,
		Retryable:          retryable,
		DDLCommits:         true,
		AlreadyDone:        alreadyDone,
		DeleteLimit:        true,
	}
}

// lockName names the migration lock of the connection's database; lock
// names are server-wide and at most 64 characters.
const lockName = `CONCAT('gmd_migrate_', SHA1(DATABASE()))`

func lock(ctx context.Context, conn *sql.Conn) (func() error, error) {
	for {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK("+lockName+", 0)").Scan(&got); err != nil {
			return nil, err
		}
		if !got.Valid {
			return nil, errors.New("GET_LOCK failed (is a database selected?)")
		}
		if got.Int64 == 1 {
			break
		}
		if err := sqlstore.Pause(ctx); err != nil {
			return nil, err
		}
	}
	return func() error {
		ctx, cancel := context.WithTimeout(context.Background(), sqlstore.UnlockTimeout)
		defer cancel()
		var released sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT RELEASE_LOCK("+lockName+")").Scan(&released); err != nil {
			return err
		}
		if released.Int64 != 1 {
			return errors.New("the migration lock was not held")
		}
		return nil
	}, nil
}

func errorNumber(err error) uint16 {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number
	}
	return 0
}

// retryable: deadlock, lock wait timeout, and "record has changed since
// last read" (MariaDB's snapshot isolation).
func retryable(err error) bool {
	switch errorNumber(err) {
	case 1213, 1205, 1020:
		return true
	}
	return false
}

// alreadyDone: the table, column, index or key a statement creates exists,
// or the one it drops is gone.
func alreadyDone(err error) bool {
	switch errorNumber(err) {
	case 1050, 1060, 1061, 1068, 1826, 1051, 1091:
		return true
	}
	return false
}

// Config turns a mysql:// URL into the driver's configuration, without
// connecting.
func Config(dsn string) (*mysql.Config, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("dashboard: DATABASE %q: %s (want mysql://user:password@host:3306/database)", store.Redact(dsn), fmt.Sprintf(format, a...))
	}
	u, err := url.Parse(dsn)
	if err != nil {
		// url.Error would repeat the URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, bad("%v", err)
	}
	if !strings.EqualFold(u.Scheme, "mysql") {
		return nil, bad("not a mysql:// URL")
	}
	if u.Opaque != "" {
		return nil, bad("no host")
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return nil, bad("no database name")
	}
	c := mysql.NewConfig()
	if u.User != nil {
		c.User = u.User.Username()
		c.Passwd, _ = u.User.Password()
	}
	c.DBName = db
	q := u.Query()
	if sock := q.Get("socket"); sock != "" {
		c.Net, c.Addr = "unix", sock
		q.Del("socket")
	} else {
		if u.Host == "" {
			return nil, bad("no host")
		}
		host, port := u.Hostname(), u.Port()
		if port == "" {
			port = "3306"
		}
		c.Net, c.Addr = "tcp", net.JoinHostPort(host, port)
	}
	// The driver's own parser reads the remaining parameters, so that
	// every option it has works, and unknown names become session
	// variables.
	if len(q) > 0 {
		dsn := c.FormatDSN()
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		c2, err := mysql.ParseDSN(dsn + sep + q.Encode())
		if err != nil {
			return nil, bad("%v", err)
		}
		c = c2
	}
	// Names compare byte by byte, as in the other databases.
	c.Collation = "utf8mb4_bin"
	c.MultiStatements = false
	if !q.Has("interpolateParams") {
		// One round trip per statement instead of prepare, execute
		// and close: the writer's inserts run at twice the rate.
		c.InterpolateParams = true
	}
	if !q.Has("timeout") {
		c.Timeout = 10 * time.Second
	}
	return c, nil
}

// Open connects to the database a mysql:// URL names and brings its schema
// up to date; it fails when the server cannot be reached.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	return OpenWith(ctx, dsn, sqlstore.Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, o sqlstore.Options) (*sqlstore.Store, error) {
	c, err := connector(dsn, &o)
	if err != nil {
		return nil, err
	}
	return sqlstore.OpenServer(ctx, Dialect(), c, o)
}

// Start returns a store at once and connects and migrates in the
// background; it fails only when the URL is wrong.
func Start(dsn string, o sqlstore.Options) (*sqlstore.Store, error) {
	c, err := connector(dsn, &o)
	if err != nil {
		return nil, err
	}
	return sqlstore.StartServer(Dialect(), c, o), nil
}

// OpenDB opens a database/sql pool on the database a mysql:// URL names,
// with the settings the dashboard uses, without touching its schema: for
// tools and tests that run their own statements (creating a database).
func OpenDB(dsn string) (*sql.DB, error) {
	c, err := connector(dsn, &sqlstore.Options{})
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

func connector(dsn string, o *sqlstore.Options) (driver.Connector, error) {
	cfg, err := Config(dsn)
	if err != nil {
		return nil, err
	}
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("dashboard: DATABASE %q: %w", store.Redact(dsn), err)
	}
	if o.Name == "" {
		o.Name = store.Redact(dsn)
	}
	return c, nil
}
