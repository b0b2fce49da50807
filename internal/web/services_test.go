package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// recordAs writes n requests of one endpoint of another service than the
// fixture's own, as that service's instance would.
func (f *fixture) recordAs(service, instance, endpoint string, n int, at time.Time) {
	f.t.Helper()
	reqs := make([]store.Request, n)
	for i := range reqs {
		reqs[i] = store.Request{Service: service, Instance: instance, Endpoint: endpoint, Method: "GET", Status: 200,
			Start: at.Add(time.Duration(i) * time.Second), Duration: time.Duration(i+1) * time.Millisecond, Version: "w1"}
	}
	if err := f.store.Write(context.Background(), &store.Batch{Requests: reqs}); err != nil {
		f.t.Fatal(err)
	}
}

func storedLevel(t *testing.T, s store.Store, service, endpoint string) int {
	t.Helper()
	eps, err := s.Endpoints(context.Background(), service)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eps {
		if e.Name == endpoint {
			return e.Level
		}
	}
	t.Fatalf("%s has no endpoint %s", service, endpoint)
	return 0
}

// TestOneServiceLooksAsBefore: a dashboard alone in its database shows no
// picker, no instances table for its one instance, and links without a
// service parameter.
func TestOneServiceLooksAsBefore(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond))
	c := f.login("admin", adminPW)
	for _, p := range []string{"/dashboard/", "/dashboard/endpoints", "/dashboard/endpoint?name=GET+%2Fa", "/dashboard/versions", "/dashboard/settings", "/dashboard/export"} {
		r := c.get(p)
		wantStatus(t, r, http.StatusOK)
		for _, bad := range []string{`class="picker"`, "service=", `name="service"`, "<h2>Instances", "Per instance"} {
			if strings.Contains(r.body, bad) {
				t.Errorf("%s shows %q", p, bad)
			}
		}
	}
	if !strings.Contains(c.get("/dashboard/endpoint?name=GET+%2Fa").body, `href="/dashboard/endpoints"`) {
		t.Error("the endpoint page's link back is not the plain /dashboard/endpoints")
	}
}

// TestSharedDatabaseShowsEveryService: another service writes to the
// dashboard's database. The picker lists both, every page shows the
// chosen one's data only, and links keep the choice.
func TestSharedDatabaseShowsEveryService(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /own", f.now.Add(-time.Hour), time.Millisecond))
	f.recordAs("orders", "orders-1", "GET /orders/{id}", 7, f.now.Add(-2*time.Hour))
	f.recordAs("orders", "orders-2", "GET /orders/{id}", 3, f.now.Add(-30*time.Minute))
	c := f.login("guest", guestPW)

	own := c.get("/dashboard/")
	wantStatus(t, own, http.StatusOK)
	if !strings.Contains(own.body, `<option value="orders">orders</option>`) || !strings.Contains(own.body, `<option value="svc" selected>svc</option>`) {
		t.Errorf("the picker does not list both services with svc chosen:\n%s", own.body)
	}
	if !strings.Contains(own.body, "GET /own") || strings.Contains(own.body, "GET /orders/{id}") {
		t.Error("the own service's overview shows another service's endpoint, or not its own")
	}

	other := c.get("/dashboard/?service=orders")
	wantStatus(t, other, http.StatusOK)
	if strings.Contains(other.body, "GET /own") || !strings.Contains(other.body, "GET /orders/{id}") {
		t.Error("orders' overview shows the other service's endpoints")
	}
	for _, want := range []string{
		`<option value="orders" selected>orders</option>`,
		`href="/dashboard/endpoints?service=orders"`,                                      // the menu keeps the service
		`href="/dashboard/endpoint?name=GET&#43;%2Forders%2F%7Bid%7D&amp;service=orders"`, // and so do the rows
		"<h2>Instances", "orders-1", "orders-2",
	} {
		if !strings.Contains(other.body, want) {
			t.Errorf("orders' overview lacks %s", want)
		}
	}
	if strings.Contains(other.body, `class="version"`) {
		t.Error("another service's pages show the running service's version")
	}

	// The endpoint page breaks the requests down by instance.
	ep := c.get("/dashboard/endpoint?service=orders&name=" + url.QueryEscape("GET /orders/{id}"))
	wantStatus(t, ep, http.StatusOK)
	if !strings.Contains(ep.body, "Per instance") || !strings.Contains(ep.body, `<input type="hidden" name="service" value="orders">`) {
		t.Errorf("the endpoint page lacks the per-instance table or keeps no service in its range form")
	}
	// The own service's endpoint is not one of orders'.
	wantStatus(t, c.get("/dashboard/endpoint?service=orders&name="+url.QueryEscape("GET /own")), http.StatusNotFound)

	// The API takes the service too.
	eps := mustJSON[[]apiEndpoint](t, c.get("/dashboard/api/endpoints?service=orders"))
	if len(eps) != 1 || eps[0].Name != "GET /orders/{id}" || eps[0].Hits != 10 {
		t.Errorf("api/endpoints?service=orders = %+v, want GET /orders/{id} with 10 hits", eps)
	}
	vers := mustJSON[[]apiVersion](t, c.get("/dashboard/api/versions?service=orders"))
	if len(vers) != 1 || vers[0].Version != "w1" || vers[0].Hits != 10 {
		t.Errorf("api/versions?service=orders = %+v", vers)
	}
	r := c.get("/dashboard/api/endpoints?service=nobody")
	wantStatus(t, r, http.StatusNotFound)
	if msg := jsonError(t, r); !strings.Contains(msg, `no service named "nobody"`) {
		t.Errorf("unknown service: %q", msg)
	}
	wantStatus(t, c.get("/dashboard/?service=nobody"), http.StatusNotFound)
}

