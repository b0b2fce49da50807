package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
)

// Opener opens a store for a database URL such as "sqlite:///dashboard.db".
// The store it returns is connected and its schema up to date.
type Opener func(ctx context.Context, dsn string) (Store, error)

// Driver opens the stores of some URL schemes.
type Driver struct {
	// Open connects, brings the schema up to date and returns the store.
	Open Opener
	// Start, for a database reached over the network, checks the URL and
	// returns a store at once, without waiting for the server: the store
	// connects and migrates in the background, retrying with backoff until
	// it succeeds or is closed. Until then its methods fail with an error
	// that wraps ErrNotReady. Start fails only when the URL is wrong. Nil
	// for a database that is a local file: Start then calls Open.
	Start func(dsn string, o StartOptions) (Store, error)
}

// StartOptions are given to Start.
type StartOptions struct {
	// Logger receives the outage (once) and the recovery. Nil: slog.Default().
	Logger *slog.Logger
	// OnReady, when set, is called once the schema is up to date, before
	// Start returns for a file database and from the store's own
	// goroutine for a server. When it fails, a server store calls it again
	// after a pause; Start of a file database closes the store and returns
	// the error.
	OnReady func(ctx context.Context, s Store) error
}

// ErrNotReady is wrapped by the errors of a store that is still connecting
// to its database in the background.
var ErrNotReady = errors.New("the database is not reachable yet; connecting in the background")

// The registry maps URL schemes to drivers. It is written only by the
// drivers' init functions (a blank import opts a program into a driver,
// like database/sql) and read when a dashboard starts.
var (
	driversMu sync.RWMutex
	drivers   = map[string]Driver{}
)

// driverImports names the import that provides each known scheme, so that
// an error can say what to add.
var driverImports = map[string]string{
	"sqlite":     "github.com/go-monitoring-dashboard/dashboard/store/sqlite",
	"postgres":   "github.com/go-monitoring-dashboard/dashboard/store/postgres",
	"postgresql": "github.com/go-monitoring-dashboard/dashboard/store/postgres",
	"mysql":      "github.com/go-monitoring-dashboard/dashboard/store/mysql",
}

// Register makes a driver that opens local files available for the given
// URL schemes. It panics when a scheme is registered twice, which is a
// programming error.
func Register(open Opener, schemes ...string) { RegisterDriver(Driver{Open: open}, schemes...) }

// RegisterDriver makes a driver available for the given URL schemes. It
// panics when a scheme is registered twice or d.Open is nil.
func RegisterDriver(d Driver, schemes ...string) {
	if d.Open == nil {
		panic("store: driver without Open")
	}
	driversMu.Lock()
	defer driversMu.Unlock()
	for _, s := range schemes {
		if _, dup := drivers[s]; dup {
			panic("store: driver for scheme " + s + " registered twice")
		}
		drivers[s] = d
	}
}

func driverFor(dsn string) (Driver, error) {
	scheme, err := Scheme(dsn)
	if err != nil {
		return Driver{}, err
	}
	driversMu.RLock()
	d, ok := drivers[scheme]
	driversMu.RUnlock()
	if !ok {
		if imp, ok := driverImports[scheme]; ok {
			return Driver{}, fmt.Errorf("dashboard: DATABASE %q: the %s driver is not linked into this program; add the import _ %q", Redact(dsn), scheme, imp)
		}
		return Driver{}, fmt.Errorf("dashboard: DATABASE %q: unknown scheme %q (want %s)", Redact(dsn), scheme, knownSchemes())
	}
	return d, nil
}

// Open opens the store for a database URL with the driver registered for
// its scheme, and returns once it is connected and its schema up to date.
func Open(ctx context.Context, dsn string) (Store, error) {
	d, err := driverFor(dsn)
	if err != nil {
		return nil, err
	}
	return d.Open(ctx, dsn)
}

// Start opens the store for a database URL without waiting for a database
// server: see Driver.Start. It fails at once for a URL that is wrong or
// names a driver that is not linked in, and for a file database that
// cannot be opened.
func Start(dsn string, o StartOptions) (Store, error) {
	d, err := driverFor(dsn)
	if err != nil {
		return nil, err
	}
	if d.Start != nil {
		return d.Start(dsn, o)
	}
	ctx := context.Background()
	s, err := d.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if o.OnReady != nil {
		if err := o.OnReady(ctx, s); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
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
// URL can be logged or shown. It works on text, not on a parsed URL, so
// that what url.Parse rejects is masked too: a MySQL "tcp(host:3306)"
// address, a DSN without a scheme ("user:secret@tcp(host)/db"), a
// password holding "/", "?" or "@". When in doubt it masks more: the
// password runs from the first ":" of the user part (after "://", if any)
// to the last "@" of the whole text. Parameters that carry a password
// ("password=secret", in a query or in "key=value" form) are masked too.
func Redact(dsn string) string {
	out := dsn
	from := 0
	if i := strings.Index(out, "://"); i > 0 && isScheme(out[:i]) {
		from = i + 3
	}
	if at := strings.LastIndexByte(out, '@'); at > from {
		if colon := strings.IndexByte(out[from:at], ':'); colon >= 0 {
			out = out[:from+colon+1] + redacted + out[at:]
		}
	}
	return redactParams(out)
}

const redacted = "xxxxx"

// isScheme reports whether s can be a URL scheme (RFC 3986: a letter,
// then letters, digits, "+", "-" or ".").
func isScheme(s string) bool {
	for i, c := range []byte(s) {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// redactParams masks the value of every "password=" parameter: up to the
// next "&" or space, or to the closing quote of a quoted value.
func redactParams(s string) string {
	const key = "password="
	var b strings.Builder
	last := 0
	for i := 0; i+len(key) <= len(s); {
		if !strings.EqualFold(s[i:i+len(key)], key) {
			i++
			continue
		}
		start := i + len(key)
		if i > 0 && !strings.ContainsRune("?&; \t\n", rune(s[i-1])) {
			i = start // "mypassword=": another name
			continue
		}
		end := start
		if end < len(s) && s[end] == '\'' {
			if q := strings.IndexByte(s[end+1:], '\''); q >= 0 {
				end += q + 2
			} else {
				end = len(s)
			}
		} else if e := strings.IndexAny(s[start:], "& \t\n"); e >= 0 {
			end = start + e
		} else {
			end = len(s)
		}
		if end > start {
			b.WriteString(s[last:start])
			b.WriteString(redacted)
			last = end
		}
		i = max(end, start)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
