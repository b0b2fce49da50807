package sqlstore

import (
	"context"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Services lists every service that has a name row of any kind: a service
// declares its version and endpoints at start, before any request.
func (s *Store) Services(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT service FROM gmd_versions UNION SELECT service FROM gmd_endpoints
UNION SELECT service FROM gmd_instances ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

// Instances lists instances with when they first and last wrote.
func (s *Store) Instances(ctx context.Context, service string) ([]store.Instance, error) {
	var wh where
	if service != "" {
		wh.add("service = ?", service)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(`SELECT service, name, first_seen_us, COALESCE(last_seen_us, 0) FROM gmd_instances`+
		wh.String()+` ORDER BY service, name`), wh.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Instance
	for rows.Next() {
		var in store.Instance
		var first, last int64
		if err := rows.Scan(&in.Service, &in.Name, &first, &last); err != nil {
			return nil, err
		}
		in.FirstSeen = micros(first)
		if last > 0 {
			in.LastSeen = micros(last)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}