func TestAPIServices(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /own", f.now.Add(-time.Hour), time.Millisecond), req("GET /own", f.now.Add(-time.Minute), time.Millisecond))
	f.recordAs("orders", "orders-1", "GET /o", 7, f.now.Add(-50*time.Hour))
	f.recordAs("orders", "orders-2", "GET /o", 3, f.now.Add(-30*time.Minute))
	c := f.login("guest", guestPW)
	got := mustJSON[[]apiService](t, c.get("/dashboard/api/services"))
	if len(got) != 2 || got[0].Service != "orders" || got[1].Service != "svc" || got[0].Default || !got[1].Default {
		t.Fatalf("api/services = %+v, want orders, then svc as the default", got)
	}
	o := got[0].Instances
	if len(o) != 2 || o[0].Instance != "orders-1" || o[0].Hits != 7 || o[1].Instance != "orders-2" || o[1].Hits != 3 ||
		!time.Time(o[1].LastSeen).Equal(f.now.Add(-30*time.Minute+2*time.Second)) {
		t.Errorf("orders' instances: %+v", o)
	}
	if s := got[1].Instances; len(s) != 1 || s[0].Instance != "i1" || s[0].Hits != 2 || !time.Time(s[0].LastSeen).Equal(f.now.Add(-time.Minute)) {
		t.Errorf("svc's instances: %+v", s)
	}
	// A window counts the requests in its hours only.
	since := f.now.Add(-2 * time.Hour).Format(time.RFC3339)
	got = mustJSON[[]apiService](t, c.get("/dashboard/api/services?since="+url.QueryEscape(since)))
	if o := got[0].Instances; o[0].Hits != 0 || o[1].Hits != 3 {
		t.Errorf("orders' instances since %s: %+v, want 0 and 3 requests", since, o)
	}
}

// TestLevelOfAnotherService: a level set for another service than the
// dashboard's own goes to the database, where that service's instances
// read it; the running dashboard's levels are not touched.
func TestLevelOfAnotherService(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /x", f.now.Add(-time.Hour), time.Millisecond)) // the own service has GET /x too
	f.recordAs("orders", "orders-1", "GET /x", 2, f.now.Add(-time.Hour))
	c := f.login("admin", adminPW)

	r := c.post("/dashboard/endpoints/level", c.form("endpoint", "GET /x", "level", "3", "service", "orders"))
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/dashboard/endpoints?service=orders" {
		t.Errorf("redirected to %q, want orders' endpoints", loc)
	}
	if lvl := storedLevel(t, f.store, "orders", "GET /x"); lvl != 3 {
		t.Errorf("orders' stored level %d, want 3", lvl)
	}
	if lvl, _ := f.srv.opts.Level("GET /x"); lvl != 1 {
		t.Errorf("the own service's running level changed to %d", lvl)
	}

	resp := c.postJSON("/dashboard/api/endpoints/level", map[string]any{"service": "orders", "endpoint": "GET /x", "level": 0}, "X-CSRF-Token", c.csrf)
	wantStatus(t, resp, http.StatusOK)
	if lvl := storedLevel(t, f.store, "orders", "GET /x"); lvl != 0 {
		t.Errorf("orders' stored level %d after the API, want 0", lvl)
	}
	page := c.get("/dashboard/endpoints?service=orders")
	if !strings.Contains(page.body, `value="0" title="off" aria-pressed="true"`) {
		t.Error("orders' endpoints page does not show the stored level 0")
	}
	resp = c.postJSON("/dashboard/api/endpoints/level", map[string]any{"service": "orders", "endpoint": "GET /nope", "level": 0}, "X-CSRF-Token", c.csrf)
	wantStatus(t, resp, http.StatusNotFound)
	resp = c.postJSON("/dashboard/api/endpoints/level", map[string]any{"service": "nobody", "endpoint": "GET /x", "level": 0}, "X-CSRF-Token", c.csrf)
	wantStatus(t, resp, http.StatusNotFound)
	// The guest may not.
	g := f.login("guest", guestPW)
	wantStatus(t, g.postJSON("/dashboard/api/endpoints/level", map[string]any{"service": "orders", "endpoint": "GET /x", "level": 2}, "X-CSRF-Token", g.csrf), http.StatusForbidden)
	if lvl := storedLevel(t, f.store, "orders", "GET /x"); lvl != 0 {
		t.Errorf("a guest changed the level to %d", lvl)
	}
}

