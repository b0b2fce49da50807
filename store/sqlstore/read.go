package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

func micros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// where collects conditions and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, arg)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Endpoints lists endpoints with their methods.
func (s *Store) Endpoints(ctx context.Context, service string) ([]store.Endpoint, error) {
	var wh where
	if service != "" {
		wh.add("e.service = ?", service)
	}
	q := `SELECT e.id, e.service, e.name, e.level, e.first_seen_us, COALESCE(e.last_requested_us, 0), COALESCE(m.method, '')
FROM gmd_endpoints e LEFT JOIN gmd_endpoint_methods m ON m.endpoint_id = e.id` + wh.String() + ` ORDER BY e.service, e.name, m.method`
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Endpoint
	lastID := int64(-1)
	for rows.Next() {
		var id, first, last int64
		var e store.Endpoint
		var method string
		if err := rows.Scan(&id, &e.Service, &e.Name, &e.Level, &first, &last, &method); err != nil {
			return nil, err
		}
		if id != lastID {
			e.FirstSeen = micros(first)
			if last > 0 {
				e.LastRequested = micros(last)
			}
			out = append(out, e)
			lastID = id
		}
		if method != "" {
			cur := &out[len(out)-1]
			cur.Methods = append(cur.Methods, method)
		}
	}
	return out, rows.Err()
}

// SetLevel changes the monitoring level of one endpoint.
func (s *Store) SetLevel(ctx context.Context, service, endpoint string, level int) error {
	if level < store.LevelOff || level > store.MaxLevel {
		return fmt.Errorf("level %d: want 0 to %d", level, store.MaxLevel)
	}
	service, endpoint = store.Clip(service), store.Clip(endpoint)
	res, err := s.w.ExecContext(ctx, s.d.rebind(`UPDATE gmd_endpoints SET level = ? WHERE service = ? AND name = ?`), level, service, endpoint)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		// MySQL reports 0 affected rows when the value did not change.
		var one int
		err := s.w.QueryRowContext(ctx, s.d.rebind(`SELECT 1 FROM gmd_endpoints WHERE service = ? AND name = ?`), service, endpoint).Scan(&one)
		if err == sql.ErrNoRows {
			return fmt.Errorf("endpoint %q: %w", endpoint, store.ErrNotFound)
		}
		return err
	}
	return nil
}

