package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
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
	methods []methodKey     // methods recorded in this transaction
	seen    map[int64]int64 // instances' last-seen times written
	touched []groupKey      // group states this transaction used
	// floor is the largest request id stored before this transaction
	// inserted any: each of its rows has a larger one.
	floor int64
}

// seenResolution is how far an instance's last-seen time may lag: a
// writer moves it forward when it would move by more.
const seenResolution = int64(time.Second / time.Microsecond)

type methodKey struct {
	endpoint int64
	method   string
}

// maxWriteAttempts bounds how often a batch is retried after a deadlock or
// serialization failure before the error goes to the recorder, which keeps
// the batch and retries later with backoff.
const maxWriteAttempts = 5

// Write stores a batch in one transaction: missing endpoints, versions and
// instances, the raw rows, the hourly rollups and histograms (upserts that
// add, so concurrent writers never lose counts), outliers, panic groups,
// profiles, counter deltas, endpoint
// methods and last-requested times, and instances' last-seen times.
//
// Several instances write to one database at once. Every transaction
// takes its row locks in one order (tables in the order above, rows by
// key), which leaves deadlocks to the database's own internals (MySQL's
// gap locks); those, and serialization failures, are retried a few times
// here.
func (s *Store) Write(ctx context.Context, b *store.Batch) error {
	return s.retry(ctx, func() error { return s.writeOnce(ctx, b) })
}

// retry runs a transaction again after a deadlock or a serialization
// failure, a few times, after short random pauses.
func (s *Store) retry(ctx context.Context, tx func() error) error {
	for attempt := 1; ; attempt++ {
		err := tx()
		if err == nil || s.d.Retryable == nil || !s.d.Retryable(err) || ctx.Err() != nil {
			return err
		}
		if attempt == maxWriteAttempts {
			return fmt.Errorf("%w (tried %d times)", err, attempt)
		}
		if !sleep(ctx, jitter(time.Duration(attempt)*20*time.Millisecond)) {
			return err
		}
	}
}

// begin starts a write transaction at the dialect's isolation level.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	if s.d.WriteIsolation == sql.LevelDefault {
		return s.w.BeginTx(ctx, nil)
	}
	return s.w.BeginTx(ctx, &sql.TxOptions{Isolation: s.d.WriteIsolation})
}

