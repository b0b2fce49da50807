package dashboard

import (
	"sync/atomic"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// rawSampler keeps one raw row in rate of level-1 requests
// (RAW_SAMPLE_RATE); the rollups count every request all the same. A 5xx
// answer, and a request of an endpoint watched for outliers (level 2 or
// 3, or watched when it started), always keeps its row.
type rawSampler struct {
	rate uint64 // 1 or 0: every row kept
	n    atomic.Uint64
}

// skip reports whether the request's raw row is left out. At the
// default rate it costs a comparison; sampling adds one atomic add.
func (s *rawSampler) skip(level int32, status int, watched bool) bool {
	if s.rate <= 1 || level != store.LevelTiming || watched || status >= 500 {
		return false
	}
	return s.n.Add(1)%s.rate != 0
}
