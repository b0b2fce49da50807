package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Waits between attempts to reach a database server that is down: short at
// first, so that a server starting alongside the service is found soon,
// then doubling up to a pace that costs nothing.
const (
	minConnectBackoff = 250 * time.Millisecond
	maxConnectBackoff = 30 * time.Second
)

// configurePool sizes a server pool: the recorder writes on one
// connection; pages, retention and migrations take a few more.
func configurePool(db *sql.DB) {
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	// Connections are renewed now and then, so that a fail-over or a
	// proxy that moved is followed without a restart.
	db.SetConnMaxLifetime(time.Hour)
}

// OpenServer connects to a database server through c, brings the schema up
// to date and returns the store; it fails when the server cannot be
// reached. Tools use it; services use StartServer.
func OpenServer(ctx context.Context, d *Dialect, c driver.Connector, o Options) (*Store, error) {
	db := sql.OpenDB(c)
	configurePool(db)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("dashboard: %s: %w", nameOf(d, o), err)
	}
	r := sql.OpenDB(c)
	configurePool(r)
	return NewWith(ctx, d, db, r, o)
}

// StartServer returns a store at once and connects and migrates in the
// background, retrying with backoff until it succeeds or the store is
// closed, so that a service starts and serves while its database is down.
// Until then every method fails with an error that wraps
// store.ErrNotReady and says why. The outage is logged once.
func StartServer(d *Dialect, c driver.Connector, o Options) *Store {
	s := newStore(d, nil, nil, o)
	err := fmt.Errorf("dashboard: %s: %w", s.o.Name, store.ErrNotReady)
	s.notReady.Store(&err)
	// Reads have a pool of their own, so that READ_CONNECTIONS bounds
	// them without ever making the recorder wait for a connection.
	s.w, s.r = sql.OpenDB(&gate{Connector: c, s: s}), sql.OpenDB(&gate{Connector: c, s: s})
	configurePool(s.w)
	configurePool(s.r)
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.bg.Add(1)
	go s.connect(ctx, c)
	return s
}

func nameOf(d *Dialect, o Options) string {
	if o.Name != "" {
		return o.Name
	}
	return d.Name
}

// gate hands out connections only once the schema is up to date, so that
// no query, of any store feature, runs against a schema that a pending
// migration is about to change.
type gate struct {
	driver.Connector
	s *Store
}

func (g *gate) Connect(ctx context.Context) (driver.Conn, error) {
	if !g.s.ready.Load() {
		return nil, *g.s.notReady.Load()
	}
	return g.Connector.Connect(ctx)
}

// connect is the background connection of a store made by StartServer.
func (s *Store) connect(ctx context.Context, c driver.Connector) {
	defer s.bg.Done()
	log := s.o.Logger
	wait := minConnectBackoff
	failures := 0
	for {
		err := s.migrateThrough(ctx, c)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		failures++
		e := fmt.Errorf("dashboard: %s: %w: %v", s.o.Name, store.ErrNotReady, err)
		s.notReady.Store(&e)
		if failures == 1 {
			log.Error("dashboard: cannot reach the database; the service runs on, requests are kept in memory (up to BACKLOG_LIMIT, then dropped and counted) and the connection is retried in the background",
				"database", s.o.Name, "err", err)
		}
		if !sleep(ctx, jitter(wait)) {
			return
		}
		wait = min(2*wait, maxConnectBackoff)
	}
	s.ready.Store(true)
	if failures > 0 {
		log.Info("dashboard: connected to the database", "database", s.o.Name, "failed_attempts", failures)
	}
	if s.o.OnReady == nil {
		return
	}
	wait = minConnectBackoff
	for attempt := 1; ; attempt++ {
		err := s.o.OnReady(ctx, s)
		if err == nil || ctx.Err() != nil {
			return
		}
		if attempt == 1 {
			log.Warn("dashboard: reading stored settings failed; retrying", "database", s.o.Name, "err", err)
		}
		if !sleep(ctx, jitter(wait)) {
			return
		}
		wait = min(2*wait, maxConnectBackoff)
	}
}

// migrateThrough migrates on a pool of its own, since the store's pool
// stays closed until the schema is up to date.
func (s *Store) migrateThrough(ctx context.Context, c driver.Connector) error {
	db := sql.OpenDB(c)
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		return err
	}
	return s.migrate(ctx, db)
}

// jitter spreads retries of several instances that lost the same server.
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends, and reports whether it waited d.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
