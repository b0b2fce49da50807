// Package ciweb is the read side of CI results: the pages of tests,
// benchmarks and the version report, built from internal/report and
// rendered into the body that internal/web frames in its layout. It holds
// no HTTP: internal/web serves the pages, the report API and uploads.
package ciweb

import (
	"net/url"

	"github.com/go-monitoring-dashboard/dashboard/internal/report"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Pages builds the pages of one service's CI results.
type Pages struct {
	Store   store.Store
	Service string
	Options report.Options
	Charts  Charts // nil: BoxCharts
	// Keep holds query parameters every link and form of the pages
	// carries, such as the service the UI shows.
	Keep url.Values
}
