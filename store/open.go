package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Opener opens a store for a database URL such as "sqlite:///dashboard.db".
type Opener func(ctx context.Context, dsn string) (Store, error)

// The registry maps URL schemes to drivers. It is written only by the
// drivers' init functions (a blank import opts a program into a driver,
// like database/sql) and read when a dashboard starts.
var (
	driversMu sync.RWMutex
	drivers   = map[string]Opener{}
)

// driverImports names the import that provides each known scheme, so that
// an error can say what to add.
var driverImports = map[string]string{
	"sqlite":     "github.com/go-monitoring-dashboard/dashboard/store/sqlite",
	"postgres":   "github.com/go-monitoring-dashboard/dashboard/store/postgres",
	"postgresql": "github.com/go-monitoring-dashboard/dashboard/store/postgres",
	"mysql":      "github.com/go-monitoring-dashboard/dashboard/store/mysql",
}

// Register makes a driver available for the given URL schemes. It panics
// when a scheme is registered twice, which is a programming error.
func Register(open Opener, schemes ...string) {
	driversMu.Lock()
	defer driversMu.Unlock()
	for _, s := range schemes {
		if _, dup := drivers[s]; dup {
			panic("store: driver for scheme " + s + " registered twice")
		}
		drivers[s] = open
	}
}

// Open opens the store for a database URL with the driver registered for
// its scheme.
func Open(ctx context.Context, dsn string) (Store, error) {
	scheme, err := Scheme(dsn)
	if err != nil {
		return nil, err
	}
	driversMu.RLock()
	open := drivers[scheme]
	driversMu.RUnlock()
	if open == nil {
		if imp, ok := driverImports[scheme]; ok {
			return nil, fmt.Errorf("dashboard: DATABASE %q: the %s driver is not linked into this program; add the import _ %q", Redact(dsn), scheme, imp)
		}
		return nil, fmt.Errorf("dashboard: DATABASE %q: unknown scheme %q (want %s)", Redact(dsn), scheme, knownSchemes())
	}
	return open(ctx, dsn)
}

// Scheme returns the lower-cased scheme of a database URL.
func Scheme(dsn string) (string, error) {
	i := strings.Index(dsn, "://")
	if i <= 0 {
		return "", fmt.Errorf("dashboard: DATABASE %q: want a URL such as sqlite:///dashboard.db or postgres://user@host/db", Redact(dsn))
	}
	return strings.ToLower(dsn[:i]), nil
}

func knownSchemes() string {
	s := []string{"sqlite", "postgres", "mysql"}
	sort.Strings(s)
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Redact replaces the password of a database URL with "xxxxx" so that the
// URL can be logged or shown. It works on text, not on a parsed URL, so that
// URLs url.Parse rejects (a MySQL "tcp(host:3306)" address) are masked too.
func Redact(dsn string) string {
	i := strings.Index(dsn, "://")
	if i < 0 {
		return dsn
	}
	rest := dsn[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return dsn
	}
	colon := strings.Index(rest[:at], ":")
	if colon < 0 {
		return dsn
	}
	return dsn[:i+3] + rest[:colon+1] + "xxxxx" + rest[at:]
}
