package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Groups reads an endpoint's per-user or per-IP figures of some days: the
// exact rollups and their histograms, summed per name (and version) here,
// and the summaries' counters, merged here. Every statement is a
// range of a primary key (endpoint, kind, day, ...), so its cost is the
// days and names selected.
func (s *Store) Groups(ctx context.Context, f store.GroupFilter) (*store.Groups, error) {
	out := &store.Groups{}
	eps, err := s.names(ctx, "gmd_endpoints", f.Service)
	if err != nil {
		return nil, err
	}
	vers, err := s.names(ctx, "gmd_versions", f.Service)
	if err != nil {
		return nil, err
	}
	var wh where
	if !endpointCond(&wh, eps, f.Service, f.Endpoint) {
		return out, nil
	}
	wh.add("x.kind = ?", int64(f.Kind))
	if !f.Since.IsZero() {
		wh.add("x.day_us >= ?", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		wh.add("x.day_us < ?", f.Until.UnixMicro())
	}

	by := map[string]*store.GroupRollup{}
	// Summed here, not in SQL: the rows come in key order (day before
	// name), and grouping by name in SQL would sort them.
	q := "SELECT x.name, x.version_id, x.hits, x.sum_us, x.min_us, x.max_us FROM gmd_group_rollups x" + wh.String()
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return nil, fmt.Errorf("reading group rollups: %w", err)
	}
	type verRow struct {
		id int64
		v  store.GroupVersion
	}
	verRows := map[string][]verRow{}
	for rows.Next() {
		var name string
		var ver, n, sum, lo, hi int64
		if err := rows.Scan(&name, &ver, &n, &sum, &lo, &hi); err != nil {
			rows.Close()
			return nil, err
		}
		g := by[name]
		if g == nil {
			g = &store.GroupRollup{Name: name, Min: time.Duration(lo) * time.Microsecond, Hist: store.Histogram{}}
			by[name] = g
		}
		g.Count += n
		g.Sum += time.Duration(sum) * time.Microsecond
		g.Min = min(g.Min, time.Duration(lo)*time.Microsecond)
		g.Max = max(g.Max, time.Duration(hi)*time.Microsecond)
		vr := verRows[name]
		i := slices.IndexFunc(vr, func(x verRow) bool { return x.id == ver })
		if i < 0 {
			vr = append(vr, verRow{id: ver, v: store.GroupVersion{Version: vers[ver]}})
			i = len(vr) - 1
		}
		vr[i].v.Count += n
		vr[i].v.Sum += time.Duration(sum) * time.Microsecond
		verRows[name] = vr
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading group rollups: %w", err)
	}
	if len(by) > 0 {
		q = "SELECT x.name, x.bucket, x.hits FROM gmd_group_buckets x" + wh.String()
		rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
		if err != nil {
			return nil, fmt.Errorf("reading group histograms: %w", err)
		}
		for rows.Next() {
			var name string
			var b int
			var n int64
			if err := rows.Scan(&name, &b, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if g := by[name]; g != nil {
				g.Hist[b] += n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("reading group histograms: %w", err)
		}
	}
	out.Exact = make([]store.GroupRollup, 0, len(by))
	for name, g := range by {
		vr := verRows[name]
		slices.SortFunc(vr, func(a, b verRow) int { return cmpInt(a.id, b.id) })
		for _, v := range vr {
			g.Versions = append(g.Versions, v.v)
		}
		out.Exact = append(out.Exact, *g)
	}
	slices.SortFunc(out.Exact, func(a, b store.GroupRollup) int { return strings.Compare(a.Name, b.Name) })

	if err := s.readSketches(ctx, wh, out); err != nil {
		return nil, err
	}
	return out, nil
}

// readSketches merges the summaries of the selected days and instances.
// A name's merged count is the sum, over the summaries, of its counter
// where it has one and of the summary's smallest counter (when full)
// where it has none; so is its error. Each summary's part of it is never
// below the name's true count there and overstates it by at most that
// smallest counter, so the merged count overstates by at most the sum of
// the smallest counters (Groups.Bound), which is at most N/slots.
func (s *Store) readSketches(ctx context.Context, wh where, out *store.Groups) error {
	q := "SELECT x.endpoint_id, x.day_us, x.instance_id, x.name, x.hits, x.err, x.sum_us, x.slots FROM gmd_group_sketch x" + wh.String()
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return fmt.Errorf("reading group summaries: %w", err)
	}
	defer rows.Close()
	type sumKey struct{ ep, day, inst int64 }
	type summary struct {
		n, lo   int64
		counted int
		slots   int
	}
	type counter struct {
		key            sumKey
		hits, err, sum int64
	}
	sums := map[sumKey]*summary{}
	var counters []struct {
		name string
		c    counter
	}
	for rows.Next() {
		var name string
		var c counter
		var slots int
		if err := rows.Scan(&c.key.ep, &c.key.day, &c.key.inst, &name, &c.hits, &c.err, &c.sum, &slots); err != nil {
			return err
		}
		sm := sums[c.key]
		if sm == nil {
			sm = &summary{lo: c.hits, slots: slots}
			sums[c.key] = sm
		}
		sm.n += c.hits
		sm.lo = min(sm.lo, c.hits)
		sm.counted++
		sm.slots = min(sm.slots, slots)
		counters = append(counters, struct {
			name string
			c    counter
		}{name, c})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading group summaries: %w", err)
	}
	if len(sums) == 0 {
		return nil
	}
	out.Slots = -1
	floor := map[sumKey]int64{} // a summary's smallest counter when full, else 0
	for k, sm := range sums {
		out.Summarized += sm.n
		if sm.counted >= sm.slots {
			floor[k] = sm.lo
			out.Bound += sm.lo
		}
		if out.Slots < 0 || sm.slots < out.Slots {
			out.Slots = sm.slots
		}
	}
	idx := map[string]int{}
	for _, x := range counters {
		i, ok := idx[x.name]
		if !ok {
			i = len(out.Estimated)
			idx[x.name] = i
			out.Estimated = append(out.Estimated, store.GroupEstimate{Name: x.name, Count: out.Bound, Err: out.Bound})
		}
		e := &out.Estimated[i]
		fl := floor[x.c.key]
		e.Count += x.c.hits - fl
		e.Err += x.c.err - fl
		e.Sum += time.Duration(x.c.sum) * time.Microsecond
	}
	slices.SortFunc(out.Estimated, func(a, b store.GroupEstimate) int {
		if a.Count != b.Count {
			return cmpInt(b.Count, a.Count)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return nil
}
