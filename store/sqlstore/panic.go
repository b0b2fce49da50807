package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

var (
	errorVersionCols = []string{"group_id", "version_id", "hits", "first_seen_us", "last_seen_us"}
	errorVersionKeys = errorVersionCols[:2]
	errorVersionAdd  = []string{"hits"}
	errorVersionMin  = []string{"first_seen_us"}
	errorVersionMax  = []string{"last_seen_us"}
)

// WritePanics adds panics to their groups in one transaction.
func (s *Store) WritePanics(ctx context.Context, ps []store.Panic) error {
	if len(ps) == 0 {
		return nil
	}
	return s.Write(ctx, &store.Batch{Panics: ps})
}

// panics adds a batch's panics to their groups.
func (w *writeTx) panics(ps []store.Panic) error {
	if len(ps) == 0 {
		return nil
	}
	s, ctx := w.s, w.ctx
	// Groups are updated in key order, so that two instances writing the
	// same groups never wait for each other in a cycle.
	ps = append([]store.Panic(nil), ps...)
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Service != ps[j].Service {
			return ps[i].Service < ps[j].Service
		}
		if ps[i].Endpoint != ps[j].Endpoint {
			return ps[i].Endpoint < ps[j].Endpoint
		}
		return ps[i].Signature < ps[j].Signature
	})
	ins := s.d.insertIgnore("gmd_error_groups",
		[]string{"endpoint_id", "signature", "value", "stack", "hits", "first_seen_us", "last_seen_us"},
		[]string{"endpoint_id", "signature"})
	sel := s.d.rebind("SELECT id FROM gmd_error_groups WHERE endpoint_id = ? AND signature = ?")
	// value and stack come before last_seen_us: MySQL evaluates the
	// assignments in order, with the values already assigned, so
	// they must compare against the old last_seen_us.
	upd := s.d.rebind(`UPDATE gmd_error_groups SET
value = CASE WHEN ? >= last_seen_us THEN ? ELSE value END,
stack = CASE WHEN ? >= last_seen_us THEN ? ELSE stack END,
hits = hits + ?,
first_seen_us = ` + s.d.Least + `(first_seen_us, ?),
last_seen_us = ` + s.d.Greatest + `(last_seen_us, ?)
WHERE id = ?`)
	ver := s.d.upsert("gmd_error_versions", errorVersionCols, errorVersionKeys, errorVersionAdd, errorVersionMin, errorVersionMax, 1)
	for i := range ps {
		p := &ps[i]
		if p.Count <= 0 {
			continue
		}
		ids, err := w.ids(p.Service, p.Instance, p.Endpoint, p.Version)
		if err != nil {
			return err
		}
		sig := store.Clip(p.Signature)
		first, last := p.First.UnixMicro(), p.Last.UnixMicro()
		if _, err := w.tx.ExecContext(ctx, ins, ids.endpoint, sig, p.Value, p.Stack, 0, first, last); err != nil {
			return fmt.Errorf("creating error group of %q: %w", p.Endpoint, err)
		}
		var gid int64
		if err := w.tx.QueryRowContext(ctx, sel, ids.endpoint, sig).Scan(&gid); err != nil {
			return fmt.Errorf("reading error group of %q: %w", p.Endpoint, err)
		}
		if _, err := w.tx.ExecContext(ctx, upd, last, p.Value, last, p.Stack, p.Count, first, last, gid); err != nil {
			return fmt.Errorf("updating error group of %q: %w", p.Endpoint, err)
		}
		if _, err := w.tx.ExecContext(ctx, ver, gid, ids.version, p.Count, first, last); err != nil {
			return fmt.Errorf("counting error group of %q by version: %w", p.Endpoint, err)
		}
	}
	return nil
}

// ErrorGroups lists error groups, most recently seen first, with their
// versions.
func (s *Store) ErrorGroups(ctx context.Context, f store.ErrorFilter) ([]store.ErrorGroup, error) {
	var wh where
	if f.Service != "" {
		wh.add("e.service = ?", f.Service)
	}
	if f.Endpoint != "" {
		wh.add("e.name = ?", store.Clip(f.Endpoint))
	}
	if !f.Since.IsZero() {
		wh.add("g.last_seen_us >= ?", f.Since.UnixMicro())
	}
	q := `SELECT g.id, e.service, e.name, g.signature, g.value, g.stack, g.hits, g.first_seen_us, g.last_seen_us
FROM gmd_error_groups g JOIN gmd_endpoints e ON e.id = g.endpoint_id` + wh.String() + ` ORDER BY g.last_seen_us DESC, g.id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, s.d.rebind(q), wh.args...)
	if err != nil {
		return nil, err
	}
	var out []store.ErrorGroup
	idx := map[int64]int{}
	for rows.Next() {
		var g store.ErrorGroup
		var first, last int64
		if err := rows.Scan(&g.ID, &g.Service, &g.Endpoint, &g.Signature, &g.Value, &g.Stack, &g.Count, &first, &last); err != nil {
			rows.Close()
			return nil, err
		}
		g.First, g.Last = micros(first), micros(last)
		idx[g.ID] = len(out)
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// The versions of the groups listed, in chunks that respect the
	// dialect's limit on parameters.
	gids := make([]any, 0, len(out))
	for _, g := range out {
		gids = append(gids, g.ID)
	}
	per := max(1, min(500, s.d.MaxParams))
	for start := 0; start < len(gids); start += per {
		chunk := gids[start:min(start+per, len(gids))]
		q := `SELECT x.group_id, v.name, x.hits, x.first_seen_us, x.last_seen_us FROM gmd_error_versions x
JOIN gmd_versions v ON v.id = x.version_id WHERE x.group_id IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ") + `)`
		rows, err := s.r.QueryContext(ctx, s.d.rebind(q), chunk...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var gid, first, last int64
			var v store.ErrorVersion
			if err := rows.Scan(&gid, &v.Version, &v.Count, &first, &last); err != nil {
				rows.Close()
				return nil, err
			}
			v.First, v.Last = micros(first), micros(last)
			g := &out[idx[gid]]
			g.Versions = append(g.Versions, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for i := range out {
		vs := out[i].Versions
		sort.Slice(vs, func(a, b int) bool {
			if !vs[a].First.Equal(vs[b].First) {
				return vs[a].First.Before(vs[b].First)
			}
			return vs[a].Version < vs[b].Version
		})
	}
	return out, nil
}
