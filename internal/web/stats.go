package web

import (
	"context"
	"math"
	"sort"

	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The pages' and the API's figures all come from internal/query, which
// reads the store; this file only connects the two: the scope of the
// queries, the statistics' hour resolution, and the endpoints that the
// running dashboard knows but has not stored yet.

// scope is what the read models read for the shown service, in the
// dashboard's zone, at one moment for the whole page.
func (s *Server) scope(sv *shown) query.Scope {
	return query.Scope{Store: s.store, Service: sv.Name, Loc: s.loc(), Now: s.now()}
}

// hourly widens w to the statistics' resolution: they come from hourly
// rollups, so the hour holding Since counts (as docs/API.md says).
func hourly(w query.Window) query.Window {
	if !w.Since.IsZero() {
		w.Since = store.HourOf(w.Since)
	}
	return w
}

// endpoints lists every endpoint of the shown service with its figures
// over w (see query.Endpoints), completed by running.
func (s *Server) endpoints(ctx context.Context, sv *shown, w query.Window, durations bool) ([]query.EndpointSummary, error) {
	rows, err := query.Endpoints(ctx, s.scope(sv), hourly(w), durations)
	if err != nil {
		return nil, err
	}
	return s.running(sv, rows), nil
}

// running, for the dashboard's own service, sets each row's level to
// the one in effect and adds the endpoints the running dashboard knows but
// has not written yet, so that their level can be set before their first
// request. Rows come back sorted by name.
func (s *Server) running(sv *shown, rows []query.EndpointSummary) []query.EndpointSummary {
	if sv.Own {
		seen := make(map[string]bool, len(rows))
		for i := range rows {
			seen[rows[i].Name] = true
		}
		for _, name := range s.opts.Endpoints() {
			if !seen[name] {
				rows = append(rows, query.EndpointSummary{Name: name})
			}
		}
		for i := range rows {
			if lv, ok := s.opts.Level(rows[i].Name); ok {
				rows[i].Level = lv
			}
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}

// roundMs rounds milliseconds to the microsecond, the resolution of every
// stored duration: the API and the pages' sort keys show the same number.
func roundMs(ms float64) float64 { return math.Round(ms*1000) / 1000 }
