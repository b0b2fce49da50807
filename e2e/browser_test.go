package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/go-monitoring-dashboard/dashboard/internal/demo"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// findChromium returns the browser to drive: GMD_CHROMIUM, else the first
// of the usual names on the PATH.
func findChromium() string {
	if p := os.Getenv("GMD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless Chromium tab on the demo's dashboard. It
// collects every problem a person would see in the developer tools:
// console errors and warnings, uncaught exceptions, CSP violations,
// failed requests and error statuses, except those a step expects.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string // the dashboard's URL, ending in "/"
	shots string // where screenshots go
	shot  int

	mu       sync.Mutex
	problems []string
	expect   map[string]int // URL -> the error status a step expects
}

// cspRecorder runs before any script of every page and keeps the page's
// CSP violations where the test reads them. (Scripts that the DevTools
// protocol adds are not subject to the page's CSP.)
const cspRecorder = `window.__gmdCSP = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__gmdCSP.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`

func newBrowser(t *testing.T, exe, base, shots string) *browser {
	b := &browser{t: t, base: base, shots: shots, expect: map[string]int{}}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
		// The machine's network is closed: no background connections.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithListener(b.event))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first call starts the browser with no deadline (a deadline on it
	// would end the browser); the steps after it share one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel)
	b.ctx = ctx
	b.must(chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, cdplog.Enable, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder})
		return err
	})))
	return b
}

// event runs in the tab's message loop: it only records.
func (b *browser) event(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.problems = append(b.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e.Level != cdplog.EntryLevelError && e.Level != cdplog.EntryLevelWarning {
			return
		}
		if _, ok := b.expect[e.URL]; ok && e.Source == cdplog.EntrySourceNetwork {
			return
		}
		b.problems = append(b.problems, fmt.Sprintf("log %s/%s: %s %s", e.Source, e.Level, e.Text, e.URL))
	case *network.EventLoadingFailed:
		b.problems = append(b.problems, fmt.Sprintf("request failed (%s): %s %s", ev.Type, ev.ErrorText, ev.BlockedReason))
	case *network.EventResponseReceived:
		r := ev.Response
		if r.Status >= 400 && b.expect[r.URL] != int(r.Status) {
			b.problems = append(b.problems, fmt.Sprintf("HTTP %d for %s", r.Status, r.URL))
		}
	}
}

