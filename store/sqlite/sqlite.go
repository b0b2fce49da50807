// Package sqlite is the dashboard's default store: SQLite through a pure-Go
// driver (modernc.org/sqlite, no cgo), in WAL mode so that the dashboard's
// pages read while the recorder writes.
//
// URLs follow the SQLAlchemy convention the seed project used: after
// "sqlite://" comes "/" and the path, so sqlite:///dashboard.db (three
// slashes) is relative to the working directory,
// sqlite:////var/lib/app/dashboard.db (four) is absolute, and
// sqlite:///:memory: is a private in-memory database (for tests). A
// dashboard logs the file's absolute path when it starts, and warns when a
// relative path looks as if an absolute one was meant.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlstore"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

func init() {
	store.RegisterDriver(store.Driver{
		Open:  func(ctx context.Context, dsn string) (store.Store, error) { return Open(ctx, dsn) },
		Start: start,
	}, "sqlite")
}

// start opens the file as Open does and logs where it is: a relative
// path silently opens a new, empty database when the service starts in
// another directory, so the log says which file it is.
func start(dsn string, o store.StartOptions) (store.Store, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	path, err := Path(dsn)
	if err != nil {
		return nil, err
	}
	file, hint := Where(path)
	if hint != "" {
		log.Warn("dashboard: " + hint)
	}
	ctx := context.Background()
	s, err := openFile(ctx, path, sqlstore.Options{Logger: log})
	if err != nil {
		return nil, err
	}
	log.Info("dashboard: SQLite database", "file", file)
	if o.OnReady != nil {
		if err := o.OnReady(ctx, s); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Where returns the absolute path of the file Path returned (":memory:"
// as it is) and, when a relative path looks as if an absolute one was
// meant, what to write instead: "sqlite:///var/lib/app/d.db" names
// var/lib/app/d.db under the working directory, which is rarely what was
// meant when /var exists and ./var does not.
func Where(path string) (file, hint string) {
	if path == ":memory:" {
		return path, ""
	}
	file, err := filepath.Abs(path)
	if err != nil {
		file = path
	}
	if filepath.IsAbs(path) {
		return file, ""
	}
	first, _, _ := strings.Cut(filepath.ToSlash(filepath.Clean(path)), "/")
	if first == "" || first == "." || first == ".." || first == filepath.Base(path) {
		return file, ""
	}
	if _, err := os.Stat(first); err == nil {
		return file, "" // the directory is there: a relative path on purpose
	}
	if fi, err := os.Stat(string(filepath.Separator) + first); err == nil && fi.IsDir() {
		hint = fmt.Sprintf("DATABASE sqlite:///%s is relative to the working directory: the file is %s. "+
			"For /%s write sqlite:////%s (four slashes).", filepath.ToSlash(path), file, filepath.ToSlash(path), filepath.ToSlash(path))
	}
	return file, hint
}

// Dialect is SQLite's SQL dialect.
func Dialect() *sqlstore.Dialect {
	return &sqlstore.Dialect{
		Name: "sqlite",
		Types: sqlstore.Types{
			PK: "INTEGER PRIMARY KEY", Int: "INTEGER", Real: "REAL", Key: "TEXT", Text: "TEXT", Blob: "BLOB",
			WithoutRowID: "WITHOUT ROWID",
		},
		Greatest:  "max",
		Least:     "min",
		MaxParams: 32766,
	}
}

// Path returns the file path a sqlite:// URL names (":memory:" for memory).
func Path(dsn string) (string, error) {
	const prefix = "sqlite://"
	if !strings.HasPrefix(strings.ToLower(dsn), prefix) {
		return "", fmt.Errorf("dashboard: DATABASE %q: not a sqlite:// URL", dsn)
	}
	rest := dsn[len(prefix):]
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest = rest[:q]
	}
	if !strings.HasPrefix(rest, "/") {
		return "", fmt.Errorf("dashboard: DATABASE %q: want sqlite:///relative/path.db or sqlite:////absolute/path.db", dsn)
	}
	p, err := url.PathUnescape(rest[1:])
	if err != nil {
		return "", fmt.Errorf("dashboard: DATABASE %q: %v", dsn, err)
	}
	if p == "" {
		return "", fmt.Errorf("dashboard: DATABASE %q: no file name (want sqlite:///dashboard.db)", dsn)
	}
	return p, nil
}

// Open opens (creating when missing) the SQLite database a sqlite:// URL
// names and brings its schema up to date.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	return OpenWith(ctx, dsn, sqlstore.Options{})
}

// OpenWith is Open with options; tests use it to build a database as an
// older version left it.
func OpenWith(ctx context.Context, dsn string, o sqlstore.Options) (*sqlstore.Store, error) {
	path, err := Path(dsn)
	if err != nil {
		return nil, err
	}
	return openFile(ctx, path, o)
}

// OpenFile opens the database at path (":memory:" for a private
// in-memory database).
func OpenFile(ctx context.Context, path string) (*sqlstore.Store, error) {
	return openFile(ctx, path, sqlstore.Options{})
}

func openFile(ctx context.Context, path string, o sqlstore.Options) (*sqlstore.Store, error) {
	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(0)&_txlock=immediate", busyTimeout.Milliseconds())
	if path == ":memory:" {
		// One connection: a private memory database exists once per
		// connection, so reads and writes must share it.
		db, err := sql.Open("sqlite", "file::memory:?"+pragmas)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		return sqlstore.NewWith(ctx, Dialect(), db, db, o)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("dashboard: DATABASE: creating the directory of %q: %w", path, err)
		}
	}
	u := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", u)
	if err != nil {
		return nil, err
	}
	// SQLite has one writer at a time; one connection queues writes in Go
	// instead of in busy-wait loops.
	w.SetMaxOpenConns(1)
	if err := ping(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("dashboard: opening SQLite database %q: %w", path, err)
	}
	r, err := sql.Open("sqlite", u+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	return sqlstore.NewWith(ctx, Dialect(), w, r, o)
}

// ping opens the first connection. Processes that open a new file at the
// same time race to switch it to WAL, and SQLite answers the losers "busy"
// at once, without its busy timeout: they try again for a while.
func ping(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := db.PingContext(ctx)
		var coded interface{ Code() int }
		if err == nil || !errors.As(err, &coded) || coded.Code()&0xff != sqliteBusy || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(20 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// sqliteBusy is SQLITE_BUSY, the primary result code of "database is
// locked".
const sqliteBusy = 5

// busyTimeout is how long a connection waits for another's lock, as the
// busy_timeout pragma says.
const busyTimeout = 10 * time.Second
