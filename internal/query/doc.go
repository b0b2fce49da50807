// Package query computes what the dashboard's pages and JSON API show:
// the read models. It is the one place that knows how a page's numbers are
// made; handlers call it and draw the result, and it calls the store.
//
// Every read model takes a Scope (store, service, time zone, now) and
// returns plain data shaped like the charts that show it: durations are
// float64 milliseconds, counts float64 where a chart plots them.
//
// Where the numbers come from:
//
//   - Counts, error rates, minimum, average and maximum come from the
//     hourly rollups, summed in the database (store.Querier.SumRollups).
//   - Percentiles (median, p95, quartiles of the per-version boxes) are
//     read from the rollups' log-scale histograms: within 2% of the exact
//     value, and the minimum and maximum are exact.
//   - Per-user and per-IP views read daily rollups per endpoint and name
//     (store.GroupQuerier), never raw rows: they cover the whole UTC days
//     a window touches (Callers.From, To). The first GROUP_LIMIT names of a
//     day have exact figures (percentiles within 2%, as above); further
//     names are counted by heavy-hitters summaries whose counts overstate
//     by at most Breakdown.Bound ≤ N/GROUP_LIMIT, which the page states.
//   - With more users or IPs than a page can show, the busiest and the
//     slowest (highest p95 among names with at least SlowMinRequests
//     requests) are picked, and what was left out is counted
//     (Breakdown.Omitted), so that outliers are never hidden.
//
// Time zones: rollups cover UTC hours. A page's days and hours of the day
// are those of Scope.Loc, and each UTC hour is put in the local day and
// hour in which it starts. Days are calendar days, so they have 23 or 25
// hours when daylight saving time starts or ends; the hour that repeats
// in autumn adds to one cell. In zones whose offset is not a whole number
// of hours (India, Nepal, parts of Australia) an hour cell labelled 14:00
// holds the UTC hour that starts at 14:30 (or 14:45) local time.
package query
