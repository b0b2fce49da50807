package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Store implements store.Store over database/sql.
type Store struct {
	d *Dialect
	w *sql.DB // writes; SQLite wants one writer connection
	r *sql.DB // reads; may be the same pool as w

	// ids caches the ids of rows that are never deleted (endpoints,
	// versions, instances), keyed by table, service and name. Entries are
	// added only after the transaction that created them commits.
	mu  sync.Mutex
	ids map[idKey]int64
}

type idKey struct{ table, service, name string }

// New opens a store on the given pools and migrates the schema. w and r may
// be the same *sql.DB. The store closes both on Close.
func New(ctx context.Context, d *Dialect, w, r *sql.DB) (*Store, error) {
	s := &Store{d: d, w: w, r: r, ids: map[idKey]int64{}}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("dashboard: %s database: %w", d.Name, err)
	}
	return s, nil
}

// Close closes the connection pools.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// DB returns the pool used for reads, for queries that are not part of
// store.Store yet.
func (s *Store) DB() *sql.DB { return s.r }

// Dialect returns the store's dialect.
func (s *Store) Dialect() *Dialect { return s.d }

var _ store.Store = (*Store)(nil)