func (s *Store) writeOnce(ctx context.Context, b *store.Batch) error {
	// The group states are the writer's: one batch at a time uses them.
	s.gmu.Lock()
	defer s.gmu.Unlock()
	if s.d.Partitioned && len(b.Requests) > 0 {
		starts := make([]int64, len(b.Requests))
		for i := range b.Requests {
			starts[i] = b.Requests[i].Start.UnixMicro()
		}
		s.ensurePartitions(ctx, starts)
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := &writeTx{s: s, tx: tx, ctx: ctx, pending: map[idKey]int64{}}
	if err := w.write(b); err != nil {
		s.groupsDone(w.touched, false)
		return err
	}
	if err := tx.Commit(); err != nil {
		s.groupsDone(w.touched, false)
		return err
	}
	s.groupsDone(w.touched, true)
	s.mu.Lock()
	for k, v := range w.pending {
		s.remember(k, v)
	}
	for _, m := range w.methods {
		s.remember(idKey{"gmd_endpoint_methods", strconv.FormatInt(m.endpoint, 10), m.method}, 1)
	}
	for id, us := range w.seen {
		s.seen[id] = us
	}
	s.mu.Unlock()
	return nil
}

func (w *writeTx) write(b *store.Batch) error {
	if err := w.names(b); err != nil {
		return err
	}
	if err := w.recordMethods(b); err != nil {
		return err
	}
	lastEndpoint, lastInstance, err := w.requests(b.Requests)
	if err != nil {
		return err
	}
	if err := w.rollups(store.Aggregate(b.Requests)); err != nil {
		return err
	}
	if err := w.outliers(b.Outliers); err != nil {
		return err
	}
	if err := w.panics(b.Panics); err != nil {
		return err
	}
	if err := w.profiles(b.Profiles); err != nil {
		return err
	}
	// A store held at an older schema (UpTo, for tests of upgrades)
	// writes what that schema has.
	if w.s.o.UpTo == 0 || w.s.o.UpTo >= groupsMigration {
		if err := w.groups(b.Requests, b.GroupLimit); err != nil {
			return err
		}
	}
	if err := w.counters(withSampledOut(b.Counters, b.Requests)); err != nil {
		return err
	}
	// Endpoint rows are shared by every instance of a service, instance
	// rows only by processes that share an instance name: both come last,
	// so that their locks are held for the shortest time.
	if err := w.moveForward("gmd_endpoints", "last_requested_us", lastEndpoint); err != nil {
		return fmt.Errorf("updating last request time: %w", err)
	}
	w.s.mu.Lock()
	for id, us := range lastInstance {
		if us <= w.s.seen[id]+seenResolution && w.s.seen[id] > 0 {
			delete(lastInstance, id)
		}
	}
	w.s.mu.Unlock()
	if err := w.moveForward("gmd_instances", "last_seen_us", lastInstance); err != nil {
		return fmt.Errorf("updating instances' last-seen time: %w", err)
	}
	w.seen = lastInstance
	return nil
}

// nameTables are the tables of names, in the order in which a transaction
// creates missing ones.
var nameTables = map[string]int{"gmd_endpoints": 0, "gmd_versions": 1, "gmd_instances": 2}

// newName is a name a batch needs, with what it gets when created.
type newName struct {
	key   idKey
	level int   // endpoints only
	first int64 // first seen, Unix µs
}

// names creates the endpoints, versions and instances the batch names that
// are not known yet, all before anything else and in one order, so that
// two writers creating the same names never wait for each other in a
// cycle.
func (w *writeTx) names(b *store.Batch) error {
	need := map[idKey]*newName{}
	add := func(table, service, name string, level int, first time.Time) {
		k := idKey{table, store.Clip(service), store.Clip(name)}
		if _, ok := w.cached(k); ok {
			return
		}
		us := first.UnixMicro()
		if first.IsZero() {
			us = time.Now().UnixMicro()
		}
		if n, ok := need[k]; ok {
			n.first = min(n.first, us)
			return
		}
		need[k] = &newName{key: k, level: level, first: us}
	}
	// Declared endpoints come first: their level wins over the one an
	// endpoint gets when first met in a request row.
	for _, e := range b.Endpoints {
		add("gmd_endpoints", e.Service, e.Name, e.Level, e.FirstSeen)
	}
	for _, v := range b.Versions {
		add("gmd_versions", v.Service, v.Name, 0, v.FirstSeen)
	}
	for i := range b.Requests {
		r := &b.Requests[i]
		// An endpoint first met in a request row (not declared) gets level
		// 1, the level at which requests are recorded at all.
		add("gmd_endpoints", r.Service, r.Endpoint, store.LevelTiming, r.Start)
		add("gmd_versions", r.Service, r.Version, 0, r.Start)
		add("gmd_instances", r.Service, r.Instance, 0, r.Start)
	}
	// So do endpoints first met in an outlier, a panic or a profile.
	named := func(service, instance, endpoint, version string, at time.Time) {
		add("gmd_endpoints", service, endpoint, store.LevelTiming, at)
		add("gmd_versions", service, version, 0, at)
		add("gmd_instances", service, instance, 0, at)
	}
	for i := range b.Outliers {
		o := &b.Outliers[i]
		named(o.Service, o.Instance, o.Endpoint, o.Version, o.Start)
	}
	for i := range b.Panics {
		p := &b.Panics[i]
		named(p.Service, p.Instance, p.Endpoint, p.Version, p.First)
	}
	for i := range b.Profiles {
		p := &b.Profiles[i]
		named(p.Service, p.Instance, p.Endpoint, p.Version, p.Start)
	}
	for _, c := range b.Counters {
		if c.Value != 0 {
			add("gmd_instances", c.Service, c.Instance, 0, time.Time{})
		}
	}
	if len(need) == 0 {
		return nil
	}
	list := make([]*newName, 0, len(need))
	for _, n := range need {
		list = append(list, n)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i].key, list[j].key
		if a.table != b.table {
			return nameTables[a.table] < nameTables[b.table]
		}
		if a.service != b.service {
			return a.service < b.service
		}
		return a.name < b.name
	})
	for _, n := range list {
		k := n.key
		var err error
		if k.table == "gmd_endpoints" {
			q := w.s.d.insertIgnore(k.table, []string{"service", "name", "level", "first_seen_us"}, []string{"service", "name"})
			_, err = w.tx.ExecContext(w.ctx, q, k.service, k.name, n.level, n.first)
		} else {
			q := w.s.d.insertIgnore(k.table, []string{"service", "name", "first_seen_us"}, []string{"service", "name"})
			_, err = w.tx.ExecContext(w.ctx, q, k.service, k.name, n.first)
		}
		if err != nil {
			return fmt.Errorf("creating %s %q: %w", strings.TrimPrefix(k.table, "gmd_"), k.name, err)
		}
		if err := w.lookup(k); err != nil {
			return err
		}
	}
	return nil
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