// TestStandaloneUI: gmd serve's UI shows the first service by default,
// every service on request, writes levels to the database, and shows no
// recorder of its own.
func TestStandaloneUI(t *testing.T) {
	f := newStandaloneFixture(t)
	f.recordAs("books", "books-1", "GET /books/{id}", 4, f.now.Add(-time.Hour))
	f.recordAs("orders", "orders-1", "GET /orders/{id}", 2, f.now.Add(-time.Hour))
	c := f.login("admin", adminPW)

	home := c.get("/dashboard/")
	wantStatus(t, home, http.StatusOK)
	if !strings.Contains(home.body, "GET /books/{id}") || strings.Contains(home.body, "GET /orders/{id}") ||
		!strings.Contains(home.body, `<option value="books" selected>books</option>`) || !strings.Contains(home.body, "books-1") {
		t.Error("gmd serve's overview does not show books, the first service, with its instance")
	}
	if !strings.Contains(c.get("/dashboard/?service=orders").body, "GET /orders/{id}") {
		t.Error("orders cannot be shown")
	}
	eps := mustJSON[[]apiEndpoint](t, c.get("/dashboard/api/endpoints"))
	if len(eps) != 1 || eps[0].Name != "GET /books/{id}" || eps[0].Hits != 4 {
		t.Errorf("api/endpoints without service = %+v, want books'", eps)
	}

	wantStatus(t, c.postJSON("/dashboard/api/endpoints/level", map[string]any{"endpoint": "GET /books/{id}", "level": 2}, "X-CSRF-Token", c.csrf), http.StatusOK)
	if lvl := storedLevel(t, f.store, "books", "GET /books/{id}"); lvl != 2 {
		t.Errorf("stored level %d, want 2", lvl)
	}
	if len(f.levels) != 0 {
		t.Errorf("the standalone UI called the running dashboard's SetLevel: %v", f.levels)
	}

	settings := c.get("/dashboard/settings?service=orders")
	wantStatus(t, settings, http.StatusOK)
	if strings.Contains(settings.body, "Rows written since start") || !strings.Contains(settings.body, "Instances of orders") ||
		!strings.Contains(settings.body, "orders-1") {
		t.Error("gmd serve's settings show a recorder of their own, or not orders' instances")
	}
}

// TestStandaloneEmptyDatabase: gmd serve over a database nobody wrote to
// yet shows empty pages, not errors.
func TestStandaloneEmptyDatabase(t *testing.T) {
	f := newStandaloneFixture(t)
	c := f.login("guest", guestPW)
	for _, p := range []string{"/dashboard/", "/dashboard/endpoints", "/dashboard/versions"} {
		wantStatus(t, c.get(p), http.StatusOK)
	}
	if got := mustJSON[[]apiService](t, c.get("/dashboard/api/services")); len(got) != 0 {
		t.Errorf("api/services = %+v, want []", got)
	}
}

