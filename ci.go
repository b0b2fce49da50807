package dashboard

import (
	"net/http"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciweb"
)

// ciRoutes serves the APIs of CI results under the link, in front of ui:
// POST api/upload (gmd upload; the SECURITY_TOKEN alone, no cookies, so no
// CSRF check applies) and GET api/report (with the token; other requests
// go on to ui, which authenticates users).
func (d *Dashboard) ciRoutes(ui http.Handler) http.Handler {
	h := &ciweb.Handlers{Store: d.store, Service: d.cfg.Service, Token: d.cfg.SecurityToken, Log: d.log}
	mux := http.NewServeMux()
	mux.Handle(d.linkSlash+"api/upload", h.Upload())
	mux.Handle("GET "+d.linkSlash+"api/report", ciweb.Token(d.cfg.SecurityToken, h.Report(), ui))
	mux.Handle("/", ui)
	return mux
}