func (w *writeTx) lookup(k idKey) error {
	var id int64
	q := w.s.d.rebind("SELECT id FROM " + k.table + " WHERE service = ? AND name = ?")
	if err := w.tx.QueryRowContext(w.ctx, q, k.service, k.name).Scan(&id); err != nil {
		return fmt.Errorf("reading id of %s %q: %w", k.table, k.name, err)
	}
	w.pending[k] = id
	return nil
}

// id returns the id of a name that names created.
func (w *writeTx) id(table, service, name string) (int64, error) {
	k := idKey{table, store.Clip(service), store.Clip(name)}
	id, ok := w.cached(k)
	if !ok {
		return 0, fmt.Errorf("dashboard: internal error: %s %q was not created first", table, k.name)
	}
	return id, nil
}

// rowIDs are the ids a request row refers to.
type rowIDs struct{ endpoint, version, instance int64 }

func (w *writeTx) ids(service, instance, endpoint, version string) (rowIDs, error) {
	var ids rowIDs
	var err error
	if ids.endpoint, err = w.id("gmd_endpoints", service, endpoint); err != nil {
		return ids, err
	}
	if ids.version, err = w.id("gmd_versions", service, version); err != nil {
		return ids, err
	}
	ids.instance, err = w.id("gmd_instances", service, instance)
	return ids, err
}

// recordMethods records which methods each endpoint answers, in key order.
func (w *writeTx) recordMethods(b *store.Batch) error {
	seen := map[methodKey]bool{}
	add := func(service, endpoint, method string) error {
		id, err := w.id("gmd_endpoints", service, endpoint)
		if err != nil {
			return err
		}
		k := methodKey{id, store.Clip(method)}
		if seen[k] {
			return nil
		}
		seen[k] = true
		if _, ok := w.cached(idKey{"gmd_endpoint_methods", strconv.FormatInt(k.endpoint, 10), k.method}); !ok {
			w.methods = append(w.methods, k)
		}
		return nil
	}
	for _, e := range b.Endpoints {
		for _, m := range e.Methods {
			if err := add(e.Service, e.Name, m); err != nil {
				return err
			}
		}
	}
	for i := range b.Requests {
		r := &b.Requests[i]
		if err := add(r.Service, r.Endpoint, r.Method); err != nil {
			return err
		}
	}
	sort.Slice(w.methods, func(i, j int) bool {
		a, b := w.methods[i], w.methods[j]
		if a.endpoint != b.endpoint {
			return a.endpoint < b.endpoint
		}
		return a.method < b.method
	})
	q := w.s.d.insertIgnore("gmd_endpoint_methods", []string{"endpoint_id", "method"}, []string{"endpoint_id", "method"})
	for _, m := range w.methods {
		if _, err := w.tx.ExecContext(w.ctx, q, m.endpoint, m.method); err != nil {
			return fmt.Errorf("recording method %s: %w", m.method, err)
		}
	}
	return nil
}

var requestCols = []string{"endpoint_id", "version_id", "instance_id", "method", "status", "start_us", "duration_us", "grp", "ip"}