// TestInstanceCountersPerInstance: the settings page lists what each
// instance's recorder dropped, from the stored counters.
func TestInstanceCountersPerInstance(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond))
	err := f.store.Write(context.Background(), &store.Batch{Counters: []store.Counter{
		{Service: "svc", Instance: "i1", Name: store.CounterDroppedQueueFull, Value: 12},
		{Service: "svc", Instance: "i2", Name: store.CounterDroppedStoreError, Value: 5},
	}})
	if err != nil {
		t.Fatal(err)
	}
	c := f.login("admin", adminPW)
	page := c.get("/dashboard/settings")
	wantStatus(t, page, http.StatusOK)
	for _, want := range []string{"Rows written since start", "Instances of svc", "dropped_queue_full", "dropped_store_error",
		`<td class="num bad" data-sort="12">12</td>`, `<td class="num bad" data-sort="5">5</td>`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("settings lack %s", want)
		}
	}
}

// TestServiceNamesAreEscaped: service and instance names come from the
// services' configuration, and are text in the pages.
func TestServiceNamesAreEscaped(t *testing.T) {
	f := newStandaloneFixture(t)
	evil := `<script>alert(1)</script>`
	f.recordAs(evil, evil+"-i", "GET /x", 1, f.now.Add(-time.Hour))
	f.recordAs("a", "a-1", "GET /x", 1, f.now.Add(-time.Hour))
	c := f.login("admin", adminPW)
	for _, p := range []string{"/dashboard/", "/dashboard/?service=" + url.QueryEscape(evil), "/dashboard/settings?service=" + url.QueryEscape(evil)} {
		r := c.get(p)
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(r.body, evil) {
			t.Errorf("%s holds the name unescaped", p)
		}
	}
}

// TestDiagAndCIPagesOfAnotherService: the outliers and CI pages show the
// chosen service's data, and their links and forms keep the choice.
func TestDiagAndCIPagesOfAnotherService(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	f.record(req("GET /own", f.now.Add(-time.Hour), time.Millisecond))
	f.recordAs("orders", "orders-1", "GET /o", 3, f.now.Add(-time.Hour))
	o := store.Outlier{Service: "orders", Instance: "orders-1", Endpoint: "GET /o", Version: "w1", Method: "GET", URL: "/o/1",
		Status: 200, Start: f.now.Add(-50 * time.Minute), Duration: 900 * time.Millisecond, Average: 100 * time.Millisecond,
		Threshold: 250 * time.Millisecond, CapturedAfter: 260 * time.Millisecond, Stack: []store.Frame{{Func: "main.slow"}}}
	if err := f.store.WriteOutliers(ctx, []store.Outlier{o}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []string{"w1", "w2"} {
		r := &store.CIRun{Service: "orders", RunID: v, Hash: v, Version: v, Uploaded: at.Add(time.Duration(i) * time.Hour)}
		for run := 0; run < 5; run++ {
			r.Tests = append(r.Tests, store.CITest{Package: "p", Name: "TestOrders", Run: run, Outcome: store.CIPass,
				Elapsed: time.Duration((i+1)*100+run) * time.Millisecond})
		}
		if _, err := f.store.SaveCIRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	c := f.login("guest", guestPW)

	if body := c.get("/dashboard/outliers").body; strings.Contains(body, "GET /o") {
		t.Error("the own service's outliers list orders' outlier")
	}
	outliers := c.get("/dashboard/outliers?service=orders")
	wantStatus(t, outliers, http.StatusOK)
	for _, want := range []string{"GET /o", `href="/dashboard/outlier?id=1&amp;service=orders"`, `href="/dashboard/outliers?order=slowest&amp;service=orders"`} {
		if !strings.Contains(outliers.body, want) {
			t.Errorf("orders' outliers page lacks %s:\n%s", want, outliers.body)
		}
	}
	wantStatus(t, c.get("/dashboard/outliers?service=orders&endpoint="+url.QueryEscape("GET /o")), http.StatusOK)
	wantStatus(t, c.get("/dashboard/outliers?endpoint="+url.QueryEscape("GET /o")), http.StatusNotFound)

	if body := c.get("/dashboard/tests").body; strings.Contains(body, "TestOrders") {
		t.Error("the own service's tests page lists orders' tests")
	}
	tests := c.get("/dashboard/tests?service=orders")
	wantStatus(t, tests, http.StatusOK)
	for _, want := range []string{"TestOrders", `<input type="hidden" name="service" value="orders">`, `test?name=TestOrders&amp;package=p&amp;service=orders`} {
		if !strings.Contains(tests.body, want) {
			t.Errorf("orders' tests page lacks %s:\n%s", want, tests.body)
		}
	}
	rep := c.get("/dashboard/api/report?service=orders&from=w1&to=w2")
	wantStatus(t, rep, http.StatusOK)
	if !strings.Contains(rep.body, `"from": "w1"`) {
		t.Errorf("orders' report: %s", rep.body)
	}
}
