package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// World is the simulated book shop: its endpoints and how fast they are in
// each release, its users and their addresses, and its release history.
// The backfilled history and the live service draw from the same World, so
// live requests continue the history's figures.
type World struct {
	Service  string
	Instance string
	Start    time.Time // first day of the history
	End      time.Time // the moment the history ends (the demo's start)
	Releases []Release // oldest first; the last is the live version
	Users    []User
	Loc      *time.Location // zone of the daily traffic pattern
	PerHour  float64        // average requests per hour of the history
	// Incident is an hour range of failing orders (503s, slow), shown in
	// the status and hourly charts.
	IncidentStart, IncidentEnd time.Time

	endpoints []endpoint
	userCDF   []float64
	epCDF     []float64
}

// Release is a version of the shop and when it was first seen.
type Release struct {
	Name  string
	Since time.Time
	Note  string // what changed, for the demo's printout
}

// User is a simulated customer.
type User struct {
	Name   string
	IPs    []string
	Weight float64
	// Items is the size of the user's order history at the start; it
	// grows over the days, and GET /users/{id}/history reads all of it.
	Items int
}

// WorldOptions choose the size of a World.
type WorldOptions struct {
	Users   int     // default 40
	Days    int     // default 30
	PerHour float64 // default 200
	End     time.Time
	Seed    uint64
	Loc     *time.Location // default time.Local
}

// Release names. The live service runs the last one.
const (
	v100 = "1.0.0"
	v110 = "1.1.0"
	v120 = "1.2.0"
	v121 = "1.2.1"
)

var firstNames = []string{
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
	"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "xena",
	"yusuf", "zoe", "amir", "bea", "chen", "dmitri", "elif", "farah", "goran", "hana",
	"ines", "jonas", "kofi", "lena", "mateo", "noor", "oskar", "priya", "quinn", "rosa",
}

// NewWorld makes the shop's world for a history of o.Days days ending at
// o.End. The same options give the same world.
func NewWorld(o WorldOptions) *World {
	if o.Users <= 0 {
		o.Users = 40
	}
	if o.Days <= 0 {
		o.Days = 30
	}
	if o.PerHour <= 0 {
		o.PerHour = 200
	}
	if o.End.IsZero() {
		o.End = time.Now()
	}
	if o.Loc == nil {
		o.Loc = time.Local
	}
	span := time.Duration(o.Days) * 24 * time.Hour
	start := o.End.Add(-span)
	at := func(f float64) time.Time { return start.Add(time.Duration(f * float64(span))).Truncate(time.Minute) }
	w := &World{
		Service: "bookshop", Instance: "demo-1", Start: start, End: o.End, Loc: o.Loc, PerHour: o.PerHour,
		Releases: []Release{
			{v100, start, "first release"},
			{v110, at(0.4), "GET /books answers from a cache: faster"},
			{v120, at(0.75), "GET /search lost its index: much slower"},
			{v121, at(0.93), "GET /search fixed"},
		},
		endpoints: shopEndpoints(),
	}
	// A three-hour outage of the payment service a third of the way back.
	w.IncidentStart = at(0.7).Truncate(time.Hour).Add(2 * time.Hour)
	w.IncidentEnd = w.IncidentStart.Add(3 * time.Hour)

	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	for i := 0; i < o.Users; i++ {
		name := firstNames[i%len(firstNames)]
		if i >= len(firstNames) {
			name = fmt.Sprintf("%s%d", name, i/len(firstNames)+1)
		}
		u := User{Name: name, Weight: 1 / math.Pow(float64(i+1), 0.8)}
		// Heavy users have long histories: from a dozen to a few thousand items.
		u.Items = int(12 * math.Pow(250, rng.Float64()))
		for k := 0; k <= rng.IntN(3); k++ {
			u.IPs = append(u.IPs, randomIP(rng))
		}
		w.Users = append(w.Users, u)
	}
	var sum float64
	for _, u := range w.Users {
		sum += u.Weight
		w.userCDF = append(w.userCDF, sum)
	}
	sum = 0
	for _, e := range w.endpoints {
		sum += e.weight
		w.epCDF = append(w.epCDF, sum)
	}
	return w
}

