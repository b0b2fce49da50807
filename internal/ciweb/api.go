// Package ciweb serves what the dashboard shows of CI results and
// versions: the upload API (for gmd upload), the version report API, and
// the pages of tests, benchmarks and the version report. Handlers read
// through internal/report and never touch SQL.
package ciweb

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciupload"
	"github.com/go-monitoring-dashboard/dashboard/internal/report"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Handlers holds what the CI handlers need.
type Handlers struct {
	Store   store.Store
	Service string
	// Token is the SECURITY_TOKEN; "" disables uploads (and token access
	// to the report).
	Token   string
	Options report.Options
	Charts  Charts // nil: BoxCharts
	Log     *slog.Logger
	Now     func() time.Time
	// Keep holds query parameters every link and form of the pages
	// carries, such as the service the UI shows.
	Keep url.Values
}

// Upload returns the handler of POST api/upload. It authenticates by the
// token alone and ignores cookies: mount it outside session auth and
// CSRF checks.
func (h *Handlers) Upload() http.Handler {
	return &ciupload.Handler{Store: h.Store, Service: h.Service, Token: h.Token, Log: h.Log, Now: h.Now}
}

// Report returns the handler of GET api/report?from=&to=. It does not
// authenticate: wrap it in the UI's session check, or in Token to let CI
// read the report with its token.
func (h *Handlers) Report() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, problem{"use GET"})
			return
		}
		q := r.URL.Query()
		for k := range q {
			if k != "from" && k != "to" && k != "service" {
				writeJSON(w, http.StatusBadRequest, problem{"unknown parameter " + quote(k) + ": want from and to (version names)"})
				return
			}
		}
		// The UI resolves the service parameter and sets Service; a
		// handler made for one service does not answer for another.
		if sv := q.Get("service"); sv != "" && sv != h.Service {
			writeJSON(w, http.StatusBadRequest, problem{"parameter service: this route reports on " + quote(h.Service) + " only"})
			return
		}
		from, to := q.Get("from"), q.Get("to")
		if len(from) > 4*store.MaxName || len(to) > 4*store.MaxName {
			writeJSON(w, http.StatusBadRequest, problem{"version name too long"})
			return
		}
		rep, err := report.Compare(r.Context(), h.Store, h.Service, from, to, h.Options)
		switch {
		case errors.Is(err, report.ErrUnknownVersion):
			writeJSON(w, http.StatusBadRequest, problem{err.Error()})
			return
		case err != nil:
			h.logger().Error("dashboard: version report failed", "from", from, "to", to, "err", err)
			writeJSON(w, http.StatusInternalServerError, problem{"the report failed; see the service's log"})
			return
		}
		writeJSON(w, http.StatusOK, rep)
	})
}

// Token lets a request through when it carries the SECURITY_TOKEN as a
// bearer token, refuses a wrong bearer token, and hands any other request
// (a session cookie, Basic credentials, nothing) to otherwise: the UI's
// own authentication, or a 401.
func Token(token string, next, otherwise http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " "); strings.EqualFold(scheme, "Bearer") {
			if !ciupload.Authorized(r, token) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="dashboard"`)
				writeJSON(w, http.StatusUnauthorized, problem{"wrong token"})
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		otherwise.ServeHTTP(w, r)
	})
}

// Unauthorized answers 401 to API requests that are not logged in.
func Unauthorized() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dashboard"`)
		writeJSON(w, http.StatusUnauthorized, problem{"log in, or send Authorization: Bearer <SECURITY_TOKEN>"})
	})
}

func (h *Handlers) logger() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

type problem struct {
	Error string `json:"error"`
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
