package dashboard

import (
	"net/http"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciweb"
)

// ciHandlers serve the test and benchmark results CI uploads, and the
// version report: pages and API in the UI, upload in front of it.
func (d *Dashboard) ciHandlers() *ciweb.Handlers {
	return &ciweb.Handlers{Store: d.store, Service: d.cfg.Service, Token: d.cfg.SecurityToken, Log: d.log}
}

// ciRoutes serves, in front of ui, the routes that authenticate by the
// SECURITY_TOKEN: POST api/upload (gmd upload; the token alone, never
// cookies, so no session or CSRF check applies) and GET api/report with a
// bearer token (CI reading the report). Everything else, including
// api/report for logged-in users, goes on to ui.
func (d *Dashboard) ciRoutes(ui http.Handler, h *ciweb.Handlers) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(d.linkSlash+"api/upload", h.Upload())
	mux.Handle("GET "+d.linkSlash+"api/report", ciweb.Token(d.cfg.SecurityToken, h.Report(), ui))
	mux.Handle("/", ui)
	return mux
}
