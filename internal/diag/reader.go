package diag

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Reader answers the pages' and the API's questions for one service.
type Reader struct {
	Store   store.Store
	Service string
}

// OutlierRow is an outlier in a list.
type OutlierRow struct {
	ID            int64     `json:"id"`
	Endpoint      string    `json:"endpoint"`
	Version       string    `json:"version"`
	Instance      string    `json:"instance"`
	Method        string    `json:"method"`
	URL           string    `json:"url"`
	Status        int       `json:"status"`
	Start         time.Time `json:"start"`
	Duration      Millis    `json:"duration_ms"`
	Average       Millis    `json:"average_ms"`
	Threshold     Millis    `json:"threshold_ms"`
	CapturedAfter Millis    `json:"captured_after_ms"`
	// Ratio is Duration over Average: "12× its endpoint's average".
	Ratio float64 `json:"ratio"`
	// Where is the innermost frame of the service's own code.
	Where store.Frame `json:"where"`
}

// OutlierList is a page of outliers with the endpoint's capture counts.
type OutlierList struct {
	Endpoint string       `json:"endpoint"`
	Order    string       `json:"order"`
	Outliers []OutlierRow `json:"outliers"`
	Counts   Counts       `json:"counts"`
}

// Counts are the stored counters of captures, summed over instances.
type Counts struct {
	Captured  int64 `json:"captured"`
	Skipped   int64 `json:"skipped_rate_limit"`
	Unwatched int64 `json:"unwatched"`
	Dropped   int64 `json:"dropped"`
}

// Order names, as the API takes them.
const (
	OrderNewest  = "newest"
	OrderSlowest = "slowest"
)

