package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Key describes one setting, for docs/configuration.md and the settings page.
type Key struct {
	Name string // INI name, e.g. "MONITOR_LEVEL"; the environment variable is "DASHBOARD_" + Name
	// Default is the value used when nothing sets the key. When it depends on the machine it is
	// a rule in angle brackets ("<host name>").
	Default     string
	Description string
	Secret      bool // never shown, logged or put in an error message
	// FlaskSection is the INI section Flask-MonitoringDashboard puts the key in ("authentication"),
	// "" for keys Flask does not have. Every key may also sit under [dashboard].
	FlaskSection string
}

// keyDef is a row of the key table: the documentation plus how the value is read.
type keyDef struct {
	Key
	field string                          // the Config field set, checked by a test
	set   func(c *Config, v string) error // parses v into c; the error says what is wanted
	show  func(v string) string           // how a value appears in Entries and errors; nil: as is
	dflt  func() string                   // a default computed at load time; nil: Default
}

// Keys returns the settings in a stable order, the order of Config's fields.
func Keys() []Key {
	defs := keyTable()
	keys := make([]Key, len(defs))
	for i, d := range defs {
		keys[i] = d.Key
	}
	return keys
}

func lookupKey(defs []keyDef, name string) (keyDef, bool) {
	for _, d := range defs {
		if d.Name == name {
			return d, true
		}
	}
	return keyDef{}, false
}

// display is the value as a settings page or an error message may show it.
func (d keyDef) display(v string) string {
	switch {
	case d.Secret && v != "":
		return mask
	case d.Secret:
		return ""
	case d.show != nil:
		return d.show(v)
	}
	return v
}

