package gotest

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseBenchmarkLine reads one benchmark result line as go test prints it:
//
//	BenchmarkBytes/size=64-2   	1000000	  12.5 ns/op	 5120 MB/s	  3.000 widgets/op	  64 B/op	  1 allocs/op
//
// that is, a name that starts with "Benchmark" (not followed by a
// lower-case letter, as the testing package requires), the iteration
// count, and one or more value-unit pairs. name keeps any -GOMAXPROCS
// suffix; SplitProcs removes it. ok is false for any other line, including
// the bare name go test -v prints before a benchmark runs.
func ParseBenchmarkLine(line string) (name string, iterations int64, metrics []Metric, ok bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 || !isBenchmarkName(f[0]) {
		return "", 0, nil, false
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || n <= 0 {
		return "", 0, nil, false
	}
	metrics = make([]Metric, 0, (len(f)-2)/2)
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return "", 0, nil, false
		}
		unit := f[i+1]
		if !validUnit(unit) {
			return "", 0, nil, false
		}
		metrics = append(metrics, Metric{Unit: unit, Value: v})
	}
	return f[0], n, metrics, true
}

func isBenchmarkName(s string) bool {
	rest, ok := strings.CutPrefix(s, "Benchmark")
	if !ok || !utf8.ValidString(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !unicode.IsLower(r)
}

// validUnit rejects "units" that are really numbers, which a line of some
// other format could otherwise produce.
func validUnit(u string) bool {
	if u == "" || !utf8.ValidString(u) {
		return false
	}
	if _, err := strconv.ParseFloat(u, 64); err == nil {
		return false
	}
	return true
}

// SplitProcs splits the -GOMAXPROCS suffix go test adds to a benchmark's
// name when GOMAXPROCS is not 1: "BenchmarkX/n=10-8" is ("BenchmarkX/n=10",
// 8). A name without the suffix has procs 1.
func SplitProcs(name string) (base string, procs int) {
	i := strings.LastIndexByte(name, '-')
	if i <= 0 || i == len(name)-1 {
		return name, 1
	}
	p, err := strconv.Atoi(name[i+1:])
	if err != nil || p <= 0 || name[i+1] == '+' || name[i+1] == '0' {
		return name, 1
	}
	return name[:i], p
}
