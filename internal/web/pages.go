package web

import (
	"html/template"
	"math"
	"net/http"
	"sort"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// Chart is a server-rendered SVG chart with its heading, placed in a
// page's chart slots. The query and chart packages fill them.
type Chart struct {
	Title string
	Note  string // what the chart leaves out, when it has to choose
	SVG   template.HTML
}

type rangeView struct {
	Key     string
	Choices []rangeChoice
}

func (s *Server) rangeView(key string) rangeView { return rangeView{Key: key, Choices: rangeChoices()} }

type overviewData struct {
	Rows   []endpointRow
	Total  summary
	Charts []Chart
	// Instances of the service, with their requests and last request:
	// listed when there are several, or in gmd serve.
	Instances     []query.InstanceSummary
	ShowInstances bool
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, u *login) error {
	sv := s.shownOf(r)
	// The recent hours serve the table's recent counts and the charts.
	totals, err := s.sum(r.Context(), sv, "", window{}, store.ByEndpoint, true)
	if err != nil {
		return err
	}
	hours, err := s.recentHours(r.Context(), sv, "")
	if err != nil {
		return err
	}
	rows, err := s.endpointRowsFrom(r.Context(), sv, totals, hours)
	if err != nil {
		return err
	}
	d := overviewData{Rows: rows}
	for i := range rows {
		d.Total.Hits += rows[i].Hits
		d.Total.Errors += rows[i].Errors
	}
	d.Charts = s.overviewCharts(hours)
	if d.Instances, err = query.Instances(r.Context(), s.scope(sv), query.Window{}); err != nil {
		return err
	}
	d.ShowInstances = len(d.Instances) > 1 || !sv.Own
	return s.render(w, r, u, http.StatusOK, "overview", "Overview", d)
}

// scope is what the query package reads for the shown service.
func (s *Server) scope(sv *shown) query.Scope {
	return query.Scope{Store: s.store, Service: sv.Name, Loc: s.loc(), Now: s.now()}
}

type endpointsData struct {
	Rows []endpointRow
	note
}

// note carries a message to show after a change (POST, redirect, GET).
type note struct{ Notice, Problem string }

func (n note) notice() (string, string) { return n.Notice, n.Problem }

func (s *Server) endpointsPage(w http.ResponseWriter, r *http.Request, u *login) error {
	sv := s.shownOf(r)
	// Counts only: no histograms to sum.
	totals, err := s.sum(r.Context(), sv, "", window{}, store.ByEndpoint, false)
	if err != nil {
		return err
	}
	rows, err := s.endpointRowsFrom(r.Context(), sv, totals, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, u, http.StatusOK, "endpoints", "Endpoints", endpointsData{Rows: rows, note: s.takeFlash(w, r)})
}

// levelForm changes a level from the endpoints table without JavaScript.
func (s *Server) levelForm(w http.ResponseWriter, r *http.Request, u *login) error {
	name := r.PostForm.Get("endpoint")
	level, err := intParam(r.PostForm, "level", -1, 0, store.MaxLevel)
	if err != nil {
		return err
	}
	sv := s.shownOf(r)
	if err := s.setLevel(r, u, sv, name, int(level)); err != nil {
		return err
	}
	s.flash(w, r, "Level of "+name+" set to "+levelNames[level]+".")
	http.Redirect(w, r, s.pageURL(sv, "/endpoints"), http.StatusSeeOther)
	return nil
}

// setLevel changes the level of an endpoint of the shown service: through
// the running dashboard for its own service (at once, and stored), in the
// database for any other (whose instances read it within their
// LEVEL_REFRESH_INTERVAL).
func (s *Server) setLevel(r *http.Request, u *login, sv *shown, name string, level int) error {
	if err := s.knownEndpoint(r, sv, name); err != nil {
		return err
	}
	if level < store.LevelOff || level > store.MaxLevel {
		return errorf(http.StatusBadRequest, "parameter level: want 0, 1, 2 or 3")
	}
	var err error
	if _, running := s.opts.Level(name); sv.Own && running {
		err = s.opts.SetLevel(r.Context(), name, level)
	} else {
		err = s.storeLevel(r.Context(), sv, name, level)
	}
	if err != nil {
		return err
	}
	s.log.Info("dashboard: level changed", "service", sv.Name, "endpoint", name, "level", level, "by", u.Name)
	return nil
}

type endpointData struct {
	Row      endpointRow
	Range    rangeView
	Versions []versionRow
	Status   []statusRow
	Charts   []Chart
	// Instances that served the endpoint in the range, when several did.
	Instances []query.InstanceBox
}

type statusRow struct {
	Class string
	Count int64
	Share float64
}

func (s *Server) endpointPage(w http.ResponseWriter, r *http.Request, u *login) error {
	sv := s.shownOf(r)
	q := r.URL.Query()
	name := q.Get("name")
	win, key, err := s.pageWindow(q, "30d")
	if err != nil {
		return err
	}
	if name == "" {
		return errorf(http.StatusNotFound, "no endpoint named \"\"")
	}
	totals, err := s.sum(r.Context(), sv, name, win, store.ByEndpoint, true)
	if err != nil {
		return err
	}
	rows, err := s.endpointRowsFrom(r.Context(), sv, totals, nil)
	if err != nil {
		return err
	}
	var d endpointData
	found := false
	for _, row := range rows {
		if row.Name == name {
			d.Row, found = row, true
		}
	}
	if !found {
		return errorf(http.StatusNotFound, "no endpoint named %q", clipParam(name))
	}
	d.Range = s.rangeView(key)
	perVersion, err := s.sum(r.Context(), sv, name, win, store.ByVersion, true)
	if err != nil {
		return err
	}
	if d.Versions, err = s.versionRows(r, sv, perVersion); err != nil {
		return err
	}
	if d.Instances, err = query.EndpointInstances(r.Context(), s.scope(sv), name, win.query()); err != nil {
		return err
	}
	if len(d.Instances) < 2 {
		d.Instances = nil // the figures above say it all
	}
	for i, label := range []string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"} {
		if n := d.Row.Status[i]; n > 0 {
			d.Status = append(d.Status, statusRow{label, n, float64(n) / float64(d.Row.Hits)})
		}
	}
	hours, err := s.recentHours(r.Context(), sv, name)
	if err != nil {
		return err
	}
	statusHours, err := s.sum(r.Context(), sv, name, win, store.ByHour, false)
	if err != nil {
		return err
	}
	d.Charts = s.endpointCharts(hours, statusHours, win, d.Versions)
	callers, err := s.callerCharts(r, sv, name, win)
	if err != nil {
		return err
	}
	d.Charts = append(d.Charts, callers...)
	return s.render(w, r, u, http.StatusOK, "endpoint", name, d)
}

