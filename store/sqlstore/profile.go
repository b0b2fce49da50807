package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

var profileCols = []string{"endpoint_id", "version_id", "instance_id", "start_us", "end_us", "samples", "wall_us", "data"}

// WriteProfiles stores profiles in one transaction.
func (s *Store) WriteProfiles(ctx context.Context, ps []store.Profile) error {
	if len(ps) == 0 {
		return nil
	}
	return s.Write(ctx, &store.Batch{Profiles: ps})
}

// profiles inserts a batch's profiles.
func (w *writeTx) profiles(ps []store.Profile) error {
	if len(ps) == 0 {
		return nil
	}
	q := w.s.d.rebind("INSERT INTO gmd_profiles (" + strings.Join(profileCols, ", ") + ") VALUES " + values(len(profileCols), 1))
	for i := range ps {
		p := &ps[i]
		ids, err := w.ids(p.Service, p.Instance, p.Endpoint, p.Version)
		if err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(w.ctx, q, ids.endpoint, ids.version, ids.instance, p.Start.UnixMicro(), p.End.UnixMicro(),
			p.Samples, p.Wall.Microseconds(), p.Data); err != nil {
			return fmt.Errorf("inserting profile of %q: %w", p.Endpoint, err)
		}
	}
	return nil
}

// Profiles streams the selected profiles, oldest first.
func (s *Store) Profiles(ctx context.Context, f store.ProfileFilter, fn func(*store.Profile) error) error {
	var wh where
	if f.Service != "" {
		wh.add("e.service = ?", f.Service)
	}
	if f.Endpoint != "" {
		wh.add("e.name = ?", store.Clip(f.Endpoint))
	}
	if f.Version != "" {
		wh.add("v.name = ?", store.Clip(f.Version))
	}
	if !f.Since.IsZero() {
		wh.add("p.end_us >= ?", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		wh.add("p.start_us < ?", f.Until.UnixMicro())
	}
	q := `SELECT p.id, e.service, i.name, e.name, v.name, p.start_us, p.end_us, p.samples, p.wall_us, p.data
FROM gmd_profiles p
JOIN gmd_endpoints e ON e.id = p.endpoint_id
JOIN gmd_versions v ON v.id = p.version_id
JOIN gmd_instances i ON i.id = p.instance_id` + wh.String() + ` ORDER BY p.start_us, p.id`
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p store.Profile
		var start, end, wall int64
		if err := rows.Scan(&p.ID, &p.Service, &p.Instance, &p.Endpoint, &p.Version, &start, &end, &p.Samples, &wall, &p.Data); err != nil {
			return err
		}
		p.Start, p.End, p.Wall = micros(start), micros(end), time.Duration(wall)*time.Microsecond
		if err := fn(&p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ProfileSummaries counts stored profiles per endpoint and version.
func (s *Store) ProfileSummaries(ctx context.Context, service, endpoint string) ([]store.ProfileSummary, error) {
	var wh where
	if service != "" {
		wh.add("e.service = ?", service)
	}
	if endpoint != "" {
		wh.add("e.name = ?", store.Clip(endpoint))
	}
	q := `SELECT e.name, v.name, COUNT(*), SUM(p.samples), SUM(p.wall_us), MIN(p.start_us), MAX(p.end_us)
FROM gmd_profiles p
JOIN gmd_endpoints e ON e.id = p.endpoint_id
JOIN gmd_versions v ON v.id = p.version_id` + wh.String() + `
GROUP BY e.name, v.name ORDER BY e.name, MIN(p.start_us), v.name`
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.ProfileSummary
	for rows.Next() {
		var p store.ProfileSummary
		var wall, first, last int64
		if err := rows.Scan(&p.Endpoint, &p.Version, &p.Profiles, &p.Samples, &wall, &first, &last); err != nil {
			return nil, err
		}
		p.Wall, p.First, p.Last = time.Duration(wall)*time.Microsecond, micros(first), micros(last)
		out = append(out, p)
	}
	return out, rows.Err()
}
