package store

import (
	"context"
	"time"
)

// Dims names the columns SumRollups groups by. Columns not named are
// summed over: a SumFilter with By == ByEndpoint gives one rollup per
// endpoint, over every version, instance and hour of the window.
type Dims uint8

// Grouping columns of SumRollups.
const (
	ByEndpoint Dims = 1 << iota
	ByVersion
	ByHour
	ByInstance
	// ByDay groups by UTC day (Rollup.Hour holds its midnight), read from
	// the daily rollups where they cover the window. With ByHour, ByHour
	// wins.
	ByDay
)

// SumFilter selects and groups hourly rollups for SumRollups. Zero fields
// select everything.
type SumFilter struct {
	Service  string
	Endpoint string
	// Since and Until select the hours that start in [Since, Until). They
	// are not rounded to hours, so that a caller can ask for the hours
	// that start within a local day even in a zone whose offset is not a
	// whole number of hours.
	Since, Until time.Time
	By           Dims
	// Hist also sums the histograms (a second query); without it the
	// rollups' Hist is nil.
	Hist bool
}

// Timing is a raw request row reduced to what per-user and per-IP views
// need.
type Timing struct {
	Start    time.Time
	Duration time.Duration
	Status   int
	Version  string
	Group    string
	IP       string
}

// TimingFilter selects the raw rows of one service for Timings.
type TimingFilter struct {
	Service  string
	Endpoint string // "" for every endpoint
	Since    time.Time
	Until    time.Time
	// Limit keeps the newest Limit rows; 0 reads every selected row.
	Limit int
}

// Querier holds the read methods of the dashboard's pages. They do the
// summing in the database, so that a page reads a few thousand rows
// whatever the number of stored requests.
type Querier interface {
	// SumRollups sums the selected hourly rollups, one result per
	// combination of the By columns that has requests. Fields that are
	// not grouped by are left zero in the results (Service is always
	// set to the filter's). Min and Max are the smallest and largest
	// durations of the group. Results are ordered by endpoint, version,
	// hour and instance.
	SumRollups(ctx context.Context, f SumFilter) ([]Rollup, error)
	// Timings calls fn for the selected raw rows, newest first, streaming.
	// The Timing is reused between calls. An error from fn stops the scan
	// and is returned.
	Timings(ctx context.Context, f TimingFilter, fn func(*Timing) error) error
	GroupQuerier // per-user and per-IP rollups (groups.go)
}
