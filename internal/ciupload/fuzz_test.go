package ciupload

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// FuzzDecode feeds the upload decoder arbitrary bodies. Whatever the body,
// Decode and Validate return without panicking; a body they accept turns
// into a run, and encodes back into a payload that is accepted again and
// has the same hash.
func FuzzDecode(f *testing.F) {
	b, _ := json.Marshal(validPayload())
	f.Add(b)
	f.Add([]byte(`{"version":"v1","tests":[{"package":"p","name":"TestA","run":0,"outcome":"pass","elapsed_us":1}]}`))
	f.Add([]byte(`{"version":"v1","benchmarks":[{"package":"p","name":"BenchmarkA","procs":1,"run":0,"iterations":1,"metrics":[{"unit":"ns/op","value":1e308}]}]}`))
	f.Add([]byte(`{"version":"\u0000"}`))
	f.Add([]byte(`[]`))
	lim := DefaultLimits()
	lim.Tests, lim.Benchmarks, lim.Packages = 100, 100, 100
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Decode(body)
		if err != nil {
			return
		}
		if err := p.Validate(lim); err != nil {
			if _, ok := err.(*FieldError); !ok {
				t.Fatalf("Validate returned %T, want *FieldError", err)
			}
			return
		}
		r := p.Run("svc", time.Unix(0, 0))
		if r.RunID == "" || r.Hash != p.Hash() || len(r.Tests) != len(p.Tests) || len(r.Benchmarks) != len(p.Benchmarks) {
			t.Fatalf("run %+v from %+v", r, p)
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded payload refused: %v\n%s", err, again)
		}
		if err := q.Validate(lim); err != nil {
			t.Fatalf("re-encoded payload invalid: %v", err)
		}
		// An empty list is left out when encoding and comes back nil:
		// compare contents, not nil against empty.
		if q.Hash() != p.Hash() || !slices.Equal(q.Tests, p.Tests) || !slices.Equal(q.Packages, p.Packages) ||
			!slices.EqualFunc(q.Benchmarks, p.Benchmarks, sameBenchmark) {
			t.Fatalf("round trip changed the payload:\n%+v\n%+v", p, q)
		}
	})
}

func sameBenchmark(a, b Benchmark) bool {
	return a.Package == b.Package && a.Name == b.Name && a.Procs == b.Procs && a.Run == b.Run &&
		a.Iterations == b.Iterations && slices.Equal(a.Metrics, b.Metrics)
}
