package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
)

// every route under the link, with the role it needs.
var allRoutes = []struct {
	method, path string
	api          bool
	admin        bool
}{
	{"GET", "/dashboard/", false, false},
	{"GET", "/dashboard/endpoints", false, false},
	{"GET", "/dashboard/endpoint?name=GET+%2Fa", false, false},
	{"GET", "/dashboard/versions", false, false},
	{"GET", "/dashboard/account", false, false},
	{"GET", "/dashboard/export", false, true},
	{"GET", "/dashboard/settings", false, true},
	{"GET", "/dashboard/users", false, true},
	{"POST", "/dashboard/logout", false, false},
	{"POST", "/dashboard/account/password", false, false},
	{"POST", "/dashboard/endpoints/level", false, true},
	{"POST", "/dashboard/users/add", false, true},
	{"POST", "/dashboard/users/role", false, true},
	{"POST", "/dashboard/users/password", false, true},
	{"POST", "/dashboard/users/delete", false, true},
	{"GET", "/dashboard/api/endpoints", true, false},
	{"GET", "/dashboard/api/versions", true, false},
	{"GET", "/dashboard/api/outliers", true, false},
	{"GET", "/dashboard/api/requests", true, true},
	{"POST", "/dashboard/api/endpoints/level", true, true},
	{"GET", "/dashboard/nope", false, false},
	{"GET", "/dashboard/api/nope", true, false},
}

func TestUnauthenticatedIsSentToLoginOrGets401(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond))
	c := f.client()
	for _, rt := range allRoutes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			r := c.do(rt.method, rt.path, strings.NewReader(""), "Content-Type", "application/x-www-form-urlencoded")
			if rt.api {
				wantStatus(t, r, http.StatusUnauthorized)
				jsonError(t, r)
				if r.Header.Get("WWW-Authenticate") == "" || strings.Contains(r.Header.Get("WWW-Authenticate"), "Basic") {
					t.Errorf("WWW-Authenticate %q: want a challenge that makes no browser prompt", r.Header.Get("WWW-Authenticate"))
				}
				return
			}
			wantStatus(t, r, http.StatusSeeOther)
			loc := r.Header.Get("Location")
			if !strings.HasPrefix(loc, "/dashboard/login") {
				t.Fatalf("Location %q, want the login page", loc)
			}
			if rt.method == "GET" {
				u, _ := url.Parse(loc)
				if next := u.Query().Get("next"); next != strings.SplitN(rt.path, "?", 2)[0]+queryOf(rt.path) {
					t.Errorf("next=%q, want the page asked for (%s)", next, rt.path)
				}
			}
		})
	}
	// The link without a slash, the login page and static files are open.
	wantStatus(t, c.get("/dashboard"), http.StatusFound)
	wantStatus(t, c.get("/dashboard/login"), http.StatusOK)
	wantStatus(t, c.get("/dashboard/static/app.css"), http.StatusOK)
	wantStatus(t, c.get("/dashboard/static/app.js"), http.StatusOK)
}

func queryOf(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		u, _ := url.Parse(p)
		return "?" + u.RawQuery
	}
	return ""
}

func TestGuestReadsButChangesNothing(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond))
	g := f.login("guest", guestPW)
	for _, rt := range allRoutes {
		if strings.HasSuffix(rt.path, "nope") || rt.path == "/dashboard/logout" || rt.path == "/dashboard/account/password" {
			continue
		}
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			var r response
			switch {
			case rt.method == "GET":
				r = g.get(rt.path)
			case rt.api:
				r = g.postJSON(rt.path, map[string]any{"endpoint": "GET /a", "level": 0}, "X-CSRF-Token", g.csrf)
			default:
				r = g.post(rt.path, g.form("endpoint", "GET /a", "level", "0", "username", "admin", "role", "guest", "password", "new-password-1"))
			}
			if rt.admin {
				wantStatus(t, r, http.StatusForbidden)
				return
			}
			wantStatus(t, r, http.StatusOK)
		})
	}
	if lv := f.levels["GET /a"]; lv != 1 {
		t.Errorf("a guest changed the level to %d", lv)
	}
	if u, _ := f.store.User(t.Context(), "admin"); u.Role != auth.RoleAdmin {
		t.Error("a guest changed the admin's role")
	}
	// The menu offers a guest only what it may open.
	page := g.get("/dashboard/").body
	for _, admin := range []string{"/dashboard/export", "/dashboard/settings", "/dashboard/users"} {
		if strings.Contains(page, `href="`+admin+`"`) {
			t.Errorf("guest menu links to %s", admin)
		}
	}
}

