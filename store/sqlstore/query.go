package sqlstore

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// names maps the ids of a service's endpoints or versions to their names.
// Reading the small name tables once and joining in Go keeps the large
// aggregate queries free of joins, which matters most for the histogram
// buckets: a month of rollups holds hundreds of thousands of bucket rows.
func (s *Store) names(ctx context.Context, table, service string) (map[int64]string, error) {
	var wh where
	if service != "" {
		wh.add("service = ?", service)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind("SELECT id, name FROM "+table+wh.String()), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		m[id] = name
	}
	return m, rows.Err()
}

// endpointCond restricts rows of alias x to the filter's service and
// endpoint. It reports false when the named endpoint does not exist, so
// that nothing can match. eps holds the service's endpoints (every
// service's when service is "", where one name may have several ids).
func endpointCond(wh *where, eps map[int64]string, service, endpoint string) bool {
	if endpoint != "" {
		endpoint = store.Clip(endpoint)
		var ids []string
		for id, name := range eps {
			if name == endpoint {
				ids = append(ids, strconv.FormatInt(id, 10))
			}
		}
		if len(ids) == 0 {
			return false
		}
		// Ids are our own integers: inlined, they cannot inject anything.
		wh.conds = append(wh.conds, "x.endpoint_id IN ("+strings.Join(ids, ", ")+")")
		return true
	}
	if service != "" {
		wh.add("x.endpoint_id IN (SELECT id FROM gmd_endpoints WHERE service = ?)", service)
	}
	return true
}

type sumKey struct{ ep, ver, hour, inst int64 }

// Resolutions SumRollups reads.
const (
	resHour = iota
	resDay
	resTotal
)

// span is a part of a SumRollups window read at one resolution: rows
// whose hour (or day) starts in [since, until); open ends are the
// extreme int64 values.
type span struct {
	res          int
	since, until int64
}

const (
	openSince = math.MinInt64
	openUntil = math.MaxInt64
)

// spans splits a window into the parts read at each resolution, given the
// watermark w of the derived rollups (every hour before w is folded into
// the daily rollups and the totals). Hours are only in the hourly
// rollups. Otherwise whole UTC days before w come from the daily rollups,
// and a window open at the start that reaches w from the totals (unless
// it is grouped by instance);
// the hours at the edges (a local midnight that is not a UTC one, the
// hours since w) come from the hourly rollups. Every part selects hours
// that start in the window, as the hourly rollups alone would.
func spans(f store.SumFilter, w int64) []span {
	since, until := int64(openSince), int64(openUntil)
	if !f.Since.IsZero() {
		since = f.Since.UnixMicro()
	}
	if !f.Until.IsZero() {
		until = f.Until.UnixMicro()
	}
	if f.By&store.ByHour != 0 || w <= 0 {
		return []span{{resHour, since, until}}
	}
	// The totals are over every instance and day; the daily rollups are
	// not.
	if since == openSince && until >= w && f.By&(store.ByInstance|store.ByDay) == 0 {
		return []span{{resTotal, openSince, openUntil}, {resHour, w, until}}
	}
	d1 := int64(openSince)
	if since != openSince {
		d1 = floorDay(since + dayUS - 1)
	}
	d2 := w
	if until != openUntil {
		d2 = min(w, floorDay(until))
	}
	if d1 >= d2 {
		return []span{{resHour, since, until}}
	}
	var out []span
	if since < d1 {
		out = append(out, span{resHour, since, d1})
	}
	out = append(out, span{resDay, d1, d2})
	if d2 < until {
		out = append(out, span{resHour, d2, until})
	}
	return out
}

// sums accumulates SumRollups' groups.
type sums struct {
	by   store.Dims
	idx  map[sumKey]*agg
	hist bool
	// same maps the ids of endpoints and versions to the first id of
	// their name: over every service, one name is one group.
	same  map[int64]int64
	vsame map[int64]int64
}

// canonical maps each id of names to the smallest id with its name.
func canonical(names map[int64]string) map[int64]int64 {
	first := map[string]int64{}
	for id, n := range names {
		if f, ok := first[n]; !ok || id < f {
			first[n] = id
		}
	}
	out := make(map[int64]int64, len(names))
	for id, n := range names {
		out[id] = first[n]
	}
	return out
}

func (a *sums) at(ep, ver, hour, inst int64) *agg {
	var k sumKey
	if a.by&store.ByEndpoint != 0 {
		k.ep = ep
		if c, ok := a.same[ep]; ok {
			k.ep = c
		}
	}
	if a.by&store.ByVersion != 0 {
		k.ver = ver
		if c, ok := a.vsame[ver]; ok {
			k.ver = c
		}
	}
	if a.by&store.ByHour != 0 {
		k.hour = hour
	} else if a.by&store.ByDay != 0 {
		k.hour = floorDay(hour)
	}
	if a.by&store.ByInstance != 0 {
		k.inst = inst
	}
	g := a.idx[k]
	if g == nil {
		g = &agg{}
		if a.hist {
			g.hist = store.Histogram{}
		}
		a.idx[k] = g
	}
	return g
}

