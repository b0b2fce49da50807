package sqlstore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// dayUS is a UTC day in microseconds.
const dayUS = int64(24 * time.Hour / time.Microsecond)

func floorDay(us int64) int64 { return us - us%dayUS }

// agg is the figures of a rollup at any resolution, as stored: times in
// microseconds.
type agg struct {
	hits, errors       int64
	status             [6]int64
	sum, lo, hi, last5 int64
	hist               store.Histogram // nil when not read
}

// add folds o into a; lo is the smaller of the non-empty ones.
func (a *agg) add(o *agg) {
	if o.hits == 0 && o.hist == nil {
		return
	}
	if a.hits == 0 {
		a.lo, a.hi = o.lo, o.hi
	} else {
		a.lo, a.hi = min(a.lo, o.lo), max(a.hi, o.hi)
	}
	a.hits += o.hits
	a.errors += o.errors
	for i := range a.status {
		a.status[i] += o.status[i]
	}
	a.sum += o.sum
	a.last5 = max(a.last5, o.last5)
	if o.hist != nil {
		if a.hist == nil {
			a.hist = store.Histogram{}
		}
		a.hist.Merge(o.hist)
	}
}

// sub takes the counts, sums and histogram of o out of a. The smallest
// and largest durations stay: a day folded again only gains requests.
func (a *agg) sub(o *agg) {
	a.hits -= o.hits
	a.errors -= o.errors
	for i := range a.status {
		a.status[i] -= o.status[i]
	}
	a.sum -= o.sum
	for b, n := range o.hist {
		if a.hist[b] -= n; a.hist[b] <= 0 {
			delete(a.hist, b)
		}
	}
}

// encodeHist writes a histogram as pairs of uvarints, bucket (as the
// difference to the previous one) and count, in bucket order.
func encodeHist(h store.Histogram) []byte {
	keys := make([]int, 0, len(h))
	for b, n := range h {
		if n > 0 {
			keys = append(keys, b)
		}
	}
	slices.Sort(keys)
	out := make([]byte, 0, 3*len(keys)+1)
	prev := 0
	for _, b := range keys {
		out = binary.AppendUvarint(out, uint64(b-prev))
		out = binary.AppendUvarint(out, uint64(h[b]))
		prev = b
	}
	return out
}

// decodeHist adds an encoded histogram to h.
func decodeHist(data []byte, h store.Histogram) error {
	b := 0
	for len(data) > 0 {
		d, n := binary.Uvarint(data)
		if n <= 0 {
			return errors.New("corrupt histogram")
		}
		data = data[n:]
		c, m := binary.Uvarint(data)
		if m <= 0 {
			return errors.New("corrupt histogram")
		}
		data = data[m:]
		b += int(d)
		h[b] += int64(c)
	}
	return nil
}

// aggCols are the figure columns of gmd_daily and gmd_totals, in agg's
// order, scanned by scanAgg.
const aggCols = "hits, errors, s0, s1, s2, s3, s4, s5, sum_us, min_us, max_us, last_5xx_us"

func aggDest(a *agg) []any {
	return []any{&a.hits, &a.errors, &a.status[0], &a.status[1], &a.status[2], &a.status[3], &a.status[4], &a.status[5],
		&a.sum, &a.lo, &a.hi, &a.last5}
}

func aggArgs(a *agg) []any {
	return []any{a.hits, a.errors, a.status[0], a.status[1], a.status[2], a.status[3], a.status[4], a.status[5],
		a.sum, a.lo, a.hi, a.last5}
}

// evKey is an endpoint, a version and an instance (0 in the totals,
// which are over every instance).
type evKey struct{ ep, ver, inst int64 }

// perVersion sums aggs over instances.
func perVersion(m map[evKey]*agg) map[evKey]*agg {
	out := make(map[evKey]*agg, len(m))
	for k, a := range m {
		k.inst = 0
		t := out[k]
		if t == nil {
			t = &agg{hist: store.Histogram{}}
			out[k] = t
		}
		t.add(a)
	}
	return out
}

func sortKeys(keys []evKey) {
	slices.SortFunc(keys, func(a, b evKey) int {
		if a.ep != b.ep {
			return cmpInt(a.ep, b.ep)
		}
		if a.ver != b.ver {
			return cmpInt(a.ver, b.ver)
		}
		return cmpInt(a.inst, b.inst)
	})
}

