package outlier

import "testing"

// BenchmarkClaimRelease is the slot table's part of a watched request.
//
// go test -run '^$' -bench ClaimRelease -count 10 ./internal/outlier
func BenchmarkClaimRelease(b *testing.B) {
	tb := newTable(1024, b)
	ep := &Endpoint{Name: "GET /x"}
	b.Run("serial", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			h := tb.claim(ep, 1, noDeadline, false)
			tb.release(h)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				h := tb.claim(ep, 1, noDeadline, false)
				tb.release(h)
			}
		})
	})
}
