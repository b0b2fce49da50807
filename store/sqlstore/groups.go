package sqlstore

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The per-user and per-IP rollups (store/groups.go) are written in the
// batch's transaction, by the writer. Which names of an endpoint's day
// are exact, and this instance's Space-Saving summary of the others, are
// kept in memory for the newest two UTC days met, so that a batch reads
// nothing back in the common case; another day's state is read from the
// database when a late row needs it and dropped after the batch. The
// database stays the truth: a failed transaction drops the states it
// touched, and the next batch reads them again.

const dayUs = int64(24 * time.Hour / time.Microsecond)

// groupsMigration is the migration that made the group tables.
const groupsMigration = 7

func dayStart(us int64) int64 {
	d := us - us%dayUs
	if us < 0 && us%dayUs != 0 {
		d -= dayUs
	}
	return d
}

// groupKey names one endpoint's users or addresses of one day.
type groupKey struct {
	endpoint int64
	kind     store.GroupKind
	day      int64
}

func (a groupKey) cmp(b groupKey) int {
	switch {
	case a.endpoint != b.endpoint:
		return cmpInt(a.endpoint, b.endpoint)
	case a.kind != b.kind:
		return cmpInt(int64(a.kind), int64(b.kind))
	}
	return cmpInt(a.day, b.day)
}

// groupState is what the writer knows of one groupKey.
type groupState struct {
	exact  map[string]bool        // names with exact rollups in the database
	sketch map[int64]*spaceSaving // by instance id; read when first needed
}

// groupAgg is a batch's requests of one name.
type groupAgg struct {
	n, sum int64 // requests and µs, every version
	vers   map[int64]*verAgg
	hist   map[int]int64
	inst   map[int64]*verAgg // by instance, for the summaries
}

type verAgg struct{ n, sum, lo, hi int64 }

func (v *verAgg) add(d int64) {
	if v.n == 0 || d < v.lo {
		v.lo = d
	}
	v.hi = max(v.hi, d)
	v.n++
	v.sum += d
}

var (
	groupRollupCols = []string{"endpoint_id", "kind", "day_us", "name", "version_id", "hits", "sum_us", "min_us", "max_us"}
	groupRollupAdd  = []string{"hits", "sum_us"}
	groupBucketCols = []string{"endpoint_id", "kind", "day_us", "name", "bucket", "hits"}
	groupSketchCols = []string{"endpoint_id", "kind", "day_us", "instance_id", "name", "hits", "err", "sum_us", "slots"}
	groupSketchSet  = []string{"hits", "err", "sum_us", "slots"}
)

