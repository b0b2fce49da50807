package query

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// DefaultTop is the most users (and the most IPs) a breakdown shows when
// CallerOptions.Top is 0.
const DefaultTop = 20

// SlowMinRequests is how many requests a name needs in the window to rank
// among the slowest: a p95 of fewer requests says little.
const SlowMinRequests = 20

// NoName labels the requests without a user (GroupBy unset or returning
// "") or without an IP.
const NoName = "(none)"

// CallerOptions bound the per-user and per-IP views.
type CallerOptions struct {
	// Top is the most users (and the most IPs) shown. 0 means DefaultTop.
	Top int
}

// Callers is who called an endpoint and how fast they were served: per
// user (the request's group) and per client IP. The figures come from
// daily rollups (store.GroupQuerier), never from raw rows: they cover the
// whole UTC days the window touches, From to To.
type Callers struct {
	Window   Window    // the window asked for
	From, To time.Time // the UTC days covered: [From, To); zero when open
	Users    Breakdown
	IPs      Breakdown
}

// Breakdown is the durations of an endpoint per name (user or IP), for the
// names picked to be shown.
//
// Each UTC day, the first GROUP_LIMIT names of the endpoint get exact
// figures: Boxes, Bubbles and the ranks come from those. The requests of
// further names are counted by heavy-hitters summaries: Estimates lists
// the busiest of them, with counts that are bounded estimates.
type Breakdown struct {
	// Boxes are the names shown, most requests first: exact figures
	// (percentiles within 2%, from the rollups' histograms).
	Boxes []CallerBox
	// Versions are the versions that Bubbles use, oldest first.
	Versions []string
	// Bubbles hold the average duration and count of each shown name in
	// each version it used.
	Bubbles []Bubble
	// Total is the number of names with exact figures, Omitted how many
	// of them are not shown and OmittedRequests their requests.
	Total           int
	Omitted         int
	OmittedRequests int64
	// When names were left out, Busiest are shown because they made the
	// most requests and Slowest because they had the highest p95 among
	// the names with at least SlowMinRequests requests.
	Busiest, Slowest int

	// Estimates are the busiest names beyond GROUP_LIMIT (at most Top),
	// highest count first. A name may also have a box, for the days on
	// which it had exact figures.
	Estimates []CallerEstimate
	// Summarized is the number of requests the summaries counted,
	// Bound the most any estimate overstates its name's requests (a name
	// not listed made at most Bound of them), and Slots the summaries'
	// counters: Bound ≤ Summarized/Slots.
	Summarized, Bound int64
	Slots             int
}

// Exact reports whether every figure of the breakdown is exact.
func (b Breakdown) Exact() bool { return b.Summarized == 0 }

// CallerBox is the distribution of one name's durations.
type CallerBox struct {
	Box // Label is the name (NoName for "")
	// Ranks among every name with exact figures, from 1: by number of
	// requests, and by p95 duration (1 is the slowest; 0 for names with
	// fewer than SlowMinRequests requests, which are not ranked).
	BusyRank, SlowRank int
}

// CallerEstimate is a name counted by a summary: it made between
// Count-Err and Count requests beyond the exact ones.
type CallerEstimate struct {
	Label string
	Count int64
	Err   int64
	// AvgMs is the average duration of the Count-Err requests the summary
	// saw while it kept the name.
	AvgMs float64
}

// Bubble is a name's average duration in one version.
type Bubble struct {
	X     string // version
	Y     string // name
	AvgMs float64
	Count int64
}

// EndpointCallers reads an endpoint's per-user and per-IP rollups of the
// UTC days the window touches and picks the busiest and slowest names
// when there are more than o.Top.
func EndpointCallers(ctx context.Context, sc Scope, endpoint string, w Window, o CallerOptions) (*Callers, error) {
	if o.Top <= 0 {
		o.Top = DefaultTop
	}
	res := &Callers{Window: w}
	if !w.Since.IsZero() {
		res.From = store.DayOf(w.Since)
	}
	if !w.Until.IsZero() {
		res.To = store.DayOf(w.Until.Add(-time.Microsecond)).Add(24 * time.Hour)
	}
	stored, err := sc.Store.Versions(ctx, sc.Service)
	if err != nil {
		return nil, err
	}
	for _, part := range []struct {
		kind store.GroupKind
		b    *Breakdown
	}{{store.GroupUser, &res.Users}, {store.GroupIP, &res.IPs}} {
		g, err := sc.Store.Groups(ctx, store.GroupFilter{Service: sc.Service, Endpoint: endpoint, Kind: part.kind, Since: res.From, Until: res.To})
		if err != nil {
			return nil, err
		}
		*part.b = breakdown(g, o.Top, stored)
	}
	return res, nil
}

func orNone(s string) string {
	if s == "" {
		return NoName
	}
	return s
}

