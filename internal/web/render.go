package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/diag"
)

//go:embed templates
var templateFiles embed.FS

// parseTemplates parses layout.html once per page file: each page defines
// "content" (and "title"), which the layout places.
func parseTemplates(funcs template.FuncMap) (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if out[name], err = t.ParseFS(templateFiles, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// view is what every page template gets.
type view struct {
	Title  string
	Active string // path of the nav entry to highlight
	User   *login
	// Service is the service the page shows; Services every service of
	// the database, which the picker lists when there are several.
	Service  string
	Services []string
	Version  string // the running service's version, on its own pages
	Link     string
	Nav      []navItem
	Zone     string
	Notice   string // a message after a change
	Problem  string // what went wrong with a form
	Data     any
	param    string // the service parameter links carry, "" for the default
}

// URL is the path of a page under the link for the service shown, with
// the query pairs kv: {{$.URL "/endpoint" "name" .Name}}.
func (v *view) URL(path string, kv ...string) string { return pageURL(v.Link, v.param, path, kv...) }

// ServiceParam is the service parameter forms carry, "" for the default.
func (v *view) ServiceParam() string { return v.param }

// PickerPath is where the service picker goes: the page's menu entry, or
// the overview from a page that is not in the menu.
func (v *view) PickerPath() string {
	for _, it := range v.Nav {
		if it.Path == v.Active {
			return v.Active
		}
	}
	return "/"
}

// RangeForm gives the range selector the parameters to keep, the service
// among them.
func (v *view) RangeForm(rv rangeView, keep ...string) any {
	if v.param != "" {
		keep = append(keep, "service", v.param)
	}
	return rangeForm(rv, keep...)
}

func rangeForm(rv rangeView, keep ...string) any {
	m := map[string]string{}
	for i := 0; i+1 < len(keep); i += 2 {
		m[keep[i]] = keep[i+1]
	}
	return struct {
		Range rangeView
		Keep  map[string]string
	}{rv, m}
}

// render writes a page. It executes into a buffer first, so a template
// error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, u *login, status int, name, title string, data any) error {
	t := s.pages[name]
	if t == nil {
		return fmt.Errorf("web: no template %q", name)
	}
	sv := s.shownOf(r)
	v := &view{Title: title, Active: activeOf(r, s.link), User: u, Service: sv.Name, Services: sv.Services,
		Link: s.link, Nav: s.nav(u), Zone: zoneName(s.loc(), s.now()), Data: data, param: sv.Param}
	if sv.Own {
		v.Version = s.opts.Version
	}
	if n, ok := data.(interface{ notice() (string, string) }); ok {
		v.Notice, v.Problem = n.notice()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// activeOf is the menu entry of the page r asks for: an endpoint's page
// belongs to Endpoints.
func activeOf(r *http.Request, link string) string {
	rel := strings.TrimPrefix(r.URL.Path, link)
	switch rel {
	case "/endpoint", "/test", "/benchmark", "/outlier": // a detail page lights its list's entry
		return rel + "s"
	}
	return rel
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	var u *login
	if s.auth.Ready() { // the keys are set
		u, _ = s.auth.Session(r)
	}
	if s.render(w, r, u, status, "error", http.StatusText(status), struct {
		Status int
		Text   string
		Msg    string
	}{status, http.StatusText(status), msg}) != nil {
		http.Error(w, msg, status)
	}
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"when":    s.formatTime,
		"ms":      formatMillis,
		"roundms": roundMs,
		"pct":     func(f float64) string { return formatFloat(100*f, 2) + "%" },
		"num":     formatCount,
		"static":  func(name string) string { return s.link + "/static/" + name + "?v=" + s.static.version(name) },
		"levelName": func(l int) string {
			return levelNames[min(max(l, 0), len(levelNames)-1)]
		},
		"levels":    func() []int { return []int{0, 1, 2, 3} },
		"shortFile": shortFile,
		"shortFunc": shortFunc,
		"dur":       func(m diag.Millis) string { return formatMillis(float64(m.D()) / float64(time.Millisecond)) },
		"ratio":     func(f float64) string { return formatFloat(f, 1) + "×" },
		"bytes":     formatBytes,
		"mulf":      func(a, b float64) float64 { return a * b },
		"int64":     func(n int) int64 { return int64(n) },
		"unix":      func(t time.Time) int64 { return t.Unix() },
		// rangeForm gives the range selector the parameters to keep;
		// pages use $.RangeForm, which keeps the service too.
		"rangeForm": rangeForm,
	}
}

// zoneName names loc for people: its name, or for the machine's zone
// (TIMEZONE unset), which Go calls "Local", its abbreviation and offset.
func zoneName(loc *time.Location, now time.Time) string {
	if loc != time.Local {
		return loc.String()
	}
	abbr, off := now.In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	utc := fmt.Sprintf("UTC%s%02d:%02d", sign, off/3600, off%3600/60)
	if off == 0 {
		utc = "UTC"
	}
	if abbr == "" || abbr == utc || abbr == "UTC" || strings.HasPrefix(abbr, "+") || strings.HasPrefix(abbr, "-") {
		return "the server's zone, " + utc
	}
	return "the server's zone, " + abbr + " (" + utc + ")"
}

var levelNames = []string{"off", "timing", "outliers", "profiler"}

func (s *Server) formatTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(s.loc()).Format("2006-01-02 15:04:05")
}

// formatMillis shows milliseconds with three significant digits
// ("0.125 ms", "12.5 ms", "1250 ms").
func formatMillis(ms float64) string {
	switch {
	case ms == 0:
		return "0 ms"
	case ms < 1:
		return formatFloat(ms, 3) + " ms"
	case ms < 10:
		return formatFloat(ms, 2) + " ms"
	case ms < 100:
		return formatFloat(ms, 1) + " ms"
	}
	return formatCount(int64(math.Round(ms))) + " ms"
}

func formatFloat(f float64, prec int) string { return strconv.FormatFloat(f, 'f', prec, 64) }

// formatCount writes n with thin spaces between thousands (12 345).
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatBytes shows a size with a binary unit ("12.5 MiB").
func formatBytes(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatUint(n, 10) + " B"
	}
	return formatFloat(f, 1) + " " + units[i]
}
