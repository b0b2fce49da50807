// Package outlier finds out why a request was slow or failed.
//
// Level 2: while a request of a watched endpoint runs, it holds a slot in
// a fixed table. One watchdog goroutine scans the table every few
// milliseconds; a request that has run past its endpoint's running average
// times OUTLIER_DETECTION_CONSTANT (after a warm-up, above a floor) is
// captured at that moment: the stacks of every goroutine, found through a
// goroutine profile in which the request's goroutine carries the slot's
// pprof label, the machine's CPU and memory and the Go runtime's figures.
// The request's own half (URL, headers, form values, redacted) is added by
// the request goroutine when it ends, and whichever half comes last hands
// the outlier on to wait for the recorder's writer. A request that ends in
// time costs a claim and a release of its slot (a compare-and-swap, four atomic stores, a swap),
// an update of the average and two label switches: no timer, no
// allocation, about 70 ns (BenchmarkServeHTTPLevels in the root package).
//
// Level 3: the same goroutine samples the stacks of the goroutines that
// serve profiled requests every SAMPLING_PERIOD and adds them to per
// endpoint profiles (internal/profiler).
//
// Panics, at every level: the request goroutine hands the panic's value
// and stack to an aggregator that groups them by stack signature.
//
// The monitor writes nothing itself: it is a recorder.Source. The
// recorder's one writer collects the outliers, panic groups and profiles
// with its batches (source.go), under one failure policy and one set of
// counters. Files: monitor.go (the API the request path calls),
// slots.go (the table of watched requests), watchdog.go (the goroutine
// that scans it and captures), capture.go (reading goroutine stacks),
// host.go (machine figures), request.go and redact.go (the request's
// half), sampler.go (level 3), panic.go, source.go.
package outlier