// versionOrder lists the names of the versions seen, oldest first, by the
// stored first-seen order (unknown ones last, by name).
func versionOrder(stored []store.Version, seen map[string]int) []string {
	var out []string
	done := map[string]bool{}
	for _, v := range stored {
		if _, ok := seen[v.Name]; ok && !done[v.Name] {
			out = append(out, v.Name)
			done[v.Name] = true
		}
	}
	var rest []string
	for name := range seen {
		if !done[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// breakdown computes every exact name's box, ranks them and picks what
// to show; and lists the busiest estimated names.
func breakdown(g *store.Groups, top int, stored []store.Version) Breakdown {
	boxes := make([]CallerBox, 0, len(g.Exact))
	byName := make(map[string]*store.GroupRollup, len(g.Exact))
	seen := map[string]int{}
	for i := range g.Exact {
		x := &g.Exact[i]
		label := orNone(x.Name)
		byName[label] = x
		ru := store.Rollup{Count: x.Count, Sum: x.Sum, Min: x.Min, Max: x.Max, Hist: x.Hist}
		boxes = append(boxes, CallerBox{Box: boxOf(label, &ru)})
		for _, v := range x.Versions {
			seen[v.Version] = 0
		}
	}
	// Busy ranks: most requests first, then by name for a stable order.
	sort.Slice(boxes, func(i, j int) bool {
		if boxes[i].N != boxes[j].N {
			return boxes[i].N > boxes[j].N
		}
		return boxes[i].Label < boxes[j].Label
	})
	for i := range boxes {
		boxes[i].BusyRank = i + 1
	}
	var slow []*CallerBox
	for i := range boxes {
		if boxes[i].N >= SlowMinRequests {
			slow = append(slow, &boxes[i])
		}
	}
	sort.SliceStable(slow, func(i, j int) bool {
		if slow[i].P95Ms != slow[j].P95Ms {
			return slow[i].P95Ms > slow[j].P95Ms
		}
		return slow[i].MedianMs > slow[j].MedianMs
	})
	for i, b := range slow {
		b.SlowRank = i + 1
	}

	b := Breakdown{Total: len(boxes), Summarized: g.Summarized, Bound: g.Bound, Slots: g.Slots}
	if len(boxes) <= top {
		b.Boxes = boxes
	} else {
		// Half the places for the busiest, the rest for the slowest that
		// are not among them, then the next busiest if places are left.
		busy := (top + 1) / 2
		pick := map[string]bool{}
		for _, x := range boxes[:busy] {
			pick[x.Label] = true
		}
		b.Busiest = busy
		for _, x := range slow {
			if len(pick) == top {
				break
			}
			if !pick[x.Label] {
				pick[x.Label] = true
				b.Slowest++
			}
		}
		for _, x := range boxes[busy:] {
			if len(pick) == top {
				break
			}
			if !pick[x.Label] {
				pick[x.Label] = true
				b.Busiest++
			}
		}
		for _, x := range boxes {
			if pick[x.Label] {
				b.Boxes = append(b.Boxes, x)
			} else {
				b.Omitted++
				b.OmittedRequests += x.N
			}
		}
	}
	used := map[string]bool{}
	for _, x := range b.Boxes {
		for _, v := range byName[x.Label].Versions {
			used[v.Version] = true
		}
	}
	for _, name := range versionOrder(stored, seen) {
		if used[name] {
			b.Versions = append(b.Versions, name)
		}
	}
	for _, x := range b.Boxes {
		vs := byName[x.Label].Versions
		for _, name := range b.Versions {
			for _, v := range vs {
				if v.Version == name && v.Count > 0 {
					b.Bubbles = append(b.Bubbles, Bubble{X: name, Y: x.Label, AvgMs: ms(v.Sum) / float64(v.Count), Count: v.Count})
				}
			}
		}
	}
	for _, e := range g.Estimated[:min(top, len(g.Estimated))] {
		ce := CallerEstimate{Label: orNone(e.Name), Count: e.Count, Err: e.Err}
		if seen := e.Count - e.Err; seen > 0 {
			ce.AvgMs = ms(e.Sum) / float64(seen)
		}
		b.Estimates = append(b.Estimates, ce)
	}
	return b
}

// Note says in a sentence what a breakdown shows, for the page under the
// chart: "Showing all 12 users." or "Showing the 10 busiest and the 10
// slowest (by p95) of 340 users; 320 users with 45210 requests are not
// shown." kind is the plural noun ("users", "IPs"). When summaries
// counted some requests, a second sentence says how far their estimates
// may be off.
func (b Breakdown) Note(kind string) string {
	s := fmt.Sprintf("Showing all %d %s.", b.Total, kind)
	if b.Omitted > 0 {
		s = fmt.Sprintf("Showing the %d busiest and the %d slowest (by p95) of %d %s; %d %s with %d requests are not shown.",
			b.Busiest, b.Slowest, b.Total, kind, b.Omitted, kind, b.OmittedRequests)
	}
	if b.Summarized > 0 {
		s += " " + b.EstimateNote(kind)
	}
	return s
}

// EstimateNote says which figures are estimates and by how much they may
// be off: "Beyond the first 1000 users of each day, 5210 requests were
// counted by a summary of 1000 counters: the counts of those users are
// estimates that overstate by at most 4 requests (N/k = 5.2)."
func (b Breakdown) EstimateNote(kind string) string {
	if b.Summarized == 0 {
		return "Every figure is exact."
	}
	return fmt.Sprintf("Beyond the first %d %s of each day, %d requests were counted by a summary of %d counters: "+
		"the counts of those %s are estimates that overstate by at most %d requests (N/k = %.1f); "+
		"their averages cover the requests seen while counted.",
		b.Slots, kind, b.Summarized, b.Slots, kind, b.Bound, float64(b.Summarized)/float64(max(1, b.Slots)))
}