func TestChangesNeedTheCSRFToken(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond))
	a := f.login("admin", adminPW)
	cases := []struct {
		name string
		send func(token string) response
	}{
		{"level form", func(tok string) response {
			return a.post("/dashboard/endpoints/level", url.Values{"csrf": {tok}, "endpoint": {"GET /a"}, "level": {"3"}})
		}},
		{"level API", func(tok string) response {
			return a.postJSON("/dashboard/api/endpoints/level", map[string]any{"endpoint": "GET /a", "level": 3}, "X-CSRF-Token", tok)
		}},
		{"add user", func(tok string) response {
			return a.post("/dashboard/users/add", url.Values{"csrf": {tok}, "username": {"mallory"}, "role": {"admin"}, "password": {"mallory-pass"}})
		}},
		{"logout", func(tok string) response { return a.post("/dashboard/logout", url.Values{"csrf": {tok}}) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, bad := range []string{"", "x", a.csrf[:len(a.csrf)-1] + "A", strings.ToUpper(a.csrf)} {
				if bad == a.csrf {
					continue
				}
				wantStatus(t, tc.send(bad), http.StatusForbidden)
			}
		})
	}
	if f.levels["GET /a"] != 1 {
		t.Error("the level changed without a token")
	}
	if _, err := f.store.User(t.Context(), "mallory"); err == nil {
		t.Error("a user was added without a token")
	}
	wantStatus(t, a.get("/dashboard/"), http.StatusOK) // still logged in
	// Another session's token is not this session's.
	b := f.login("admin", adminPW)
	wantStatus(t, a.post("/dashboard/endpoints/level", a.form("endpoint", "GET /a", "level", "2", "csrf", b.csrf)), http.StatusForbidden)
	// With the right token every change goes through.
	wantStatus(t, cases[0].send(a.csrf), http.StatusSeeOther)
	wantStatus(t, cases[1].send(a.csrf), http.StatusOK)
	wantStatus(t, cases[2].send(a.csrf), http.StatusSeeOther)
	if f.levels["GET /a"] != 3 {
		t.Errorf("level %d after the change, want 3", f.levels["GET /a"])
	}
}

func TestCrossOriginChangesAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond))
	a := f.login("admin", adminPW)
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "http://evil.example"},
	} {
		t.Run(strings.Join(h, "="), func(t *testing.T) {
			wantStatus(t, a.post("/dashboard/endpoints/level", a.form("endpoint", "GET /a", "level", "0"), h...), http.StatusForbidden)
			wantStatus(t, a.postJSON("/dashboard/api/endpoints/level", map[string]any{"endpoint": "GET /a", "level": 0}, append(h, "X-CSRF-Token", a.csrf)...), http.StatusForbidden)
			// Login CSRF: a foreign page cannot log the browser in.
			c := f.client()
			wantStatus(t, c.post("/dashboard/login", url.Values{"username": {"admin"}, "password": {adminPW}}, h...), http.StatusForbidden)
			basic := f.client()
			basic.header.Set("Authorization", basicAuth("admin", adminPW))
			wantStatus(t, basic.postJSON("/dashboard/api/endpoints/level", map[string]any{"endpoint": "GET /a", "level": 0}, h...), http.StatusForbidden)
		})
	}
	if f.levels["GET /a"] != 1 {
		t.Error("a cross-origin request changed the level")
	}
	// The same request from the dashboard's own pages passes.
	wantStatus(t, a.post("/dashboard/endpoints/level", a.form("endpoint", "GET /a", "level", "0"), "Sec-Fetch-Site", "same-origin"), http.StatusSeeOther)
}

func basicAuth(user, pw string) string {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, pw)
	return r.Header.Get("Authorization")
}

func TestHTTPBasicForTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	f.record(req("GET /a", f.now.Add(-time.Hour), time.Millisecond))
	c := f.client()
	c.header.Set("Authorization", basicAuth("admin", adminPW))
	wantStatus(t, c.get("/dashboard/api/requests"), http.StatusOK)
	// No CSRF token: Basic credentials are not sent by browsers on their own.
	wantStatus(t, c.postJSON("/dashboard/api/endpoints/level", map[string]any{"endpoint": "GET /a", "level": 2}), http.StatusOK)
	if f.levels["GET /a"] != 2 {
		t.Errorf("level %d, want 2", f.levels["GET /a"])
	}
	// Pages want a session: Basic is for the API only.
	if r := c.get("/dashboard/"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a page with Basic credentials: %d, want a redirect to the login", r.StatusCode)
	}
	g := f.client()
	g.header.Set("Authorization", basicAuth("guest", guestPW))
	wantStatus(t, g.get("/dashboard/api/endpoints"), http.StatusOK)
	wantStatus(t, g.postJSON("/dashboard/api/endpoints/level", map[string]any{"endpoint": "GET /a", "level": 0}), http.StatusForbidden)
	wantStatus(t, g.get("/dashboard/api/requests"), http.StatusForbidden)
	bad := f.client()
	bad.header.Set("Authorization", basicAuth("admin", "wrong"))
	r := bad.get("/dashboard/api/endpoints")
	wantStatus(t, r, http.StatusUnauthorized)
	jsonError(t, r)
	// A password change ends remembered Basic logins at once.
	a := f.login("admin", adminPW)
	wantStatus(t, a.post("/dashboard/account/password", a.form("current", adminPW, "password", "changed-pass-1", "again", "changed-pass-1")), http.StatusSeeOther)
	wantStatus(t, c.get("/dashboard/api/endpoints"), http.StatusUnauthorized)
	c.header.Set("Authorization", basicAuth("admin", "changed-pass-1"))
	wantStatus(t, c.get("/dashboard/api/endpoints"), http.StatusOK)
}

func TestSessionCookie(t *testing.T) {
	f := newFixture(t, nil)
	r := f.client().post("/dashboard/login", url.Values{"username": {"admin"}, "password": {adminPW}})
	wantStatus(t, r, http.StatusSeeOther)
	c := cookie(r, auth.CookieName)
	if c == nil {
		t.Fatal("no session cookie")
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/dashboard/" || c.Secure {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/dashboard/, not Secure over plain HTTP", c)
	}
	if c.MaxAge <= 0 || c.MaxAge > int(auth.SessionLifetime/time.Second) {
		t.Errorf("cookie Max-Age %d, want at most the session lifetime", c.MaxAge)
	}
	// Under TLS the cookie is Secure.
	tls := httptest.NewTLSServer(f.srv)
	defer tls.Close()
	req, _ := http.NewRequest("POST", tls.URL+"/dashboard/login", strings.NewReader(url.Values{"username": {"admin"}, "password": {adminPW}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cl := tls.Client()
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sc := cookie(response{Response: resp}, auth.CookieName); sc == nil || !sc.Secure {
		t.Errorf("cookie over TLS %+v: want Secure", sc)
	}
	// Behind a trusted proxy that terminates TLS, X-Forwarded-Proto
	// counts; from anyone else it does not.
	for _, tc := range []struct {
		name, trusted, proto string
		secure               bool
	}{
		{"trusted proxy, https", "127.0.0.1", "https", true},
		{"trusted proxy, http", "127.0.0.1", "http", false},
		{"trusted proxy, last hop http", "127.0.0.1", "https, http", false},
		{"untrusted client", "10.0.0.0/8", "https", false},
		{"no proxies configured", "", "https", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, map[string]string{"TRUSTED_PROXIES": tc.trusted})
			r := f.client().post("/dashboard/login", url.Values{"username": {"admin"}, "password": {adminPW}}, "X-Forwarded-Proto", tc.proto)
			if c := cookie(r, auth.CookieName); c == nil || c.Secure != tc.secure {
				t.Errorf("cookie %+v: want Secure=%v", c, tc.secure)
			}
		})
	}
}

func TestForgedAndExpiredCookiesAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	a := f.login("admin", adminPW)
	u, _ := url.Parse(f.ts.URL + "/dashboard/")
	value := a.c.Jar.Cookies(u)[0].Value
	parts := strings.Split(value, ".")
	for name, v := range map[string]string{
		"other secret":   strings.Repeat("A", 43) + "." + parts[1] + "." + parts[2],
		"later expiry":   parts[0] + ".99999999999." + parts[2],
		"no signature":   parts[0] + "." + parts[1] + ".",
		"garbage":        "<script>",
		"extra part":     value + ".x",
		"empty":          "",
		"signature only": parts[2],
	} {
		t.Run(name, func(t *testing.T) {
			c := f.client()
			wantStatus(t, c.get("/dashboard/", "Cookie", auth.CookieName+"="+v), http.StatusSeeOther)
		})
	}
	wantStatus(t, f.client().get("/dashboard/", "Cookie", auth.CookieName+"="+value), http.StatusOK)
	f.advance(auth.SessionLifetime + time.Second)
	wantStatus(t, f.client().get("/dashboard/", "Cookie", auth.CookieName+"="+value), http.StatusSeeOther)
}