func keysOf(a, b map[evKey]*agg) []evKey {
	keys := make([]evKey, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if a[k] == nil {
			keys = append(keys, k)
		}
	}
	sortKeys(keys)
	return keys
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// watermark returns the midnight before which every hour is folded into
// the daily rollups and the totals (0: none).
func (s *Store) watermark(ctx context.Context, q querier) (int64, error) {
	var w int64
	if err := q.QueryRowContext(ctx, `SELECT value FROM gmd_derived WHERE name = 'daily'`).Scan(&w); err != nil {
		return 0, fmt.Errorf("reading the daily rollups' watermark: %w", err)
	}
	return w, nil
}

// errRaced says another deriver moved the watermark first.
var errRaced = errors.New("the watermark moved")

// DeriveDay folds the first day after the watermark that holds hourly
// rollups, once it has been over for store.DeriveGrace, and moves the
// watermark past it. Days without requests are skipped.
func (s *Store) DeriveDay(ctx context.Context, now time.Time) (bool, error) {
	w, err := s.watermark(ctx, s.w)
	if err != nil {
		return false, err
	}
	var first sql.NullInt64
	if err := s.w.QueryRowContext(ctx, s.d.rebind(`SELECT MIN(hour_us) FROM gmd_rollups WHERE hour_us >= ?`), w).Scan(&first); err != nil {
		return false, fmt.Errorf("finding the next day to fold: %w", err)
	}
	if !first.Valid {
		return false, nil
	}
	day := floorDay(first.Int64)
	if day+dayUS+store.DeriveGrace.Microseconds() > now.UnixMicro() {
		return false, nil
	}
	err = s.retry(ctx, func() error { return s.fold(ctx, w, day, day+dayUS) })
	if errors.Is(err, errRaced) {
		return true, nil // another instance folded it
	}
	return err == nil, err
}

// RederiveTouched folds again the recent folded days whose hourly
// rollups now count more requests than their daily ones.
func (s *Store) RederiveTouched(ctx context.Context) (int, error) {
	w, err := s.watermark(ctx, s.w)
	if err != nil || w == 0 {
		return 0, err
	}
	var pruned int64
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM gmd_derived WHERE name = 'pruned'`).Scan(&pruned); err != nil {
		return 0, err
	}
	from := max(w-store.RecheckDays*dayUS, floorDay(pruned+dayUS-1))
	hours, err := s.hitsByDay(ctx, `SELECT hour_us, SUM(hits) FROM gmd_rollups WHERE hour_us >= ? AND hour_us < ? GROUP BY hour_us`, from, w)
	if err != nil {
		return 0, err
	}
	days, err := s.hitsByDay(ctx, `SELECT day_us, SUM(hits) FROM gmd_daily WHERE day_us >= ? AND day_us < ? GROUP BY day_us`, from, w)
	if err != nil {
		return 0, err
	}
	n := 0
	for day := from; day < w; day += dayUS {
		if hours[day] <= days[day] {
			continue
		}
		err := s.retry(ctx, func() error { return s.fold(ctx, w, day, w) })
		if errors.Is(err, errRaced) {
			return n, nil // the next round checks again
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Store) hitsByDay(ctx context.Context, q string, from, until int64) (map[int64]int64, error) {
	rows, err := s.w.QueryContext(ctx, s.d.rebind(q), from, until)
	if err != nil {
		return nil, fmt.Errorf("checking folded days: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var t, n int64
		if err := rows.Scan(&t, &n); err != nil {
			return nil, err
		}
		out[floorDay(t)] += n
	}
	return out, rows.Err()
}

// fold (re)computes the daily rollups of day from the hourly ones and
// moves the totals by the difference, in one transaction that first
// moves the watermark from w to next (or, with next == w, only checks it):
// that update serializes derivers, and one that finds the watermark moved
// does nothing.
func (s *Store) fold(ctx context.Context, w, day, next int64) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE gmd_derived SET value = ?, changes = changes + 1 WHERE name = 'daily' AND value = ?`), next, w)
	if err != nil {
		return fmt.Errorf("moving the daily rollups' watermark: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errRaced
	}
	if next == w {
		// Folding a day again needs all of its hours and daily rollups.
		var pruned int64
		if err := tx.QueryRowContext(ctx, `SELECT value FROM gmd_derived WHERE name = 'pruned'`).Scan(&pruned); err != nil {
			return err
		}
		if day < pruned {
			return tx.Commit()
		}
	}
	old, err := s.readAggs(ctx, tx, `SELECT endpoint_id, version_id, instance_id, `+aggCols+`, hist FROM gmd_daily WHERE day_us = ?`, day)
	if err != nil {
		return err
	}
	cur, err := s.hourAggs(ctx, tx, day)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM gmd_daily WHERE day_us = ?`), day); err != nil {
		return fmt.Errorf("folding day: %w", err)
	}
	ins := s.d.rebind(`INSERT INTO gmd_daily (endpoint_id, day_us, version_id, instance_id, ` + aggCols + `, hist) VALUES ` + values(17, 1))
	for _, k := range keysOf(cur, nil) {
		a := cur[k]
		args := append([]any{k.ep, day, k.ver, k.inst}, aggArgs(a)...)
		if _, err := tx.ExecContext(ctx, ins, append(args, encodeHist(a.hist))...); err != nil {
			return fmt.Errorf("writing daily rollups: %w", err)
		}
	}
	// The totals move by the difference, per endpoint and version.
	oldT, curT := perVersion(old), perVersion(cur)
	keys := keysOf(curT, oldT)
	totals, err := s.readAggs(ctx, tx, `SELECT endpoint_id, version_id, 0, `+aggCols+`, hist FROM gmd_totals`+keyCond(keys))
	if err != nil {
		return err
	}
	cols := append([]string{"endpoint_id", "version_id"}, strings.Split(aggCols+", hist", ", ")...)
	up := s.d.upsertReplace("gmd_totals", cols, cols[:2], cols[2:])
	for _, k := range keys {
		t := totals[k]
		if t == nil {
			t = &agg{hist: store.Histogram{}}
		}
		if o := oldT[k]; o != nil {
			t.sub(o)
		}
		if c := curT[k]; c != nil {
			t.add(c)
		}
		args := append([]any{k.ep, k.ver}, aggArgs(t)...)
		if _, err := tx.ExecContext(ctx, up, append(args, encodeHist(t.hist))...); err != nil {
			return fmt.Errorf("writing all-time totals: %w", err)
		}
	}
	return tx.Commit()
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// keyCond selects the rows of the endpoints and versions of keys (and a
// few more, which the caller ignores). Ids are our own integers.
func keyCond(keys []evKey) string {
	if len(keys) == 0 {
		return " WHERE 1 = 0"
	}
	eps, vers := map[int64]bool{}, map[int64]bool{}
	for _, k := range keys {
		eps[k.ep], vers[k.ver] = true, true
	}
	return " WHERE endpoint_id IN (" + idList(eps) + ") AND version_id IN (" + idList(vers) + ")"
}

func idList(set map[int64]bool) string {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// readAggs reads rows of endpoint_id, version_id, instance_id, the
// aggCols and hist.
func (s *Store) readAggs(ctx context.Context, q querier, query string, args ...any) (map[evKey]*agg, error) {
	rows, err := q.QueryContext(ctx, s.d.rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("reading rollups: %w", err)
	}
	defer rows.Close()
	out := map[evKey]*agg{}
	var hist []byte
	for rows.Next() {
		var k evKey
		a := &agg{hist: store.Histogram{}}
		if err := rows.Scan(append(append([]any{&k.ep, &k.ver, &k.inst}, aggDest(a)...), &hist)...); err != nil {
			return nil, err
		}
		if err := decodeHist(hist, a.hist); err != nil {
			return nil, err
		}
		out[k] = a
	}
	return out, rows.Err()
}

// hourAggs sums the hourly rollups of one day per endpoint, version and
// instance.
func (s *Store) hourAggs(ctx context.Context, tx *sql.Tx, day int64) (map[evKey]*agg, error) {
	rows, err := tx.QueryContext(ctx, s.d.rebind(`SELECT endpoint_id, version_id, instance_id, SUM(hits), SUM(errors),
SUM(s0), SUM(s1), SUM(s2), SUM(s3), SUM(s4), SUM(s5), SUM(sum_us), MIN(min_us), MAX(max_us),
MAX(CASE WHEN s5 > 0 THEN hour_us ELSE 0 END)
FROM gmd_rollups WHERE hour_us >= ? AND hour_us < ? GROUP BY endpoint_id, version_id, instance_id`), day, day+dayUS)
	if err != nil {
		return nil, fmt.Errorf("summing a day's hourly rollups: %w", err)
	}
	out := map[evKey]*agg{}
	for rows.Next() {
		var k evKey
		a := &agg{hist: store.Histogram{}}
		if err := rows.Scan(append([]any{&k.ep, &k.ver, &k.inst}, aggDest(a)...)...); err != nil {
			rows.Close()
			return nil, err
		}
		out[k] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, s.d.rebind(`SELECT endpoint_id, version_id, instance_id, bucket, SUM(hits)
FROM gmd_rollup_buckets WHERE hour_us >= ? AND hour_us < ? GROUP BY endpoint_id, version_id, instance_id, bucket`), day, day+dayUS)
	if err != nil {
		return nil, fmt.Errorf("summing a day's hourly histograms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k evKey
		var b int
		var n int64
		if err := rows.Scan(&k.ep, &k.ver, &k.inst, &b, &n); err != nil {
			return nil, err
		}
		if a := out[k]; a != nil {
			a.hist[b] += n
		}
	}
	return out, rows.Err()
}
