package benchdb

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The pinned shape of the benchmarks' traffic. Change any of it and bump
// generator.
const (
	Days      = 30
	Endpoints = 20
	Versions  = 8
	Instances = 2
	Users     = 1000
	Addresses = 500
	// ErrorRate is the share of requests answered with a 5xx status.
	ErrorRate = 0.005
	// BatchSize is the rows per Write, the recorder's default batch.
	BatchSize = 1000
)

// endpoints are the service's routes, busiest first.
var endpoints = [Endpoints]struct {
	method, path string
	median       time.Duration // typical duration
}{
	{"GET", "/books/{id}", 4 * time.Millisecond},
	{"GET", "/books", 12 * time.Millisecond},
	{"GET", "/", 3 * time.Millisecond},
	{"GET", "/search", 35 * time.Millisecond},
	{"GET", "/authors/{id}", 6 * time.Millisecond},
	{"GET", "/cart", 5 * time.Millisecond},
	{"POST", "/cart/items", 9 * time.Millisecond},
	{"GET", "/reviews/{book}", 8 * time.Millisecond},
	{"GET", "/recommendations", 60 * time.Millisecond},
	{"GET", "/static/{file...}", 1 * time.Millisecond},
	{"DELETE", "/cart/items/{id}", 7 * time.Millisecond},
	{"GET", "/account", 5 * time.Millisecond},
	{"POST", "/login", 80 * time.Millisecond},
	{"GET", "/orders", 15 * time.Millisecond},
	{"GET", "/orders/{id}", 10 * time.Millisecond},
	{"POST", "/checkout", 120 * time.Millisecond},
	{"POST", "/reviews/{book}", 20 * time.Millisecond},
	{"PUT", "/account", 25 * time.Millisecond},
	{"POST", "/logout", 2 * time.Millisecond},
	{"GET", "/healthz", 200 * time.Microsecond},
}

// EndpointName is the name of the i-th endpoint (0 the busiest).
func EndpointName(i int) string { return endpoints[i].method + " " + endpoints[i].path }

// VersionName is the name of the i-th version (0 the oldest).
func VersionName(i int) string { return fmt.Sprintf("v1.%d.0", i) }

// InstanceName is the name of the i-th instance.
func InstanceName(i int) string { return fmt.Sprintf("web-%d", i+1) }

// Start is when the history begins, Days before End.
func Start() time.Time { return End().Add(-Days * 24 * time.Hour) }

