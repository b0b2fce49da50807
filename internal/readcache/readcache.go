// Package readcache keeps the sums of closed hours that the dashboard's
// pages ask for, so that a page loaded again, or another page over the
// same window, does not sum them again. A closed hour does not change;
// the open hour (the one now is in) is always read afresh and added to
// the kept sums. Entries live for a set time (QUERY_CACHE), which also
// bounds how long a late write into a closed hour (an instance writing
// its backlog after an outage) stays unseen.
package readcache

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// grace is how long after its end an hour counts as closed: the
// recorders write what they hold every FLUSH_INTERVAL (1 s by default), so
// the last rows of an hour arrive just after it.
const grace = time.Minute

// maxRows bounds the rollups kept over all entries, so that the cache's
// memory stays small whatever the pages ask for (a rollup with its
// histogram is a few hundred bytes).
const maxRows = 200_000

// Wrap returns st with SumRollups answered from kept sums of closed hours
// for ttl; ttl <= 0 returns st itself. now is the clock (nil: time.Now).
func Wrap(st store.Store, ttl time.Duration, now func() time.Time) store.Store {
	if ttl <= 0 {
		return st
	}
	if now == nil {
		now = time.Now
	}
	return &Store{Store: st, ttl: ttl, now: now, entries: map[key]*entry{}}
}

// Store is a store.Store whose SumRollups keeps sums of closed hours.
type Store struct {
	store.Store
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[key]*entry
	rows    int
	hits    int64
	misses  int64
}

type key struct {
	service, endpoint string
	since, until      int64 // Unix microseconds
	by                store.Dims
	hist              bool
}

type entry struct {
	rows    []store.Rollup
	expires time.Time
	ready   chan struct{} // closed when rows are set (or the read failed)
	err     error
	counted bool // its rows are in Store.rows
}

// Stats are the cache's counters.
type Stats struct {
	Entries, Rows int
	Hits, Misses  int64
}

// Stats returns the cache's counters.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Entries: len(s.entries), Rows: s.rows, Hits: s.hits, Misses: s.misses}
}

// SumRollups sums the closed hours of the window from the cache (reading
// them once per ttl) and the open hour afresh.
func (s *Store) SumRollups(ctx context.Context, f store.SumFilter) ([]store.Rollup, error) {
	now := s.now()
	open := store.HourOf(now.Add(-grace))
	if !f.Since.IsZero() && !f.Since.Before(open) {
		return s.Store.SumRollups(ctx, f) // only the open hour, or the future
	}
	closed := f
	if f.Until.IsZero() || f.Until.After(open) {
		closed.Until = open
	}
	kept, err := s.closedSums(ctx, closed, now)
	if err != nil {
		return nil, err
	}
	if !closed.Until.Equal(open) || f.Until.Equal(open) {
		return clone(kept), nil // the window ends within closed hours
	}
	fresh := f
	fresh.Since = open
	recent, err := s.Store.SumRollups(ctx, fresh)
	if err != nil {
		return nil, err
	}
	return merge(kept, recent), nil
}

// closedSums returns the kept sums of f, a window of closed hours, reading
// them when missing or expired. Concurrent callers of one window wait for
// one read.
func (s *Store) closedSums(ctx context.Context, f store.SumFilter, now time.Time) ([]store.Rollup, error) {
	k := key{service: f.Service, endpoint: f.Endpoint, until: f.Until.UnixMicro(), by: f.By, hist: f.Hist}
	if !f.Since.IsZero() {
		k.since = f.Since.UnixMicro()
	}
	for {
		rows, retry, err := s.closedOnce(ctx, k, f, now)
		if !retry {
			return rows, err
		}
	}
}

