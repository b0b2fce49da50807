package diag

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/google/pprof/profile"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Node is a call tree node for a flame graph: Value is the wall time, in
// nanoseconds (in the API too: the tree's values matter as shares of the
// root's), of the samples that passed through it.
type Node struct {
	Name     string  `json:"name"`
	Value    int64   `json:"value"`
	Children []*Node `json:"children,omitempty"`
}

// FuncRow is a function's time in a profile. Flat is the time it was the
// innermost call (running or waiting itself), Cum the time it was on the
// stack; the shares are of the endpoint's sampled wall time.
type FuncRow struct {
	Func      string  `json:"func"`
	Flat      Millis  `json:"flat_ms"`
	Cum       Millis  `json:"cum_ms"`
	FlatShare float64 `json:"flat_share"`
	CumShare  float64 `json:"cum_share"`
}

// ProfileView is an endpoint's merged profile in one version.
type ProfileView struct {
	Endpoint string    `json:"endpoint"`
	Version  string    `json:"version"`
	Profiles int       `json:"profiles"` // stored profiles merged
	Samples  int64     `json:"samples"`
	Wall     Millis    `json:"wall_ms"`
	Root     *Node     `json:"root"`
	Top      []FuncRow `json:"top"`
}

// Summary is what is profiled of an endpoint in a version.
type Summary struct {
	Endpoint string    `json:"endpoint"`
	Version  string    `json:"version"`
	Profiles int       `json:"profiles"` // stored, one a minute or so per instance
	Samples  int64     `json:"samples"`
	Wall     Millis    `json:"wall_ms"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
}

// Summaries lists what is profiled, per endpoint ("" for all) and version.
func (r *Reader) Summaries(ctx context.Context, endpoint string) ([]Summary, error) {
	ss, err := r.Store.ProfileSummaries(ctx, r.Service, endpoint)
	out := make([]Summary, 0, len(ss))
	for _, s := range ss {
		out = append(out, Summary{Endpoint: s.Endpoint, Version: s.Version, Profiles: s.Profiles, Samples: s.Samples,
			Wall: Millis(s.Wall), First: s.First, Last: s.Last})
	}
	return out, err
}

// Merged returns the merge of an endpoint's stored profiles in a version,
// and how many were merged; store.ErrNotFound when there are none.
func (r *Reader) Merged(ctx context.Context, endpoint, version string) (*profile.Profile, int, error) {
	if endpoint == "" || version == "" {
		return nil, 0, fmt.Errorf("want an endpoint and a version")
	}
	var ps []*profile.Profile
	err := r.Store.Profiles(ctx, store.ProfileFilter{Service: r.Service, Endpoint: endpoint, Version: version}, func(p *store.Profile) error {
		pp, err := profile.ParseData(p.Data)
		if err != nil {
			return fmt.Errorf("profile %d: %w", p.ID, err)
		}
		ps = append(ps, pp)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(ps) == 0 {
		return nil, 0, fmt.Errorf("no profile of %q in version %q: %w", endpoint, version, store.ErrNotFound)
	}
	m, err := profile.Merge(ps)
	if err != nil {
		return nil, 0, err
	}
	return m, len(ps), nil
}

// ProfileData returns the merged profile gzipped, as go tool pprof reads it.
func (r *Reader) ProfileData(ctx context.Context, endpoint, version string) ([]byte, error) {
	p, _, err := r.Merged(ctx, endpoint, version)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Profile returns an endpoint's merged profile in a version as a call
// tree and its top functions.
func (r *Reader) Profile(ctx context.Context, endpoint, version string, top int) (*ProfileView, error) {
	p, n, err := r.Merged(ctx, endpoint, version)
	if err != nil {
		return nil, err
	}
	v := &ProfileView{Endpoint: endpoint, Version: version, Profiles: n}
	for _, s := range p.Sample {
		v.Samples += s.Value[0]
		v.Wall += Millis(s.Value[wallIndex(p)])
	}
	v.Root = Tree(p, endpoint)
	v.Top = Functions(p)
	if top > 0 && len(v.Top) > top {
		v.Top = v.Top[:top]
	}
	return v, nil
}

// wallIndex is the index of the wall time value in a profile's samples.
func wallIndex(p *profile.Profile) int {
	for i, t := range p.SampleType {
		if t.Type == "wall" {
			return i
		}
	}
	return len(p.SampleType) - 1
}

// frames returns a sample's function names, outermost call first.
func frames(s *profile.Sample) []string {
	var out []string
	for i := len(s.Location) - 1; i >= 0; i-- {
		lines := s.Location[i].Line
		for j := len(lines) - 1; j >= 0; j-- { // inlined calls are listed innermost first
			name := "?"
			if lines[j].Function != nil {
				name = lines[j].Function.Name
			}
			out = append(out, name)
		}
	}
	return out
}

// minNodeShare leaves out of the tree the calls with less than this share
// of the time, which could not be seen in a flame graph anyway and would
// make the page heavy.
const minNodeShare = 1.0 / 2000

// Tree builds the call tree of a profile under a root named root.
func Tree(p *profile.Profile, root string) *Node {
	wi := wallIndex(p)
	top := &Node{Name: root}
	index := map[*Node]map[string]*Node{}
	for _, s := range p.Sample {
		v := s.Value[wi]
		top.Value += v
		n := top
		for _, fn := range frames(s) {
			kids := index[n]
			if kids == nil {
				kids = map[string]*Node{}
				index[n] = kids
			}
			c := kids[fn]
			if c == nil {
				c = &Node{Name: fn}
				kids[fn] = c
				n.Children = append(n.Children, c)
			}
			c.Value += v
			n = c
		}
	}
	prune(top, int64(math.Ceil(float64(top.Value)*minNodeShare)))
	return top
}

func prune(n *Node, min int64) {
	kept := n.Children[:0]
	for _, c := range n.Children {
		if c.Value >= min {
			prune(c, min)
			kept = append(kept, c)
		}
	}
	n.Children = kept
	sort.SliceStable(n.Children, func(i, j int) bool { return n.Children[i].Value > n.Children[j].Value })
}

// Functions returns every function's flat and cumulative time, largest
// cumulative first.
func Functions(p *profile.Profile) []FuncRow {
	wi := wallIndex(p)
	rows := map[string]*FuncRow{}
	var total int64
	for _, s := range p.Sample {
		v := s.Value[wi]
		total += v
		fs := frames(s)
		seen := map[string]bool{}
		for i, fn := range fs {
			r := rows[fn]
			if r == nil {
				r = &FuncRow{Func: fn}
				rows[fn] = r
			}
			if i == len(fs)-1 {
				r.Flat += Millis(v)
			}
			if !seen[fn] { // recursion counts once
				seen[fn] = true
				r.Cum += Millis(v)
			}
		}
	}
	out := make([]FuncRow, 0, len(rows))
	for _, r := range rows {
		if total > 0 {
			r.FlatShare, r.CumShare = float64(r.Flat)/float64(total), float64(r.Cum)/float64(total)
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cum != out[j].Cum {
			return out[i].Cum > out[j].Cum
		}
		return out[i].Func < out[j].Func
	})
	return out
}

// Comparison says where an endpoint's time went in version B against A.
type Comparison struct {
	Endpoint string          `json:"endpoint"`
	A        string          `json:"a"`
	B        string          `json:"b"`
	WallA    Millis          `json:"wall_a_ms"`
	WallB    Millis          `json:"wall_b_ms"`
	Rows     []ComparisonRow `json:"rows"`
}

// ComparisonRow is a function's share of the endpoint's time in both
// versions; Delta is B's share minus A's.
type ComparisonRow struct {
	Func   string  `json:"func"`
	ShareA float64 `json:"share_a"`
	ShareB float64 `json:"share_b"`
	Delta  float64 `json:"delta"`
}

// Compare lines up the functions of two versions' profiles, largest change
// first, at most n rows (0: all).
func (r *Reader) Compare(ctx context.Context, endpoint, a, b string, n int) (*Comparison, error) {
	pa, _, err := r.Merged(ctx, endpoint, a)
	if err != nil {
		return nil, err
	}
	pb, _, err := r.Merged(ctx, endpoint, b)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Endpoint: endpoint, A: a, B: b}
	byFunc := map[string]*ComparisonRow{}
	for side, p := range []*profile.Profile{pa, pb} {
		for _, f := range Functions(p) {
			row := byFunc[f.Func]
			if row == nil {
				row = &ComparisonRow{Func: f.Func}
				byFunc[f.Func] = row
			}
			if side == 0 {
				row.ShareA = f.CumShare
			} else {
				row.ShareB = f.CumShare
			}
		}
		for _, s := range p.Sample {
			w := Millis(s.Value[wallIndex(p)])
			if side == 0 {
				c.WallA += w
			} else {
				c.WallB += w
			}
		}
	}
	for _, row := range byFunc {
		row.Delta = row.ShareB - row.ShareA
		c.Rows = append(c.Rows, *row)
	}
	sort.Slice(c.Rows, func(i, j int) bool {
		di, dj := math.Abs(c.Rows[i].Delta), math.Abs(c.Rows[j].Delta)
		if di != dj {
			return di > dj
		}
		return c.Rows[i].Func < c.Rows[j].Func
	})
	if n > 0 && len(c.Rows) > n {
		c.Rows = c.Rows[:n]
	}
	return c, nil
}