// Fill writes the pinned shape's history of the given number of requests
// into st, in time order, the way a live service's instances write it:
// each instance has its own batches of up to BatchSize rows, written
// through st.Write as the recorder writes them, so the store makes its
// rollups as it does for live traffic. Every batch is written before the
// next hour's rows (the two instances' rows interleave within an hour). Endpoints are declared in each instance's
// first batch and versions in the batch of their first request.
//
// Traffic follows the day (busier in the afternoon, quieter at weekends);
// endpoints and users are used with skewed frequencies; version k is
// released at day 30·k/8, one instance an hour before the other; 0.5% of
// requests answer 500, 2% 404. The same rows are written every time.
func Fill(ctx context.Context, st store.Store, rows int) error {
	rng := rand.New(rand.NewPCG(generator, uint64(rows)))
	start, end := Start(), End()
	g := newGen(rng)

	type inst struct {
		b        store.Batch
		declared bool
		version  int // newest version declared
	}
	var insts [Instances]*inst
	for i := range insts {
		insts[i] = &inst{b: store.Batch{Service: Service, Instance: InstanceName(i)}, version: -1}
		insts[i].b.Requests = make([]store.Request, 0, BatchSize)
	}
	flush := func(in *inst) error {
		if len(in.b.Requests) == 0 && len(in.b.Endpoints) == 0 && len(in.b.Versions) == 0 {
			return nil
		}
		if err := st.Write(ctx, &in.b); err != nil {
			return err
		}
		in.b.Requests, in.b.Endpoints, in.b.Versions = in.b.Requests[:0], nil, nil
		return nil
	}

	// The number of requests of each hour: its share of the total by the
	// hours' weights, rounded so that the shares add up to rows exactly.
	hours := int(end.Sub(start) / time.Hour)
	weights := make([]float64, hours)
	var total float64
	for h := range weights {
		weights[h] = hourWeight(start.Add(time.Duration(h) * time.Hour))
		total += weights[h]
	}
	var cum float64
	written := 0
	var offsets []int64
	for h := range hours {
		cum += weights[h]
		n := int(math.Round(cum/total*float64(rows))) - written
		written += n
		hour := start.Add(time.Duration(h) * time.Hour)
		offsets = offsets[:0]
		for range n {
			offsets = append(offsets, rng.Int64N(int64(time.Hour/time.Microsecond)))
		}
		slices.Sort(offsets)
		for _, off := range offsets {
			t := hour.Add(time.Duration(off) * time.Microsecond)
			i := rng.IntN(Instances)
			in := insts[i]
			if !in.declared {
				in.declared = true
				for e := range endpoints {
					in.b.Endpoints = append(in.b.Endpoints, store.Endpoint{Service: Service, Name: EndpointName(e),
						Methods: []string{endpoints[e].method}, Level: store.LevelTiming, FirstSeen: start})
				}
			}
			v := versionAt(t, i)
			for in.version < v {
				in.version++
				in.b.Versions = append(in.b.Versions, store.Version{Service: Service, Name: VersionName(in.version), FirstSeen: t})
			}
			in.b.Requests = append(in.b.Requests, g.request(t, in.b.Instance, v))
			if len(in.b.Requests) == BatchSize {
				if err := flush(in); err != nil {
					return err
				}
			}
		}
		// The recorder writes at least every second: no row waits into
		// the next hour.
		for _, in := range insts {
			if err := flush(in); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// hourWeight is the relative traffic of the hour starting at t: a day's
// curve peaking at 15:00 UTC, and weekends at 70%.
func hourWeight(t time.Time) float64 {
	w := 1 + 0.6*math.Sin(2*math.Pi*float64(t.Hour()-9)/24)
	if d := t.Weekday(); d == time.Saturday || d == time.Sunday {
		w *= 0.7
	}
	return w
}

// versionAt is the version instance i runs at t: version k is released at
// Start + k·Days/Versions, on the first instance an hour before the
// others (a rolling deploy).
func versionAt(t time.Time, instance int) int {
	since := t.Sub(Start())
	if instance > 0 {
		since -= time.Hour
	}
	v := int(since / (Days * 24 * time.Hour / Versions))
	return min(max(v, 0), Versions-1)
}

// gen draws the parts of a request.
type gen struct {
	rng      *rand.Rand
	endpoint []float64 // cumulative weights
	user     *rand.Zipf
	users    [Users]string
	ips      [Addresses]string
	speed    [Versions]float64 // each version's duration factor
}

func newGen(rng *rand.Rand) *gen {
	g := &gen{rng: rng, user: rand.NewZipf(rng, 1.2, 8, Users-1)}
	var cum float64
	for i := range endpoints {
		cum += 1 / math.Pow(float64(i+1), 0.9)
		g.endpoint = append(g.endpoint, cum)
	}
	for i := range g.users {
		g.users[i] = fmt.Sprintf("user%04d", i+1)
	}
	for i := range g.ips {
		g.ips[i] = fmt.Sprintf("10.%d.%d.%d", i/250, i%250, 1+i%7)
	}
	for v := range g.speed {
		g.speed[v] = 1 + 0.08*float64((v*3)%5-2) // some releases faster, some slower
	}
	return g
}

func (g *gen) request(t time.Time, instance string, version int) store.Request {
	x := g.rng.Float64() * g.endpoint[len(g.endpoint)-1]
	e, _ := slices.BinarySearch(g.endpoint, x)
	e = min(e, Endpoints-1)
	ep := endpoints[e]
	r := store.Request{Service: Service, Instance: instance, Endpoint: EndpointName(e), Method: ep.method,
		Start: t, Version: VersionName(version), Status: 200}
	if ep.method == "POST" {
		r.Status = 201
	}
	switch p := g.rng.Float64(); {
	case p < ErrorRate:
		r.Status = 500
	case p < ErrorRate+0.02:
		r.Status = 404
	}
	// 5% of requests come from no user, from any address; a user mostly
	// uses one address.
	if g.rng.IntN(20) == 0 {
		r.IP = g.ips[g.rng.IntN(Addresses)]
	} else {
		u := int(g.user.Uint64())
		r.Group = g.users[u]
		if g.rng.IntN(10) == 0 {
			r.IP = g.ips[g.rng.IntN(Addresses)]
		} else {
			r.IP = g.ips[u%Addresses]
		}
	}
	d := float64(ep.median) * g.speed[version] * math.Exp(0.5*g.rng.NormFloat64())
	if r.Status >= 500 {
		d *= 3
	}
	r.Duration = max(time.Duration(d).Truncate(time.Microsecond), time.Microsecond)
	return r
}
