package sqlstore

import (
	"context"
	"fmt"
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

// SumRollups sums hourly rollups in SQL, grouped by the filter's columns.
func (s *Store) SumRollups(ctx context.Context, f store.SumFilter) ([]store.Rollup, error) {
	eps, err := s.names(ctx, "gmd_endpoints", f.Service)
	if err != nil {
		return nil, err
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
	var wh where
	if !endpointCond(&wh, eps, f.Service, f.Endpoint) {
		return nil, nil
	}
	if !f.Since.IsZero() {
		wh.add("x.hour_us >= ?", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		wh.add("x.hour_us < ?", f.Until.UnixMicro())
	}
	var cols []string
	if f.By&store.ByEndpoint != 0 {
		cols = append(cols, "x.endpoint_id")
	}
	if f.By&store.ByVersion != 0 {
		cols = append(cols, "x.version_id")
	}
	if f.By&store.ByHour != 0 {
		cols = append(cols, "x.hour_us")
	}
	if f.By&store.ByInstance != 0 {
		cols = append(cols, "x.instance_id")
	}
	// A constant column keeps the scan code the same for every grouping.
	sel, group := "0", ""
	if len(cols) > 0 {
		sel = strings.Join(cols, ", ")
		group = " GROUP BY " + sel
	}
	aggs := []string{"SUM(x.hits)", "SUM(x.errors)", "SUM(x.s0)", "SUM(x.s1)", "SUM(x.s2)", "SUM(x.s3)", "SUM(x.s4)", "SUM(x.s5)",
		"SUM(x.sum_us)", "MIN(x.min_us)", "MAX(x.max_us)"}
	for i, a := range aggs {
		// Without grouping, no rows give one row of NULLs.
		aggs[i] = "COALESCE(" + a + ", 0)"
	}
	q := "SELECT " + sel + ", " + strings.Join(aggs, ", ") + " FROM gmd_rollups x" + wh.String() + group
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return nil, fmt.Errorf("summing rollups: %w", err)
	}
	idx := map[sumKey]int{}
	var out []store.Rollup
	keys := make([]int64, max(1, len(cols)))
	dest := make([]any, 0, len(keys)+11)
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	for rows.Next() {
		var ru store.Rollup
		var sum, lo, hi int64
		d := append(dest, &ru.Count, &ru.Errors, &ru.Status[0], &ru.Status[1], &ru.Status[2], &ru.Status[3],
			&ru.Status[4], &ru.Status[5], &sum, &lo, &hi)
		if err := rows.Scan(d...); err != nil {
			rows.Close()
			return nil, err
		}
		if ru.Count == 0 {
			continue // the ungrouped sum of no rows
		}
		k := s.key(f.By, keys)
		s.label(&ru, f, k, eps, vers, insts)
		ru.Sum = time.Duration(sum) * time.Microsecond
		ru.Min = time.Duration(lo) * time.Microsecond
		ru.Max = time.Duration(hi) * time.Microsecond
		idx[k] = len(out)
		out = append(out, ru)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("summing rollups: %w", err)
	}
	if f.Hist && len(out) > 0 {
		if err := s.sumBuckets(ctx, f, cols, wh, idx, out); err != nil {
			return nil, err
		}
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

// sumBuckets adds the summed histograms to the rollups of idx.
func (s *Store) sumBuckets(ctx context.Context, f store.SumFilter, cols []string, wh where, idx map[sumKey]int, out []store.Rollup) error {
	for i := range out {
		out[i].Hist = store.Histogram{}
	}
	sel := strings.Join(append(append([]string(nil), cols...), "x.bucket"), ", ")
	q := "SELECT " + sel + ", SUM(x.hits) FROM gmd_rollup_buckets x" + wh.String() + " GROUP BY " + sel
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return fmt.Errorf("summing histograms: %w", err)
	}
	defer rows.Close()
	keys := make([]int64, len(cols))
	var bucket int
	var n int64
	dest := make([]any, 0, len(cols)+2)
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	dest = append(dest, &bucket, &n)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if i, ok := idx[s.key(f.By, keys)]; ok {
			out[i].Hist[bucket] += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("summing histograms: %w", err)
	}
	return nil
}

// key turns the scanned grouping columns, in the order ByEndpoint,
// ByVersion, ByHour, ByInstance, into a map key.
func (s *Store) key(by store.Dims, cols []int64) sumKey {
	var k sumKey
	i := 0
	if by&store.ByEndpoint != 0 {
		k.ep = cols[i]
		i++
	}
	if by&store.ByVersion != 0 {
		k.ver = cols[i]
		i++
	}
	if by&store.ByHour != 0 {
		k.hour = cols[i]
		i++
	}
	if by&store.ByInstance != 0 {
		k.inst = cols[i]
	}
	return k
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
	if f.By&store.ByHour != 0 {
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
