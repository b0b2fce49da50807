package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
)

// apiTime is a time in the API: RFC 3339 in UTC with milliseconds, null
// when unknown.
type apiTime time.Time

func (t apiTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + tt.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `"`), nil
}

func (t *apiTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = apiTime{}
		return nil
	}
	var tt time.Time
	err := tt.UnmarshalJSON(b)
	*t = apiTime(tt)
	return err
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type apiEndpoint struct {
	Name          string   `json:"name"`
	Methods       []string `json:"methods"`
	Level         int      `json:"level"`
	Hits          int64    `json:"hits"`
	Errors        int64    `json:"errors"`
	LastRequested apiTime  `json:"last_requested"`
	MedianMS      float64  `json:"median_ms"`
	P95MS         float64  `json:"p95_ms"`
}

func (s *Server) apiEndpoints(w http.ResponseWriter, r *http.Request, _ *login) error {
	win, err := s.windowParams(r.URL.Query())
	if err != nil {
		return err
	}
	rows, err := s.endpoints(r.Context(), s.shownOf(r), win, true)
	if err != nil {
		return err
	}
	out := make([]apiEndpoint, 0, len(rows))
	for _, row := range rows {
		methods := row.Methods
		if methods == nil {
			methods = []string{}
		}
		out = append(out, apiEndpoint{Name: row.Name, Methods: methods, Level: row.Level, Hits: row.Hits, Errors: row.Errors,
			LastRequested: apiTime(row.LastRequested), MedianMS: roundMs(row.MedianMs), P95MS: roundMs(row.P95Ms)})
	}
	reply.JSON(w, http.StatusOK, out)
	return nil
}

// apiSetLevel takes {"endpoint": NAME, "level": N} as JSON, with
// "service" for another service than the default (or ?service=).
func (s *Server) apiSetLevel(w http.ResponseWriter, r *http.Request, u *login) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return reply.Errorf(http.StatusUnsupportedMediaType, "send the body as application/json: {\"endpoint\": NAME, \"level\": N}")
	}
	var body struct {
		Service  *string `json:"service"`
		Endpoint *string `json:"endpoint"`
		Level    *int    `json:"level"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxForm))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return reply.Errorf(http.StatusBadRequest, "bad JSON body: %s", jsonProblem(err))
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return reply.Errorf(http.StatusBadRequest, "bad JSON body: more than one value")
	}
	if body.Endpoint == nil {
		return reply.Errorf(http.StatusBadRequest, "parameter endpoint: missing")
	}
	if body.Level == nil {
		return reply.Errorf(http.StatusBadRequest, "parameter level: missing (want 0, 1, 2 or 3)")
	}
	sv := s.shownOf(r)
	if body.Service != nil {
		var err error
		if sv, err = s.resolveService(r.Context(), *body.Service); err != nil {
			return err
		}
	}
	if err := s.setLevel(r, u, sv, *body.Endpoint, *body.Level); err != nil {
		return err
	}
	reply.JSON(w, http.StatusOK, map[string]any{"service": sv.Name, "endpoint": *body.Endpoint, "level": *body.Level})
	return nil
}

func jsonProblem(err error) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "larger than 64 KiB"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

type apiVersion struct {
	Version   string  `json:"version"`
	FirstSeen apiTime `json:"first_seen"`
	Hits      int64   `json:"hits"`
	MedianMS  float64 `json:"median_ms"`
	P95MS     float64 `json:"p95_ms"`
}

func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request, _ *login) error {
	win, err := s.windowParams(r.URL.Query())
	if err != nil {
		return err
	}
	p, err := query.Versions(r.Context(), s.scope(s.shownOf(r)), hourly(win))
	if err != nil {
		return err
	}
	out := make([]apiVersion, 0, len(p.Versions))
	for _, v := range p.Versions {
		out = append(out, apiVersion{Version: v.Name, FirstSeen: apiTime(v.FirstSeen), Hits: v.Hits,
			MedianMS: roundMs(v.MedianMs), P95MS: roundMs(v.P95Ms)})
	}
	newestFirst(out)
	reply.JSON(w, http.StatusOK, out)
	return nil
}

type apiService struct {
	Service string `json:"service"`
	// Default is the service the other routes show without a service
	// parameter.
	Default   bool          `json:"default"`
	Instances []apiInstance `json:"instances"`
}

type apiInstance struct {
	Instance  string  `json:"instance"`
	Hits      int64   `json:"hits"`
	Errors    int64   `json:"errors"`
	FirstSeen apiTime `json:"first_seen"`
	LastSeen  apiTime `json:"last_seen"`
}

// apiServices lists every service of the database with its instances and
// their requests over all time, or since/until.
func (s *Server) apiServices(w http.ResponseWriter, r *http.Request, _ *login) error {
	win, err := s.windowParams(r.URL.Query())
	if err != nil {
		return err
	}
	sv := s.shownOf(r)
	all, err := query.Services(r.Context(), s.scope(sv), hourly(win))
	if err != nil {
		return err
	}
	out := make([]apiService, 0, len(all))
	for _, svc := range all {
		a := apiService{Service: svc.Name, Default: svc.Name == sv.Default, Instances: make([]apiInstance, 0, len(svc.Instances))}
		for _, in := range svc.Instances {
			a.Instances = append(a.Instances, apiInstance{Instance: in.Name, Hits: in.Hits, Errors: in.Errors,
				FirstSeen: apiTime(in.FirstSeen), LastSeen: apiTime(in.LastSeen)})
		}
		out = append(out, a)
	}
	reply.JSON(w, http.StatusOK, out)
	return nil
}
