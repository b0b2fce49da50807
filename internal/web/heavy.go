package web

import (
	"errors"
	"net/http"

	"github.com/go-monitoring-dashboard/dashboard/internal/budget"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
)

// busyRetry is the Retry-After, in seconds, of a read turned away.
const busyRetry = 5

// heavy runs h within the read budget (QUERY_BUDGET at once, QUERY_QUEUE
// waiting): pages and API calls that sum rollups or read raw rows use the
// service's CPU and database, and the service comes first. Past the queue
// the answer is 503 with Retry-After, a JSON error for the API and a page
// otherwise; the settings page counts them. The read runs on a thread of
// lower priority (budget.RunNice).
func (s *Server) heavy(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, u *login) error {
		release, err := s.budget.Acquire(r.Context())
		if errors.Is(err, budget.ErrBusy) {
			return &reply.Error{Status: http.StatusServiceUnavailable, RetryAfter: busyRetry,
				Msg: "the dashboard is answering as many reads as it may at once (QUERY_BUDGET, QUERY_QUEUE), so that the service keeps its speed; try again in a few seconds"}
		}
		if err != nil {
			return err // the client went away
		}
		defer release()
		// At a lower priority than the service's threads: the operating
		// system gives the service the CPU first.
		budget.RunNice(func() { err = h(w, r, u) })
		return err
	}
}
