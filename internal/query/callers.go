package query

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Defaults of CallerOptions.
const (
	DefaultSampleLimit = 100000
	DefaultTop         = 20
)

// NoName labels the requests without a user (GroupBy unset or returning
// "") or without an IP.
const NoName = "(none)"

// CallerOptions bound the per-user and per-IP views.
type CallerOptions struct {
	// Limit is the most raw rows read: the newest of the window. 0 means
	// DefaultSampleLimit.
	Limit int
	// Top is the most users (and the most IPs) shown. 0 means DefaultTop.
	Top int
}

// Callers is who called an endpoint and how fast they were served: per
// user (the request's group) and per client IP.
type Callers struct {
	Sample Sample
	Users  Breakdown
	IPs    Breakdown
}

// Sample says which raw rows the figures come from.
type Sample struct {
	Window Window // the window asked for
	Rows   int64  // rows read
	Limit  int
	// Limited is set when the window holds more requests than Limit: the
	// figures then cover only the newest Limit requests, from From on.
	Limited bool
	// Total is the number of requests in the window: Rows, or when
	// Limited, the count of the hourly rollups of the window's hours.
	Total    int64
	From, To time.Time // starts of the oldest and newest row read, in the scope's zone
}

// Breakdown is the durations of an endpoint per name (user or IP), for the
// names picked to be shown.
type Breakdown struct {
	// Boxes are the names shown, most requests first.
	Boxes []CallerBox
	// Versions are the versions that Bubbles use, oldest first.
	Versions []string
	// Bubbles hold the average duration and count of each shown name in
	// each version it used.
	Bubbles []Bubble
	// Total is the number of distinct names in the sample, Omitted how
	// many of them are not shown and OmittedRequests their requests.
	Total           int
	Omitted         int
	OmittedRequests int64
	// When names were left out, Busiest are shown because they made the
	// most requests and Slowest because they had the highest p95.
	Busiest, Slowest int
}

// CallerBox is the distribution of one name's durations.
type CallerBox struct {
	Box // Label is the name (NoName for "")
	// Ranks among every name of the sample, from 1: by number of
	// requests, and by p95 duration (1 is the slowest).
	BusyRank, SlowRank int
}

// Bubble is a name's average duration in one version.
type Bubble struct {
	X     string // version
	Y     string // name
	AvgMs float64
	Count int64
}

// tally collects one name's durations and its per-version sums.
type tally struct {
	name string
	durs []time.Duration
	vers map[int]*verSum // by index into collector.versions
}

type verSum struct {
	n   int64
	sum time.Duration
}

type collector struct {
	by       map[string]*tally
	versions map[string]int
}

func (c *collector) add(name string, ver int, d time.Duration) {
	t := c.by[name]
	if t == nil {
		t = &tally{name: name, vers: map[int]*verSum{}}
		c.by[name] = t
	}
	t.durs = append(t.durs, d)
	v := t.vers[ver]
	if v == nil {
		v = &verSum{}
		t.vers[ver] = v
	}
	v.n++
	v.sum += d
}

// EndpointCallers reads the newest raw rows of an endpoint within w (at
// most o.Limit) and summarizes them per user and per IP, picking the
// busiest and slowest when there are more than o.Top.
func EndpointCallers(ctx context.Context, sc Scope, endpoint string, w Window, o CallerOptions) (*Callers, error) {
	if o.Limit <= 0 {
		o.Limit = DefaultSampleLimit
	}
	if o.Top <= 0 {
		o.Top = DefaultTop
	}
	loc := sc.loc()
	versions := map[string]int{}
	users := &collector{by: map[string]*tally{}, versions: versions}
	ips := &collector{by: map[string]*tally{}, versions: versions}
	res := &Callers{Sample: Sample{Window: w, Limit: o.Limit}}
	err := sc.Store.Timings(ctx, store.TimingFilter{Service: sc.Service, Endpoint: endpoint, Since: w.Since, Until: w.Until, Limit: o.Limit},
		func(t *store.Timing) error {
			v, ok := versions[t.Version]
			if !ok {
				v = len(versions)
				versions[t.Version] = v
			}
			users.add(orNone(t.Group), v, t.Duration)
			ips.add(orNone(t.IP), v, t.Duration)
			if res.Sample.Rows == 0 {
				res.Sample.To = t.Start.In(loc)
			}
			res.Sample.From = t.Start.In(loc)
			res.Sample.Rows++
			return nil
		})
	if err != nil {
		return nil, err
	}
	res.Sample.Total = res.Sample.Rows
	if res.Sample.Rows >= int64(o.Limit) {
		sum, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Endpoint: endpoint, Since: w.Since, Until: w.Until})
		if err != nil {
			return nil, err
		}
		if len(sum) == 1 && sum[0].Count > res.Sample.Rows {
			res.Sample.Limited = true
			res.Sample.Total = sum[0].Count
		}
	}
	stored, err := sc.Store.Versions(ctx, sc.Service)
	if err != nil {
		return nil, err
	}
	order := versionOrder(stored, versions)
	res.Users = users.breakdown(o.Top, order)
	res.IPs = ips.breakdown(o.Top, order)
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

// breakdown computes every name's box, ranks them and picks what to show.
func (c *collector) breakdown(top int, versions []string) Breakdown {
	boxes := make([]CallerBox, 0, len(c.by))
	tallies := make(map[string]*tally, len(c.by))
	for name, t := range c.by {
		boxes = append(boxes, CallerBox{Box: exactBox(name, t.durs)})
		tallies[name] = t
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
	slow := make([]*CallerBox, len(boxes))
	for i := range boxes {
		slow[i] = &boxes[i]
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

	b := Breakdown{Total: len(boxes)}
	if len(boxes) <= top {
		b.Boxes = boxes
	} else {
		// Half the places for the busiest, the rest for the slowest that
		// are not among them.
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
		for _, x := range boxes {
			if pick[x.Label] {
				b.Boxes = append(b.Boxes, x)
			} else {
				b.Omitted++
				b.OmittedRequests += x.N
			}
		}
	}
	used := map[int]bool{}
	for _, x := range b.Boxes {
		for v := range tallies[x.Label].vers {
			used[v] = true
		}
	}
	for _, name := range versions {
		if used[c.versions[name]] {
			b.Versions = append(b.Versions, name)
		}
	}
	for _, x := range b.Boxes {
		t := tallies[x.Label]
		for _, name := range b.Versions {
			if v := t.vers[c.versions[name]]; v != nil {
				b.Bubbles = append(b.Bubbles, Bubble{X: name, Y: x.Label, AvgMs: ms(v.sum) / float64(v.n), Count: v.n})
			}
		}
	}
	return b
}

// Note says in a sentence what a breakdown shows, for the page under the
// chart: "Showing all 12 users." or "Showing the 10 busiest and the 10
// slowest (by p95) of 340 users; 320 users with 45210 requests are not
// shown." kind is the plural noun ("users", "IPs").
func (b Breakdown) Note(kind string) string {
	if b.Omitted == 0 {
		return fmt.Sprintf("Showing all %d %s.", b.Total, kind)
	}
	return fmt.Sprintf("Showing the %d busiest and the %d slowest (by p95) of %d %s; %d %s with %d requests are not shown.",
		b.Busiest, b.Slowest, b.Total, kind, b.Omitted, kind, b.OmittedRequests)
}