// closedOnce answers from the entry of k, or reads it. retry is set when
// the read this call waited for was stopped by its own caller leaving:
// the next try reads again.
func (s *Store) closedOnce(ctx context.Context, k key, f store.SumFilter, now time.Time) (rows []store.Rollup, retry bool, err error) {
	s.mu.Lock()
	e := s.entries[k]
	if e != nil && isReady(e) && (e.err != nil || !now.Before(e.expires)) {
		s.drop(k, e)
		e = nil
	}
	if e != nil {
		s.hits++
		s.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		if e.err != nil {
			return nil, ctx.Err() == nil && (errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded)), e.err
		}
		return e.rows, false, nil
	}
	s.misses++
	e = &entry{ready: make(chan struct{}), expires: now.Add(s.ttl)}
	s.entries[k] = e
	s.mu.Unlock()

	rows, err = s.Store.SumRollups(ctx, f)
	s.mu.Lock()
	e.rows, e.err = rows, err
	close(e.ready)
	if err != nil || len(rows) > maxRows/4 {
		s.drop(k, e) // failures are not kept; nor are sums too big to keep
	} else {
		s.rows += len(rows)
		e.counted = true
		s.evict(now)
	}
	s.mu.Unlock()
	return rows, false, err
}

// drop removes an entry; s.mu is held.
func (s *Store) drop(k key, e *entry) {
	if s.entries[k] == e {
		delete(s.entries, k)
		if e.counted {
			s.rows -= len(e.rows)
			e.counted = false
		}
	}
}

// evict removes expired entries, then the soonest to expire, until the
// kept rows fit maxRows; s.mu is held.
func (s *Store) evict(now time.Time) {
	for k, e := range s.entries {
		if isReady(e) && !now.Before(e.expires) {
			s.drop(k, e)
		}
	}
	for s.rows > maxRows {
		var oldest key
		var found *entry
		for k, e := range s.entries {
			if isReady(e) && (found == nil || e.expires.Before(found.expires)) {
				oldest, found = k, e
			}
		}
		if found == nil {
			return
		}
		s.drop(oldest, found)
	}
}

func isReady(e *entry) bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

// clone copies kept rollups for a caller, who may change them.
func clone(rs []store.Rollup) []store.Rollup {
	out := slices.Clone(rs)
	for i := range out {
		if out[i].Hist != nil {
			h := make(store.Histogram, len(out[i].Hist))
			h.Merge(out[i].Hist)
			out[i].Hist = h
		}
	}
	return out
}

// merge adds the open hour's sums (every field of store.Rollup that
// SumRollups sums: TestMergeKnowsEveryField fails when one is added) to copies of the closed hours' sums,
// group by group, in SumRollups' order (endpoint, version, hour,
// instance).
func merge(kept, recent []store.Rollup) []store.Rollup {
	out := clone(kept)
	at := make(map[groupKey]int, len(out))
	for i, r := range out {
		at[groupOf(r)] = i
	}
	added := false
	for _, r := range recent {
		i, ok := at[groupOf(r)]
		if !ok {
			added = true
			if r.Hist != nil {
				h := make(store.Histogram, len(r.Hist))
				h.Merge(r.Hist)
				r.Hist = h
			}
			out = append(out, r)
			continue
		}
		o := &out[i]
		switch {
		case o.Count == 0:
			o.Min, o.Max = r.Min, r.Max
		case r.Count > 0:
			o.Min, o.Max = min(o.Min, r.Min), max(o.Max, r.Max)
		}
		o.Count += r.Count
		o.Errors += r.Errors
		for j := range o.Status {
			o.Status[j] += r.Status[j]
		}
		o.Sum += r.Sum
		if r.Last5xx.After(o.Last5xx) {
			o.Last5xx = r.Last5xx
		}
		if r.Hist != nil {
			if o.Hist == nil {
				o.Hist = store.Histogram{}
			}
			o.Hist.Merge(r.Hist)
		}
	}
	if !added {
		return out
	}
	// A group new in the open hour: put it in SumRollups' order.
	slices.SortStableFunc(out, func(a, b store.Rollup) int {
		if c := strings.Compare(a.Endpoint, b.Endpoint); c != 0 {
			return c
		}
		if c := strings.Compare(a.Version, b.Version); c != 0 {
			return c
		}
		if c := a.Hour.Compare(b.Hour); c != 0 {
			return c
		}
		return strings.Compare(a.Instance, b.Instance)
	})
	return out
}

type groupKey struct {
	endpoint, version, instance string
	hour                        int64
}

func groupOf(r store.Rollup) groupKey {
	return groupKey{r.Endpoint, r.Version, r.Instance, r.Hour.UnixMicro()}
}
