package ciupload

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Handler serves POST api/upload. It authenticates by the SECURITY_TOKEN
// alone, sent as "Authorization: Bearer <token>": it never looks at
// cookies, so a logged-in browser cannot be made to upload (and the
// route needs no CSRF token).
type Handler struct {
	Store   store.CIStore
	Service string
	// Token is the SECURITY_TOKEN; "" disables uploads.
	Token  string
	Limits Limits
	Now    func() time.Time // nil: time.Now
	Log    *slog.Logger     // nil: slog.Default()
}

// Answer is the JSON body of a successful upload.
type Answer struct {
	Run        int64  `json:"run"`    // the stored run's number
	RunID      string `json:"run_id"` // as given, or the content hash
	Version    string `json:"version"`
	Created    bool   `json:"created"` // false: this run was stored before
	Tests      int    `json:"tests"`
	Failed     int    `json:"failed"`
	Benchmarks int    `json:"benchmarks"`
}

// Problem is the JSON body of a refused upload; Field is the JSON path of
// the bad field.
type Problem = reply.Problem

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		reply.JSON(w, http.StatusMethodNotAllowed, Problem{Error: "use POST to upload"})
		return
	}
	if err := TokenError(w, r, h.Token); err != nil {
		reply.JSONError(w, err)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			reply.JSON(w, http.StatusUnsupportedMediaType, Problem{Error: fmt.Sprintf("Content-Type %q: send application/json", ct)})
			return
		}
	}
	lim := h.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits()
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, lim.Bytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			reply.JSON(w, http.StatusBadRequest, Problem{Error: fmt.Sprintf("upload larger than %d bytes; send fewer results per run", lim.Bytes)})
			return
		}
		reply.JSON(w, http.StatusBadRequest, Problem{Error: "reading the upload: " + err.Error()})
		return
	}
	p, err := Decode(body)
	if err != nil {
		reply.JSON(w, http.StatusBadRequest, Problem{Error: err.Error()})
		return
	}
	if err := p.Validate(lim); err != nil {
		var fe *FieldError
		errors.As(err, &fe)
		reply.JSON(w, http.StatusBadRequest, Problem{Error: err.Error(), Field: fe.Field})
		return
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	run := p.Run(h.Service, now())
	created, err := h.Store.SaveCIRun(r.Context(), run)
	switch {
	case errors.Is(err, store.ErrRunConflict):
		reply.JSON(w, http.StatusConflict, Problem{Error: fmt.Sprintf("run_id %q was stored before with other results; give this run its own run_id", run.RunID), Field: "run_id"})
		return
	case err != nil:
		h.logger().Error("dashboard: storing an upload failed", "run_id", run.RunID, "version", run.Version, "err", err)
		reply.JSON(w, http.StatusInternalServerError, Problem{Error: "storing the run failed; see the service's log"})
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	reply.JSON(w, status, Answer{Run: run.ID, RunID: run.RunID, Version: run.Version, Created: created,
		Tests: run.Counts.Tests, Failed: run.Counts.Failed, Benchmarks: run.Counts.Benchmarks})
}

func (h *Handler) logger() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.Default()
}

// Authorized reports whether r carries "Authorization: Bearer <token>".
// The comparison takes the same time whatever the token sent, so that
// timing does not reveal how much of it was right: both sides are hashed
// first, which also hides the token's length.
func Authorized(r *http.Request, token string) bool {
	if token == "" {
		return false
	}
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	a := sha256.Sum256([]byte(strings.TrimSpace(got)))
	b := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// TokenError is nil when r may upload with token: it carries
// "Authorization: Bearer <token>". Otherwise it is the answer: 403 while
// uploads are disabled (no token), else 401 with a Bearer challenge.
func TokenError(w http.ResponseWriter, r *http.Request, token string) *reply.Error {
	if token == "" {
		return reply.Errorf(http.StatusForbidden, "uploads are disabled: this dashboard has no SECURITY_TOKEN; set one (at least 16 characters) to accept gmd upload")
	}
	if !Authorized(r, token) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gmd upload"`)
		return reply.Errorf(http.StatusUnauthorized, "missing or wrong token: send Authorization: Bearer <SECURITY_TOKEN>")
	}
	return nil
}
