// Package store holds the dashboard's domain types and the interface every
// storage driver implements. It imports only the standard library, so the
// drivers (store/sqlite, store/postgres, store/mysql) and the read side
// (internal/query) agree on one vocabulary without depending on each other.
//
// Times are stored as Unix microseconds and durations as microseconds in
// every driver, so that the same SQL arithmetic works on SQLite, PostgreSQL
// and MySQL and no driver has to convert time zones.
package store

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// Monitoring levels of an endpoint.
const (
	LevelOff      = 0 // not recorded
	LevelTiming   = 1 // every request recorded
	LevelOutliers = 2 // plus outlier capture
	LevelProfiler = 3 // plus sampling profiler
	MaxLevel      = LevelProfiler
)

// MaxName is the longest name (endpoint, version, user, ...) a store keeps,
// in characters; longer ones are clipped by Clip when written.
const MaxName = 255

// Clip makes s a name every database keeps as it is: valid UTF-8 without
// NUL bytes (PostgreSQL and MySQL reject both; each run of bad bytes becomes
// U+FFFD), at most MaxName characters (runes). Every driver clips the same
// way, so that names compare equal whatever the database.
func Clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if len(s) <= MaxName {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxName {
			return s[:i]
		}
		n++
	}
	return s
}

// Request is one finished request of a monitored endpoint.
type Request struct {
	ID       int64 // assigned by the store; 0 before it is written
	Service  string
	Instance string
	Endpoint string // route pattern, e.g. "GET /books/{id}"
	Method   string
	Status   int
	Start    time.Time
	Duration time.Duration
	Version  string
	Group    string // who made the request, from Config.GroupBy
	IP       string
	// NoRaw counts the request in the rollups only: no raw row is kept
	// for it (RAW_SAMPLE_RATE). Rows read back never have it set.
	NoRaw bool
}

// Endpoint is a route of the monitored service.
type Endpoint struct {
	Service       string
	Name          string
	Methods       []string // methods seen or declared, sorted
	Level         int
	FirstSeen     time.Time
	LastRequested time.Time // zero when never requested
}

// Version is a version of the monitored service and when it was first seen.
type Version struct {
	Service   string
	Name      string
	FirstSeen time.Time
}

// Counter is a named count kept per service and instance, such as the
// number of samples dropped because the queue was full.
type Counter struct {
	Service  string
	Instance string
	Name     string
	Value    int64
}

// Names of the counters the recorder keeps.
const (
	CounterDroppedQueueFull  = "dropped_queue_full"  // request path found the queue full
	CounterDroppedStoreError = "dropped_store_error" // the database kept failing and the backlog was full
	// CounterRawSampledOut counts requests written without a raw row
	// (Request.NoRaw, RAW_SAMPLE_RATE); every driver's Write adds to it.
	CounterRawSampledOut = "raw_rows_sampled_out"
)

// Batch is what the recorder writes in one transaction.
type Batch struct {
	Service  string
	Instance string
	// Requests are stored as raw rows and added to the hourly rollups; the
	// endpoints they name get their methods and last-requested time updated.
	Requests []Request
	// Endpoints are created when missing (with their Level and FirstSeen);
	// an existing endpoint keeps its level.
	Endpoints []Endpoint
	// Versions are created when missing.
	Versions []Version
	// Counters are deltas added to the stored values of (Service, Instance, Name).
	Counters []Counter
	// Outliers, Panics and Profiles are stored as WriteOutliers,
	// WritePanics and WriteProfiles store them. Endpoints they name that
	// do not exist are created at level 1, after the declared Endpoints,
	// whose level wins.
	Outliers []Outlier
	Panics   []Panic
	Profiles []Profile
	// GroupLimit is how many names (users, and client addresses) of an
	// endpoint get exact rollups per UTC day; the requests of further
	// names are counted in a bounded summary (see GroupQuerier). 0 means
	// DefaultGroupLimit.
	GroupLimit int
}

// RequestFilter selects raw request rows. Zero fields select everything.
type RequestFilter struct {
	Service  string
	Endpoint string
	Since    time.Time // inclusive
	Until    time.Time // exclusive
	AfterID  int64     // rows with a larger ID only (cursor paging)
	Limit    int       // 0 means no limit
}

// RollupFilter selects hourly rollups. Zero fields select everything.
type RollupFilter struct {
	Service  string
	Endpoint string
	Since    time.Time // hours starting at or after
	Until    time.Time // hours starting before
}

// Rollup aggregates the requests of one service instance, endpoint and
// version in one hour.
type Rollup struct {
	Service  string
	Instance string
	Endpoint string
	Version  string
	Hour     time.Time // start of the hour, UTC
	Count    int64
	Errors   int64         // status >= 500
	Status   [6]int64      // by class: index 1..5 for 1xx..5xx, 0 for anything else
	Sum      time.Duration // microsecond resolution
	Min      time.Duration
	Max      time.Duration
	Hist     Histogram
	// Last5xx is the start of the last hour with a 5xx response (zero
	// without one). SumRollups sets it; Rollups leaves it zero.
	Last5xx time.Time
}

// ReadLimiter is implemented by stores whose reads go through a pool of
// connections of their own: LimitReads bounds it to n connections.
type ReadLimiter interface {
	LimitReads(n int)
}

// ErrNotFound is returned when a named endpoint or version does not exist.
var ErrNotFound = errors.New("not found")

// Store is implemented by every storage driver. Methods are safe for
// concurrent use. Write is called by one recorder goroutine per instance, but
// several instances (processes) may write to one database at once, so
// drivers use upserts, never read-modify-write.
type Store interface {
	Users // the dashboard's accounts, sessions and settings (users.go)

	// Write stores the batch atomically (one transaction). The caller
	// reuses the batch's memory after Write returns.
	Write(ctx context.Context, b *Batch) error

	// Endpoints lists the endpoints of a service ("" for every service),
	// sorted by service and name.
	Endpoints(ctx context.Context, service string) ([]Endpoint, error)
	// SetLevel changes an endpoint's monitoring level; ErrNotFound when the
	// endpoint does not exist.
	SetLevel(ctx context.Context, service, endpoint string, level int) error
	// Versions lists the versions of a service ("" for every service),
	// oldest first.
	Versions(ctx context.Context, service string) ([]Version, error)
	// Counters lists stored counters of a service ("" for every service).
	Counters(ctx context.Context, service string) ([]Counter, error)

	// Requests calls fn for each selected row in ID order, streaming: rows
	// are not collected in memory. An error from fn stops the scan and is
	// returned.
	Requests(ctx context.Context, f RequestFilter, fn func(*Request) error) error
	// Rollups returns the selected hourly rollups ordered by hour.
	Rollups(ctx context.Context, f RollupFilter) ([]Rollup, error)

	Retention
	Deriver
	Querier
	CIStore
	OutlierStore // outliers, panics and profiles (levels 2 and 3, panics at every level)
	PanicStore
	ProfileStore
	Instances // who writes to the database (instances.go)

	// Close releases the database. It does not flush anything: the
	// recorder owns pending data.
	Close() error
}