// requests inserts the raw rows and returns the latest start per endpoint
// and per instance.
func (w *writeTx) requests(reqs []store.Request) (lastEndpoint, lastInstance map[int64]int64, err error) {
	lastEndpoint, lastInstance = map[int64]int64{}, map[int64]int64{} // id -> latest start
	if slices.ContainsFunc(reqs, func(r store.Request) bool { return r.NoRaw }) {
		// Sampled out (RAW_SAMPLE_RATE): in the rollups and the
		// last-request times, without a raw row.
		kept := make([]store.Request, 0, len(reqs))
		for _, r := range reqs {
			if !r.NoRaw {
				kept = append(kept, r)
				continue
			}
			ids, err := w.ids(r.Service, r.Instance, r.Endpoint, r.Version)
			if err != nil {
				return nil, nil, err
			}
			us := r.Start.UnixMicro()
			lastEndpoint[ids.endpoint] = max(lastEndpoint[ids.endpoint], us)
			lastInstance[ids.instance] = max(lastInstance[ids.instance], us)
		}
		reqs = kept
	}
	if len(reqs) == 0 {
		return lastEndpoint, lastInstance, nil
	}
	// Ids come from an increasing sequence, so rows inserted from now on
	// get larger ones than any stored; the hourly rollups keep it
	// (floor_id) for Requests' time bounds.
	if err := w.tx.QueryRowContext(w.ctx, `SELECT COALESCE(MAX(id), 0) FROM gmd_requests`).Scan(&w.floor); err != nil {
		return nil, nil, fmt.Errorf("reading the largest request id: %w", err)
	}
	per := max(1, min(500, w.s.d.MaxParams/len(requestCols)))
	args := make([]any, 0, per*len(requestCols))
	var q string
	for start := 0; start < len(reqs); start += per {
		chunk := reqs[start:min(start+per, len(reqs))]
		args = args[:0]
		for i := range chunk {
			r := &chunk[i]
			ids, err := w.ids(r.Service, r.Instance, r.Endpoint, r.Version)
			if err != nil {
				return nil, nil, err
			}
			us := r.Start.UnixMicro()
			lastEndpoint[ids.endpoint] = max(lastEndpoint[ids.endpoint], us)
			lastInstance[ids.instance] = max(lastInstance[ids.instance], us)
			args = append(args, ids.endpoint, ids.version, ids.instance, store.Clip(r.Method), r.Status, us,
				r.Duration.Microseconds(), store.Clip(r.Group), store.Clip(r.IP))
		}
		if start == 0 || len(chunk) != per {
			q = w.s.d.rebind("INSERT INTO gmd_requests (" + strings.Join(requestCols, ", ") + ") VALUES " + values(len(requestCols), len(chunk)))
		}
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return nil, nil, fmt.Errorf("inserting %d requests: %w", len(chunk), err)
		}
	}
	return lastEndpoint, lastInstance, nil
}

// moveForward sets the time column of the rows of table whose ids last
// holds to the times it gives, where that moves them forward, in one
// statement, rows in id order. The ids and times are integers of ours,
// written into the statement as literals: typed placeholders in a CASE
// would need a cast that MySQL and PostgreSQL spell differently.
func (w *writeTx) moveForward(table, column string, last map[int64]int64) error {
	if len(last) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(last))
	for id := range last {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var in, cases strings.Builder
	cases.WriteString("CASE id")
	for i, id := range ids {
		if i > 0 {
			in.WriteString(", ")
		}
		in.WriteString(strconv.FormatInt(id, 10))
		cases.WriteString(" WHEN " + strconv.FormatInt(id, 10) + " THEN " + strconv.FormatInt(last[id], 10))
	}
	cases.WriteString(" END")
	q := "UPDATE " + table + " SET " + column + " = " + cases.String() +
		" WHERE id IN (" + in.String() + ") AND COALESCE(" + column + ", 0) < " + cases.String()
	_, err := w.tx.ExecContext(w.ctx, q)
	return err
}

