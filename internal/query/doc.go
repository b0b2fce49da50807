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
//   - Per-user and per-IP views need the raw rows, which the rollups do not
//     keep by user. They read the newest rows of the endpoint in the window,
//     at most CallerOptions.Limit of them (100,000 by default: about 0.15 s
//     on SQLite, 1.5 µs a row, whatever the rows stored), and compute exact
//     percentiles from those.
//     When the limit cuts the window short, Sample.Limited is set and the
//     page should say which period the figures cover ("the newest 100,000
//     of 412,000 requests, since Mar 28 14:05").
//   - With more users or IPs than a page can show, the busiest and the
//     slowest (by p95) are picked, and what was left out is counted
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