// versionRow is a version with the requests it served.
type versionRow struct {
	Name      string
	FirstSeen time.Time
	summary
}

// versionRows folds rollups per version, newest version first; versions
// without requests in rus are listed too when rus covers all endpoints.
func (s *Server) versionRows(r *http.Request, sv *shown, rus []store.Rollup) ([]versionRow, error) {
	vs, err := s.store.Versions(r.Context(), sv.Name)
	if err != nil {
		return nil, err
	}
	sums := fold(rus, byVersion)
	var out []versionRow
	for _, v := range vs {
		row := versionRow{Name: v.Name, FirstSeen: v.FirstSeen}
		if sm := sums[v.Name]; sm != nil {
			row.summary = *sm
		}
		out = append(out, row)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FirstSeen.After(out[j].FirstSeen) })
	return out, nil
}

type versionsData struct {
	Range    rangeView
	Versions []versionRow
	// Cells holds each endpoint's median per version, for the table
	// comparing versions.
	Endpoints []versionsEndpoint
	Charts    []Chart
}

// minChange is the smallest change of a median worth showing: medians
// read from the histograms are within 2% each, so smaller differences
// may be their rounding.
const minChange = 0.05

type versionsEndpoint struct {
	Name  string
	Cells []versionCell
}

type versionCell struct {
	Hits   int64
	Median time.Duration
	Change float64 // against the previous (older) version with requests; 0 when none
	Has    bool
}

func (s *Server) versionsPage(w http.ResponseWriter, r *http.Request, u *login) error {
	sv := s.shownOf(r)
	win, key, err := s.pageWindow(r.URL.Query(), "all")
	if err != nil {
		return err
	}
	rus, err := s.sum(r.Context(), sv, "", win, store.ByEndpoint|store.ByVersion, true)
	if err != nil {
		return err
	}
	d := versionsData{Range: s.rangeView(key)}
	if d.Versions, err = s.versionRows(r, sv, rus); err != nil {
		return err
	}
	per := fold(rus, func(ru *store.Rollup) string { return ru.Endpoint + "\x00" + ru.Version })
	names := map[string]bool{}
	for i := range rus {
		names[rus[i].Endpoint] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		e := versionsEndpoint{Name: n, Cells: make([]versionCell, len(d.Versions))}
		// Versions are newest first; compare each with the next older
		// one that served the endpoint.
		for i := len(d.Versions) - 1; i >= 0; i-- {
			sm := per[n+"\x00"+d.Versions[i].Name]
			if sm == nil {
				continue
			}
			c := versionCell{Hits: sm.Hits, Median: sm.Median(), Has: true}
			for j := i + 1; j < len(d.Versions); j++ {
				if prev := e.Cells[j]; prev.Has && prev.Median > 0 {
					c.Change = float64(c.Median-prev.Median) / float64(prev.Median)
					if math.Abs(c.Change) < minChange {
						c.Change = 0 // within the histograms' resolution
					}
					break
				}
			}
			e.Cells[i] = c
		}
		d.Endpoints = append(d.Endpoints, e)
	}
	d.Charts = s.versionsCharts(d.Versions)
	return s.render(w, r, u, http.StatusOK, "versions", "Versions", d)
}
