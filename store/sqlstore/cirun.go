package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

var (
	ciRunCols = []string{"service", "run_key", "content_hash", "version", "commit_id", "branch", "goos", "goarch", "cpu",
		"started_us", "uploaded_us", "packages", "tests", "passed", "failed", "skipped", "bench_results"}
	ciPackageCols = []string{"run_id", "package", "outcome", "elapsed_us"}
	ciTestCols    = []string{"run_id", "name_id", "seq", "outcome", "elapsed_us"}
	ciBenchCols   = []string{"run_id", "name_id", "procs", "seq", "iterations", "ord", "unit", "value"}
)

// SaveCIRun stores a run and its results in one transaction. The unique
// key (service, run_key) makes a run sent twice, even at the same moment,
// stored once.
func (s *Store) SaveCIRun(ctx context.Context, r *store.CIRun) (bool, error) {
	r.Counts = ciCounts(r)
	if r.Uploaded.IsZero() {
		r.Uploaded = time.Now()
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	service, key := store.Clip(r.Service), store.Clip(r.RunID)
	c := r.Counts
	res, err := tx.ExecContext(ctx, s.d.insertIgnore("gmd_ci_runs", ciRunCols, []string{"service", "run_key"}),
		service, key, store.Clip(r.Hash), store.Clip(r.Version), store.Clip(r.Commit), store.Clip(r.Branch),
		store.Clip(r.GoOS), store.Clip(r.GoArch), store.Clip(r.CPU), micro(r.Started), r.Uploaded.UnixMicro(),
		c.Packages, c.Tests, c.Passed, c.Failed, c.Skipped, c.Benchmarks)
	if err != nil {
		return false, fmt.Errorf("storing CI run %q: %w", r.RunID, err)
	}
	inserted, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	var id int64
	var hash string
	if err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT id, content_hash FROM gmd_ci_runs WHERE service = ? AND run_key = ?`),
		service, key).Scan(&id, &hash); err != nil {
		return false, fmt.Errorf("reading CI run %q: %w", r.RunID, err)
	}
	r.ID = id
	if inserted == 0 {
		if hash != store.Clip(r.Hash) {
			return false, store.ErrRunConflict
		}
		return false, nil
	}
	w := &ciWriter{s: s, tx: tx, ctx: ctx, run: id, names: map[idKey]int64{}}
	if err := w.packages(r.Packages); err != nil {
		return false, err
	}
	if err := w.tests(r.Tests); err != nil {
		return false, err
	}
	if err := w.benchmarks(r.Benchmarks); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	s.mu.Lock()
	for k, v := range w.names {
		s.remember(k, v)
	}
	s.mu.Unlock()
	return true, nil
}

func micro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func ciCounts(r *store.CIRun) store.CICounts {
	c := store.CICounts{Packages: len(r.Packages), Tests: len(r.Tests), Benchmarks: len(r.Benchmarks)}
	for _, t := range r.Tests {
		switch t.Outcome {
		case store.CIPass:
			c.Passed++
		case store.CISkip:
			c.Skipped++
		default:
			c.Failed++ // failed or never finished
		}
	}
	return c
}

type ciWriter struct {
	s     *Store
	tx    *sql.Tx
	ctx   context.Context
	run   int64
	names map[idKey]int64 // created or read in this transaction
}

// nameID returns the id of a test or benchmark name, creating it when
// missing. Names are never deleted, so ids are cached once committed.
func (w *ciWriter) nameID(pkg, name string) (int64, error) {
	k := idKey{"gmd_ci_names", store.Clip(pkg), store.Clip(name)}
	if id, ok := w.names[k]; ok {
		return id, nil
	}
	w.s.mu.Lock()
	id, ok := w.s.ids[k]
	w.s.mu.Unlock()
	if ok {
		return id, nil
	}
	q := w.s.d.insertIgnore("gmd_ci_names", []string{"package", "name"}, []string{"package", "name"})
	if _, err := w.tx.ExecContext(w.ctx, q, k.service, k.name); err != nil {
		return 0, fmt.Errorf("naming %s %s: %w", pkg, name, err)
	}
	if err := w.tx.QueryRowContext(w.ctx, w.s.d.rebind(`SELECT id FROM gmd_ci_names WHERE package = ? AND name = ?`),
		k.service, k.name).Scan(&id); err != nil {
		return 0, fmt.Errorf("reading id of %s %s: %w", pkg, name, err)
	}
	w.names[k] = id
	return id, nil
}

// insert writes rows (each len(cols) values) in multi-row statements.
func (w *ciWriter) insert(table string, cols []string, rows [][]any) error {
	per := max(1, min(500, w.s.d.MaxParams/len(cols)))
	args := make([]any, 0, per*len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := w.s.d.rebind("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + values(len(cols), len(chunk)))
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return fmt.Errorf("inserting %d rows into %s: %w", len(chunk), table, err)
		}
	}
	return nil
}

func (w *ciWriter) packages(ps []store.CIPackage) error {
	rows := make([][]any, 0, len(ps))
	for _, p := range ps {
		rows = append(rows, []any{w.run, store.Clip(p.Name), store.Clip(p.Outcome), p.Elapsed.Microseconds()})
	}
	return w.insert("gmd_ci_packages", ciPackageCols, rows)
}

func (w *ciWriter) tests(ts []store.CITest) error {
	rows := make([][]any, 0, len(ts))
	for _, t := range ts {
		id, err := w.nameID(t.Package, t.Name)
		if err != nil {
			return err
		}
		rows = append(rows, []any{w.run, id, t.Run, store.Clip(t.Outcome), t.Elapsed.Microseconds()})
	}
	return w.insert("gmd_ci_tests", ciTestCols, rows)
}

func (w *ciWriter) benchmarks(bs []store.CIBenchmark) error {
	var rows [][]any
	for _, b := range bs {
		id, err := w.nameID(b.Package, b.Name)
		if err != nil {
			return err
		}
		for i, m := range b.Metrics {
			rows = append(rows, []any{w.run, id, b.Procs, b.Run, b.Iterations, i, store.Clip(m.Unit), m.Value})
		}
	}
	return w.insert("gmd_ci_benchmarks", ciBenchCols, rows)
}

// CIRuns lists runs, newest upload first.
func (s *Store) CIRuns(ctx context.Context, f store.CIRunFilter) ([]store.CIRun, error) {
	var wh where
	if f.Service != "" {
		wh.add("service = ?", store.Clip(f.Service))
	}
	if f.Version != "" {
		wh.add("version = ?", store.Clip(f.Version))
	}
	q := `SELECT id, service, run_key, content_hash, version, commit_id, branch, goos, goarch, cpu, started_us, uploaded_us,
packages, tests, passed, failed, skipped, bench_results FROM gmd_ci_runs` + wh.String() + ` ORDER BY uploaded_us DESC, id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.CIRun
	for rows.Next() {
		var r store.CIRun
		var started, uploaded int64
		c := &r.Counts
		if err := rows.Scan(&r.ID, &r.Service, &r.RunID, &r.Hash, &r.Version, &r.Commit, &r.Branch, &r.GoOS, &r.GoArch, &r.CPU,
			&started, &uploaded, &c.Packages, &c.Tests, &c.Passed, &c.Failed, &c.Skipped, &c.Benchmarks); err != nil {
			return nil, err
		}
		if started != 0 {
			r.Started = micros(started)
		}
		r.Uploaded = micros(uploaded)
		out = append(out, r)
	}
	return out, rows.Err()
}

// CIVersions lists the versions with runs, by first upload.
func (s *Store) CIVersions(ctx context.Context, service string) ([]store.CIVersion, error) {
	var wh where
	if service != "" {
		wh.add("service = ?", store.Clip(service))
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(`SELECT version, MIN(uploaded_us), MAX(uploaded_us), COUNT(*) FROM gmd_ci_runs`+
		wh.String()+` GROUP BY version ORDER BY MIN(uploaded_us), version`), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.CIVersion
	for rows.Next() {
		var v store.CIVersion
		var first, last int64
		if err := rows.Scan(&v.Name, &first, &last, &v.Runs); err != nil {
			return nil, err
		}
		v.FirstUploaded, v.LastUploaded = micros(first), micros(last)
		out = append(out, v)
	}
	return out, rows.Err()
}

func ciWhere(f store.CIFilter) *where {
	wh := &where{}
	if f.Service != "" {
		wh.add("r.service = ?", store.Clip(f.Service))
	}
	if len(f.Versions) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Versions)), ", ")
		wh.conds = append(wh.conds, "r.version IN ("+marks+")")
		for _, v := range f.Versions {
			wh.args = append(wh.args, store.Clip(v))
		}
	}
	if f.Package != "" {
		wh.add("n.package = ?", store.Clip(f.Package))
	}
	if f.Name != "" {
		wh.add("n.name = ?", store.Clip(f.Name))
	}
	return wh
}