var (
	rollupCols   = []string{"endpoint_id", "hour_us", "version_id", "instance_id", "hits", "errors", "s0", "s1", "s2", "s3", "s4", "s5", "sum_us", "min_us", "max_us", "floor_id"}
	rollupFloor  = []string{"floor_id"}
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

// rollupKey is a rollup's primary key, in the primary key's column order.
type rollupKey struct{ endpoint, hour, version, instance int64 }

func (a rollupKey) less(b rollupKey) bool {
	if a.endpoint != b.endpoint {
		return a.endpoint < b.endpoint
	}
	if a.hour != b.hour {
		return a.hour < b.hour
	}
	if a.version != b.version {
		return a.version < b.version
	}
	return a.instance < b.instance
}

// rollups adds the batch's rollups and histograms to the stored ones, in
// primary key order. Rollups whose names became equal when clipped are
// merged first: PostgreSQL refuses to update one row twice in a statement.
func (w *writeTx) rollups(rus []store.Rollup) error {
	type bucketRow struct {
		key    rollupKey
		bucket int
		hits   int64
	}
	idx := make(map[rollupKey]int, len(rus))
	keys := make([]rollupKey, 0, len(rus))
	merged := make([]store.Rollup, 0, len(rus))
	for i := range rus {
		ru := &rus[i]
		ids, err := w.ids(ru.Service, ru.Instance, ru.Endpoint, ru.Version)
		if err != nil {
			return err
		}
		k := rollupKey{ids.endpoint, ru.Hour.UnixMicro(), ids.version, ids.instance}
		j, ok := idx[k]
		if !ok {
			idx[k] = len(merged)
			keys = append(keys, k)
			merged = append(merged, *ru)
			continue
		}
		m := &merged[j]
		m.Count += ru.Count
		m.Errors += ru.Errors
		for c := range m.Status {
			m.Status[c] += ru.Status[c]
		}
		m.Sum += ru.Sum
		m.Min = min(m.Min, ru.Min)
		m.Max = max(m.Max, ru.Max)
		h := store.Histogram{}
		for b, n := range m.Hist {
			h[b] += n
		}
		for b, n := range ru.Hist {
			h[b] += n
		}
		m.Hist = h
	}
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return keys[order[a]].less(keys[order[b]]) })

	var buckets []bucketRow
	per := max(1, min(200, w.s.d.MaxParams/len(rollupCols)))
	args := make([]any, 0, per*len(rollupCols))
	for start := 0; start < len(order); start += per {
		chunk := order[start:min(start+per, len(order))]
		args = args[:0]
		for _, i := range chunk {
			ru, k := &merged[i], keys[i]
			args = append(args, k.endpoint, k.hour, k.version, k.instance, ru.Count, ru.Errors,
				ru.Status[0], ru.Status[1], ru.Status[2], ru.Status[3], ru.Status[4], ru.Status[5],
				ru.Sum.Microseconds(), ru.Min.Microseconds(), ru.Max.Microseconds(), w.floor)
			for b, n := range ru.Hist {
				buckets = append(buckets, bucketRow{k, b, n})
			}
		}
		q := w.s.d.upsert("gmd_rollups", rollupCols, rollupKeys, rollupAdd, rollupMinCol, rollupMaxCol, len(chunk), rollupFloor...)
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return fmt.Errorf("updating rollups: %w", err)
		}
	}
	sort.Slice(buckets, func(i, j int) bool {
		a, b := buckets[i], buckets[j]
		if a.key != b.key {
			return a.key.less(b.key)
		}
		return a.bucket < b.bucket
	})
	per = max(1, min(500, w.s.d.MaxParams/len(bucketCols)))
	for start := 0; start < len(buckets); start += per {
		chunk := buckets[start:min(start+per, len(buckets))]
		args = args[:0]
		for _, b := range chunk {
			args = append(args, b.key.endpoint, b.key.hour, b.key.version, b.key.instance, b.bucket, b.hits)
		}
		q := w.s.d.upsert("gmd_rollup_buckets", bucketCols, bucketKeys, bucketAdd, noCols, noCols, len(chunk))
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return fmt.Errorf("updating rollup histograms: %w", err)
		}
	}
	return nil
}

// withSampledOut adds to cs the count of the requests written without a
// raw row, per service and instance (store.CounterRawSampledOut), so that
// the pages that list raw rows can say they list a sample.
func withSampledOut(cs []store.Counter, reqs []store.Request) []store.Counter {
	var out []store.Counter
	for _, r := range reqs {
		if !r.NoRaw {
			continue
		}
		if out == nil {
			out = slices.Clone(cs)
		}
		i := slices.IndexFunc(out, func(c store.Counter) bool {
			return c.Name == store.CounterRawSampledOut && c.Service == r.Service && c.Instance == r.Instance
		})
		if i < 0 {
			out = append(out, store.Counter{Service: r.Service, Instance: r.Instance, Name: store.CounterRawSampledOut})
			i = len(out) - 1
		}
		out[i].Value++
	}
	if out == nil {
		return cs
	}
	return out
}

// counters adds counter deltas, in primary key order.
func (w *writeTx) counters(cs []store.Counter) error {
	type key struct {
		instance int64
		name     string
	}
	sum := map[key]int64{}
	for _, c := range cs {
		if c.Value == 0 {
			continue
		}
		inst, err := w.id("gmd_instances", c.Service, c.Instance)
		if err != nil {
			return err
		}
		sum[key{inst, store.Clip(c.Name)}] += c.Value
	}
	keys := make([]key, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].instance != keys[j].instance {
			return keys[i].instance < keys[j].instance
		}
		return keys[i].name < keys[j].name
	})
	q := w.s.d.upsert("gmd_counters", counterCols, counterKeys, counterAdd, noCols, noCols, 1)
	for _, k := range keys {
		if _, err := w.tx.ExecContext(w.ctx, q, k.instance, k.name, sum[k]); err != nil {
			return fmt.Errorf("updating counter %s: %w", k.name, err)
		}
	}
	return nil
}