// takeProblems returns and forgets what went wrong so far, the page's
// recorded CSP violations included.
func (b *browser) takeProblems() []string {
	b.t.Helper()
	csp, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(window.__gmdCSP || []).splice(0)`))
	if err != nil {
		b.t.Fatalf("reading CSP violations: %v", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.problems
	b.problems = nil
	for _, v := range csp {
		out = append(out, "CSP violation: "+v)
	}
	return out
}

// clean fails the test with every problem seen since the last check.
func (b *browser) clean(where string) {
	b.t.Helper()
	for _, p := range b.takeProblems() {
		b.t.Errorf("%s: %s", where, p)
	}
}

// use makes the steps report to t, a subtest, until the returned func
// gives them back to the test they reported to before.
func (b *browser) use(t *testing.T) func() {
	prev := b.t
	b.t = t
	return func() { b.t = prev }
}

func (b *browser) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) url(path string) string { return b.base + strings.TrimPrefix(path, "/") }

// open loads a page under the dashboard and returns its HTTP status.
func (b *browser) open(path string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.url(path)))
	if err != nil {
		b.t.Fatalf("opening %s: %v", path, err)
	}
	if resp == nil {
		b.t.Fatalf("opening %s: no response", path)
	}
	return resp.Status
}

// page opens path, wants a 200 and no problems, and saves a screenshot.
func (b *browser) page(path, shot string) {
	b.t.Helper()
	if st := b.open(path); st != 200 {
		b.t.Fatalf("%s: status %d, want 200", path, st)
	}
	b.screenshot(shot)
	b.clean(path)
}

// screenshot saves the whole page as NN-name.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.shot++
	file := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.shot, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluating %.80s: %v", js, err)
	}
	return v
}

// evalAsync evaluates js, a promise, and returns what it resolves to.
func evalAsync[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %.80s: %v", js, err)
	}
	return v
}

// clickAndLoad clicks the element sel finds and waits for the page it
// leads to.
func (b *browser) clickAndLoad(sel string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)))
	if err != nil {
		b.t.Fatalf("clicking %s: %v", sel, err)
	}
}

// chartInfo describes one chart of a page as the browser has it.
type chartInfo struct {
	Kind   string  `json:"kind"`
	Title  string  `json:"title"`
	Marks  int     `json:"marks"`  // data marks: cells, bars, boxes, bubbles, points, frames
	Titled int     `json:"titled"` // marks with a hover title
	Empty  bool    `json:"empty"`  // says "No data"
	Width  int     `json:"width"`  // drawn width in CSS pixels
	Scale  float64 `json:"scale"`  // drawn width / the SVG's own width: its text is 12 px times this
}

const chartsJS = `(function () {
  const marks = {heatmap: ".gmd-cell", bars: ".gmd-bar", boxplot: ".gmd-box", bubble: ".gmd-bubble", lines: ".gmd-point", flame: ".gmd-frame"};
  return Array.from(document.querySelectorAll("svg.gmd-chart")).map(function (svg) {
    const cls = Array.from(svg.classList).find(function (c) { return c.indexOf("gmd-chart-") === 0; }) || "";
    const kind = cls.slice("gmd-chart-".length);
    const ms = marks[kind] ? Array.from(svg.querySelectorAll(marks[kind])) : [];
    const titled = ms.filter(function (m) {
      const t = m.querySelector("title");
      return t && (t.textContent || t.dataset.text || "").trim() !== "";
    }).length;
    return {kind: kind, title: svg.getAttribute("aria-label") || "", marks: ms.length, titled: titled,
      empty: svg.querySelector(".gmd-empty") !== null, width: Math.round(svg.getBoundingClientRect().width),
      scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width};
  });
})()`

// checkCharts wants the page to hold want charts of each kind, each with
// data marks that carry hover titles.
func (b *browser) checkCharts(where string, want map[string]int) []chartInfo {
	b.t.Helper()
	charts := eval[[]chartInfo](b, chartsJS)
	got := map[string]int{}
	for _, c := range charts {
		got[c.Kind]++
		if c.Empty || c.Marks == 0 {
			b.t.Errorf("%s: chart %q (%s) is empty", where, c.Title, c.Kind)
		} else if c.Titled != c.Marks {
			b.t.Errorf("%s: chart %q (%s): %d of %d marks have a hover title", where, c.Title, c.Kind, c.Titled, c.Marks)
		}
		b.readable(where, c)
	}
	for kind, n := range want {
		if got[kind] != n {
			b.t.Errorf("%s: %d %s charts, want %d (charts: %+v)", where, got[kind], kind, n, charts)
		}
	}
	for kind := range got {
		if _, ok := want[kind]; !ok {
			b.t.Errorf("%s: an unexpected %s chart", where, kind)
		}
	}
	return charts
}

// chartsWithData wants at least one chart on the page, and every chart
// with data marks that carry hover titles, drawn large enough to read.
func (b *browser) chartsWithData(where string) {
	b.t.Helper()
	charts := eval[[]chartInfo](b, chartsJS)
	if len(charts) == 0 {
		b.t.Errorf("%s: no chart", where)
	}
	for _, c := range charts {
		if c.Empty || c.Marks == 0 || c.Titled != c.Marks {
			b.t.Errorf("%s: chart %q (%s): %d marks, %d with a title, empty %v", where, c.Title, c.Kind, c.Marks, c.Titled, c.Empty)
		}
		b.readable(where, c)
	}
}

// minScale keeps the charts' 12-pixel text at 10 pixels or more.
const minScale = 0.83

// readable wants a chart drawn large enough to read.
func (b *browser) readable(where string, c chartInfo) {
	b.t.Helper()
	if c.Scale < minScale {
		b.t.Errorf("%s: chart %q is drawn %d px wide, %.2f of its size: its text is too small to read", where, c.Title, c.Width, c.Scale)
	}
}

// navLabels returns the labels of the dashboard's menu.
func (b *browser) navLabels() []string {
	return eval[[]string](b, `Array.from(document.querySelectorAll("nav.menu a")).map(function (a) { return a.textContent.trim(); })`)
}

// The endpoints the test opens: the busiest, and the one whose speed
// changes with the versions.
var pageEndpoints = []string{"GET /books/{id}", "GET /search"}

// TestDashboardInBrowser opens every page of the demo in headless
// Chromium, as an admin and as a guest, and checks what a person would
// see: the charts with their hover values, sorting, level changes,
// logging out, and no error of any kind in the browser.
//
// GMD_SCREENSHOTS=dir keeps the screenshots there, a relative dir being
// under the repository's root (docs/screenshots is the set docs/pages.md shows),
// replacing the numbered screenshots of an earlier run; otherwise they go
// to a temporary directory. Without
// Chromium the test skips, unless GMD_REQUIRE_BROWSER=1 (as in CI).
func TestDashboardInBrowser(t *testing.T) {
	exe := findChromium()
	if exe == "" {
		msg := "no Chromium found (GMD_CHROMIUM, or chromium on the PATH): the browser test needs it; on Debian: apt-get install -y chromium"
		if os.Getenv("GMD_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	shots := os.Getenv("GMD_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else {
		if !filepath.IsAbs(shots) {
			shots = filepath.Join("..", shots) // relative to the repository's root
		}
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
		// A set of its own: the numbered screenshots of an earlier run go.
		old, _ := filepath.Glob(filepath.Join(shots, "[0-9][0-9]-*.png"))
		for _, f := range old {
			os.Remove(f)
		}
	}

	ctx := context.Background()
	d, err := demo.Start(ctx, demo.Options{
		Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "demo.db"), Password: "e2e-admin-password",
		// Live traffic brisk enough for outliers of GET /search within
		// seconds.
		Days: 30, Users: 40, PerHour: 60, Seed: 7, Rate: 30,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := d.Close(cctx); err != nil {
			t.Errorf("closing the demo: %v", err)
		}
	})
	t.Logf("demo: %d requests of history at %s", d.History.Requests, d.DashboardURL)

	b := newBrowser(t, exe, d.DashboardURL, shots)

	// The collector itself: each kind of problem it must see.
	t.Run("the problem collector", func(t *testing.T) {
		defer b.use(t)()
		for _, c := range []struct {
			name, js, want string
		}{
			{"CSP violation", `var s = document.createElement("style"); s.textContent = "body{color:red}"; document.head.appendChild(s); 0`, "CSP violation: style-src"},
			{"console error", `console.error("broken"); 0`, "console.error: broken"},
			{"exception", `setTimeout(function () { null.x; }, 0); 0`, "exception"},
			{"HTTP error", `fetch("static/nope.js").then(function () { return 0; })`, "HTTP 404"},
		} {
			b.open("login")
			b.takeProblems()
			if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[chromedp.Void](c.js, chromedp.EvalAwaitPromise)); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			// Some are reported asynchronously.
			var seen []string
			for i := 0; i < 50 && len(seen) == 0; i++ {
				time.Sleep(20 * time.Millisecond)
				seen = b.takeProblems()
			}
			if !strings.Contains(strings.Join(seen, "\n"), c.want) {
				t.Errorf("%s: not reported (%q)", c.name, seen)
			}
			time.Sleep(50 * time.Millisecond)
			b.takeProblems()
		}
	})
	if t.Failed() {
		return
	}

	t.Run("login", func(t *testing.T) {
		defer b.use(t)()
		b.open("")
		loc := eval[string](b, `location.pathname + location.search`)
		if !strings.HasSuffix(strings.SplitN(loc, "?", 2)[0], "/login") {
			t.Fatalf("a visitor without a session is at %s, want the login page", loc)
		}
		b.screenshot("login")
		b.clean("login page")
		b.login(demo.Username, d.Password)
		if h := eval[string](b, `document.querySelector("h1").textContent`); h != "Overview" {
			t.Fatalf("after logging in: %q, want the overview", h)
		}
		b.clean("logging in")
	})
	if t.Failed() {
		return
	}

	t.Run("overview", func(t *testing.T) {
		defer b.use(t)()
		b.page("", "overview")
		b.checkCharts("overview", map[string]int{"heatmap": 1, "bars": 1})
		rows := eval[int](b, `document.querySelectorAll("#overview tbody tr").length`)
		if rows < 7 {
			t.Errorf("the overview lists %d endpoints, want the demo's 7 or more", rows)
		}
		b.hover()
		b.sortTable("overview", 3)
		b.sortTable("overview", 4)
		b.clean("overview")
	})

	t.Run("endpoints and levels", func(t *testing.T) {
		defer b.use(t)()
		b.page("endpoints", "endpoints")
		b.changeLevel()
		b.sortTable("endpoints", 2)
		b.clean("endpoints")
	})

	t.Run("endpoint pages", func(t *testing.T) {
		defer b.use(t)()
		endpointCharts := map[string]int{"heatmap": 1, "bars": 1, "boxplot": 3, "lines": 1, "bubble": 2}
		for i, ep := range pageEndpoints {
			for _, rng := range []string{"", "24h", "7d", "all"} {
				path := "endpoint?name=" + url.QueryEscape(ep)
				if rng != "" {
					path += "&range=" + rng
				}
				name := fmt.Sprintf("endpoint-%d", i+1)
				if rng != "" {
					name += "-" + rng
				}
				b.page(path, name)
				b.checkCharts(ep+" "+rng, endpointCharts)
				if h := eval[string](b, `document.querySelector("h1").textContent`); h != ep {
					t.Errorf("%s: heading %q", path, h)
				}
			}
		}
		// The range selector asks the server again when it changes.
		b.open("endpoint?name=" + url.QueryEscape(pageEndpoints[0]))
		_, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil,
			chromedp.Evaluate[chromedp.Void](`var s = document.querySelector("form.range select"); s.value = "7d"; s.dispatchEvent(new Event("change")); 0`)))
		b.must(err)
		if q := eval[string](b, `location.search`); !strings.Contains(q, "range=7d") {
			t.Errorf("after choosing 7 days the page is %s", q)
		}
		b.clean("range selector")
	})

	t.Run("versions", func(t *testing.T) {
		defer b.use(t)()
		b.page("versions", "versions")
		b.checkCharts("versions", map[string]int{"boxplot": 1})
		if n := eval[int](b, `document.querySelectorAll(".change-up, .change-down").length`); n == 0 {
			t.Error("the versions page shows no change between versions (the demo's GET /search slows down in 1.2.0)")
		}
	})

	for _, p := range []struct{ path, shot, heading string }{
		{"export", "export", "Export"},
		{"settings", "settings", "Settings"},
		{"users", "users", "Users"},
		{"account", "account", "Your account"},
	} {
		t.Run(p.path, func(t *testing.T) {
			defer b.use(t)()
			b.page(p.path, p.shot)
			b.checkCharts(p.path, nil)
			if h := eval[string](b, `document.querySelector("h1").textContent`); h != p.heading {
				t.Errorf("%s: heading %q, want %q", p.path, h, p.heading)
			}
		})
	}

	// The pages of outliers, errors, profiles and CI results. Outliers
	// come from the live traffic of the endpoints the demo watches (GET
	// /search, POST /orders): wait for one so that the list and its page
	// show it.
	t.Run("outliers", func(t *testing.T) {
		defer b.use(t)()
		var first []store.Outlier
		for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
			var err error
			if first, err = d.Store.Outliers(ctx, store.OutlierFilter{Service: d.World.Service, Limit: 1}); err != nil {
				t.Fatal(err)
			}
			if len(first) > 0 {
				break
			}
		}
		if len(first) == 0 {
			t.Fatal("the demo captured no outlier in 90 seconds")
		}
		b.page("outliers", "outliers")
		b.checkCharts("outliers", nil)
		if n := eval[int](b, `document.querySelectorAll("a[href*='/outlier?id=']").length`); n == 0 {
			t.Fatal("the outliers page lists no outlier")
		}
		b.clickAndLoad(`a[href*='/outlier?id=']`)
		b.screenshot("outlier")
		b.clean("outlier page")
		// The demo watches GET /search (level 2) and POST /orders (3).
		if body := eval[string](b, `document.querySelector("main").innerText`); !strings.Contains(body, "GET /search") && !strings.Contains(body, "POST /orders") {
			t.Errorf("the outlier's page does not name a watched endpoint: %.300s", body)
		}
		b.chartsWithData("outlier page")
	})

	t.Run("errors", func(t *testing.T) {
		defer b.use(t)()
		b.page("errors", "errors")
		b.checkCharts("errors", nil)
		// The demo's history has 5xx answers (the orders incident among them).
		if body := eval[string](b, `document.querySelector("main").innerText`); !strings.Contains(body, "POST /orders") {
			t.Errorf("the errors page does not list the failing POST /orders: %.300s", body)
		}
	})

	t.Run("version report", func(t *testing.T) {
		defer b.use(t)()
		b.page("report", "report")
		body := eval[string](b, `document.querySelector("main").innerText`)
		for _, want := range []string{"GET /search", "improvement", "BenchmarkSearch", "TestSearchRanking"} {
			if !strings.Contains(body, want) {
				t.Errorf("the version report (1.2.0 to 1.2.1, where GET /search gets faster again) lacks %q", want)
			}
		}
	})

	// CI results: the demo uploads a run of tests and benchmarks per
	// release.
	t.Run("tests and benchmarks", func(t *testing.T) {
		defer b.use(t)()
		for _, c := range []struct{ list, one, name string }{
			{"tests", "test", "TestSearchRanking"},
			{"benchmarks", "benchmark", "BenchmarkSearch"},
		} {
			b.page(c.list, c.list)
			if c.list == "tests" {
				b.checkCharts(c.list, map[string]int{"boxplot": 1})
			}
			if body := eval[string](b, `document.querySelector("main").innerText`); !strings.Contains(body, c.name) {
				t.Errorf("the %s page does not list the demo's %s: %.300s", c.list, c.name, body)
			}
			// One of them, with its charts across versions.
			b.clickAndLoad(`main a[href^="` + c.one + `?"]`)
			b.screenshot(c.one)
			b.clean("a " + c.one + "'s page")
			b.chartsWithData("a " + c.one + "'s page")
		}
	})

	// Profiles are stored once a minute: the page is opened without
	// them, and so is any page added to the menu later.
	known := map[string]bool{"Overview": true, "Endpoints": true, "Versions": true, "Export": true, "Settings": true,
		"Users": true, "Outliers": true, "Errors": true, "Report": true, "Tests": true, "Benchmarks": true}
	t.Run("other pages of the menu", func(t *testing.T) {
		defer b.use(t)()
		b.open("")
		if h := eval[float64](b, `document.querySelector("header.top").getBoundingClientRect().height`); h > 60 {
			t.Errorf("the menu takes %.0f px: it wraps at 1400 px", h)
		}
		links := eval[[][2]string](b, `Array.from(document.querySelectorAll("nav.menu a")).map(function (a) { return [a.textContent.trim(), a.getAttribute("href")]; })`)
		for _, l := range links {
			if known[l[0]] {
				continue
			}
			t.Logf("also opening %s (%s)", l[0], l[1])
			path := strings.TrimPrefix(l[1], strings.TrimSuffix(mustPath(t, d.DashboardURL), "/"))
			b.page(path, slug(l[0]))
			for _, c := range eval[[]chartInfo](b, chartsJS) {
				if !c.Empty && c.Titled != c.Marks {
					t.Errorf("%s: chart %q: %d of %d marks have a hover title", l[0], c.Title, c.Titled, c.Marks)
				}
				b.readable(l[0], c)
			}
		}
	})

	t.Run("add a guest", func(t *testing.T) {
		defer b.use(t)()
		b.open("users")
		b.must(chromedp.Do(b.ctx,
			chromedp.SendKeys(chromedp.CSS(`form[action$="/users/add"] input[name=username]`), "viewer"),
			chromedp.SendKeys(chromedp.CSS(`form[action$="/users/add"] input[name=password]`), "viewer-password-1"),
			chromedp.SetValue(chromedp.CSS(`form[action$="/users/add"] select[name=role]`), "guest"),
		))
		b.clickAndLoad(`form[action$="/users/add"] button[type=submit]`)
		text := eval[string](b, `document.querySelector("#users").textContent`)
		if !strings.Contains(text, "viewer") {
			t.Fatalf("the users table lacks the new user: %q", text)
		}
		b.clean("adding a user")
	})

	t.Run("logout", func(t *testing.T) {
		defer b.use(t)()
		b.open("")
		b.clickAndLoad(`header form.inline button[type=submit]`)
		if p := eval[string](b, `location.pathname`); !strings.HasSuffix(p, "/login") {
			t.Errorf("after logging out the browser is at %s, want the login page", p)
		}
		b.open("")
		if p := eval[string](b, `location.pathname`); !strings.HasSuffix(p, "/login") {
			t.Errorf("after logging out the overview sends to %s, want the login page", p)
		}
		if n := eval[int](b, `document.querySelectorAll("nav.menu").length`); n != 0 {
			t.Error("the login page shows the menu after logging out")
		}
		b.clean("logging out")
	})

	t.Run("guest", func(t *testing.T) {
		defer b.use(t)()
		b.login("viewer", "viewer-password-1")
		b.page("", "guest-overview")
		b.checkCharts("guest overview", map[string]int{"heatmap": 1, "bars": 1})
		nav := strings.Join(b.navLabels(), ",")
		for _, admin := range []string{"Export", "Settings", "Users"} {
			if strings.Contains(nav, admin) {
				t.Errorf("a guest's menu has %s: %s", admin, nav)
			}
		}
		b.page("endpoint?name="+url.QueryEscape(pageEndpoints[1]), "guest-endpoint")
		b.checkCharts("guest endpoint page", map[string]int{"heatmap": 1, "bars": 1, "boxplot": 3, "lines": 1, "bubble": 2})
		b.page("endpoints", "guest-endpoints")
		if n := eval[int](b, `document.querySelectorAll("form.levels").length`); n != 0 {
			t.Errorf("a guest sees %d level forms", n)
		}
		for _, p := range []string{"export", "settings", "users"} {
			b.expectStatus(p, 403)
			if st := b.open(p); st != 403 {
				t.Errorf("a guest opening %s: status %d, want 403", p, st)
			}
		}
		// The export itself, fetched as the form would (opened as a
		// document, a JSON answer makes the browser ask the shop for a
		// favicon).
		b.open("endpoints")
		b.expectStatus("api/requests?format=csv", 403)
		if st := evalAsync[int](b, `fetch("api/requests?format=csv").then(function (r) { return r.status; })`); st != 403 {
			t.Errorf("a guest's export: status %d, want 403", st)
		}
		// A level change sent from the page anyway is refused.
		lvl := b.url("api/endpoints/level")
		b.expectStatus("api/endpoints/level", 403)
		b.open("endpoints")
		st := evalAsync[int](b, `fetch(`+jsString(lvl)+`, {method: "POST", headers: {"Content-Type": "application/json",
			"X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content},
			body: JSON.stringify({endpoint: "GET /books", level: 0})}).then(function (r) { return r.status; })`)
		if st != 403 {
			t.Errorf("a guest's level change: status %d, want 403", st)
		}
		b.clean("guest")
	})
}

// login fills the login form and waits for the page it leads to.
func (b *browser) login(user, password string) {
	b.t.Helper()
	b.open("login")
	b.must(chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
	))
	b.clickAndLoad(`form button[type=submit]`)
	if p := eval[string](b, `location.pathname`); strings.HasSuffix(p, "/login") {
		b.t.Fatalf("logging in as %s failed: %s", user, eval[string](b, `document.body.innerText`))
	}
}

// expectStatus tells the collector that path answers status.
func (b *browser) expectStatus(path string, status int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.expect[b.url(path)] = status
}

// hover moves the mouse over a busy heatmap cell and wants the page's
// tooltip to show the cell's count.
func (b *browser) hover() {
	b.t.Helper()
	type box struct {
		X, Y  float64
		Title string
	}
	c := eval[box](b, `(function () {
  const cells = Array.from(document.querySelectorAll("svg.gmd-chart-heatmap .gmd-cell"));
  const cell = cells[Math.floor(cells.length / 2)];
  cell.scrollIntoView({block: "center"});
  const r = cell.getBoundingClientRect();
  return {X: r.x + r.width / 2, Y: r.y + r.height / 2, Title: cell.querySelector("title").textContent};
})()`)
	b.must(chromedp.Do(b.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, c.X, c.Y)))
	var tip string
	for i := 0; i < 50; i++ {
		tip = eval[string](b, `(function () { const t = document.querySelector(".tip"); return t && !t.hidden ? t.textContent : ""; })()`)
		if tip != "" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if tip == "" || tip != c.Title || !strings.Contains(tip, "requests") {
		b.t.Errorf("hovering a heatmap cell shows %q, want its title %q", tip, c.Title)
	}
}

// sortTable clicks a column's header twice and wants the rows in
// ascending, then descending order of the column's sort keys.
func (b *browser) sortTable(id string, col int) {
	b.t.Helper()
	head := fmt.Sprintf("#%s thead th:nth-child(%d)", id, col+1)
	keys := fmt.Sprintf(`Array.from(document.querySelectorAll("#%s tbody tr")).map(function (r) {
  const c = r.cells[%d]; return c.dataset.sort !== undefined ? c.dataset.sort : c.textContent.trim(); })`, id, col)
	for _, dir := range []string{"ascending", "descending"} {
		b.must(chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(head))))
		if got := eval[string](b, `document.querySelector(`+jsString(head)+`).getAttribute("aria-sort")`); got != dir {
			b.t.Errorf("%s: aria-sort %q, want %q", head, got, dir)
		}
		ks := eval[[]string](b, keys)
		for i := 1; i < len(ks); i++ {
			a, c := sortKey(ks[i-1]), sortKey(ks[i])
			if dir == "ascending" && less(c, a) || dir == "descending" && less(a, c) {
				b.t.Errorf("%s sorted %s: %q before %q", head, dir, ks[i-1], ks[i])
				break
			}
		}
		if len(ks) < 2 {
			b.t.Errorf("%s: %d rows to sort", id, len(ks))
		}
	}
}

// changeLevel clicks another level of the first endpoint, wants it shown
// without a reload and kept after one, then sets the level back.
func (b *browser) changeLevel() {
	b.t.Helper()
	const row = `#endpoints tbody tr:first-child`
	pressed := func() string {
		return eval[string](b, `(function () { const p = document.querySelector(`+jsString(row+` form.levels button[aria-pressed="true"]`)+`); return p ? p.value : ""; })()`)
	}
	before := pressed()
	if before == "" {
		b.t.Fatal("the first endpoint shows no level")
	}
	next := "2"
	if before == "2" {
		next = "1"
	}
	b.must(chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`window.__gmdSamePage = true; 0`)))
	b.must(chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(row+` form.levels button[value="`+next+`"]`))))
	var now string
	for i := 0; i < 100 && now != next; i++ {
		time.Sleep(20 * time.Millisecond)
		now = pressed()
	}
	if now != next {
		b.t.Fatalf("after clicking level %s the row shows %q", next, now)
	}
	if !eval[bool](b, `window.__gmdSamePage === true`) {
		b.t.Error("the level change reloaded the page; the script should post it in place")
	}
	b.must(chromedp.Do(b.ctx, chromedp.Reload()))
	if got := pressed(); got != next {
		b.t.Errorf("after a reload the level is %q, want %q", got, next)
	}
	b.must(chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(row+` form.levels button[value="`+before+`"]`))))
	for i := 0; i < 100 && now != before; i++ {
		time.Sleep(20 * time.Millisecond)
		now = pressed()
	}
	if now != before {
		b.t.Errorf("setting the level back to %s: the row shows %q", before, now)
	}
}

type key struct {
	num   float64
	isNum bool
	s     string
}

func sortKey(v string) key {
	var f float64
	if _, err := fmt.Sscan(v, &f); err == nil && v != "" {
		return key{num: f, isNum: true}
	}
	return key{s: strings.ToLower(v)}
}

// less orders keys as app.js does: numbers before text.
func less(a, b key) bool {
	if a.isNum != b.isNum {
		return a.isNum
	}
	if a.isNum {
		return a.num < b.num
	}
	return a.s < b.s
}

func jsString(s string) string { return fmt.Sprintf("%q", s) }

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

func mustPath(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}