// SumRollups sums rollups grouped by the filter's columns, reading each
// part of the window at the coarsest resolution that covers it (see
// spans). The database returns the rows in the order of a primary key,
// grouped at most by a prefix of it, so that no query sorts; the rest of
// the grouping is done here, over rows that are few: the hours at the
// window's edges, a row per day, or one per endpoint and version.
func (s *Store) SumRollups(ctx context.Context, f store.SumFilter) ([]store.Rollup, error) {
	eps, err := s.names(ctx, "gmd_endpoints", f.Service)
	if err != nil {
		return nil, err
	}
	ids := endpointIDs(eps, f.Endpoint)
	if len(ids) == 0 {
		return nil, nil
	}
	vers, err := s.names(ctx, "gmd_versions", f.Service)
	if err != nil {
		return nil, err
	}
	var insts map[int64]string
	if f.By&store.ByInstance != 0 {
		if insts, err = s.names(ctx, "gmd_instances", f.Service); err != nil {
			return nil, err
		}
	}
	w, err := s.watermark(ctx, s.r)
	if err != nil {
		return nil, err
	}
	acc := &sums{by: f.By, idx: map[sumKey]*agg{}, hist: f.Hist}
	if f.Service == "" {
		acc.same, acc.vsame = canonical(eps), canonical(vers)
	}
	for _, sp := range spans(f, w) {
		if sp.since >= sp.until {
			continue
		}
		if sp.res == resHour {
			err = s.sumHours(ctx, f, ids, sp, acc)
		} else {
			err = s.sumDerived(ctx, f, ids, sp, acc)
		}
		if err != nil {
			return nil, fmt.Errorf("summing rollups: %w", err)
		}
	}
	out := make([]store.Rollup, 0, len(acc.idx))
	for k, a := range acc.idx {
		if a.hits == 0 {
			continue
		}
		ru := store.Rollup{Count: a.hits, Errors: a.errors, Status: a.status,
			Sum: time.Duration(a.sum) * time.Microsecond, Min: time.Duration(a.lo) * time.Microsecond,
			Max: time.Duration(a.hi) * time.Microsecond, Hist: a.hist}
		if a.last5 > 0 {
			ru.Last5xx = micros(a.last5)
		}
		s.label(&ru, f, k, eps, vers, insts)
		out = append(out, ru)
	}
	sort.Slice(out, func(a, b int) bool {
		x, y := &out[a], &out[b]
		if x.Endpoint != y.Endpoint {
			return x.Endpoint < y.Endpoint
		}
		if x.Version != y.Version {
			return x.Version < y.Version
		}
		if !x.Hour.Equal(y.Hour) {
			return x.Hour.Before(y.Hour)
		}
		return x.Instance < y.Instance
	})
	return out, nil
}