// groups writes the batch's per-user and per-IP figures. The caller holds
// s.gmu until the transaction ends and calls groupsDone.
func (w *writeTx) groups(reqs []store.Request, limit int) error {
	if len(reqs) == 0 {
		return nil
	}
	if limit <= 0 {
		limit = store.DefaultGroupLimit
	}
	aggs := map[groupKey]map[string]*groupAgg{}
	for i := range reqs {
		r := &reqs[i]
		ids, err := w.ids(r.Service, r.Instance, r.Endpoint, r.Version)
		if err != nil {
			return err
		}
		day := dayStart(r.Start.UnixMicro())
		d := r.Duration.Microseconds()
		b := store.Bucket(r.Duration.Truncate(time.Microsecond))
		for _, g := range [...]struct {
			kind store.GroupKind
			name string
		}{{store.GroupUser, r.Group}, {store.GroupIP, r.IP}} {
			k := groupKey{ids.endpoint, g.kind, day}
			names := aggs[k]
			if names == nil {
				names = map[string]*groupAgg{}
				aggs[k] = names
			}
			name := store.Clip(g.name)
			a := names[name]
			if a == nil {
				a = &groupAgg{vers: map[int64]*verAgg{}, hist: map[int]int64{}, inst: map[int64]*verAgg{}}
				names[name] = a
			}
			a.n++
			a.sum += d
			v := a.vers[ids.version]
			if v == nil {
				v = &verAgg{}
				a.vers[ids.version] = v
			}
			v.add(d)
			a.hist[b]++
			in := a.inst[ids.instance]
			if in == nil {
				in = &verAgg{}
				a.inst[ids.instance] = in
			}
			in.add(d)
		}
	}
	keys := make([]groupKey, 0, len(aggs))
	for k := range aggs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, groupKey.cmp)

	var rollups, buckets, sketch []any
	var nRollups, nBuckets, nSketch int
	type del struct {
		key  groupKey
		inst int64
		name string
	}
	var dels []del
	for _, k := range keys {
		st, err := w.groupState(k)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(aggs[k]))
		for name := range aggs[k] {
			names = append(names, name)
		}
		slices.Sort(names)
		// Names already exact, then new ones while there is room; the
		// rest may have been made exact by another instance.
		var unknown []string
		for _, name := range names {
			switch {
			case st.exact[name]:
			case len(st.exact) < limit:
				st.exact[name] = true
			default:
				unknown = append(unknown, name)
			}
		}
		if len(unknown) > 0 {
			if err := w.findExact(k, st, unknown); err != nil {
				return err
			}
		}
		// Summaries: each instance's own, names in order.
		type change struct {
			inst   int64
			name   string
			before bool // the name had a counter before this batch
		}
		type touchKey struct {
			inst int64
			name string
		}
		var changed []change
		touched := map[touchKey]bool{}
		mark := func(inst int64, name string, had bool) {
			t := touchKey{inst, name}
			if !touched[t] {
				touched[t] = true
				changed = append(changed, change{inst, name, had})
			}
		}
		for _, name := range names {
			a := aggs[k][name]
			if st.exact[name] {
				vids := make([]int64, 0, len(a.vers))
				for v := range a.vers {
					vids = append(vids, v)
				}
				slices.Sort(vids)
				for _, v := range vids {
					x := a.vers[v]
					rollups = append(rollups, k.endpoint, int64(k.kind), k.day, name, v, x.n, x.sum, x.lo, x.hi)
					nRollups++
				}
				bs := make([]int, 0, len(a.hist))
				for b := range a.hist {
					bs = append(bs, b)
				}
				slices.Sort(bs)
				for _, b := range bs {
					buckets = append(buckets, k.endpoint, int64(k.kind), k.day, name, b, a.hist[b])
					nBuckets++
				}
				continue
			}
			insts := make([]int64, 0, len(a.inst))
			for in := range a.inst {
				insts = append(insts, in)
			}
			slices.Sort(insts)
			for _, in := range insts {
				ss, err := w.sketch(k, st, in, limit)
				if err != nil {
					return err
				}
				_, had := ss.by[name]
				mark(in, name, had)
				x := a.inst[in]
				if old, ok := ss.add(name, x.n, x.sum); ok {
					// Unless this batch gave it its counter, the name
					// taken over had one in the database.
					mark(in, old, true)
				}
			}
		}
		for _, c := range changed {
			ss := st.sketch[c.inst]
			if x := ss.by[c.name]; x != nil {
				sketch = append(sketch, k.endpoint, int64(k.kind), k.day, c.inst, c.name, x.hits, x.err, x.sum, ss.slots)
				nSketch++
			} else if c.before {
				dels = append(dels, del{k, c.inst, c.name})
			}
		}
	}
	d := w.s.d
	if err := w.execRows("gmd_group_rollups", groupRollupCols, rollups, nRollups, func(rows int) string {
		return d.upsert("gmd_group_rollups", groupRollupCols, groupRollupCols[:5], groupRollupAdd, []string{"min_us"}, []string{"max_us"}, rows)
	}); err != nil {
		return err
	}
	if err := w.execRows("gmd_group_buckets", groupBucketCols, buckets, nBuckets, func(rows int) string {
		return d.upsert("gmd_group_buckets", groupBucketCols, groupBucketCols[:5], bucketAdd, noCols, noCols, rows)
	}); err != nil {
		return err
	}
	slices.SortFunc(dels, func(a, b del) int {
		if c := a.key.cmp(b.key); c != 0 {
			return c
		}
		if c := cmpInt(a.inst, b.inst); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	for start := 0; start < len(dels); {
		// One statement per summary, at most 500 names each.
		end := start + 1
		for end < len(dels) && end-start < 500 && dels[end].key == dels[start].key && dels[end].inst == dels[start].inst {
			end++
		}
		x := dels[start]
		args := []any{x.key.endpoint, int64(x.key.kind), x.key.day, x.inst}
		for _, y := range dels[start:end] {
			args = append(args, y.name)
		}
		q := d.rebind("DELETE FROM gmd_group_sketch WHERE endpoint_id = ? AND kind = ? AND day_us = ? AND instance_id = ? AND name IN (" +
			strings.TrimSuffix(strings.Repeat("?, ", end-start), ", ") + ")")
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return fmt.Errorf("updating the users' summary: %w", err)
		}
		start = end
	}
	return w.execRows("gmd_group_sketch", groupSketchCols, sketch, nSketch, func(rows int) string {
		return d.upsertSet("gmd_group_sketch", groupSketchCols, groupSketchCols[:5], groupSketchSet, rows)
	})
}

