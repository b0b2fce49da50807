package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// writeTx carries the state of one Write.
type writeTx struct {
	s       *Store
	tx      *sql.Tx
	ctx     context.Context
	pending map[idKey]int64 // ids created in this transaction
}

// Write stores a batch in one transaction: missing endpoints, versions and
// instances, the raw rows, the hourly rollups and histograms (upserts that
// add, so concurrent writers never lose counts), endpoint methods and
// last-requested times, and counter deltas.
func (s *Store) Write(ctx context.Context, b *store.Batch) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := &writeTx{s: s, tx: tx, ctx: ctx, pending: map[idKey]int64{}}
	if err := w.write(b); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.mu.Lock()
	for k, v := range w.pending {
		s.ids[k] = v
	}
	s.mu.Unlock()
	return nil
}

func (w *writeTx) write(b *store.Batch) error {
	for _, e := range b.Endpoints {
		id, err := w.endpointID(e.Service, e.Name, e.Level, e.FirstSeen)
		if err != nil {
			return err
		}
		for _, m := range e.Methods {
			if err := w.method(id, m); err != nil {
				return err
			}
		}
	}
	for _, v := range b.Versions {
		if _, err := w.nameID("gmd_versions", v.Service, v.Name, v.FirstSeen); err != nil {
			return err
		}
	}
	if err := w.requests(b.Requests); err != nil {
		return err
	}
	if err := w.rollups(store.Aggregate(b.Requests)); err != nil {
		return err
	}
	return w.counters(b.Counters)
}

// endpointID returns the id of an endpoint, creating it with the given
// level when missing. An existing endpoint keeps its level.
func (w *writeTx) endpointID(service, name string, level int, firstSeen time.Time) (int64, error) {
	service, name = store.Clip(service), store.Clip(name)
	k := idKey{"gmd_endpoints", service, name}
	if id, ok := w.cached(k); ok {
		return id, nil
	}
	if firstSeen.IsZero() {
		firstSeen = time.Now()
	}
	q := w.s.d.insertIgnore("gmd_endpoints", []string{"service", "name", "level", "first_seen_us"}, []string{"service", "name"})
	if _, err := w.tx.ExecContext(w.ctx, q, service, name, level, firstSeen.UnixMicro()); err != nil {
		return 0, fmt.Errorf("creating endpoint %q: %w", name, err)
	}
	return w.lookup(k)
}

// nameID returns the id of a version or instance, creating it when missing.
func (w *writeTx) nameID(table, service, name string, firstSeen time.Time) (int64, error) {
	service, name = store.Clip(service), store.Clip(name)
	k := idKey{table, service, name}
	if id, ok := w.cached(k); ok {
		return id, nil
	}
	if firstSeen.IsZero() {
		firstSeen = time.Now()
	}
	q := w.s.d.insertIgnore(table, []string{"service", "name", "first_seen_us"}, []string{"service", "name"})
	if _, err := w.tx.ExecContext(w.ctx, q, service, name, firstSeen.UnixMicro()); err != nil {
		return 0, fmt.Errorf("creating %s %q: %w", table, name, err)
	}
	return w.lookup(k)
}

func (w *writeTx) cached(k idKey) (int64, bool) {
	if id, ok := w.pending[k]; ok {
		return id, true
	}
	w.s.mu.Lock()
	id, ok := w.s.ids[k]
	w.s.mu.Unlock()
	return id, ok
}

func (w *writeTx) lookup(k idKey) (int64, error) {
	var id int64
	q := w.s.d.rebind("SELECT id FROM " + k.table + " WHERE service = ? AND name = ?")
	if err := w.tx.QueryRowContext(w.ctx, q, k.service, k.name).Scan(&id); err != nil {
		return 0, fmt.Errorf("reading id of %s %q: %w", k.table, k.name, err)
	}
	w.pending[k] = id
	return id, nil
}

// method records that an endpoint answers a method. The cache key reuses
// idKey with the endpoint id as "service".
func (w *writeTx) method(endpointID int64, method string) error {
	method = store.Clip(method)
	k := idKey{"gmd_endpoint_methods", strconv.FormatInt(endpointID, 10), method}
	if _, ok := w.cached(k); ok {
		return nil
	}
	q := w.s.d.insertIgnore("gmd_endpoint_methods", []string{"endpoint_id", "method"}, []string{"endpoint_id", "method"})
	if _, err := w.tx.ExecContext(w.ctx, q, endpointID, method); err != nil {
		return fmt.Errorf("recording method %s: %w", method, err)
	}
	w.pending[k] = 1
	return nil
}

// rowIDs are the ids a request row refers to.
type rowIDs struct{ endpoint, version, instance int64 }

func (w *writeTx) ids(r *store.Request) (rowIDs, error) {
	var ids rowIDs
	var err error
	// An endpoint first met in a request row (not declared in the batch)
	// gets level 1, the level at which requests are recorded at all.
	if ids.endpoint, err = w.endpointID(r.Service, r.Endpoint, store.LevelTiming, r.Start); err != nil {
		return ids, err
	}
	if ids.version, err = w.nameID("gmd_versions", r.Service, r.Version, r.Start); err != nil {
		return ids, err
	}
	if ids.instance, err = w.nameID("gmd_instances", r.Service, r.Instance, r.Start); err != nil {
		return ids, err
	}
	return ids, nil
}

