package web

import (
	"errors"
	"html/template"
	"math"
	"net/http"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/query"
	"github.com/go-monitoring-dashboard/dashboard/internal/reply"
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
	Rows   []query.EndpointSummary
	Total  struct{ Hits, Errors int64 }
	Charts []Chart
	// Instances of the service, with their requests and last request:
	// listed when there are several, or in gmd serve.
	Instances     []query.InstanceSummary
	ShowInstances bool
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, u *login) error {
	sv := s.shownOf(r)
	o, err := query.Overview(r.Context(), s.scope(sv), query.Window{})
	if err != nil {
		return err
	}
	d := overviewData{Rows: s.running(sv, o.Endpoints)}
	for _, row := range d.Rows {
		d.Total.Hits += row.Hits
		d.Total.Errors += row.Errors
	}
	d.Charts = []Chart{heatmapChart(&o.Heatmap, "Requests by hour of the day, last 30 days"), dailyChart(&o.Daily)}
	if d.Instances, err = query.Instances(r.Context(), s.scope(sv), query.Window{}); err != nil {
		return err
	}
	d.ShowInstances = len(d.Instances) > 1 || !sv.Own
	return s.render(w, r, u, http.StatusOK, "overview", "Overview", d)
}

type endpointsData struct {
	Rows []query.EndpointSummary
	note
}

// note carries a message to show after a change (POST, redirect, GET).
type note struct{ Notice, Problem string }

func (n note) notice() (string, string) { return n.Notice, n.Problem }

func (s *Server) endpointsPage(w http.ResponseWriter, r *http.Request, u *login) error {
	rows, err := s.endpoints(r.Context(), s.shownOf(r), query.Window{}, false) // counts only: no histograms to sum
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
		return reply.Errorf(http.StatusBadRequest, "parameter level: want 0, 1, 2 or 3")
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
	Endpoint store.Endpoint
	Level    int // in effect
	Totals   query.Totals
	Range    rangeView
	Versions []versionRow
	Status   []statusRow
	Charts   []Chart
	// Instances that served the endpoint in the range, when several did.
	Instances []query.InstanceBox
	// Estimates list the busiest users and IPs beyond GROUP_LIMIT.
	Estimates []estimateTable
}

type statusRow struct {
	Class string
	Count int64
	Share float64
}

var statusClasses = []string{"other", "1xx", "2xx", "3xx", "4xx", "5xx"}

func (s *Server) endpointPage(w http.ResponseWriter, r *http.Request, u *login) error {
	sv := s.shownOf(r)
	q := r.URL.Query()
	name := q.Get("name")
	win, key, err := s.pageWindow(q, "30d")
	if err != nil {
		return err
	}
	level, running := s.opts.Level(name)
	running = running && sv.Own
	p, err := query.Endpoint(r.Context(), s.scope(sv), name, hourly(win), query.CallerOptions{})
	switch {
	case errors.Is(err, store.ErrNotFound) && running && name != "":
		// Known to the running dashboard, not written yet: nothing to show
		// but its name and level.
		p = &query.EndpointPage{Endpoint: store.Endpoint{Service: sv.Name, Name: name}}
	case errors.Is(err, store.ErrNotFound) || name == "":
		return reply.Errorf(http.StatusNotFound, "no endpoint named %q", clipParam(name))
	case err != nil:
		return err
	}
	d := endpointData{Endpoint: p.Endpoint, Level: p.Endpoint.Level, Totals: p.Totals, Range: s.rangeView(key)}
	if running {
		d.Level = level
	}
	for i, n := range p.Totals.Status {
		if n > 0 {
			d.Status = append(d.Status, statusRow{statusClasses[i], n, float64(n) / float64(p.Totals.N)})
		}
	}
	boxes := make([]versionBox, len(p.Versions))
	for i, v := range p.Versions {
		boxes[i] = versionBox{v.Box, v.FirstSeen}
		d.Versions = append(d.Versions, versionRow{Name: v.Label, FirstSeen: v.FirstSeen, Hits: v.N, MedianMs: v.MedianMs,
			P95Ms: v.P95Ms, ErrorRate: v.ErrorRate})
	}
	newestFirst(d.Versions)
	if d.Instances, err = query.EndpointInstances(r.Context(), s.scope(sv), name, hourly(win)); err != nil {
		return err
	}
	if len(d.Instances) < 2 {
		d.Instances = nil // the figures above say it all
	}
	if p.Heatmap.Values != nil { // stored: its charts
		d.Charts = []Chart{heatmapChart(&p.Heatmap, "Requests by hour of the day, last 30 days"), hourlyChart(&p.Hourly),
			s.versionBoxes(boxes, "Duration per version"), s.statusChart(&p.Status)}
		d.Charts = append(d.Charts, s.callerCharts(&p.Callers)...)
		d.Estimates = s.estimateTables(&p.Callers)
	}
	return s.render(w, r, u, http.StatusOK, "endpoint", name, d)
}

// versionRow is a version with the requests it served, in the versions
// tables.
type versionRow struct {
	Name      string
	FirstSeen time.Time
	Hits      int64
	MedianMs  float64
	P95Ms     float64
	ErrorRate float64
}

// newestFirst reverses rows, which query gives oldest first.
func newestFirst[T any](rows []T) {
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
}

type versionsData struct {
	Range    rangeView
	Versions []versionRow // newest first
	// Endpoints holds each endpoint's median per version, in the order
	// of Versions, for the table comparing versions.
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
	Hits     int64
	MedianMs float64
	Change   float64 // against the previous (older) version with requests; 0 when none or too small
	Has      bool
}

func (s *Server) versionsPage(w http.ResponseWriter, r *http.Request, u *login) error {
	win, key, err := s.pageWindow(r.URL.Query(), "all")
	if err != nil {
		return err
	}
	p, err := query.Versions(r.Context(), s.scope(s.shownOf(r)), hourly(win))
	if err != nil {
		return err
	}
	d := versionsData{Range: s.rangeView(key)}
	boxes := make([]versionBox, len(p.Versions))
	column := make(map[string]int, len(p.Versions)) // version -> column, newest first
	for i, v := range p.Versions {
		boxes[i] = versionBox{v.Box, v.FirstSeen}
		column[v.Name] = len(p.Versions) - 1 - i
		d.Versions = append(d.Versions, versionRow{Name: v.Name, FirstSeen: v.FirstSeen, Hits: v.Hits, MedianMs: v.MedianMs,
			P95Ms: v.P95Ms, ErrorRate: v.ErrorRate})
	}
	newestFirst(d.Versions)
	for _, ev := range p.Endpoints {
		e := versionsEndpoint{Name: ev.Endpoint, Cells: make([]versionCell, len(d.Versions))}
		for _, c := range ev.Versions {
			cell := versionCell{Hits: c.Hits, MedianMs: c.MedianMs, Has: true}
			if math.Abs(c.MedianChange) >= minChange { // else within the histograms' resolution
				cell.Change = c.MedianChange
			}
			e.Cells[column[c.Version]] = cell
		}
		d.Endpoints = append(d.Endpoints, e)
	}
	d.Charts = []Chart{s.versionBoxes(boxes, "Duration per version, all endpoints")}
	return s.render(w, r, u, http.StatusOK, "versions", "Versions", d)
}