// execRows runs a multi-row statement over args (rows of len(cols)
// values), as many rows at a time as the dialect takes.
func (w *writeTx) execRows(table string, cols []string, args []any, rows int, stmt func(rows int) string) error {
	per := max(1, min(500, w.s.d.MaxParams/len(cols)))
	var q string
	for start := 0; start < rows; start += per {
		n := min(per, rows-start)
		if start == 0 || n != per {
			q = stmt(n)
		}
		if _, err := w.tx.ExecContext(w.ctx, q, args[start*len(cols):(start+n)*len(cols)]...); err != nil {
			return fmt.Errorf("updating %s: %w", strings.TrimPrefix(table, "gmd_"), err)
		}
	}
	return nil
}

// groupState returns the writer's state of k, reading which names are
// exact when it has none.
func (w *writeTx) groupState(k groupKey) (*groupState, error) {
	s := w.s
	if st := s.groups[k]; st != nil {
		w.touched = append(w.touched, k)
		return st, nil
	}
	st := &groupState{exact: map[string]bool{}, sketch: map[int64]*spaceSaving{}}
	q := s.d.rebind("SELECT DISTINCT name FROM gmd_group_rollups WHERE endpoint_id = ? AND kind = ? AND day_us = ?")
	rows, err := w.tx.QueryContext(w.ctx, q, k.endpoint, int64(k.kind), k.day)
	if err != nil {
		return nil, fmt.Errorf("reading the users of a day: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		st.exact[name] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.groups[k] = st
	w.touched = append(w.touched, k)
	return st, nil
}

// findExact looks names up in the exact rollups, where another instance
// sharing the database may have put them, and marks those found.
func (w *writeTx) findExact(k groupKey, st *groupState, names []string) error {
	per := max(1, min(500, w.s.d.MaxParams-3))
	for start := 0; start < len(names); start += per {
		chunk := names[start:min(start+per, len(names))]
		args := []any{k.endpoint, int64(k.kind), k.day}
		for _, n := range chunk {
			args = append(args, n)
		}
		q := w.s.d.rebind("SELECT DISTINCT name FROM gmd_group_rollups WHERE endpoint_id = ? AND kind = ? AND day_us = ? AND name IN (" +
			strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ") + ")")
		rows, err := w.tx.QueryContext(w.ctx, q, args...)
		if err != nil {
			return fmt.Errorf("reading the users of a day: %w", err)
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return err
			}
			st.exact[name] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// sketch returns instance inst's summary of k, reading it when needed.
func (w *writeTx) sketch(k groupKey, st *groupState, inst int64, limit int) (*spaceSaving, error) {
	if ss := st.sketch[inst]; ss != nil {
		return ss, nil
	}
	ss := newSpaceSaving(limit)
	q := w.s.d.rebind("SELECT name, hits, err, sum_us, slots FROM gmd_group_sketch WHERE endpoint_id = ? AND kind = ? AND day_us = ? AND instance_id = ?")
	rows, err := w.tx.QueryContext(w.ctx, q, k.endpoint, int64(k.kind), k.day, inst)
	if err != nil {
		return nil, fmt.Errorf("reading the users' summary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var hits, e, sum int64
		var slots int
		if err := rows.Scan(&name, &hits, &e, &sum, &slots); err != nil {
			return nil, err
		}
		ss.slots = max(ss.slots, slots)
		ss.load(name, hits, e, sum)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	st.sketch[inst] = ss
	return ss, nil
}

// groupsDone ends a batch's use of the group states: after a failed
// transaction the states it touched are dropped (the database has what is
// true); after a commit, states of days before the newest two are.
func (s *Store) groupsDone(touched []groupKey, ok bool) {
	if !ok {
		for _, k := range touched {
			delete(s.groups, k)
		}
		return
	}
	for _, k := range touched {
		s.groupNewest = max(s.groupNewest, k.day)
	}
	for k := range s.groups {
		if k.day < s.groupNewest-dayUs {
			delete(s.groups, k)
		}
	}
}