// endpointIDs returns the sorted ids of the endpoints in eps, or of the
// one named endpoint (several when eps holds several services).
func endpointIDs(eps map[int64]string, endpoint string) []int64 {
	var ids []int64
	endpoint = store.Clip(endpoint)
	for id, name := range eps {
		if endpoint == "" || name == endpoint {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func inIDs(col string, ids []int64) string {
	var b strings.Builder
	b.WriteString(col + " IN (")
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteString(")")
	return b.String()
}

// rangeCond adds the span's bounds on col.
func (sp span) cond(wh *where, col string) {
	if sp.since != openSince {
		wh.add(col+" >= ?", sp.since)
	}
	if sp.until != openUntil {
		wh.add(col+" < ?", sp.until)
	}
}

// hourKey is the hourly rollups' primary key, whose prefixes SumRollups
// groups by.
var hourKey = []string{"x.endpoint_id", "x.hour_us", "x.version_id", "x.instance_id"}

// sumHours adds the hourly rollups of a span, grouped in the database by
// the shortest prefix of the primary key that holds the filter's columns.
func (s *Store) sumHours(ctx context.Context, f store.SumFilter, ids []int64, sp span, acc *sums) error {
	var wh where
	// The ids are our own integers: inlined, they cannot inject anything,
	// and the planner sees a list it can walk the primary key with.
	wh.conds = append(wh.conds, inIDs("x.endpoint_id", ids))
	sp.cond(&wh, "x.hour_us")
	n := 1
	switch {
	case f.By&store.ByInstance != 0:
		n = 4
	case f.By&store.ByVersion != 0:
		n = 3
	case f.By&(store.ByHour|store.ByDay) != 0:
		n = 2
	}
	key := strings.Join(hourKey[:n], ", ")
	q := "SELECT " + key + `, SUM(x.hits), SUM(x.errors), SUM(x.s0), SUM(x.s1), SUM(x.s2), SUM(x.s3), SUM(x.s4), SUM(x.s5),
SUM(x.sum_us), MIN(x.min_us), MAX(x.max_us), MAX(CASE WHEN x.s5 > 0 THEN x.hour_us ELSE 0 END) FROM gmd_rollups x` + wh.String() +
		" GROUP BY " + key
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return err
	}
	var k [4]int64
	var a agg
	dest := make([]any, 0, n+12)
	for i := range n {
		dest = append(dest, &k[i])
	}
	dest = append(dest, aggDest(&a)...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		acc.at(k[0], k[2], k[1], k[3]).add(&a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if !f.Hist {
		return nil
	}
	// Histograms row by row: grouping by bucket would sort.
	q = "SELECT x.endpoint_id, x.hour_us, x.version_id, x.instance_id, x.bucket, x.hits FROM gmd_rollup_buckets x" + wh.String()
	rows, err = s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var b int
	var hits int64
	for rows.Next() {
		if err := rows.Scan(&k[0], &k[1], &k[2], &k[3], &b, &hits); err != nil {
			return err
		}
		acc.at(k[0], k[2], k[1], k[3]).hist[b] += hits
	}
	return rows.Err()
}

// sumDerived adds the daily rollups or the totals of a span, row by row.
func (s *Store) sumDerived(ctx context.Context, f store.SumFilter, ids []int64, sp span, acc *sums) error {
	var wh where
	wh.conds = append(wh.conds, inIDs("x.endpoint_id", ids))
	table := "gmd_totals"
	if sp.res == resDay {
		table = "gmd_daily"
		sp.cond(&wh, "x.day_us")
	}
	cols := "0, 0, " + aggCols
	if sp.res == resDay {
		cols = "x.day_us, x.instance_id, " + aggCols
	}
	if f.Hist {
		cols += ", hist"
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind("SELECT endpoint_id, version_id, "+cols+" FROM "+table+" x"+wh.String()), wh.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var ep, ver, day, inst int64
	var a agg
	var hist []byte
	dest := append([]any{&ep, &ver, &day, &inst}, aggDest(&a)...)
	if f.Hist {
		dest = append(dest, &hist)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		g := acc.at(ep, ver, day, inst)
		g.add(&a)
		if f.Hist {
			if err := decodeHist(hist, g.hist); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}

func (s *Store) label(ru *store.Rollup, f store.SumFilter, k sumKey, eps, vers, insts map[int64]string) {
	ru.Service = f.Service
	if f.By&store.ByEndpoint != 0 {
		ru.Endpoint = eps[k.ep]
	} else if f.Endpoint != "" {
		ru.Endpoint = store.Clip(f.Endpoint)
	}
	if f.By&store.ByVersion != 0 {
		ru.Version = vers[k.ver]
	}
	if f.By&(store.ByHour|store.ByDay) != 0 {
		ru.Hour = micros(k.hour)
	}
	if f.By&store.ByInstance != 0 {
		ru.Instance = insts[k.inst]
	}
}

// Timings streams slim raw rows, newest first. The (endpoint_id, start_us)
// index serves both the window and the order, so reading the newest rows
// of an endpoint costs the rows read, not the rows stored.
func (s *Store) Timings(ctx context.Context, f store.TimingFilter, fn func(*store.Timing) error) error {
	eps, err := s.names(ctx, "gmd_endpoints", f.Service)
	if err != nil {
		return err
	}
	vers, err := s.names(ctx, "gmd_versions", f.Service)
	if err != nil {
		return err
	}
	var wh where
	if !endpointCond(&wh, eps, f.Service, f.Endpoint) {
		return nil
	}
	if !f.Since.IsZero() {
		wh.add("x.start_us >= ?", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		wh.add("x.start_us < ?", f.Until.UnixMicro())
	}
	q := "SELECT x.start_us, x.duration_us, x.status, x.version_id, x.grp, x.ip FROM gmd_requests x" + wh.String() +
		" ORDER BY x.start_us DESC, x.id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return fmt.Errorf("reading requests: %w", err)
	}
	defer rows.Close()
	var t store.Timing
	var start, dur, ver int64
	for rows.Next() {
		if err := rows.Scan(&start, &dur, &t.Status, &ver, &t.Group, &t.IP); err != nil {
			return err
		}
		t.Start = micros(start)
		t.Duration = time.Duration(dur) * time.Microsecond
		t.Version = vers[ver]
		if err := fn(&t); err != nil {
			return err
		}
	}
	return rows.Err()
}
