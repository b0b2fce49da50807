package store

import (
	"sort"
	"time"
)

// HourOf returns the start of the UTC hour that contains t.
func HourOf(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

type rollupKey struct {
	service, instance, endpoint, version string
	hour                                 int64
}

// Aggregate folds requests into hourly rollups, one per service, instance,
// endpoint, version and hour, ordered by those fields. Drivers call it in
// Write so that raw rows and rollups always agree.
func Aggregate(reqs []Request) []Rollup {
	idx := make(map[rollupKey]int)
	var out []Rollup
	for i := range reqs {
		r := &reqs[i]
		hour := HourOf(r.Start)
		k := rollupKey{r.Service, r.Instance, r.Endpoint, r.Version, hour.Unix()}
		j, ok := idx[k]
		if !ok {
			j = len(out)
			idx[k] = j
			out = append(out, Rollup{
				Service: r.Service, Instance: r.Instance, Endpoint: r.Endpoint,
				Version: r.Version, Hour: hour, Min: r.Duration, Max: r.Duration,
				Hist: Histogram{},
			})
		}
		ru := &out[j]
		d := r.Duration.Truncate(time.Microsecond)
		ru.Count++
		ru.Sum += d
		ru.Min = min(ru.Min, d)
		ru.Max = max(ru.Max, d)
		ru.Status[StatusClass(r.Status)]++
		if r.Status >= 500 {
			ru.Errors++
		}
		ru.Hist.Add(d)
	}
	sort.Slice(out, func(a, b int) bool {
		x, y := &out[a], &out[b]
		if !x.Hour.Equal(y.Hour) {
			return x.Hour.Before(y.Hour)
		}
		if x.Service != y.Service {
			return x.Service < y.Service
		}
		if x.Instance != y.Instance {
			return x.Instance < y.Instance
		}
		if x.Endpoint != y.Endpoint {
			return x.Endpoint < y.Endpoint
		}
		return x.Version < y.Version
	})
	return out
}

// StatusClass returns 1..5 for 1xx..5xx and 0 for any other code.
func StatusClass(status int) int {
	if status >= 100 && status < 600 {
		return status / 100
	}
	return 0
}
