// Package peers benchmarks the dashboard's request path beside other
// projects' middleware. It is a module of its own so that their code stays
// out of the dashboard module's requirements: a user's go list -m all never
// shows it.
//
// BenchmarkServeHTTP runs, side by side in one run, the rows of the root
// package's BenchmarkServeHTTP (the bare mux, a minimal wrapper, the
// dashboard at levels 0 and 1) and Prometheus' promhttp middleware:
//
//	cd bench/peers
//	go test -run '^$' -bench 'ServeHTTP' -benchmem -count 10 . | tee peers.txt
//	go run golang.org/x/perf/cmd/benchstat@latest peers.txt
package peers
