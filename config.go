package dashboard

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-monitoring-dashboard/dashboard/internal/auth"
	"github.com/go-monitoring-dashboard/dashboard/store"
)

// MonitorOff, as [Config.MonitorLevel], starts new endpoints switched off
// (level 0): their requests are not recorded until [Dashboard.SetLevel] or
// the endpoints page raises their level. It exists because Config's zero
// value must keep recording, so MonitorLevel 0 keeps the default level.
// Only Config.MonitorLevel takes it: SetLevel and Level speak of the off
// level as 0.
const MonitorOff = -1

// Config configures a Dashboard. The zero value is valid and records every
// request: every field left at its zero value keeps the value from, in
// order of precedence, the environment (DASHBOARD_<KEY>), the INI file, or
// the default. docs/configuration.md lists every key with its default.
type Config struct {
	// ConfigFile is an INI file to read. "" reads the file named by the
	// DASHBOARD_CONFIG environment variable, if any.
	ConfigFile string

	// Database is the database URL (key DATABASE, default
	// "sqlite:///dashboard.db"). PostgreSQL and MySQL need their driver
	// packages imported (store/postgres, store/mysql); a database server
	// that is down when New runs does not fail it: the dashboard connects
	// in the background and keeps requests in memory meanwhile.
	Database string
	// CustomLink is the path of the dashboard (key CUSTOM_LINK, default
	// "dashboard", served at /dashboard).
	CustomLink string
	// AppVersion names the running version (key APP_VERSION). When empty
	// the version is read from Git, then from the build info.
	AppVersion string
	// Git is the path of the .git directory to read the version from (key GIT).
	Git string
	// Username and Password of the first admin (keys USERNAME, PASSWORD).
	Username, Password string
	// GuestUsername and GuestPassword of a read-only user (keys
	// GUEST_USERNAME, GUEST_PASSWORD).
	GuestUsername, GuestPassword string
	// OutlierDetectionConstant: a request slower than this many times its
	// endpoint's average is an outlier (key OUTLIER_DETECTION_CONSTANT,
	// default 2.5). 0 keeps the default.
	OutlierDetectionConstant float64
	// MonitorLevel is the level new endpoints get (key MONITOR_LEVEL,
	// default 1): 1 timing, 2 timing and outliers, 3 timing, outliers and
	// profiler. 0 keeps the value from the environment, the file or the
	// default; [MonitorOff] starts new endpoints switched off (level 0).
	MonitorLevel int
	// SecurityToken authorizes uploads of test results from CI (key
	// SECURITY_TOKEN). Empty disables uploads.
	SecurityToken string
	// Timezone in which the dashboard shows times (key TIMEZONE, default
	// the local zone).
	Timezone string
	// Service names this service when several share a database (key
	// SERVICE_NAME, default the executable's name).
	Service string
	// Instance names this process among the service's replicas (key
	// INSTANCE, default the host name).
	Instance string
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For and X-Real-IP headers are believed (key
	// TRUSTED_PROXIES). Empty: the client address is the connection's.
	TrustedProxies []string
	// Settings sets any key by its INI name, as the file would. Typed
	// fields above take precedence over it.
	Settings map[string]string

	// GroupBy names the user (or tenant, or client) of a request, for the
	// per-user graphs. It is called after the handler returns, so it sees
	// what the request carried in (a header, a cookie, r.URL), not context
	// values that inner middleware added to a copy of the request. Nil
	// records no user.
	GroupBy func(r *http.Request) string

	// Logger receives the dashboard's few log lines (start, database
	// outages). Nil uses slog.Default().
	Logger *slog.Logger

	// Store, when set, is used instead of opening Database. The dashboard
	// does not close it, but does delete old rows from it (see
	// RAW_RETENTION_DAYS).
	Store store.Store

	// environ replaces os.Environ() in tests.
	environ []string
	// hash replaces the password hashing's cost in tests; zero: the
	// default.
	hash auth.Params
}

// codeSettings turns the fields set in Config into INI keys, the highest
// layer of configuration.
func (c *Config) codeSettings() map[string]string {
	m := map[string]string{}
	for k, v := range c.Settings {
		m[strings.ToUpper(strings.TrimSpace(k))] = v
	}
	set := func(key, v string) {
		if v != "" {
			m[key] = v
		}
	}
	set("DATABASE", c.Database)
	set("CUSTOM_LINK", c.CustomLink)
	set("APP_VERSION", c.AppVersion)
	set("GIT", c.Git)
	set("USERNAME", c.Username)
	set("PASSWORD", c.Password)
	set("GUEST_USERNAME", c.GuestUsername)
	set("GUEST_PASSWORD", c.GuestPassword)
	if c.OutlierDetectionConstant != 0 {
		m["OUTLIER_DETECTION_CONSTANT"] = strconv.FormatFloat(c.OutlierDetectionConstant, 'g', -1, 64)
	}
	switch c.MonitorLevel {
	case 0:
	case MonitorOff:
		m["MONITOR_LEVEL"] = "0"
	default:
		m["MONITOR_LEVEL"] = strconv.Itoa(c.MonitorLevel)
	}
	set("SECURITY_TOKEN", c.SecurityToken)
	set("TIMEZONE", c.Timezone)
	set("SERVICE_NAME", c.Service)
	set("INSTANCE", c.Instance)
	set("TRUSTED_PROXIES", strings.Join(c.TrustedProxies, ","))
	return m
}
