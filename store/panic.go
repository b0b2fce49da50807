package store

import (
	"context"
	"time"
)

// Panic is one or more panics of the same endpoint, version and stack
// signature, seen between First and Last.
type Panic struct {
	Service   string
	Instance  string
	Endpoint  string
	Version   string
	Signature string // identifies the stack; see internal/outlier.Signature
	Value     string // the panic value of the latest, as text, bounded
	Stack     string // the stack of the latest, as text, bounded
	Count     int64
	First     time.Time
	Last      time.Time
}

// ErrorGroup is the panics of one endpoint that share a stack signature.
type ErrorGroup struct {
	ID        int64
	Service   string
	Endpoint  string
	Signature string
	Value     string // latest panic value
	Stack     string // latest stack
	Count     int64
	First     time.Time
	Last      time.Time
	Versions  []ErrorVersion // oldest first
}

// ErrorVersion counts a group's panics in one version.
type ErrorVersion struct {
	Version string
	Count   int64
	First   time.Time
	Last    time.Time
}

// ErrorFilter selects error groups. Zero fields select everything.
type ErrorFilter struct {
	Service  string
	Endpoint string
	Since    time.Time // groups last seen at or after
	Limit    int       // 0 means no limit
}

// PanicStore keeps panics grouped by stack signature.
type PanicStore interface {
	// WritePanics adds panics to their groups (creating groups, and
	// endpoints, versions and instances, when missing) in one
	// transaction. Concurrent writers lose no counts.
	WritePanics(ctx context.Context, ps []Panic) error
	// ErrorGroups lists groups, most recently seen first.
	ErrorGroups(ctx context.Context, f ErrorFilter) ([]ErrorGroup, error)
}
