package web

import (
	"net/http"
)

// Access says who may use a route.
type Access int

const (
	// Public: anyone (the login form).
	Public Access = iota
	// Static: anyone, without a session or the database (the CSS and
	// script files).
	Static
	// AnyUser: any logged-in user, guest or admin.
	AnyUser
	// AdminOnly: admins.
	AdminOnly
	// TokenOnly: the SECURITY_TOKEN as a bearer token, and nothing
	// else: cookies and Basic credentials are never read (uploads).
	TokenOnly
	// UserOrToken: a logged-in user, or the SECURITY_TOKEN as a bearer
	// token (the version report, which CI reads).
	UserOrToken
)

func (a Access) String() string {
	return [...]string{"public", "static", "any user", "admin", "token", "user or token"}[a]
}

// Route is one line of the route table: a method ("" for any) and a path
// under the link, who may use it, and the handler.
type Route struct {
	Method, Path string
	Access       Access
	h            handler
}

// Routes returns the route table, for tests that check every route.
func Routes() []Route { return (*Server)(nil).routes() }

// routes lists every route under the link. Paths are relative to it;
// paths under /api/ answer in JSON. Nothing is served under the link
// that is not on this list: ServeHTTP registers exactly these. Routes
// that sum rollups or read raw rows run within the read budget (s.heavy).
func (s *Server) routes() []Route {
	const get, post = http.MethodGet, http.MethodPost
	return []Route{
		{"", "/static/", Static, s.staticFile},

		{get, "/login", Public, s.loginPage},
		{post, "/login", Public, s.loginSubmit},
		{post, "/logout", AnyUser, s.logout},
		{get, "/account", AnyUser, s.accountPage},
		{post, "/account/password", AnyUser, s.changeOwnPassword},

		{get, "/", AnyUser, s.heavy(s.overviewPage)},
		{get, "/endpoints", AnyUser, s.heavy(s.endpointsPage)},
		{post, "/endpoints/level", AdminOnly, s.levelForm},
		{get, "/endpoint", AnyUser, s.heavy(s.endpointPage)},
		{get, "/versions", AnyUser, s.heavy(s.versionsPage)},
		{get, "/export", AdminOnly, s.exportPage},
		{get, "/settings", AdminOnly, s.settingsPage},

		{get, "/users", AdminOnly, s.usersPage},
		{post, "/users/add", AdminOnly, s.addUser},
		{post, "/users/role", AdminOnly, s.setRole},
		{post, "/users/password", AdminOnly, s.resetPassword},
		{post, "/users/delete", AdminOnly, s.deleteUser},

		{get, "/tests", AnyUser, s.testsPage},
		{get, "/test", AnyUser, s.testPage},
		{get, "/benchmarks", AnyUser, s.benchmarksPage},
		{get, "/benchmark", AnyUser, s.benchmarkPage},
		{get, "/report", AnyUser, s.heavy(s.reportPage)},
		{get, "/api/report", UserOrToken, s.heavy(s.apiReport)},
		{post, "/api/upload", TokenOnly, s.apiUpload},

		{get, "/api/services", AnyUser, s.heavy(s.apiServices)},
		{get, "/api/endpoints", AnyUser, s.heavy(s.apiEndpoints)},
		{post, "/api/endpoints/level", AdminOnly, s.apiSetLevel},
		{get, "/api/versions", AnyUser, s.heavy(s.apiVersions)},
		{get, "/api/callers", AnyUser, s.heavy(s.apiCallersRoute)},
		{get, "/api/requests", AdminOnly, s.heavy(s.apiRequests)},
		{get, "/outliers", AnyUser, s.outliersPage},
		{get, "/outlier", AnyUser, s.outlierPage},
		{get, "/errors", AnyUser, s.heavy(s.errorsPage)},
		{get, "/profile", AnyUser, s.profilePage},

		{get, "/api/outliers", AnyUser, s.apiOutliers},
		{get, "/api/outlier", AnyUser, s.apiOutlier},
		{get, "/api/errors", AnyUser, s.heavy(s.apiErrors)},
		{get, "/api/profiles", AnyUser, s.apiProfiles},
		{get, "/api/profile", AnyUser, s.apiProfile},
		{get, "/api/profile/compare", AnyUser, s.apiProfileCompare},
		{get, "/api/profile.pb.gz", AdminOnly, s.apiProfileDownload},
	}
}