var requestCols = []string{"endpoint_id", "version_id", "instance_id", "method", "status", "start_us", "duration_us", "grp", "ip"}

func (w *writeTx) requests(reqs []store.Request) error {
	if len(reqs) == 0 {
		return nil
	}
	per := max(1, min(500, w.s.d.MaxParams/len(requestCols)))
	last := map[int64]int64{} // endpoint id -> latest start
	args := make([]any, 0, per*len(requestCols))
	for start := 0; start < len(reqs); start += per {
		chunk := reqs[start:min(start+per, len(reqs))]
		args = args[:0]
		for i := range chunk {
			r := &chunk[i]
			ids, err := w.ids(r)
			if err != nil {
				return err
			}
			if err := w.method(ids.endpoint, r.Method); err != nil {
				return err
			}
			us := r.Start.UnixMicro()
			last[ids.endpoint] = max(last[ids.endpoint], us)
			args = append(args, ids.endpoint, ids.version, ids.instance, store.Clip(r.Method), r.Status, us,
				r.Duration.Microseconds(), store.Clip(r.Group), store.Clip(r.IP))
		}
		q := w.s.d.rebind("INSERT INTO gmd_requests (" + strings.Join(requestCols, ", ") + ") VALUES " + values(len(requestCols), len(chunk)))
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return fmt.Errorf("inserting %d requests: %w", len(chunk), err)
		}
	}
	q := w.s.d.rebind("UPDATE gmd_endpoints SET last_requested_us = " + w.s.d.Greatest + "(COALESCE(last_requested_us, 0), ?) WHERE id = ?")
	for id, us := range last {
		if _, err := w.tx.ExecContext(w.ctx, q, us, id); err != nil {
			return fmt.Errorf("updating last request time: %w", err)
		}
	}
	return nil
}

var (
	rollupCols   = []string{"endpoint_id", "hour_us", "version_id", "instance_id", "hits", "errors", "s0", "s1", "s2", "s3", "s4", "s5", "sum_us", "min_us", "max_us"}
	rollupKeys   = rollupCols[:4]
	rollupAdd    = []string{"hits", "errors", "s0", "s1", "s2", "s3", "s4", "s5", "sum_us"}
	bucketCols   = []string{"endpoint_id", "hour_us", "version_id", "instance_id", "bucket", "hits"}
	bucketKeys   = bucketCols[:5]
	bucketAdd    = []string{"hits"}
	counterCols  = []string{"instance_id", "name", "value"}
	counterKeys  = counterCols[:2]
	counterAdd   = []string{"value"}
	noCols       []string
	rollupMinCol = []string{"min_us"}
	rollupMaxCol = []string{"max_us"}
)

func (w *writeTx) rollups(rus []store.Rollup) error {
	type bucketRow struct {
		ids    rowIDs
		hour   int64
		bucket int
		hits   int64
	}
	var buckets []bucketRow
	per := max(1, min(200, w.s.d.MaxParams/len(rollupCols)))
	args := make([]any, 0, per*len(rollupCols))
	for start := 0; start < len(rus); start += per {
		chunk := rus[start:min(start+per, len(rus))]
		args = args[:0]
		for i := range chunk {
			ru := &chunk[i]
			ids, err := w.ids(&store.Request{Service: ru.Service, Instance: ru.Instance, Endpoint: ru.Endpoint, Version: ru.Version, Start: ru.Hour})
			if err != nil {
				return err
			}
			hour := ru.Hour.UnixMicro()
			args = append(args, ids.endpoint, hour, ids.version, ids.instance, ru.Count, ru.Errors,
				ru.Status[0], ru.Status[1], ru.Status[2], ru.Status[3], ru.Status[4], ru.Status[5],
				ru.Sum.Microseconds(), ru.Min.Microseconds(), ru.Max.Microseconds())
			for b, n := range ru.Hist {
				buckets = append(buckets, bucketRow{ids, hour, b, n})
			}
		}
		q := w.s.d.upsert("gmd_rollups", rollupCols, rollupKeys, rollupAdd, rollupMinCol, rollupMaxCol, len(chunk))
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return fmt.Errorf("updating rollups: %w", err)
		}
	}
	per = max(1, min(500, w.s.d.MaxParams/len(bucketCols)))
	for start := 0; start < len(buckets); start += per {
		chunk := buckets[start:min(start+per, len(buckets))]
		args = args[:0]
		for _, b := range chunk {
			args = append(args, b.ids.endpoint, b.hour, b.ids.version, b.ids.instance, b.bucket, b.hits)
		}
		q := w.s.d.upsert("gmd_rollup_buckets", bucketCols, bucketKeys, bucketAdd, noCols, noCols, len(chunk))
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return fmt.Errorf("updating rollup histograms: %w", err)
		}
	}
	return nil
}

func (w *writeTx) counters(cs []store.Counter) error {
	for _, c := range cs {
		if c.Value == 0 {
			continue
		}
		inst, err := w.nameID("gmd_instances", c.Service, c.Instance, time.Time{})
		if err != nil {
			return err
		}
		q := w.s.d.upsert("gmd_counters", counterCols, counterKeys, counterAdd, noCols, noCols, 1)
		if _, err := w.tx.ExecContext(w.ctx, q, inst, c.Name, c.Value); err != nil {
			return fmt.Errorf("updating counter %s: %w", c.Name, err)
		}
	}
	return nil
}
