package dashboard

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

// cheapHash is argon2id with the least memory and time.
var cheapHash = auth.Params{Memory: 64, Time: 1, Threads: 1}

// mustNew makes a dashboard for a test with no environment, an
// application version, and a database in t.TempDir() unless cfg names one.
// It is closed when the test ends.
func mustNew(tb testing.TB, h http.Handler, cfg Config) *Dashboard {
	tb.Helper()
	if cfg.environ == nil {
		cfg.environ = []string{}
	}
	if cfg.Database == "" && cfg.Store == nil {
		cfg.Database = "sqlite:///" + filepath.Join(tb.TempDir(), "dashboard.db")
	}
	if cfg.AppVersion == "" && cfg.Git == "" {
		cfg.AppVersion = "v-test"
	}
	if cfg.Service == "" {
		cfg.Service = "svc"
	}
	if cfg.Instance == "" {
		cfg.Instance = "host-1"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.hash == (auth.Params{}) {
		// Hashing the seeded passwords at OWASP's cost takes seconds
		// under the race detector; internal/auth tests the real cost.
		cfg.hash = cheapHash
	}
	d, err := New(h, cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() {
		// A test that failed midway may leave the store failing: give up
		// rather than hang.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.Close(ctx)
	})
	return d
}

// mustClose closes d, failing the test on error.
func mustClose(tb testing.TB, d *Dashboard) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Close(ctx); err != nil {
		tb.Fatalf("Close: %v", err)
	}
}

func rowsOf(tb testing.TB, s store.Store, f store.RequestFilter) []store.Request {
	tb.Helper()
	var out []store.Request
	if err := s.Requests(context.Background(), f, func(r *store.Request) error {
		out = append(out, *r)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return out
}

// memStore opens an in-memory SQLite store that outlives the dashboards
// using it, so tests can read it after Close.
func memStore(tb testing.TB) store.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// faultyStore wraps a real store; its writes fail or block on demand.
type faultyStore struct {
	store.Store
	mu     sync.Mutex
	fail   bool
	block  chan struct{}
	writes int
}

var errDiskFull = errors.New("disk full")

func (f *faultyStore) Write(ctx context.Context, b *store.Batch) error {
	f.mu.Lock()
	block, fail := f.block, f.fail
	f.writes++
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail {
		return errDiskFull
	}
	return f.Store.Write(ctx, b)
}

func (f *faultyStore) set(fail bool, block chan struct{}) {
	f.mu.Lock()
	f.fail, f.block = fail, block
	f.mu.Unlock()
}
