package web

import (
	"net/http"

	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
)

// apiCallers is an endpoint's users and client addresses: exact figures
// for the names within GROUP_LIMIT of a day, bounded estimates beyond.
type apiCallers struct {
	Endpoint string `json:"endpoint"`
	// From and To are the UTC days the figures cover: whole days, the
	// window widened to them; null when open.
	From  apiTime      `json:"from"`
	To    apiTime      `json:"to"`
	Users apiBreakdown `json:"users"`
	IPs   apiBreakdown `json:"ips"`
}

type apiBreakdown struct {
	// Exact is true when every figure is exact; otherwise Estimates
	// hold the busiest names beyond the limit, whose counts overstate by
	// at most Bound (≤ SummarizedRequests / Slots).
	Exact              bool          `json:"exact"`
	Names              int           `json:"names"` // names with exact figures
	Omitted            int           `json:"omitted"`
	SummarizedRequests int64         `json:"summarized_requests"`
	Bound              int64         `json:"bound"`
	Slots              int           `json:"slots"`
	Shown              []apiCaller   `json:"shown"`
	Estimates          []apiEstimate `json:"estimates"`
}

type apiCaller struct {
	Name     string  `json:"name"`
	Hits     int64   `json:"hits"`
	MinMS    float64 `json:"min_ms"`
	MedianMS float64 `json:"median_ms"`
	P95MS    float64 `json:"p95_ms"`
	MaxMS    float64 `json:"max_ms"`
	AvgMS    float64 `json:"avg_ms"`
	BusyRank int     `json:"busy_rank"`
	SlowRank int     `json:"slow_rank"` // 0: fewer than 20 requests, not ranked
}

type apiEstimate struct {
	Name         string  `json:"name"`
	HitsAtMost   int64   `json:"hits_at_most"`
	OverstatedBy int64   `json:"overstated_by_at_most"`
	AvgCountedMS float64 `json:"avg_counted_ms"`
}

// apiCallersRoute answers GET api/callers?endpoint=NAME[&since&until][&top=N].
func (s *Server) apiCallersRoute(w http.ResponseWriter, r *http.Request, _ *login) error {
	p := newDiagParams(r)
	ep := p.name("endpoint", true)
	top := p.number("top", 1, 1000, query.DefaultTop)
	if p.err != nil {
		return p.err
	}
	win, err := s.windowParams(r.URL.Query())
	if err != nil {
		return err
	}
	sv := s.shownOf(r)
	if err := s.knownEndpoint(r, sv, ep); err != nil {
		return err
	}
	c, err := query.EndpointCallers(r.Context(), s.scope(sv), ep, hourly(win), query.CallerOptions{Top: int(top)})
	if err != nil {
		return err
	}
	reply.JSON(w, http.StatusOK, apiCallers{Endpoint: ep, From: apiTime(c.From), To: apiTime(c.To),
		Users: breakdownJSON(c.Users), IPs: breakdownJSON(c.IPs)})
	return nil
}

func breakdownJSON(b query.Breakdown) apiBreakdown {
	out := apiBreakdown{Exact: b.Exact(), Names: b.Total, Omitted: b.Omitted, SummarizedRequests: b.Summarized,
		Bound: b.Bound, Slots: b.Slots, Shown: []apiCaller{}, Estimates: []apiEstimate{}}
	for _, x := range b.Boxes {
		out.Shown = append(out.Shown, apiCaller{Name: x.Label, Hits: x.N, MinMS: roundMs(x.MinMs), MedianMS: roundMs(x.MedianMs),
			P95MS: roundMs(x.P95Ms), MaxMS: roundMs(x.MaxMs), AvgMS: roundMs(x.AvgMs), BusyRank: x.BusyRank, SlowRank: x.SlowRank})
	}
	for _, e := range b.Estimates {
		out.Estimates = append(out.Estimates, apiEstimate{Name: e.Label, HitsAtMost: e.Count, OverstatedBy: e.Err, AvgCountedMS: roundMs(e.AvgMs)})
	}
	return out
}
