package store

import (
	"context"
	"time"
)

// Per-user and per-IP figures are kept per endpoint and UTC day without
// reading raw rows. The first GroupLimit names of a day (users, or client
// addresses) get exact rollups: count, sum, minimum, maximum and the log
// histogram, per version. Names met after that are counted in a
// heavy-hitters summary (Space-Saving) of GroupLimit counters kept by each
// writing instance: a name's summary count is never below its true count
// and overstates it by at most N/GroupLimit, N being the requests the
// summary counted. The store reports the bound it can prove for each
// name, which is usually far smaller.

// DefaultGroupLimit is the number of names per endpoint, day and kind that
// get exact rollups when Batch.GroupLimit is 0 (key GROUP_LIMIT).
const DefaultGroupLimit = 1000

// GroupKind says what names a group: the request's user (Request.Group)
// or its client address (Request.IP).
type GroupKind uint8

// Kinds of groups.
const (
	GroupUser GroupKind = 0
	GroupIP   GroupKind = 1
)

// DayOf returns the start of the UTC day that contains t.
func DayOf(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// GroupFilter selects the group figures of one endpoint.
type GroupFilter struct {
	Service  string
	Endpoint string
	Kind     GroupKind
	// Since and Until select the UTC days that start in [Since, Until);
	// zero values leave that side open. Callers round a window outwards
	// to whole days with DayOf.
	Since, Until time.Time
}

// GroupRollup is a name's exact figures, summed over the selected days.
type GroupRollup struct {
	Name string
	// Count, Sum, Min, Max and Hist are over every version.
	Count    int64
	Sum      time.Duration
	Min, Max time.Duration
	Hist     Histogram
	Versions []GroupVersion // oldest version id first
}

// GroupVersion is a name's requests in one version.
type GroupVersion struct {
	Version string
	Count   int64
	Sum     time.Duration
}

// GroupEstimate is a name counted by the heavy-hitters summaries, summed
// over the selected days and instances. Its true number of requests is
// between Count-Err and Count.
type GroupEstimate struct {
	Name  string
	Count int64 // never below the true count
	Err   int64 // the most Count may overstate it; at most Groups.Bound
	// Sum is the total duration of the Count-Err requests seen while the
	// name held a counter: their average is Sum/(Count-Err).
	Sum time.Duration
}

// Groups are the figures of one endpoint's names in some days.
type Groups struct {
	// Exact holds the names that had exact rollups, by name.
	Exact []GroupRollup
	// Estimated holds the names of the summaries, highest Count first.
	// A name may be in both lists when it was exact on some days (or for
	// some instances) and counted by a summary on others.
	Estimated []GroupEstimate
	// Summarized is the number of requests the summaries counted (N) and
	// Bound the most any Count overstates its name's requests: the sum,
	// over the summaries read, of their smallest counter when full. A
	// name not in Estimated made at most Bound of those requests.
	// Bound ≤ Summarized / Slots.
	Summarized, Bound int64
	// Slots is the number of counters of the smallest summary read (its
	// GROUP_LIMIT); 0 when none was read.
	Slots int
}

// GroupQuerier reads the per-user and per-IP rollups.
type GroupQuerier interface {
	// Groups returns the exact rollups and the summaries' estimates of an
	// endpoint's users or client addresses in the selected days. Its cost
	// grows with the days and names selected, never with raw rows.
	Groups(ctx context.Context, f GroupFilter) (*Groups, error)
}