// keyTable is built on each call rather than kept in a package variable, so nothing can change
// it; it is small and read once per Load.
func keyTable() []keyDef {
	return []keyDef{
		{
			Key: Key{Name: "DATABASE", Default: "sqlite:///dashboard.db", FlaskSection: "database",
				Description: "Where measurements are stored: sqlite:///file.db (three slashes: relative to the working directory), sqlite:////var/lib/app/file.db (four: absolute), postgres://user:password@host/db or mysql://user:password@host/db. A password in the URL is masked wherever the URL is shown."},
			field: "Database",
			set:   func(c *Config, v string) (err error) { c.Database, err = parseDatabase(v); return err },
			show:  redactDatabase,
		},
		{
			Key: Key{Name: "CUSTOM_LINK", Default: "dashboard", FlaskSection: "dashboard",
				Description: "URL path of the dashboard inside the service (\"dashboard\" serves /dashboard/). Letters, digits, . _ ~ - and / between parts."},
			field: "CustomLink",
			set:   func(c *Config, v string) (err error) { c.CustomLink, err = parseCustomLink(v); return err },
		},
		{
			Key: Key{Name: "APP_VERSION", FlaskSection: "dashboard",
				Description: "Version of the monitored service. When empty, the commit in GIT is used, else the revision Go embeds in the binary."},
			field: "AppVersion",
			set:   func(c *Config, v string) error { c.AppVersion = v; return nil },
		},
		{
			Key: Key{Name: "GIT", FlaskSection: "dashboard",
				Description: "Path to the service's .git directory, read for the version when APP_VERSION is empty. A relative path in the INI file is relative to the file's directory."},
			field: "Git",
			set:   func(c *Config, v string) error { c.Git = v; return nil },
		},
		{
			Key: Key{Name: "USERNAME", Default: "admin", FlaskSection: "authentication",
				Description: "Name of the administrator, who may change monitoring levels and download data."},
			field: "Username",
			set:   func(c *Config, v string) (err error) { c.Username, err = nonEmpty(v, "a user name"); return err },
		},
		{
			Key: Key{Name: "PASSWORD", Secret: true, FlaskSection: "authentication",
				Description: "Administrator password, at least 8 characters. When empty, the dashboard generates one when it starts."},
			field: "Password",
			set: func(c *Config, v string) error {
				c.Password = v
				return checkPasswords(v)
			},
		},
		{
			Key: Key{Name: "GUEST_USERNAME", Default: "guest", FlaskSection: "authentication",
				Description: "Name of the guest, who may look but not change anything."},
			field: "GuestUsername",
			set:   func(c *Config, v string) (err error) { c.GuestUsername, err = nonEmpty(v, "a user name"); return err },
		},
		{
			Key: Key{Name: "GUEST_PASSWORD", Secret: true, FlaskSection: "authentication",
				Description: "Guest password, or several as a Python list: ['first one', 'second one']; each at least 8 characters. When empty, guests cannot log in."},
			field: "GuestPasswords",
			set: func(c *Config, v string) (err error) {
				if c.GuestPasswords, err = parseGuestPasswords(v); err != nil {
					return err
				}
				return checkPasswords(c.GuestPasswords...)
			},
		},
		{
			Key: Key{Name: "OUTLIER_DETECTION_CONSTANT", Default: "2.5", FlaskSection: "dashboard",
				Description: "A request slower than its endpoint's average times this number is an outlier, and its stack, CPU and memory are captured (levels 2 and 3). More than 1."},
			field: "OutlierConstant",
			set:   func(c *Config, v string) (err error) { c.OutlierConstant, err = parseOutlierConstant(v); return err },
		},
		{
			Key: Key{Name: "MONITOR_LEVEL", Default: "1", FlaskSection: "dashboard",
				Description: "Monitoring level of newly seen endpoints: 0 off, 1 timing, 2 timing and outliers, 3 timing, outliers and profiler."},
			field: "MonitorLevel",
			set:   func(c *Config, v string) (err error) { c.MonitorLevel, err = parseMonitorLevel(v); return err },
		},
		{
			Key: Key{Name: "SECURITY_TOKEN", Secret: true, FlaskSection: "authentication",
				Description: "Token that lets `gmd upload` send test and benchmark results. Empty disables uploads; otherwise at least 16 characters."},
			field: "SecurityToken",
			set:   func(c *Config, v string) (err error) { c.SecurityToken, err = parseSecurityToken(v); return err },
		},
		{
			Key: Key{Name: "TIMEZONE", Default: "Local", FlaskSection: "visualization",
				Description: "Time zone of the dates the dashboard shows: Local, UTC or a name such as Europe/Amsterdam."},
			field: "Timezone",
			set:   func(c *Config, v string) (err error) { c.Timezone, err = parseTimezone(v); return err },
		},
		{
			Key: Key{Name: "SERVICE_NAME", Default: "<executable name>",
				Description: "Name of the monitored service, stored with every row so that several services can share one database."},
			field: "Service",
			set:   func(c *Config, v string) (err error) { c.Service, err = nonEmpty(v, "a name"); return err },
			dflt:  executableName,
		},
		{
			Key: Key{Name: "INSTANCE", Default: "<host name>",
				Description: "Name of this copy of the service, stored with every row so that instances can be told apart."},
			field: "Instance",
			set:   func(c *Config, v string) (err error) { c.Instance, err = nonEmpty(v, "a name"); return err },
			dflt:  hostName,
		},
		{
			Key: Key{Name: "TRUSTED_PROXIES",
				Description: "Proxies whose X-Forwarded-For header is believed when finding a client's IP: IP addresses or CIDR prefixes, separated by commas or spaces. Empty trusts none."},
			field: "TrustedProxies",
			set:   func(c *Config, v string) (err error) { c.TrustedProxies, err = parseProxies(v); return err },
		},
		{
			Key: Key{Name: "QUEUE_SIZE", Default: "16384",
				Description: "Requests waiting to be written, 1 to 10000000. When the queue is full, new ones are dropped and counted rather than slowing the service."},
			field: "QueueSize",
			set:   func(c *Config, v string) (err error) { c.QueueSize, err = parseInt(v, 1, 10_000_000); return err },
		},
		{
			Key: Key{Name: "BATCH_SIZE", Default: "1000",
				Description: "Rows written per database transaction, 1 to 100000."},
			field: "BatchSize",
			set:   func(c *Config, v string) (err error) { c.BatchSize, err = parseInt(v, 1, 100_000); return err },
		},
		{
			Key: Key{Name: "FLUSH_INTERVAL", Default: "1s",
				Description: "Longest time a row waits before its batch is written: a Go duration from 10ms to 1h."},
			field: "FlushInterval",
			set: func(c *Config, v string) (err error) {
				c.FlushInterval, err = parseDuration(v, 10*time.Millisecond, time.Hour)
				return err
			},
		},
		{
			Key: Key{Name: "BACKLOG_LIMIT", Default: "100000",
				Description: "Rows kept in memory while the database fails; beyond this they are dropped and counted. 0 drops them at once."},
			field: "BacklogLimit",
			set:   func(c *Config, v string) (err error) { c.BacklogLimit, err = parseInt(v, 0, maxInt); return err },
		},
		{
			Key: Key{Name: "SAMPLING_PERIOD", Default: "10ms", FlaskSection: "dashboard",
				Description: "Time between two profiler samples at level 3: milliseconds as a plain number (20, as Flask wrote it) or a Go duration (20ms), from 1ms to 1s."},
			field: "SamplingPeriod",
			set:   func(c *Config, v string) (err error) { c.SamplingPeriod, err = parseSamplingPeriod(v); return err },
		},
		{
			Key: Key{Name: "PROFILE_INTERVAL", Default: "1m",
				Description: "How often the samples of level-3 endpoints are written to the database as profiles (one per endpoint and version): a Go duration from 1s to 1h. Shorter shows profiles sooner and writes more rows."},
			field: "ProfileInterval",
			set: func(c *Config, v string) (err error) {
				c.ProfileInterval, err = parseDuration(v, time.Second, time.Hour)
				return err
			},
		},
		{
			Key: Key{Name: "RAW_RETENTION_DAYS", Default: "90",
				Description: "Days a raw request row is kept; older rows are deleted in small batches in the background. 0 keeps them forever. Exports and the request list read raw rows; per-user and per-IP figures come from daily rollups kept as long as the daily ones (DAILY_RETENTION_DAYS)."},
			field: "RawRetentionDays",
			set:   func(c *Config, v string) (err error) { c.RawRetentionDays, err = parseInt(v, 0, 36500); return err },
		},
		{
			Key: Key{Name: "ROLLUP_RETENTION_DAYS", Default: "1095",
				Description: "Days the hourly rollups (counts, durations, histograms) are kept, for hour-by-hour charts and the hours at the edges of longer windows. Hours not yet folded into daily rollups are kept whatever this says. 0 keeps them forever."},
			field: "RollupRetentionDays",
			set:   func(c *Config, v string) (err error) { c.RollupRetentionDays, err = parseInt(v, 0, 36500); return err },
		},
		{
			Key: Key{Name: "DAILY_RETENTION_DAYS", Default: "3650",
				Description: "Days the daily rollups are kept: UTC days folded from the hourly rollups in the background, which windows of whole days (the last 30 days) read. The all-time totals per endpoint and version are kept forever. 0 keeps daily rollups forever."},
			field: "DailyRetentionDays",
			set:   func(c *Config, v string) (err error) { c.DailyRetentionDays, err = parseInt(v, 0, 36500); return err },
		},
		{
			Key: Key{Name: "GROUP_LIMIT", Default: "1000",
				Description: "Users, and client addresses, of an endpoint that get exact figures per UTC day (count, durations, percentiles), 1 to 100000. The requests of further ones are counted in a summary of as many counters, whose counts are estimates that overstate by at most (requests summarized)/GROUP_LIMIT; pages and the API say which figures are which. Memory: about two days of these per endpoint."},
			field: "GroupLimit",
			set:   func(c *Config, v string) (err error) { c.GroupLimit, err = parseInt(v, 1, 100_000); return err },
		},
		{
			Key: Key{Name: "OUTLIER_MIN_REQUESTS", Default: "20",
				Description: "Requests of an endpoint timed before any can be an outlier, so that its average means something: 0 to 1000000. Counted again when the endpoint's level is raised to 2 or 3."},
			field: "OutlierMinRequests",
			set: func(c *Config, v string) (err error) {
				c.OutlierMinRequests, err = parseInt(v, 0, 1_000_000)
				return err
			},
		},
		{
			Key: Key{Name: "OUTLIER_MIN_DURATION", Default: "10ms",
				Description: "No request faster than this is an outlier, whatever its endpoint's average, so that scheduling jitter on a fast endpoint is never captured: a Go duration from 0s to 1h."},
			field: "OutlierMinDuration",
			set: func(c *Config, v string) (err error) {
				c.OutlierMinDuration, err = parseDuration(v, 0, time.Hour)
				return err
			},
		},
		{
			Key: Key{Name: "OUTLIER_CAPTURES_PER_MINUTE", Default: "10",
				Description: "Most outliers captured in a minute (stacks, CPU and memory), so that a burst of slow requests cannot slow the service further: 0 to 10000. Outliers beyond it are counted and shown, not captured."},
			field: "OutlierCapturesPerMinute",
			set: func(c *Config, v string) (err error) {
				c.OutlierCapturesPerMinute, err = parseInt(v, 0, 10_000)
				return err
			},
		},
		{
			Key: Key{Name: "OUTLIER_REDACT",
				Description: "Headers and form or query values whose values an outlier never stores, besides the names whose words say secret (passwords, tokens, API keys, cards, sessions, cookies, authorization; see Outliers): names, or regular expressions between slashes (/^x-internal-/), separated by commas or spaces."},
			field: "OutlierRedact",
			set:   func(c *Config, v string) (err error) { c.OutlierRedact, err = parseRedact(v); return err },
		},
		{
			Key: Key{Name: "LEVEL_REFRESH_INTERVAL", Default: "5s",
				Description: "How often the endpoints' monitoring levels are read from the database, so that a level set on another instance or in gmd serve takes effect here: a Go duration from 100ms to 1h, or 0 to read them at start only."},
			field: "LevelRefresh",
			set: func(c *Config, v string) error {
				d, err := time.ParseDuration(strings.TrimSpace(v))
				if err != nil || d != 0 && (d < 100*time.Millisecond || d > time.Hour) {
					return errors.New("want a duration from 100ms to 1h, such as 5s, or 0 to read levels at start only")
				}
				c.LevelRefresh = d
				return nil
			},
		},
		{
			Key: Key{Name: "QUERY_BUDGET", Default: "<half the CPUs, at least 1>",
				Description: "Heavy dashboard reads (pages and API calls that sum rollups or read raw rows) that run at once, 1 to 64, so that people reading the dashboard cannot take the monitored service's CPU. Others wait in the queue (QUERY_QUEUE)."},
			field: "QueryBudget",
			set:   func(c *Config, v string) (err error) { c.QueryBudget, err = parseInt(v, 1, 64); return err },
			dflt:  func() string { return strconv.Itoa(max(1, runtime.GOMAXPROCS(0)/2)) },
		},
		{
			Key: Key{Name: "QUERY_QUEUE", Default: "8",
				Description: "Heavy dashboard reads that wait for a turn, 0 to 10000. Beyond them, and after 30 s of waiting, a page answers 503 with Retry-After; these are counted on the settings page."},
			field: "QueryQueue",
			set:   func(c *Config, v string) (err error) { c.QueryQueue, err = parseInt(v, 0, 10_000); return err },
		},
		{
			Key: Key{Name: "QUERY_CACHE", Default: "1m",
				Description: "How long sums over closed hours are kept in memory and reused by later pages: a Go duration up to 24h, 0 to compute every page afresh. An hour counts as closed a minute after it ends and does not change (a backlog an instance writes late into it is seen after this time); the open hour is always read afresh."},
			field: "QueryCache",
			set: func(c *Config, v string) (err error) {
				c.QueryCache, err = parseDuration(v, 0, 24*time.Hour)
				return err
			},
		},
		{
			Key: Key{Name: "READ_CONNECTIONS", Default: "2",
				Description: "Database connections the dashboard's pages read through, 1 to 64 (its writes have their own). Fewer leaves more of the machine to the service."},
			field: "ReadConnections",
			set:   func(c *Config, v string) (err error) { c.ReadConnections, err = parseInt(v, 1, 64); return err },
		},
		{
			Key: Key{Name: "RAW_SAMPLE_RATE", Default: "1",
				Description: "Keep one raw request row in N of the endpoints at level 1, 1 to 1000000 (1 keeps every row). Rows with a 5xx status and requests of endpoints watched for outliers are always kept. Counts, durations, percentiles, errors and per-user figures come from rollups and stay exact; exports and api/requests then list a sample, and say so."},
			field: "RawSampleRate",
			set:   func(c *Config, v string) (err error) { c.RawSampleRate, err = parseInt(v, 1, 1_000_000); return err },
		},
	}
}

// executableName is the default SERVICE_NAME: what the operator calls the program.
func executableName() string {
	exe, err := os.Executable()
	if err != nil {
		return "service"
	}
	name := filepath.Base(exe)
	name = strings.TrimSuffix(name, filepath.Ext(name))
	if name == "" || name == "." || name == string(filepath.Separator) {
		return "service"
	}
	return name
}

// hostName is the default INSTANCE.
func hostName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	return h
}

func nonEmpty(v, want string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", errors.New("empty; want " + want)
	}
	return v, nil
}
