package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// WriteOutliers stores outliers in one transaction.
func (s *Store) WriteOutliers(ctx context.Context, os []store.Outlier) error {
	if len(os) == 0 {
		return nil
	}
	return s.Write(ctx, &store.Batch{Outliers: os})
}

var outlierCols = []string{"endpoint_id", "version_id", "instance_id", "method", "url", "status", "start_us", "duration_us",
	"average_us", "threshold_us", "captured_after_us", "headers", "form_values", "stack", "goroutines", "host"}

// outliers inserts a batch's outliers.
func (w *writeTx) outliers(os []store.Outlier) error {
	if len(os) == 0 {
		return nil
	}
	q := w.s.d.rebind("INSERT INTO gmd_outliers (" + strings.Join(outlierCols, ", ") + ") VALUES " + values(len(outlierCols), 1))
	for i := range os {
		o := &os[i]
		ids, err := w.ids(o.Service, o.Instance, o.Endpoint, o.Version)
		if err != nil {
			return err
		}
		headers, values, stack, host, err := encodeOutlier(o)
		if err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(w.ctx, q, ids.endpoint, ids.version, ids.instance, store.Clip(o.Method), o.URL, o.Status,
			o.Start.UnixMicro(), o.Duration.Microseconds(), o.Average.Microseconds(), o.Threshold.Microseconds(),
			o.CapturedAfter.Microseconds(), headers, values, stack, o.Goroutines, host); err != nil {
			return fmt.Errorf("inserting outlier of %q: %w", o.Endpoint, err)
		}
	}
	return nil
}

func encodeOutlier(o *store.Outlier) (headers, values, stack, host string, err error) {
	enc := func(v any) string {
		if err != nil {
			return ""
		}
		var b []byte
		b, err = json.Marshal(v)
		return string(b)
	}
	nonNil := func(kv []store.KeyValue) []store.KeyValue {
		if kv == nil {
			return []store.KeyValue{}
		}
		return kv
	}
	frames := o.Stack
	if frames == nil {
		frames = []store.Frame{}
	}
	return enc(nonNil(o.Headers)), enc(nonNil(o.Values)), enc(frames), enc(o.Host), err
}

func decodeJSON(col, s string, v any) error {
	if s == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("reading outlier %s: %w", col, err)
	}
	return nil
}

const outlierSelect = `SELECT o.id, e.service, i.name, e.name, v.name, o.method, o.url, o.status, o.start_us, o.duration_us,
o.average_us, o.threshold_us, o.captured_after_us, o.headers, o.form_values, o.stack, o.host`

const outlierFrom = `
FROM gmd_outliers o
JOIN gmd_endpoints e ON e.id = o.endpoint_id
JOIN gmd_versions v ON v.id = o.version_id
JOIN gmd_instances i ON i.id = o.instance_id`

// Outliers lists outliers without their goroutine dumps.
func (s *Store) Outliers(ctx context.Context, f store.OutlierFilter) ([]store.Outlier, error) {
	var wh where
	if f.Service != "" {
		wh.add("e.service = ?", f.Service)
	}
	if f.Endpoint != "" {
		wh.add("e.name = ?", store.Clip(f.Endpoint))
	}
	if !f.Since.IsZero() {
		wh.add("o.start_us >= ?", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		wh.add("o.start_us < ?", f.Until.UnixMicro())
	}
	order := " ORDER BY o.start_us DESC, o.id DESC"
	if f.Order == store.SlowestFirst {
		order = " ORDER BY o.duration_us DESC, o.id DESC"
	}
	q := outlierSelect + outlierFrom + wh.String() + order
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Outlier
	for rows.Next() {
		o, err := scanOutlier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Outlier returns one outlier with its goroutine dump.
func (s *Store) Outlier(ctx context.Context, service string, id int64) (store.Outlier, error) {
	var wh where
	wh.add("o.id = ?", id)
	if service != "" {
		wh.add("e.service = ?", service)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(outlierSelect+", o.goroutines"+outlierFrom+wh.String()), wh.args...)
	if err != nil {
		return store.Outlier{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return store.Outlier{}, err
		}
		return store.Outlier{}, fmt.Errorf("outlier %d: %w", id, store.ErrNotFound)
	}
	var goroutines string
	o, err := scanOutlier(rows, &goroutines)
	if err != nil {
		return o, err
	}
	o.Goroutines = goroutines
	return o, rows.Err()
}

func scanOutlier(rows *sql.Rows, extra ...any) (store.Outlier, error) {
	var o store.Outlier
	var start, dur, avg, thr, after int64
	var headers, vals, stack, host string
	dest := append([]any{&o.ID, &o.Service, &o.Instance, &o.Endpoint, &o.Version, &o.Method, &o.URL, &o.Status, &start, &dur,
		&avg, &thr, &after, &headers, &vals, &stack, &host}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return o, err
	}
	us := func(n int64) time.Duration { return time.Duration(n) * time.Microsecond }
	o.Start, o.Duration, o.Average, o.Threshold, o.CapturedAfter = micros(start), us(dur), us(avg), us(thr), us(after)
	err := errors.Join(decodeJSON("headers", headers, &o.Headers), decodeJSON("values", vals, &o.Values),
		decodeJSON("stack", stack, &o.Stack), decodeJSON("host", host, &o.Host))
	return o, err
}
