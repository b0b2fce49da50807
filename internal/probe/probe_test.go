package probe

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	dashboard "github.com/go-monitoring-dashboard/dashboard"
	"github.com/go-monitoring-dashboard/dashboard/internal/web"
	"github.com/go-monitoring-dashboard/dashboard/store"
	"github.com/go-monitoring-dashboard/dashboard/store/sqlite"
)

const (
	adminPW = "probe-admin-password"
	guestPW = "probe-guest-password"
	token   = "probe-security-token-0123456789"
	link    = "/dashboard"
)

// target is a dashboard in front of a small service, served over HTTP.
type target struct {
	t   testing.TB
	d   *dashboard.Dashboard
	srv *httptest.Server
	st  store.Store
}

func openStore(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), "sqlite:///:memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// service is the monitored service: a route with a parameter that takes
// any method, a GET route, and one that panics with what it is sent.
func service() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/books/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "book") })
	mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic(r.URL.Query().Get("msg")) })
	return mux
}

func newTarget(t testing.TB, st store.Store, mod func(*dashboard.Config)) *target {
	t.Helper()
	cfg := dashboard.Config{Store: st, Password: adminPW, GuestPassword: guestPW, SecurityToken: token,
		AppVersion: "v1", Service: "svc", Instance: "i1", Logger: slog.New(slog.DiscardHandler)}
	if mod != nil {
		mod(&cfg)
	}
	d, err := dashboard.New(service(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(d)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the panics the service is made to throw
	srv.Start()
	tg := &target{t: t, d: d, srv: srv, st: st}
	t.Cleanup(func() {
		srv.Close()
		tg.close()
	})
	return tg
}

// close flushes what was recorded into the store.
func (tg *target) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tg.d.Close(ctx); err != nil {
		tg.t.Errorf("Close: %v", err)
	}
}

// client is one identity: a cookie jar that does not follow redirects,
// headers added to every request, and the session's CSRF token.
type client struct {
	tg     *target
	c      *http.Client
	header http.Header
	csrf   string
}

func (tg *target) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{tg: tg, header: http.Header{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (tg *target) bearer() *client {
	c := tg.anonymous()
	c.header.Set("Authorization", "Bearer "+token)
	return c
}

var metaCSRF = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

func (tg *target) login(name, pw string) *client {
	tg.t.Helper()
	c := tg.anonymous()
	c.relogin(name, pw)
	return c
}

func (c *client) relogin(name, pw string) {
	c.tg.t.Helper()
	r := c.do("POST", link+"/login", "application/x-www-form-urlencoded",
		url.Values{"username": {name}, "password": {pw}}.Encode())
	if r.status != http.StatusSeeOther {
		c.tg.t.Fatalf("login %s: %d %.300s", name, r.status, r.body)
	}
	page := c.do("GET", link+"/", "", "")
	m := metaCSRF.FindStringSubmatch(page.body)
	if m == nil {
		c.tg.t.Fatalf("no CSRF token on the overview: %d", page.status)
	}
	c.csrf = m[1]
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(method, path, contentType, body string, header ...string) answer {
	c.tg.t.Helper()
	req, err := http.NewRequest(method, c.tg.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.tg.t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.tg.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// refused reports whether an answer turned the client away: 401, 403, or
// a redirect to the login page.
func refused(a answer) bool {
	switch a.status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return true
	case http.StatusSeeOther, http.StatusFound:
		return strings.Contains(a.header.Get("Location"), link+"/login")
	}
	return false
}

// may is the table of who may do what: what each route's Access in the
// route table lets each identity do.
func may(a web.Access, who string) bool {
	switch a {
	case web.Public, web.Static:
		return true
	case web.AnyUser:
		return who == "guest" || who == "admin"
	case web.AdminOnly:
		return who == "admin"
	case web.TokenOnly:
		return who == "token"
	case web.UserOrToken:
		return who != "anonymous"
	}
	panic("probe: no rule for access " + a.String())
}

func routePath(rt web.Route) string {
	if rt.Path == "/static/" {
		return link + "/static/app.css"
	}
	return link + rt.Path
}

// TestAccess requests every route of the route table as every identity
// and checks the answer against may. A route cannot exist outside the
// table (the UI registers exactly the table), and a path that is not in
// it answers 404 even to an admin.
func TestAccess(t *testing.T) {
	tg := newTarget(t, openStore(t), nil)
	ids := map[string]*client{"anonymous": tg.anonymous(), "guest": tg.login("guest", guestPW),
		"admin": tg.login("admin", adminPW), "token": tg.bearer()}
	basic := tg.anonymous()
	basic.header.Set("Authorization", "Basic "+b64("guest:"+guestPW))
	ids["guest (Basic)"] = basic
	names := []string{"anonymous", "guest", "admin", "token", "guest (Basic)"}
	pw := map[string]string{"guest": guestPW, "admin": adminPW}
	routes := web.Routes()
	attempts, passed := 0, 0
	for _, rt := range routes {
		for _, who := range names {
			c := ids[who]
			method := rt.Method
			if method == "" {
				method = "GET"
			}
			var a answer
			form := url.Values{"csrf": {c.csrf}}
			if rt.Path == "/login" && method == "POST" {
				// The form itself: a right password from a fresh browser
				// with this identity's headers.
				fresh := tg.anonymous()
				fresh.header = c.header
				c = fresh
				form = url.Values{"username": {"guest"}, "password": {guestPW}}
			}
			if method == "POST" {
				a = c.do(method, routePath(rt), "application/x-www-form-urlencoded", form.Encode())
			} else {
				a = c.do(method, routePath(rt), "", "")
			}
			attempts++
			want := may(rt.Access, who)
			if who == "guest (Basic)" {
				// Basic credentials count on the API only: a page asks
				// for the login form.
				want = may(rt.Access, "anonymous") || strings.HasPrefix(rt.Path, "/api/") && may(rt.Access, "guest")
			}
			got := !refused(a)
			if rt.Path == "/logout" { // a logout, too, ends on the login page: did it end a session?
				got = strings.Contains(a.header.Get("Set-Cookie"), "gmd_session=;")
			}
			switch {
			case a.status >= 500:
				t.Errorf("%s %s as %s: %d %.200s", method, rt.Path, who, a.status, a.body)
			case got != want:
				t.Errorf("%s %s (%s) as %s: %d, want allowed=%v\n%.200s", method, rt.Path, rt.Access, who, a.status, want, a.body)
			default:
				passed++
			}
			if rt.Path == "/logout" && pw[who] != "" {
				ids[who].relogin(who, pw[who])
			}
		}
	}
	// Every link and form of every page an admin sees is a route of the
	// table.
	known := map[string]bool{}
	for _, rt := range routes {
		known[routePath(rt)] = true
	}
	hrefs := regexp.MustCompile(`(?:href|action|src)="(/dashboard[^"?#]*)`)
	admin := ids["admin"]
	for _, rt := range routes {
		if rt.Method != "GET" || strings.HasPrefix(rt.Path, "/api/") || rt.Access == web.TokenOnly {
			continue
		}
		for _, m := range hrefs.FindAllStringSubmatch(admin.do("GET", routePath(rt), "", "").body, -1) {
			p := m[1]
			if strings.HasPrefix(p, link+"/static/") {
				p = link + "/static/app.css"
			}
			if !known[p] {
				t.Errorf("page %s links to %s, which is not in the route table", rt.Path, m[1])
			}
		}
	}
	for _, p := range []string{"/nope", "/api/nope", "/api/endpoints/", "/users/", "/api/upload/x"} {
		attempts++
		if a := admin.do("GET", link+p, "", ""); a.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, a.status)
		} else {
			passed++
		}
	}
	t.Logf("access: %d routes × %d identities: %d attempts, %d passed", len(routes), len(names), attempts, passed)
}

// TestChangesNeedOriginAndToken sends every change cross-origin, and
// without a CSRF token, with an admin's session (and with Basic
// credentials and the token where those apply): each is refused. It also
// sends made-up methods to every path.
func TestChangesNeedOriginAndToken(t *testing.T) {
	tg := newTarget(t, openStore(t), nil)
	admin := tg.login("admin", adminPW)
	basic := tg.anonymous()
	basic.header.Set("Authorization", "Basic "+b64("admin:"+adminPW))
	cross := []string{"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"}
	attempts, passed := 0, 0
	// A made-up method is refused with 405 (or 404 by the static files,
	// which take no method but GET); a POST with 401, 403 or the login.
	check := func(what string, a answer) {
		t.Helper()
		attempts++
		madeUp := !strings.HasPrefix(what, "cross-origin POST") && !strings.HasPrefix(what, "POST")
		if !refused(a) && !(madeUp && (a.status == http.StatusMethodNotAllowed || a.status == http.StatusNotFound)) {
			t.Errorf("%s: %d, want refused\n%.200s", what, a.status, a.body)
			return
		}
		passed++
	}
	form := "application/x-www-form-urlencoded"
	seen := map[string]bool{}
	for _, rt := range web.Routes() {
		p := routePath(rt)
		if rt.Method == "POST" {
			body := url.Values{"csrf": {admin.csrf}, "username": {"admin"}, "password": {adminPW}}.Encode()
			check("cross-origin POST "+rt.Path+" with session and token", admin.do("POST", p, form, body, cross...))
			check("cross-origin POST "+rt.Path+" as JSON", admin.do("POST", p, "application/json", `{"endpoint":"GET /ok","level":0}`,
				append([]string{"X-CSRF-Token", admin.csrf}, cross...)...))
			check("cross-origin POST "+rt.Path+" with Basic", basic.do("POST", p, form, "", cross...))
			check("cross-origin POST "+rt.Path+" with the token", tg.bearer().do("POST", p, "application/json", "{}", cross...))
			if rt.Access != web.Public && rt.Access != web.TokenOnly {
				check("POST "+rt.Path+" without a CSRF token", admin.do("POST", p, form, "name=x&level=0&endpoint=GET+%2Fok"))
				check("POST "+rt.Path+" with a wrong CSRF token", admin.do("POST", p, form, "csrf=AAAA"+admin.csrf[4:]))
			}
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		for _, m := range []string{"PUT", "DELETE", "PATCH", "M1"} {
			check(m+" "+rt.Path, admin.do(m, p, form, "csrf="+url.QueryEscape(admin.csrf), cross...))
		}
	}
	// The admin's session still works: nothing above logged it out.
	if a := admin.do("GET", link+"/settings", "", ""); a.status != 200 {
		t.Fatalf("settings after the probe: %d", a.status)
	}
	t.Logf("changes: %d attempts, %d refused as they must be (the login form is public and needs no CSRF token, only the origin check)", attempts, passed)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// hostile are strings that break out of HTML, attributes, URLs, scripts
// or templates when they are not escaped. Each M is replaced by a marker
// naming the input it is sent through, which survives any escaping: a
// page holding the marker shows that input.
var hostile = []string{
	`<script>alert("M")</script>`,
	`"><img src=x onerror=alert("M")>`,
	`'><svg onload=alert('M')>`,
	`</title><script>alert("M")</script>`,
	`javascript:alert("M")`,
	`<a href="javascript:alert('M')">x</a>`,
	`{{.}}<iframe src=//evil.example/M>`,
	`</textarea><script>alert("M")</script>`,
	"<!--M--><style>*{background:url(//evil.example/M)}</style>",
	`%3Cscript%3Ealert("M")%3C/script%3E`,
}

// inputs are what a client or a writer of the database controls and a
// page shows.
var inputs = []string{"endpoint", "user", "address", "version", "service", "outlier", "panic", "ci", "param", "login", "account"}

// evil returns hostile string i sent through input.
func evil(input string, i int) string {
	return strings.ReplaceAll(hostile[i], "M", "zz"+input+"zz"+strconv.Itoa(i))
}

// unescaped are texts that appear in a page only when a hostile string
// was written into it as markup.
var unescaped = []string{"<script>alert(", "<img src=x onerror", "<svg onload", "<iframe src=//evil", `href="javascript:`,
	"<style>*{background", "<a href=\"javascript", "<!--zz"}

// TestHostileStringsAreEscaped sends hostile strings through every input
// that reaches a page, then reads every page with them and checks that
// none appears as markup, and that each input shows up (escaped)
// somewhere.
func TestHostileStringsAreEscaped(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	now := time.Now().UTC()
	// Inputs the running dashboard takes from clients: user names
	// (GroupBy), panic messages, CI uploads.
	tg := newTarget(t, st, func(c *dashboard.Config) {
		c.GroupBy = func(r *http.Request) string { return r.Header.Get("X-User") }
	})
	anon := tg.anonymous()
	for i := range hostile {
		anon.do("GET", "/ok", "", "", "X-User", evil("user", i))
		if resp, err := http.Get(tg.srv.URL + "/panic?msg=" + url.QueryEscape(evil("panic", i))); err == nil {
			resp.Body.Close() // the dashboard records the panic, then lets it go on to the server
		}
		ci := evil("ci", i)
		up := map[string]any{"version": "ci-" + ci, "run_id": "run-" + strconv.Itoa(i),
			"tests": []map[string]any{{"package": "example.com/" + ci, "name": "Test" + ci, "run": 0, "outcome": "pass", "elapsed_us": 1000}}}
		b, _ := json.Marshal(up)
		if a := tg.bearer().do("POST", link+"/api/upload", "application/json", string(b)); a.status != 201 {
			t.Errorf("upload with %q: %d %s", ci, a.status, a.body)
		}
	}
	tg.close() // flush
	// Inputs the store holds from other writers: endpoint (route) names,
	// addresses, services, versions, outliers' URLs, headers, values and
	// stacks, panic groups.
	eps := make([]string, len(hostile))
	for i := range hostile {
		eps[i] = "GET /x/" + evil("endpoint", i)
		ver := "v-" + evil("version", i)
		if err := st.Write(ctx, &store.Batch{Service: "svc", Instance: "i1", Requests: []store.Request{
			{Service: "svc", Instance: "i1", Endpoint: eps[i], Method: "GET", Status: 200, Start: now.Add(-time.Hour), Duration: time.Millisecond,
				Version: ver, Group: evil("user", i), IP: evil("address", i)},
		}}); err != nil {
			t.Fatal(err)
		}
		sv := "svc-" + evil("service", i)
		if err := st.Write(ctx, &store.Batch{Service: sv, Instance: "i1", Requests: []store.Request{
			{Service: sv, Instance: "i1", Endpoint: "GET /y", Method: "GET", Status: 500, Start: now.Add(-time.Hour), Duration: time.Millisecond, Version: "v1"},
		}}); err != nil {
			t.Fatal(err)
		}
		o := evil("outlier", i)
		if err := st.WriteOutliers(ctx, []store.Outlier{{Service: "svc", Instance: "i1", Endpoint: eps[i], Version: ver, Method: "GET",
			URL: "/x?q=" + o, Status: 200, Start: now.Add(-time.Hour), Duration: time.Second, Average: time.Millisecond, Threshold: 3 * time.Millisecond,
			Headers: []store.KeyValue{{Key: "X-" + o, Value: o}}, Values: []store.KeyValue{{Key: o, Value: o}},
			Stack: []store.Frame{{Func: "main." + o, File: "/src/" + o + ".go", Line: 1}}, Goroutines: "goroutine 1:\n" + o}}); err != nil {
			t.Fatal(err)
		}
		pm := evil("panic", i)
		if err := st.WritePanics(ctx, []store.Panic{{Service: "svc", Instance: "i1", Endpoint: eps[i], Version: "v1", Signature: "sig" + strconv.Itoa(i),
			Value: pm, Stack: "goroutine 1 [running]:\nmain." + pm + "()\n\t/src/x.go:1\n", Count: 1, First: now.Add(-time.Hour), Last: now.Add(-time.Hour)}}); err != nil {
			t.Fatal(err)
		}
	}
	tg = newTarget(t, st, nil)
	admin := tg.login("admin", adminPW)
	outliers, err := st.Outliers(ctx, store.OutlierFilter{})
	if err != nil || len(outliers) < len(hostile) {
		t.Fatalf("outliers: %d, %v", len(outliers), err)
	}
	reads := 0
	reached := map[string]bool{}
	look := func(what string, a answer) {
		t.Helper()
		reads++
		if a.status >= 500 {
			t.Errorf("%s: %d", what, a.status)
		}
		for _, u := range unescaped {
			if i := strings.Index(a.body, u); i >= 0 {
				t.Errorf("%s: unescaped %q: …%s…", what, u, a.body[max(0, i-80):min(len(a.body), i+80)])
			}
		}
		for _, in := range inputs {
			if strings.Contains(a.body, "zz"+in+"zz") {
				reached[in] = true
			}
		}
	}
	// Users with hostile names, through the Users page.
	for i := range hostile {
		look("POST /users/add", admin.do("POST", link+"/users/add", "application/x-www-form-urlencoded",
			url.Values{"csrf": {admin.csrf}, "username": {evil("account", i)}, "role": {"guest"}, "password": {"long-enough-password"}}.Encode()))
	}

	read := func(path string) {
		t.Helper()
		a := admin.do("GET", link+path, "", "")
		if strings.HasPrefix(path, "/api/") && !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: Content-Type %q", path, a.header.Get("Content-Type"))
		}
		look("GET "+path, a)
	}
	pages := 0
	for _, rt := range web.Routes() {
		if rt.Method == "GET" && rt.Access != web.Static {
			pages++
			read(rt.Path)
			read(rt.Path + "?range=all")
		}
	}
	q := url.QueryEscape
	for i := range hostile {
		ep := q(eps[i])
		for _, p := range []string{
			"/endpoint?range=all&name=" + ep,
			"/profile?endpoint=" + ep + "&version=" + q("v-"+evil("version", i)),
			"/?service=" + q("svc-"+evil("service", i)),
			"/endpoints?service=" + q("svc-"+evil("service", i)),
			"/outliers?endpoint=" + ep,
			"/outlier?id=" + strconv.FormatInt(outliers[i].ID, 10),
			"/errors?endpoint=" + ep,
			"/tests?version=" + q("ci-"+evil("ci", i)),
			"/test?package=" + q("example.com/"+evil("ci", i)) + "&name=" + q("Test"+evil("ci", i)),
			"/endpoint?name=" + q(evil("param", i)),
			"/outliers?order=" + q(evil("param", i)),
			"/endpoints?range=" + q(evil("param", i)),
			"/benchmark?name=" + q(evil("param", i)) + "&procs=" + q(evil("param", i)),
			"/tests?version=" + q(evil("param", i)),
			"/nope/" + q(evil("param", i)),
			"/login?next=" + q(evil("param", i)),
		} {
			read(p)
		}
		// The login form shows the user name it was sent.
		look("POST /login", tg.anonymous().do("POST", link+"/login", "application/x-www-form-urlencoded",
			url.Values{"username": {evil("login", i)}, "password": {"x"}}.Encode()))
	}
	for _, in := range inputs {
		if !reached[in] {
			t.Errorf("no page showed the hostile %s: the probe did not reach that sink", in)
		}
	}
	t.Logf("escaping: %d hostile strings through %d inputs (%d reached a page), %d GET routes, %d page reads; none unescaped",
		len(hostile), len(inputs), len(reached), pages, reads)
}

func itoa(i int) string { return strconv.Itoa(i) }

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// standardMethods are the methods an endpoint may be stored under by
// name; any other is one name, "_OTHER".
var standardMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true,
	"CONNECT": true, "OPTIONS": true, "TRACE": true, "_OTHER": true}

// TestGrowthIsBounded sends what an anonymous client can make up in
// bulk: methods, paths, users and addresses, and an upload over the
// limit. The stored name tables stay at the routes' size, the pages'
// size does not follow the number of users, and the heap does not keep
// what was sent. Raw request rows grow with traffic by design.
func TestGrowthIsBounded(t *testing.T) {
	st, err := sqlite.Open(context.Background(), "sqlite:///"+filepath.Join(t.TempDir(), "probe.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tg := newTarget(t, st, func(c *dashboard.Config) {
		c.GroupBy = func(r *http.Request) string { return r.Header.Get("X-User") }
		c.TrustedProxies = []string{"127.0.0.1/32", "::1/128"}
	})
	anon := tg.anonymous()
	before := heapAfterGC()
	const n = 1500
	attempts := 0
	for i := range n {
		s := strconv.Itoa(i)
		anon.do("M"+s, "/books/"+s, "", "")
		anon.do("X-"+s, "/nope", "", "")
		anon.do("GET", "/made-up/"+s, "", "")
		anon.do("GET", "/ok", "", "", "X-User", "user-"+s, "X-Forwarded-For", fmt.Sprintf("2001:db8:%x::%x, 198.51.%d.%d", i, i, i/256%256, i%256))
		attempts += 4
	}
	// An upload one byte over the limit is refused, and not kept.
	big := bytes.Repeat([]byte(" "), 32<<20+1)
	req, _ := http.NewRequest("POST", tg.srv.URL+link+"/api/upload", bytes.NewReader(big))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	attempts++
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "larger than") {
		t.Errorf("upload over the limit: %d %s", resp.StatusCode, body)
	}
	big = nil
	admin := tg.login("admin", adminPW)
	page := admin.do("GET", link+"/endpoint?range=all&name="+url.QueryEscape("GET /ok"), "", "")
	if page.status != 200 || len(page.body) > 256<<10 {
		t.Errorf("the endpoint page of %d users and addresses: %d, %d bytes", n, page.status, len(page.body))
	}
	tg.close()
	after := heapAfterGC()

	eps, err := st.Endpoints(context.Background(), "svc")
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]bool{}
	for _, e := range eps {
		for _, m := range e.Methods {
			methods[m] = true
		}
	}
	var odd []string
	for m := range methods {
		if !standardMethods[m] {
			odd = append(odd, m)
		}
	}
	if len(eps) > 5 {
		t.Errorf("%d endpoints after %d made-up paths; want the service's 3 routes and one name for the rest", len(eps), n)
	}
	t.Run("made-up methods are one name", func(t *testing.T) {
		if len(odd) > 0 {
			t.Errorf("%d made-up methods stored by name (want them as _OTHER), such as %q", len(odd), odd[:min(3, len(odd))])
		}
	})
	if grew := int64(after) - int64(before); grew > 24<<20 {
		t.Errorf("the heap grew by %d MiB after %d requests and was not given back", grew>>20, attempts)
	}
	t.Logf("growth: %d requests (made-up methods, paths, users, addresses; a 32 MiB upload): %d endpoints, %d methods stored, heap %+d KiB after GC",
		attempts, len(eps), len(methods), (int64(after)-int64(before))>>10)
}
