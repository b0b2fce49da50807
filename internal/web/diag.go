package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-monitoring-dashboard/dashboard/internal/diag"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// The pages of why requests were slow or failed: outliers, errors and
// profiles. The read models and charts are internal/diag's; these
// handlers check the parameters and pick the template.

// reader reads the diagnostics of the service r shows.
func (s *Server) reader(r *http.Request) *diag.Reader {
	return &diag.Reader{Store: s.store, Service: s.shownOf(r).Name}
}

// nameParam reads an endpoint or version name: at most store.MaxName
// characters of valid UTF-8, "" when absent.
func nameParam(q url.Values, key string) (string, error) {
	v := q.Get(key)
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > store.MaxName {
		return "", reply.Errorf(http.StatusBadRequest, "parameter %s: want a name of at most %d characters", key, store.MaxName)
	}
	return v, nil
}

// notFound turns the store's not-found into a 404 page.
func notFound(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return reply.Errorf(http.StatusNotFound, "%s", what)
	}
	return err
}

type outliersData struct {
	Endpoint string // "" for every endpoint
	Order    string
	List     *diag.OutlierList
	Level    int
	Known    bool
}

func (s *Server) outliersPage(w http.ResponseWriter, r *http.Request, u *login) error {
	q := r.URL.Query()
	ep, err := nameParam(q, "endpoint")
	if err != nil {
		return err
	}
	order := q.Get("order")
	if order != "" && order != diag.OrderNewest && order != diag.OrderSlowest {
		return reply.Errorf(http.StatusBadRequest, "parameter order: want newest or slowest")
	}
	d := outliersData{Endpoint: ep}
	if ep != "" {
		if d.Level, d.Known, err = s.level(r.Context(), s.shownOf(r), ep); err != nil {
			return err
		}
		if !d.Known {
			return reply.Errorf(http.StatusNotFound, "no endpoint named %q", clipParam(ep))
		}
	}
	if d.List, err = s.reader(r).Outliers(r.Context(), ep, order, 200); err != nil {
		return err
	}
	d.Order = d.List.Order
	title := "Outliers"
	if ep != "" {
		title = "Outliers of " + ep
	}
	return s.render(w, r, u, http.StatusOK, "outliers", title, d)
}

type outlierData struct {
	O      *diag.OutlierDetail
	CPU    template.HTML
	Memory template.HTML
}

func (s *Server) outlierPage(w http.ResponseWriter, r *http.Request, u *login) error {
	id, err := intParam(r.URL.Query(), "id", 0, 1, 1<<62)
	if err != nil {
		return err
	}
	if id == 0 {
		return reply.Errorf(http.StatusBadRequest, "parameter id: missing")
	}
	o, err := s.reader(r).Outlier(r.Context(), id)
	if err != nil {
		return notFound(err, "no such outlier; it may have been deleted with old data")
	}
	d := outlierData{O: o, CPU: diag.CPUChart(o.Host), Memory: diag.MemoryChart(o.Host)}
	return s.render(w, r, u, http.StatusOK, "outlier", "Outlier of "+o.Endpoint, d)
}

type errorsData struct {
	Endpoint string
	E        *diag.Errors
}

func (s *Server) errorsPage(w http.ResponseWriter, r *http.Request, u *login) error {
	ep, err := nameParam(r.URL.Query(), "endpoint")
	if err != nil {
		return err
	}
	if ep != "" {
		if err := s.knownEndpoint(r, s.shownOf(r), ep); err != nil {
			return err
		}
	}
	e, err := s.reader(r).Errors(r.Context(), ep, time.Time{})
	if err != nil {
		return err
	}
	title := "Errors"
	if ep != "" {
		title = "Errors of " + ep
	}
	return s.render(w, r, u, http.StatusOK, "errors", title, errorsData{Endpoint: ep, E: e})
}

type profileData struct {
	Endpoint  string
	Version   string
	Compare   string
	Summaries []diag.Summary // every endpoint's, or this endpoint's versions
	View      *diag.ProfileView
	Flame     template.HTML
	Cmp       *diag.Comparison
	CmpChart  template.HTML
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, u *login) error {
	q := r.URL.Query()
	ep, err := nameParam(q, "endpoint")
	if err != nil {
		return err
	}
	ver, err := nameParam(q, "version")
	if err != nil {
		return err
	}
	cmp, err := nameParam(q, "compare")
	if err != nil {
		return err
	}
	rd := s.reader(r)
	d := profileData{Endpoint: ep}
	if d.Summaries, err = rd.Summaries(r.Context(), ep); err != nil {
		return err
	}
	if ep == "" {
		return s.render(w, r, u, http.StatusOK, "profile", "Profiles", d)
	}
	if len(d.Summaries) == 0 {
		if err := s.knownEndpoint(r, s.shownOf(r), ep); err != nil {
			return err
		}
		return s.render(w, r, u, http.StatusOK, "profile", "Profile of "+ep, d)
	}
	// The newest version profiled, unless one is asked for.
	sort.SliceStable(d.Summaries, func(i, j int) bool { return d.Summaries[i].Last.After(d.Summaries[j].Last) })
	if ver == "" {
		ver = d.Summaries[0].Version
	}
	d.Version, d.Compare = ver, cmp
	if d.View, err = rd.Profile(r.Context(), ep, ver, 40); err != nil {
		return notFound(err, "no profile of this endpoint in version "+clipParam(ver))
	}
	d.Flame = diag.FlameChart(d.View)
	if cmp != "" && cmp != ver {
		if d.Cmp, err = rd.Compare(r.Context(), ep, cmp, ver, 30); err != nil {
			return notFound(err, "no profile of this endpoint in version "+clipParam(cmp))
		}
		d.CmpChart = diag.CompareChart(d.Cmp, 12)
	}
	return s.render(w, r, u, http.StatusOK, "profile", "Profile of "+ep, d)
}

// shortFile keeps the last two elements of a source path.
func shortFile(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return p
	}
	if j := strings.LastIndexByte(p[:i], '/'); j >= 0 {
		return p[j+1:]
	}
	return p
}

// shortFunc drops the package path of a function name, keeping the
// package: "example.com/shop/api.(*S).get" -> "api.(*S).get".
func shortFunc(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}