func TestLogoutEndsTheSession(t *testing.T) {
	f := newFixture(t, nil)
	a := f.login("admin", adminPW)
	u, _ := url.Parse(f.ts.URL + "/dashboard/")
	value := a.c.Jar.Cookies(u)[0].Value
	other := f.login("admin", adminPW)
	r := a.post("/dashboard/logout", a.form())
	wantStatus(t, r, http.StatusSeeOther)
	if c := cookie(r, auth.CookieName); c == nil || c.MaxAge >= 0 {
		t.Errorf("logout did not clear the cookie: %+v", c)
	}
	// The old cookie, replayed, no longer works.
	wantStatus(t, f.client().get("/dashboard/", "Cookie", auth.CookieName+"="+value), http.StatusSeeOther)
	wantStatus(t, f.client().get("/dashboard/api/endpoints", "Cookie", auth.CookieName+"="+value), http.StatusUnauthorized)
	// Logging out ends this session only.
	wantStatus(t, other.get("/dashboard/"), http.StatusOK)
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	f := newFixture(t, nil)
	a := f.login("admin", adminPW)
	b := f.login("admin", adminPW)
	g := f.login("guest", guestPW)
	// The current password is required, and the two new ones must agree.
	wantStatus(t, a.post("/dashboard/account/password", a.form("current", "wrong", "password", "new-password-1", "again", "new-password-1")), http.StatusForbidden)
	wantStatus(t, a.post("/dashboard/account/password", a.form("current", adminPW, "password", "new-password-1", "again", "new-password-2")), http.StatusBadRequest)
	wantStatus(t, a.post("/dashboard/account/password", a.form("current", adminPW, "password", "short", "again", "short")), http.StatusBadRequest)
	wantStatus(t, b.get("/dashboard/"), http.StatusOK)
	wantStatus(t, a.post("/dashboard/account/password", a.form("current", adminPW, "password", "new-password-1", "again", "new-password-1")), http.StatusSeeOther)
	wantStatus(t, a.get("/dashboard/"), http.StatusOK)
	if !strings.Contains(a.get("/dashboard/account").body, "Password changed") {
		t.Error("no confirmation after the change")
	}
	wantStatus(t, b.get("/dashboard/"), http.StatusSeeOther)
	wantStatus(t, g.get("/dashboard/"), http.StatusOK) // other users keep theirs
	wantStatus(t, f.client().post("/dashboard/login", url.Values{"username": {"admin"}, "password": {adminPW}}), http.StatusUnauthorized)
	f.login("admin", "new-password-1")
}

func TestLoginRedirectsOnlyUnderTheLink(t *testing.T) {
	f := newFixture(t, nil)
	cases := []struct{ next, want string }{
		{"/dashboard/versions", "/dashboard/versions"},
		{"/dashboard/endpoint?name=GET+%2Fa", "/dashboard/endpoint?name=GET+%2Fa"},
		{"/dashboard", "/dashboard"},
		{"", "/dashboard/"},
		{"https://evil.example/", "/dashboard/"},
		{"//evil.example/dashboard/", "/dashboard/"},
		{"/\\evil.example", "/dashboard/"},
		{"/dashboard/../evil", "/dashboard/"},
		{"/dashboard/%2e%2e/evil", "/dashboard/"},
		{"/dashboardx", "/dashboard/"},
		{"/other", "/dashboard/"},
		{"javascript:alert(1)", "/dashboard/"},
		{"/dashboard/\r\nSet-Cookie: x=1", "/dashboard/"},
	}
	for _, tc := range cases {
		t.Run(tc.next, func(t *testing.T) {
			r := f.client().post("/dashboard/login", url.Values{"username": {"admin"}, "password": {adminPW}, "next": {tc.next}})
			wantStatus(t, r, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); loc != tc.want {
				t.Errorf("next=%q: Location %q, want %q", tc.next, loc, tc.want)
			}
		})
	}
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/dashboard/x", "//a", "/\\a", "/dashboard/../../a", "/dashboard/%2F%2Fa", "/dashboard/?a=//b", "/dashboard//evil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext("/dashboard", next)
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\r\n") {
			t.Fatalf("safeNext(%q) = %q: leaves the site", next, got)
		}
		if u.Path != "/dashboard" && !strings.HasPrefix(u.Path, "/dashboard/") {
			t.Fatalf("safeNext(%q) = %q: leaves the link", next, got)
		}
	})
}