// randomIP returns an address from the ranges reserved for documentation.
func randomIP(rng *rand.Rand) string {
	nets := []string{"192.0.2.", "198.51.100.", "203.0.113."}
	return nets[rng.IntN(len(nets))] + fmt.Sprint(1+rng.IntN(254))
}

// Live is the version the live service runs.
func (w *World) Live() string { return w.Releases[len(w.Releases)-1].Name }

// versionAt returns the release running at t.
func (w *World) versionAt(t time.Time) string {
	v := w.Releases[0].Name
	for _, r := range w.Releases {
		if !t.Before(r.Since) {
			v = r.Name
		}
	}
	return v
}

// rate returns the expected number of requests in the hour starting at t:
// busy working hours, quiet nights, calmer weekends.
func (w *World) rate(t time.Time) float64 {
	lt := t.In(w.Loc)
	h := float64(lt.Hour())
	// A day curve between 0.15 at night and about 1.85 in the afternoon,
	// which averages to about one.
	day := 1 + 0.85*math.Sin((h-9)/24*2*math.Pi)
	if h >= 9 && h <= 17 {
		day += 0.4
	}
	day = max(day, 0.15)
	week := 1.0
	if wd := lt.Weekday(); wd == time.Saturday || wd == time.Sunday {
		week = 0.45
	}
	return w.PerHour * day * week / 1.1
}

// Expected returns the number of requests the history is expected to hold
// in the hours that start in [from, to).
func (w *World) Expected(from, to time.Time) float64 {
	var n float64
	for h := from.Truncate(time.Hour); h.Before(to); h = h.Add(time.Hour) {
		if !h.Before(from) {
			n += w.rate(h)
		}
	}
	return n
}

func (w *World) pickUser(rng *rand.Rand) *User { return &w.Users[pick(rng, w.userCDF)] }

func (w *World) pickEndpoint(rng *rand.Rand) *endpoint { return &w.endpoints[pick(rng, w.epCDF)] }

// pick draws an index with the weights whose running sums are cdf.
func pick(rng *rand.Rand, cdf []float64) int {
	x := rng.Float64() * cdf[len(cdf)-1]
	for i, c := range cdf {
		if x < c {
			return i
		}
	}
	return len(cdf) - 1
}

// items is the size of u's history at t: it doubles over the history.
func (w *World) items(u *User, t time.Time) int {
	f := float64(t.Sub(w.Start)) / float64(w.End.Sub(w.Start))
	return u.Items + int(float64(u.Items)*max(0, f))
}

func (w *World) user(name string) *User {
	for i := range w.Users {
		if w.Users[i].Name == name {
			return &w.Users[i]
		}
	}
	return nil
}

func (w *World) incident(t time.Time) bool {
	return !t.Before(w.IncidentStart) && t.Before(w.IncidentEnd)
}

// call is one simulated request.
type call struct {
	ep       *endpoint
	user     *User // nil for the health checker
	ip       string
	path     string
	version  string
	duration time.Duration
	status   int
}

// draw simulates a request at t in version ver.
func (w *World) draw(rng *rand.Rand, t time.Time, ver string) call {
	ep := w.pickEndpoint(rng)
	c := call{ep: ep, version: ver}
	if ep.anonymous {
		c.ip = "10.0.0.2" // the load balancer's health checker
	} else {
		c.user = w.pickUser(rng)
		c.ip = c.user.IPs[rng.IntN(len(c.user.IPs))]
	}
	c.path = ep.path(rng, c.user)
	c.duration, c.status = w.outcome(rng, ep, c.user, t, ver)
	return c
}

// outcome draws the duration and status of a request to ep.
func (w *World) outcome(rng *rand.Rand, ep *endpoint, u *User, t time.Time, ver string) (time.Duration, int) {
	median, sigma := ep.latency(w, ver, u, t)
	d := time.Duration(float64(median) * math.Exp(rng.NormFloat64()*sigma))
	status := ep.status(rng, ver)
	if ep.pattern == "/orders" && w.incident(t) {
		d *= 6
		if rng.Float64() < 0.35 {
			status = 503
		}
	}
	return max(d, 50*time.Microsecond), status
}