// CITests streams test results.
func (s *Store) CITests(ctx context.Context, f store.CIFilter, fn func(*store.CITest) error) error {
	wh := ciWhere(f)
	q := `SELECT r.id, r.version, n.package, n.name, t.seq, t.outcome, t.elapsed_us
FROM gmd_ci_tests t JOIN gmd_ci_runs r ON r.id = t.run_id JOIN gmd_ci_names n ON n.id = t.name_id` + wh.String() +
		` ORDER BY r.uploaded_us, r.id, n.package, n.name, t.seq`
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var t store.CITest
	for rows.Next() {
		var us int64
		if err := rows.Scan(&t.RunID, &t.Version, &t.Package, &t.Name, &t.Run, &t.Outcome, &us); err != nil {
			return err
		}
		t.Elapsed = time.Duration(us) * time.Microsecond
		if err := fn(&t); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CIBenchmarks streams benchmark results, one call per result with all
// its metrics (stored one row per metric).
func (s *Store) CIBenchmarks(ctx context.Context, f store.CIFilter, fn func(*store.CIBenchmark) error) error {
	wh := ciWhere(f)
	q := `SELECT r.id, r.version, n.package, n.name, b.procs, b.seq, b.iterations, b.unit, b.value
FROM gmd_ci_benchmarks b JOIN gmd_ci_runs r ON r.id = b.run_id JOIN gmd_ci_names n ON n.id = b.name_id` + wh.String() +
		` ORDER BY r.uploaded_us, r.id, n.package, n.name, b.procs, b.seq, b.ord`
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur, next store.CIBenchmark
	have := false
	for rows.Next() {
		var m store.CIMetric
		if err := rows.Scan(&next.RunID, &next.Version, &next.Package, &next.Name, &next.Procs, &next.Run, &next.Iterations, &m.Unit, &m.Value); err != nil {
			return err
		}
		if have && (next.RunID != cur.RunID || next.Package != cur.Package || next.Name != cur.Name || next.Procs != cur.Procs || next.Run != cur.Run) {
			if err := fn(&cur); err != nil {
				return err
			}
			have = false
		}
		if !have {
			metrics := cur.Metrics[:0]
			cur = next
			cur.Metrics = metrics
			have = true
		}
		cur.Metrics = append(cur.Metrics, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if have {
		return fn(&cur)
	}
	return nil
}