// Outliers lists an endpoint's outliers ("" for all), newest or slowest
// first.
func (r *Reader) Outliers(ctx context.Context, endpoint, order string, limit int) (*OutlierList, error) {
	f := store.OutlierFilter{Service: r.Service, Endpoint: endpoint, Limit: limit}
	switch order {
	case "", OrderNewest:
		order = OrderNewest
	case OrderSlowest:
		f.Order = store.SlowestFirst
	default:
		return nil, fmt.Errorf("order %q: want newest or slowest", order)
	}
	os, err := r.Store.Outliers(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &OutlierList{Endpoint: endpoint, Order: order, Outliers: make([]OutlierRow, 0, len(os))}
	for i := range os {
		out.Outliers = append(out.Outliers, row(&os[i]))
	}
	out.Counts, err = r.counts(ctx)
	return out, err
}

func row(o *store.Outlier) OutlierRow {
	r := OutlierRow{ID: o.ID, Endpoint: o.Endpoint, Version: o.Version, Instance: o.Instance, Method: o.Method, URL: o.URL,
		Status: o.Status, Start: o.Start, Duration: Millis(o.Duration), Average: Millis(o.Average), Threshold: Millis(o.Threshold),
		CapturedAfter: Millis(o.CapturedAfter), Where: FirstAppFrame(o.Stack)}
	if o.Average > 0 {
		r.Ratio = float64(o.Duration) / float64(o.Average)
	}
	return r
}

func (r *Reader) counts(ctx context.Context) (Counts, error) {
	cs, err := r.Store.Counters(ctx, r.Service)
	if err != nil {
		return Counts{}, err
	}
	var c Counts
	for _, x := range cs {
		switch x.Name {
		case "outliers_captured":
			c.Captured += x.Value
		case "outliers_skipped_rate_limit":
			c.Skipped += x.Value
		case "outliers_unwatched":
			c.Unwatched += x.Value
		case "outliers_dropped":
			c.Dropped += x.Value
		}
	}
	return c, nil
}

// OutlierDetail is one outlier formatted for reading.
type OutlierDetail struct {
	OutlierRow
	Stack      []FrameGroup     `json:"stack"` // the request's own goroutine, folded
	Headers    []store.KeyValue `json:"headers"`
	Values     []store.KeyValue `json:"values"`
	Host       store.Host       `json:"host"`
	Goroutines string           `json:"goroutines"`
}

// Outlier returns one outlier; store.ErrNotFound when there is none.
func (r *Reader) Outlier(ctx context.Context, id int64) (*OutlierDetail, error) {
	o, err := r.Store.Outlier(ctx, r.Service, id)
	if err != nil {
		return nil, err
	}
	d := &OutlierDetail{OutlierRow: row(&o), Stack: Fold(o.Stack), Headers: o.Headers, Values: o.Values,
		Host: o.Host, Goroutines: o.Goroutines}
	if d.Stack == nil {
		d.Stack = []FrameGroup{}
	}
	return d, nil
}

// Errors is what went wrong on an endpoint ("" for the whole service):
// panic groups and server error counts.
type Errors struct {
	Endpoint string           `json:"endpoint"`
	Groups   []ErrorGroupView `json:"groups"`
	// ServerErrors counts 5xx responses by endpoint and version, from the
	// rollups (whole hours: the one since falls in counts), worst first.
	ServerErrors []ServerErrors `json:"server_errors"`
}

// ErrorGroupView is a panic group as pages and the API show it.
type ErrorGroupView struct {
	ID        int64              `json:"id"`
	Endpoint  string             `json:"endpoint"`
	Signature string             `json:"signature"`
	Value     string             `json:"value"` // latest panic value
	Stack     string             `json:"stack"` // latest stack, from the panic
	Count     int64              `json:"count"`
	First     time.Time          `json:"first"`
	Last      time.Time          `json:"last"`
	Versions  []ErrorVersionView `json:"versions"`
	Where     string             `json:"where"` // innermost function of the service's own code
}

// ErrorVersionView counts a group's panics in one version.
type ErrorVersionView struct {
	Version string    `json:"version"`
	Count   int64     `json:"count"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
}

// ServerErrors counts an endpoint's 5xx responses in one version.
type ServerErrors struct {
	Endpoint string    `json:"endpoint"`
	Version  string    `json:"version"`
	Errors   int64     `json:"errors"`
	Requests int64     `json:"requests"`
	Share    float64   `json:"share"`
	Last     time.Time `json:"last_hour"` // start of the last hour with one
}

// Errors lists panic groups and 5xx counts since since (zero: all).
func (r *Reader) Errors(ctx context.Context, endpoint string, since time.Time) (*Errors, error) {
	gs, err := r.Store.ErrorGroups(ctx, store.ErrorFilter{Service: r.Service, Endpoint: endpoint, Since: since})
	if err != nil {
		return nil, err
	}
	out := &Errors{Endpoint: endpoint, Groups: make([]ErrorGroupView, 0, len(gs)), ServerErrors: []ServerErrors{}}
	for _, g := range gs {
		v := ErrorGroupView{ID: g.ID, Endpoint: g.Endpoint, Signature: g.Signature, Value: g.Value, Stack: g.Stack,
			Count: g.Count, First: g.First, Last: g.Last, Where: whereInStack(g.Stack), Versions: []ErrorVersionView{}}
		for _, ver := range g.Versions {
			v.Versions = append(v.Versions, ErrorVersionView(ver))
		}
		out.Groups = append(out.Groups, v)
	}
	// Summed in the database per endpoint and version: the daily
	// rollups and the totals hold all but the hours at the window's edges.
	rus, err := r.Store.SumRollups(ctx, store.SumFilter{Service: r.Service, Endpoint: endpoint, Since: sinceHour(since),
		By: store.ByEndpoint | store.ByVersion})
	if err != nil {
		return nil, err
	}
	for _, ru := range rus {
		out.ServerErrors = append(out.ServerErrors, ServerErrors{Endpoint: ru.Endpoint, Version: ru.Version,
			Requests: ru.Count, Errors: ru.Status[5], Last: ru.Last5xx})
	}
	kept := out.ServerErrors[:0]
	for _, s := range out.ServerErrors {
		if s.Errors > 0 {
			s.Share = float64(s.Errors) / float64(s.Requests)
			kept = append(kept, s)
		}
	}
	out.ServerErrors = kept
	sort.SliceStable(out.ServerErrors, func(i, j int) bool { return out.ServerErrors[i].Errors > out.ServerErrors[j].Errors })
	return out, nil
}

// sinceHour is the start of the hour that holds since (zero stays zero):
// the figures count whole hours, the one since falls in included.
func sinceHour(since time.Time) time.Time {
	if since.IsZero() {
		return since
	}
	return store.HourOf(since)
}

// whereInStack finds the innermost app function in a debug.Stack text.
func whereInStack(stack string) string {
	for _, fn := range stackFuncs(stack) {
		if Kind(fn) == KindApp {
			return fn
		}
	}
	return ""
}

// IsNotFound reports whether err means the thing asked for does not exist.
func IsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
