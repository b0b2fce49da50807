package store

import (
	"context"
	"time"
)

// Outlier is a request that ran past its endpoint's threshold, with what
// was captured while it still ran.
type Outlier struct {
	ID       int64 // assigned by the store
	Service  string
	Instance string
	Endpoint string
	Version  string
	Method   string
	URL      string // path and query, secrets redacted
	Status   int
	Start    time.Time
	Duration time.Duration
	// Average is the endpoint's running average when the request was captured,
	// and Threshold the duration past which it was captured.
	Average   time.Duration
	Threshold time.Duration
	// CapturedAfter is how long the request had run when it was captured.
	CapturedAfter time.Duration
	Headers       []KeyValue // redacted and bounded
	Values        []KeyValue // query and form values, redacted and bounded
	// Stack is the request's own goroutine at the moment of capture,
	// innermost call first; empty when the request ended before the
	// goroutines were read.
	Stack []Frame
	// Goroutines is every goroutine of the process, grouped by stack, as
	// text bounded in size.
	Goroutines string
	Host       Host
}

// KeyValue is a header or a form value.
type KeyValue struct {
	Key   string `json:"k"`
	Value string `json:"v"`
}

// Frame is one call in a stack.
type Frame struct {
	Func string `json:"f"`
	File string `json:"p,omitempty"`
	Line int    `json:"l,omitempty"`
}

// Host is the state of the machine and the Go runtime at a capture.
type Host struct {
	CPUPercent     []float64 `json:"cpu,omitempty"` // per core, busy share over the last second or so
	ProcessCPU     float64   `json:"proc_cpu"`      // of one core, may exceed 100
	MemTotal       uint64    `json:"mem_total"`     // bytes of the machine
	MemUsed        uint64    `json:"mem_used"`
	ProcessRSS     uint64    `json:"rss"`
	Goroutines     int       `json:"goroutines"`
	HeapAlloc      uint64    `json:"heap"`       // bytes of live and not yet swept heap objects
	HeapGoal       uint64    `json:"heap_goal"`  // heap size at which the next GC starts
	GCCycles       uint64    `json:"gc_cycles"`  // since the process started
	GCPauseTotal   float64   `json:"gc_pause_s"` // seconds, since the process started
	GOMAXPROCS     int       `json:"gomaxprocs"`
	MachineUnknown bool      `json:"machine_unknown,omitempty"` // the machine figures could not be read
}

// OutlierOrder orders a list of outliers.
type OutlierOrder int

const (
	NewestFirst  OutlierOrder = iota // by start, newest first
	SlowestFirst                     // by duration, slowest first
)

// OutlierFilter selects outliers. Zero fields select everything.
type OutlierFilter struct {
	Service  string
	Endpoint string
	Since    time.Time // inclusive
	Until    time.Time // exclusive
	Order    OutlierOrder
	Limit    int // 0 means no limit
}

// OutlierStore keeps outliers.
type OutlierStore interface {
	// WriteOutliers stores outliers, creating their endpoint, version and
	// instance when missing, in one transaction.
	WriteOutliers(ctx context.Context, os []Outlier) error
	// Outliers lists outliers without their Goroutines text (use Outlier
	// for the whole record).
	Outliers(ctx context.Context, f OutlierFilter) ([]Outlier, error)
	// Outlier returns one outlier with everything captured; ErrNotFound
	// when there is none with that id in the service ("" for any).
	Outlier(ctx context.Context, service string, id int64) (Outlier, error)
}