// Versions lists versions, oldest first.
func (s *Store) Versions(ctx context.Context, service string) ([]store.Version, error) {
	var wh where
	if service != "" {
		wh.add("service = ?", service)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(`SELECT service, name, first_seen_us FROM gmd_versions`+wh.String()+` ORDER BY first_seen_us, id`), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Version
	for rows.Next() {
		var v store.Version
		var us int64
		if err := rows.Scan(&v.Service, &v.Name, &us); err != nil {
			return nil, err
		}
		v.FirstSeen = micros(us)
		out = append(out, v)
	}
	return out, rows.Err()
}

// Counters lists stored counters.
func (s *Store) Counters(ctx context.Context, service string) ([]store.Counter, error) {
	var wh where
	if service != "" {
		wh.add("i.service = ?", service)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(`SELECT i.service, i.name, c.name, c.value FROM gmd_counters c JOIN gmd_instances i ON i.id = c.instance_id`+wh.String()+` ORDER BY i.service, i.name, c.name`), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Counter
	for rows.Next() {
		var c store.Counter
		if err := rows.Scan(&c.Service, &c.Instance, &c.Name, &c.Value); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Requests streams raw rows in id order, walking an index in that order
// so that nothing is sorted and the first row comes at once: the primary
// key, or (endpoint_id, id) for one endpoint. Time bounds are checked row
// by row (written "start_us + 0" so that no planner walks the start-time
// indexes instead and sorts). Rows of other endpoints than the selected
// ones (a service's, when several services share the database) are also
// skipped row by row. Names are read once and joined here.
func (s *Store) Requests(ctx context.Context, f store.RequestFilter, fn func(*store.Request) error) error {
	eps, err := s.endpointNames(ctx, f.Service)
	if err != nil {
		return err
	}
	var wh where
	var sel []int64 // the endpoints asked for; nil: every one
	if f.Service != "" || f.Endpoint != "" {
		ids := make(map[int64]string, len(eps))
		for id, e := range eps {
			ids[id] = e.name
		}
		sel = endpointIDs(ids, f.Endpoint)
		switch {
		case len(sel) == 0:
			return nil
		case len(sel) == 1:
			wh.add("r.endpoint_id = ?", sel[0])
		case f.Endpoint != "" || !s.allEndpoints(ctx, len(sel)):
			wh.conds = append(wh.conds, inIDs("r.endpoint_id + 0", sel))
		default:
			// Every endpoint is the service's: only one created since
			// (another service's) could be in the way.
			wh.add("r.endpoint_id + 0 <= ?", sel[len(sel)-1])
		}
	}
	// Always a range on id, also from 0: the walk is then a search from
	// a key, whatever the other conditions. With a since bound it starts
	// past the rows that cannot be in the window.
	after := max(f.AfterID, 0)
	if !f.Since.IsZero() {
		floor, err := s.floorID(ctx, f.Since, sel)
		if err != nil {
			return err
		}
		after = max(after, floor)
	}
	wh.add("r.id > ?", after)
	// On a table partitioned by start_us the plain bounds are what lets
	// the planner skip the partitions outside them.
	start := "r.start_us + 0"
	if s.d.Partitioned {
		start = "r.start_us"
	}
	if !f.Since.IsZero() {
		wh.add(start+" >= ?", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		wh.add(start+" < ?", f.Until.UnixMicro())
	}
	vers, err := s.names(ctx, "gmd_versions", f.Service)
	if err != nil {
		return err
	}
	insts, err := s.names(ctx, "gmd_instances", f.Service)
	if err != nil {
		return err
	}
	q := `SELECT r.id, r.endpoint_id, r.version_id, r.instance_id, r.method, r.status, r.start_us, r.duration_us, r.grp, r.ip
FROM gmd_requests r` + wh.String() + ` ORDER BY r.id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r store.Request
	var ep, ver, inst int64
	for rows.Next() {
		var start, dur int64
		if err := rows.Scan(&r.ID, &ep, &ver, &inst, &r.Method, &r.Status, &start, &dur, &r.Group, &r.IP); err != nil {
			return err
		}
		e, ok := eps[ep]
		if !ok {
			// Written after the names were read: read them again.
			if eps, err = s.endpointNames(ctx, f.Service); err != nil {
				return err
			}
			if vers, err = s.names(ctx, "gmd_versions", f.Service); err != nil {
				return err
			}
			if insts, err = s.names(ctx, "gmd_instances", f.Service); err != nil {
				return err
			}
			e = eps[ep]
		}
		if _, ok := vers[ver]; !ok {
			if vers, err = s.names(ctx, "gmd_versions", f.Service); err != nil {
				return err
			}
		}
		if _, ok := insts[inst]; !ok {
			if insts, err = s.names(ctx, "gmd_instances", f.Service); err != nil {
				return err
			}
		}
		r.Service, r.Endpoint, r.Version, r.Instance = e.service, e.name, vers[ver], insts[inst]
		r.Start = micros(start)
		r.Duration = time.Duration(dur) * time.Microsecond
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// floorID returns an id below every raw row that started at or after
// since (of the endpoints eps; nil: every one): the
// smallest floor_id of the hourly rollups from since's hour on, which the
// writers set. Rollups an older release wrote (NULL) make it 0.
func (s *Store) floorID(ctx context.Context, since time.Time, eps []int64) (int64, error) {
	var wh where
	if eps != nil {
		wh.conds = append(wh.conds, inIDs("x.endpoint_id", eps))
	}
	wh.add("x.hour_us >= ?", store.HourOf(since).UnixMicro())
	var floor sql.NullInt64
	q := "SELECT MIN(COALESCE(x.floor_id, 0)) FROM gmd_rollups x" + wh.String()
	if err := s.r.QueryRowContext(ctx, s.d.rebind(q), wh.args...).Scan(&floor); err != nil {
		return 0, fmt.Errorf("reading the first request id of a window: %w", err)
	}
	return floor.Int64, nil
}

type endpointName struct{ service, name string }

// endpointNames reads the endpoints of a service ("" for every service).
func (s *Store) endpointNames(ctx context.Context, service string) (map[int64]endpointName, error) {
	var wh where
	if service != "" {
		wh.add("service = ?", service)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind("SELECT id, service, name FROM gmd_endpoints"+wh.String()), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]endpointName{}
	for rows.Next() {
		var id int64
		var e endpointName
		if err := rows.Scan(&id, &e.service, &e.name); err != nil {
			return nil, err
		}
		m[id] = e
	}
	return m, rows.Err()
}

// allEndpoints reports whether the database holds n endpoints in all, so
// that those of one service are every row's.
func (s *Store) allEndpoints(ctx context.Context, n int) bool {
	var all int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM gmd_endpoints`).Scan(&all); err != nil {
		return false
	}
	return all == n
}

// Rollups returns hourly rollups with their histograms, ordered by hour.
func (s *Store) Rollups(ctx context.Context, f store.RollupFilter) ([]store.Rollup, error) {
	var wh where
	if f.Service != "" {
		wh.add("e.service = ?", f.Service)
	}
	if f.Endpoint != "" {
		wh.add("e.name = ?", store.Clip(f.Endpoint))
	}
	if !f.Since.IsZero() {
		wh.add("x.hour_us >= ?", store.HourOf(f.Since).UnixMicro())
	}
	if !f.Until.IsZero() {
		wh.add("x.hour_us < ?", f.Until.UnixMicro())
	}
	from := ` JOIN gmd_endpoints e ON e.id = x.endpoint_id
JOIN gmd_versions v ON v.id = x.version_id
JOIN gmd_instances i ON i.id = x.instance_id` + wh.String()
	q := `SELECT x.endpoint_id, x.hour_us, x.version_id, x.instance_id, e.service, i.name, e.name, v.name,
x.hits, x.errors, x.s0, x.s1, x.s2, x.s3, x.s4, x.s5, x.sum_us, x.min_us, x.max_us
FROM gmd_rollups x` + from
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return nil, err
	}
	type key struct{ ep, hour, ver, inst int64 }
	idx := map[key]int{}
	var out []store.Rollup
	for rows.Next() {
		var k key
		var ru store.Rollup
		var sum, lo, hi int64
		if err := rows.Scan(&k.ep, &k.hour, &k.ver, &k.inst, &ru.Service, &ru.Instance, &ru.Endpoint, &ru.Version,
			&ru.Count, &ru.Errors, &ru.Status[0], &ru.Status[1], &ru.Status[2], &ru.Status[3], &ru.Status[4], &ru.Status[5],
			&sum, &lo, &hi); err != nil {
			rows.Close()
			return nil, err
		}
		ru.Hour = micros(k.hour)
		ru.Sum = time.Duration(sum) * time.Microsecond
		ru.Min = time.Duration(lo) * time.Microsecond
		ru.Max = time.Duration(hi) * time.Microsecond
		ru.Hist = store.Histogram{}
		idx[k] = len(out)
		out = append(out, ru)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.r.QueryContext(ctx, s.d.rebind(`SELECT x.endpoint_id, x.hour_us, x.version_id, x.instance_id, x.bucket, x.hits FROM gmd_rollup_buckets x`+from), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k key
		var b int
		var n int64
		if err := rows.Scan(&k.ep, &k.hour, &k.ver, &k.inst, &b, &n); err != nil {
			return nil, err
		}
		if i, ok := idx[k]; ok {
			out[i].Hist[b] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(a, b int) bool {
		x, y := &out[a], &out[b]
		if !x.Hour.Equal(y.Hour) {
			return x.Hour.Before(y.Hour)
		}
		if x.Endpoint != y.Endpoint {
			return x.Endpoint < y.Endpoint
		}
		if x.Version != y.Version {
			return x.Version < y.Version
		}
		return x.Instance < y.Instance
	})
	return out, nil
}
