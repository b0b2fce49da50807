package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// backfillBatch is the number of requests written per transaction. Larger
// than the recorder's batches: history is written once, as fast as it can.
const backfillBatch = 5000

// Summary counts what a backfill wrote.
type Summary struct {
	Requests   int64
	ByVersion  map[string]int64
	ByUser     map[string]int64 // "" for requests without a user
	ByEndpoint map[string]int64
	Errors     int64 // status >= 500
	Elapsed    time.Duration
}

// BackfillOptions say what to write.
type BackfillOptions struct {
	From, To time.Time // the period; zero: the World's whole history
	// Version, when set, is the version of every request (filling the
	// gap since an earlier run); otherwise the releases decide.
	Version string
	Seed    uint64
}

// Backfill writes synthetic requests of w into st through Write, in
// batches shaped like the recorder's: the service's endpoints and
// versions are declared (with their first-seen times) in the first batch,
// and every request carries service, instance, version, user and IP, so
// that the store's rollups are made exactly as for live traffic.
func Backfill(ctx context.Context, st store.Store, w *World, o BackfillOptions) (Summary, error) {
	began := time.Now()
	if o.From.IsZero() {
		o.From = w.Start
	}
	if o.To.IsZero() {
		o.To = w.End
	}
	sum := Summary{ByVersion: map[string]int64{}, ByUser: map[string]int64{}, ByEndpoint: map[string]int64{}}
	rng := rand.New(rand.NewPCG(o.Seed, uint64(o.From.UnixNano())))
	b := &store.Batch{Service: w.Service, Instance: w.Instance}
	for _, e := range w.endpoints {
		b.Endpoints = append(b.Endpoints, store.Endpoint{Service: w.Service, Name: e.Name(), Methods: []string{e.method},
			Level: store.LevelTiming, FirstSeen: w.Start})
	}
	for _, r := range w.Releases {
		if o.Version == "" || r.Name == o.Version {
			since := r.Since
			if o.Version != "" && since.After(o.From) {
				since = o.From
			}
			b.Versions = append(b.Versions, store.Version{Service: w.Service, Name: r.Name, FirstSeen: since})
		}
	}
	flush := func() error {
		if err := st.Write(ctx, b); err != nil {
			return err
		}
		b.Requests, b.Endpoints, b.Versions = b.Requests[:0], nil, nil
		return nil
	}
	var offsets []time.Duration
	for hour := store.HourOf(o.From); hour.Before(o.To); hour = hour.Add(time.Hour) {
		n := poisson(rng, w.rate(hour))
		offsets = offsets[:0]
		for i := 0; i < n; i++ {
			offsets = append(offsets, time.Duration(rng.Int64N(int64(time.Hour))).Truncate(time.Microsecond))
		}
		sort.Slice(offsets, func(i, j int) bool { return offsets[i] < offsets[j] })
		for _, off := range offsets {
			t := hour.Add(off)
			if t.Before(o.From) || !t.Before(o.To) {
				continue
			}
			ver := o.Version
			if ver == "" {
				ver = w.versionAt(t)
			}
			c := w.draw(rng, t, ver)
			r := store.Request{Service: w.Service, Instance: w.Instance, Endpoint: c.ep.Name(), Method: c.ep.method,
				Status: c.status, Start: t, Duration: c.duration.Truncate(time.Microsecond), Version: ver, IP: c.ip}
			if c.user != nil {
				r.Group = c.user.Name
			}
			b.Requests = append(b.Requests, r)
			sum.Requests++
			sum.ByVersion[ver]++
			sum.ByUser[r.Group]++
			sum.ByEndpoint[r.Endpoint]++
			if r.Status >= 500 {
				sum.Errors++
			}
			if len(b.Requests) == backfillBatch {
				if err := flush(); err != nil {
					return sum, err
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return sum, err
		}
	}
	if len(b.Requests) > 0 || len(b.Endpoints) > 0 || len(b.Versions) > 0 {
		if err := flush(); err != nil {
			return sum, err
		}
	}
	sum.Elapsed = time.Since(began)
	return sum, nil
}

// poisson draws a Poisson-distributed count with mean m (normal
// approximation above 30, which is plenty for traffic).
func poisson(rng *rand.Rand, m float64) int {
	if m <= 0 {
		return 0
	}
	if m > 30 {
		return max(0, int(math.Round(m+rng.NormFloat64()*math.Sqrt(m))))
	}
	l, k, p := math.Exp(-m), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
