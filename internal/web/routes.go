package web

import (
	"net/http"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciweb"
)

// addRoutes lists every route under the link. Paths are relative to it.
func (s *Server) addRoutes() {
	const get, post = http.MethodGet, http.MethodPost

	s.handle(get, "/login", public, s.loginPage)
	s.handle(post, "/login", public, s.loginSubmit)
	s.handle(post, "/logout", anyUser, s.logout)
	s.handle(get, "/account", anyUser, s.accountPage)
	s.handle(post, "/account/password", anyUser, s.changeOwnPassword)

	s.handle(get, "/", anyUser, s.overviewPage)
	s.handle(get, "/endpoints", anyUser, s.endpointsPage)
	s.handle(post, "/endpoints/level", adminOnly, s.levelForm)
	s.handle(get, "/endpoint", anyUser, s.endpointPage)
	s.handle(get, "/versions", anyUser, s.versionsPage)
	s.handle(get, "/export", adminOnly, s.exportPage)
	s.handle(get, "/settings", adminOnly, s.settingsPage)

	s.handle(get, "/users", adminOnly, s.usersPage)
	s.handle(post, "/users/add", adminOnly, s.addUser)
	s.handle(post, "/users/role", adminOnly, s.setRole)
	s.handle(post, "/users/password", adminOnly, s.resetPassword)
	s.handle(post, "/users/delete", adminOnly, s.deleteUser)

	s.handle(get, "/tests", anyUser, s.ciPage((*ciweb.Handlers).TestsPage))
	s.handle(get, "/test", anyUser, s.ciPage((*ciweb.Handlers).TestPage))
	s.handle(get, "/benchmarks", anyUser, s.ciPage((*ciweb.Handlers).BenchmarksPage))
	s.handle(get, "/benchmark", anyUser, s.ciPage((*ciweb.Handlers).BenchmarkPage))
	s.handle(get, "/report", anyUser, s.ciPage((*ciweb.Handlers).ReportPage))
	s.handle(get, "/api/report", anyUser, s.apiReport)

	s.handle(get, "/api/services", anyUser, s.apiServices)
	s.handle(get, "/api/endpoints", anyUser, s.apiEndpoints)
	s.handle(post, "/api/endpoints/level", adminOnly, s.apiSetLevel)
	s.handle(get, "/api/versions", anyUser, s.apiVersions)
	s.handle(get, "/api/requests", adminOnly, s.apiRequests)
	s.handle(get, "/outliers", anyUser, s.outliersPage)
	s.handle(get, "/outlier", anyUser, s.outlierPage)
	s.handle(get, "/errors", anyUser, s.errorsPage)
	s.handle(get, "/profile", anyUser, s.profilePage)

	s.handle(get, "/api/outliers", anyUser, s.apiOutliers)
	s.handle(get, "/api/outlier", anyUser, s.apiOutlier)
	s.handle(get, "/api/errors", anyUser, s.apiErrors)
	s.handle(get, "/api/profiles", anyUser, s.apiProfiles)
	s.handle(get, "/api/profile", anyUser, s.apiProfile)
	s.handle(get, "/api/profile/compare", anyUser, s.apiProfileCompare)
	s.handle(get, "/api/profile.pb.gz", adminOnly, s.apiProfileDownload)
}
