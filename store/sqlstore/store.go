package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Store implements store.Store over database/sql.
type Store struct {
	d *Dialect
	o Options
	w *sql.DB // writes; SQLite wants one writer connection
	r *sql.DB // reads; may be the same pool as w

	// ids caches the ids of rows that are never deleted (endpoints,
	// versions, instances, methods, CI test names), keyed by table,
	// service and name. Entries are added only after the transaction that
	// created them commits. Some names come from clients (CI uploads, a
	// Record caller's methods), so the cache holds at most maxIDs entries
	// (see remember); a miss costs one query.
	mu     sync.Mutex
	ids    map[idKey]int64
	maxIDs int
	// seen holds the last-seen time this store last wrote per instance
	// id, so that a busy writer moves it forward about once a second
	// rather than in every batch.
	seen map[int64]int64

	// gmu is held by a write for its whole transaction; it guards the
	// writer's per-day group states (groups.go).
	gmu         sync.Mutex
	groups      map[groupKey]*groupState
	groupNewest int64 // the newest day a batch wrote, Unix µs
	// parts holds the days whose gmd_requests partition exists (with
	// Dialect.Partitioned), guarded by mu.
	parts map[int64]bool

	// A server store opened with Start connects in the background: until
	// ready, the pools refuse connections (see gate) with notReady.
	ready    atomic.Bool
	notReady atomic.Pointer[error]
	cancel   context.CancelFunc // stops the background connection
	bg       sync.WaitGroup
}

type idKey struct{ table, service, name string }

// defaultMaxIDs bounds the ids cache: far more than the names a service
// has (endpoints are bounded at 10,000 per dashboard), small enough that
// the cache stays under a few megabytes whatever clients send.
const defaultMaxIDs = 50000

// remember caches a committed id; s.mu is held. When the cache is full it
// forgets one entry first: the map's iteration starts at a random entry,
// so the one forgotten is random, and the entries used often come back on
// their next miss.
func (s *Store) remember(k idKey, id int64) {
	if _, ok := s.ids[k]; !ok && len(s.ids) >= s.maxIDs {
		for old := range s.ids {
			delete(s.ids, old)
			break
		}
	}
	s.ids[k] = id
}

// Options tune a store. The zero value is what programs use; tests build
// databases as older versions left them with UpTo and Migrations.
type Options struct {
	// UpTo stops migrating after this version; 0 applies every migration.
	UpTo int
	// Migrations replaces the embedded migrations (NNNN_name.sql files).
	Migrations fs.FS
	// Logger receives a background connection's outage and recovery.
	// Nil: slog.Default().
	Logger *slog.Logger
	// OnReady is called once a store opened with Start is ready; see
	// store.StartOptions.
	OnReady func(ctx context.Context, s store.Store) error
	// Name is how log lines and errors name the database (a URL with its
	// password masked); "" uses the dialect's name.
	Name string
}

// New opens a store on the given pools and migrates the schema. w and r may
// be the same *sql.DB. The store closes both on Close.
func New(ctx context.Context, d *Dialect, w, r *sql.DB) (*Store, error) {
	return NewWith(ctx, d, w, r, Options{})
}

// NewWith is New with options.
func NewWith(ctx context.Context, d *Dialect, w, r *sql.DB, o Options) (*Store, error) {
	s := newStore(d, w, r, o)
	s.ready.Store(true)
	if err := s.migrate(ctx, w); err != nil {
		s.Close()
		return nil, fmt.Errorf("dashboard: %s database: %w", d.Name, err)
	}
	return s, nil
}

func newStore(d *Dialect, w, r *sql.DB, o Options) *Store {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Name == "" {
		o.Name = d.Name
	}
	return &Store{d: d, o: o, w: w, r: r, ids: map[idKey]int64{}, maxIDs: defaultMaxIDs, seen: map[int64]int64{}, groups: map[groupKey]*groupState{}, parts: map[int64]bool{}, cancel: func() {}}
}

// Close stops a background connection, waits for it, and closes the
// connection pools.
func (s *Store) Close() error {
	s.cancel()
	s.bg.Wait()
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// LimitReads bounds the connections the store reads through to n (the
// dashboard's READ_CONNECTIONS): the pages' queries then never take more
// of the database, or of the machine, than that. Writes have a pool of
// their own. A private in-memory SQLite database, whose reads and writes
// share its one connection, is left as it is.
func (s *Store) LimitReads(n int) {
	if n < 1 || s.r == s.w {
		return
	}
	s.r.SetMaxOpenConns(n)
	s.r.SetMaxIdleConns(n)
}

// DB returns the pool used for reads, for queries that are not part of
// store.Store yet.
func (s *Store) DB() *sql.DB { return s.r }

// WriteDB returns the pool used for writes, for tools and tests that
// change the database outside store.Store.
func (s *Store) WriteDB() *sql.DB { return s.w }

// Dialect returns the store's dialect.
func (s *Store) Dialect() *Dialect { return s.d }

var _ store.Store = (*Store)(nil)