func TestLoginIsRateLimited(t *testing.T) {
	f := newFixture(t, nil)
	try := func(user, pw, ip string) response {
		return f.client().post("/dashboard/login", url.Values{"username": {user}, "password": {pw}})
	}
	// Per user: after 10 failures even the right password waits.
	for i := 0; i < 10; i++ {
		wantStatus(t, try("admin", "wrong", ""), http.StatusUnauthorized)
	}
	r := try("admin", adminPW, "")
	wantStatus(t, r, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// The same for Basic on the API.
	c := f.client()
	c.header.Set("Authorization", basicAuth("admin", adminPW))
	wantStatus(t, c.get("/dashboard/api/endpoints"), http.StatusTooManyRequests)
	// Time refills the bucket.
	f.advance(time.Minute)
	f.login("admin", adminPW)

	// Per address: failures over many user names also count.
	for i := 0; i < 11; i++ {
		try("nobody-"+string(rune('a'+i)), "wrong", "")
	}
	f.advance(30 * time.Second) // the user buckets of admin and guest are full again
	for i := 0; i < 10; i++ {
		try("someone-"+string(rune('a'+i)), "wrong", "")
	}
	wantStatus(t, try("guest", guestPW, ""), http.StatusTooManyRequests)
	if !strings.Contains(f.logs.String(), "failed login") {
		t.Error("failed logins are not logged")
	}
}

func TestUnknownUserCostsAHashToo(t *testing.T) {
	f := newFixture(t, nil)
	count := func(name, pw string) int64 {
		before := f.srv.auth.HashesChecked()
		_, ok, err := f.srv.auth.CheckPassword(httptest.NewRequest("POST", "/dashboard/login", nil), "192.0.2.9", name, pw)
		if err != nil || ok {
			t.Fatalf("checkPassword(%q): %v, %v", name, ok, err)
		}
		return f.srv.auth.HashesChecked() - before
	}
	if unknown, wrong := count("nobody", "x"), count("admin", "x"); unknown != wrong || unknown != 1 {
		t.Errorf("hashes computed: unknown user %d, wrong password %d; want 1 each", unknown, wrong)
	}
	if count("", "x") != 1 {
		t.Error("an empty user name skips the hash")
	}
}

// TestStrangersCannotLockOutATrustedBrowser: failed logins for admin from
// anywhere fill the user name's (and the address's) bucket, but the
// owner's browser, which logged in before and keeps its device cookie,
// still logs in. Untrusted browsers still wait; a device cookie of another
// user or a forged one is not trusted; a trusted browser that guesses is
// limited on its own.
func TestStrangersCannotLockOutATrustedBrowser(t *testing.T) {
	f := newFixture(t, nil)
	owner := f.login("admin", adminPW)
	if c := owner.c.Jar.Cookies(mustParse(t, f.ts.URL+"/dashboard/")); !hasCookie(c, auth.DeviceCookieName) {
		t.Fatalf("no device cookie after login: %v", c)
	}
	try := func(c *client, user, pw string) response {
		return c.post("/dashboard/login", url.Values{"username": {user}, "password": {pw}})
	}
	for i := 0; i < 30; i++ { // a stranger, every attempt from a fresh browser
		try(f.client(), "admin", "guess-"+strconv.Itoa(i))
	}
	wantStatus(t, try(f.client(), "admin", adminPW), http.StatusTooManyRequests)
	wantStatus(t, try(owner, "admin", adminPW), http.StatusSeeOther)

	guestBrowser := f.login("guest", guestPW)
	wantStatus(t, try(guestBrowser, "admin", adminPW), http.StatusTooManyRequests)
	forged := f.client()
	forged.header.Set("Cookie", auth.DeviceCookieName+"=YWRtaW4AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.c2ln")
	wantStatus(t, try(forged, "admin", adminPW), http.StatusTooManyRequests)

	for i := 0; i < 10; i++ {
		wantStatus(t, try(owner, "admin", "wrong"), http.StatusUnauthorized)
	}
	wantStatus(t, try(owner, "admin", adminPW), http.StatusTooManyRequests)
}

func mustParse(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func hasCookie(cs []*http.Cookie, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}
