package query

import (
	"context"
	"fmt"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// HeatmapDays is the number of days the heatmaps show.
const HeatmapDays = 30

// Heatmap counts requests by hour of the day (rows) and day (columns).
type Heatmap struct {
	Days    []time.Time // midnight of each column's day, oldest first
	Columns []string    // labels of Days ("Mar 4")
	Rows    []string    // "00:00" to "23:00"
	// Values[hour][day] is the number of requests.
	Values [][]float64
	Total  int64
}

func newHeatmap(g dayGrid) Heatmap {
	h := Heatmap{Days: g.days, Columns: g.labels(), Rows: make([]string, 24), Values: make([][]float64, 24)}
	for i := range h.Rows {
		h.Rows[i] = fmt.Sprintf("%02d:00", i)
		h.Values[i] = make([]float64, len(g.days))
	}
	return h
}

func (h *Heatmap) add(g dayGrid, ru *store.Rollup) {
	if day, hour, ok := g.at(ru.Hour); ok {
		h.Values[hour][day] += float64(ru.Count)
		h.Total += ru.Count
	}
}

// EndpointHeatmap counts an endpoint's requests ("" for every endpoint) by
// hour of the day over the last HeatmapDays days.
func EndpointHeatmap(ctx context.Context, sc Scope, endpoint string) (*Heatmap, error) {
	g := newDayGrid(sc.now(), sc.loc(), HeatmapDays)
	rus, err := sc.Store.SumRollups(ctx, store.SumFilter{Service: sc.Service, Endpoint: endpoint,
		Since: g.since(), Until: g.until(), By: store.ByHour})
	if err != nil {
		return nil, err
	}
	h := newHeatmap(g)
	for i := range rus {
		h.add(g, &rus[i])
	}
	return &h, nil
}