// endpoint is a route of the shop and its behaviour.
type endpoint struct {
	method, pattern string
	weight          float64
	anonymous       bool // called without a user
	latency         func(w *World, ver string, u *User, t time.Time) (median time.Duration, sigma float64)
	status          func(rng *rand.Rand, ver string) int
	path            func(rng *rand.Rand, u *User) string
}

// Name is the route pattern as the dashboard records it.
func (e *endpoint) Name() string { return e.method + " " + e.pattern }

func ms(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }

func fail(rng *rand.Rand, p float64, code int) int {
	if rng.Float64() < p {
		return code
	}
	return 200
}

func fixed(p string) func(*rand.Rand, *User) string {
	return func(*rand.Rand, *User) string { return p }
}

func shopEndpoints() []endpoint {
	return []endpoint{
		{
			method: "GET", pattern: "/books", weight: 25,
			latency: func(_ *World, ver string, _ *User, _ time.Time) (time.Duration, float64) {
				if ver == v100 {
					return ms(12), 0.35
				}
				return ms(5), 0.35 // cached from 1.1.0 on
			},
			status: func(rng *rand.Rand, _ string) int { return fail(rng, 0.002, 500) },
			path:   fixed("/books"),
		},
		{
			method: "GET", pattern: "/books/{id}", weight: 30,
			latency: func(*World, string, *User, time.Time) (time.Duration, float64) { return ms(3), 0.5 },
			status:  func(rng *rand.Rand, _ string) int { return fail(rng, 0.06, 404) },
			path:    func(rng *rand.Rand, _ *User) string { return fmt.Sprintf("/books/%d", 1+rng.IntN(500)) },
		},
		{
			method: "GET", pattern: "/search", weight: 15,
			latency: func(_ *World, ver string, _ *User, _ time.Time) (time.Duration, float64) {
				switch ver {
				case v120:
					return ms(110), 0.6
				case v121:
					return ms(44), 0.55
				}
				return ms(40), 0.55
			},
			status: func(rng *rand.Rand, ver string) int {
				if ver == v120 {
					return fail(rng, 0.01, 504)
				}
				return fail(rng, 0.01, 400)
			},
			path: func(rng *rand.Rand, _ *User) string {
				return "/search?q=" + []string{"go", "sql", "gardening", "history", "poetry"}[rng.IntN(5)]
			},
		},
		{
			method: "POST", pattern: "/orders", weight: 8,
			latency: func(*World, string, *User, time.Time) (time.Duration, float64) { return ms(80), 0.4 },
			status: func(rng *rand.Rand, _ string) int {
				if s := fail(rng, 0.02, 502); s != 200 {
					return s
				}
				if s := fail(rng, 0.01, 400); s != 200 {
					return s
				}
				return 201
			},
			path: fixed("/orders"),
		},
		{
			// O(n) in the user's data: the time grows with the history.
			method: "GET", pattern: "/users/{id}/history", weight: 10,
			latency: func(w *World, _ string, u *User, t time.Time) (time.Duration, float64) {
				n := 10
				if u != nil {
					n = w.items(u, t)
				}
				return ms(1.5 + 0.04*float64(n)), 0.15
			},
			status: func(rng *rand.Rand, _ string) int { return fail(rng, 0.002, 500) },
			path:   func(_ *rand.Rand, u *User) string { return "/users/" + u.Name + "/history" },
		},
		{
			method: "GET", pattern: "/healthz", weight: 10, anonymous: true,
			latency: func(*World, string, *User, time.Time) (time.Duration, float64) { return ms(0.2), 0.3 },
			status:  func(*rand.Rand, string) int { return 200 },
			path:    fixed("/healthz"),
		},
		{
			method: "GET", pattern: "/reports/daily", weight: 0.4,
			latency: func(*World, string, *User, time.Time) (time.Duration, float64) { return ms(900), 0.3 },
			status:  func(rng *rand.Rand, _ string) int { return fail(rng, 0.03, 500) },
			path:    fixed("/reports/daily"),
		},
	}
}
