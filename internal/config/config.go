package config

import (
	"net/netip"
	"time"
)

// Config is the dashboard's settings after merging every layer. Each field's comment names its
// key; the key table (Keys) holds the defaults and the rules.
type Config struct {
	Database        string         // DATABASE: store URL, sqlite://, postgres:// or mysql://
	CustomLink      string         // CUSTOM_LINK: URL path of the UI, without slashes at the ends
	AppVersion      string         // APP_VERSION: version of the monitored service, "" to detect it
	Git             string         // GIT: path to the service's .git directory, "" for none
	Username        string         // USERNAME: administrator name
	Password        string         // PASSWORD (secret): administrator password, "" to generate one
	GuestUsername   string         // GUEST_USERNAME: read-only user name
	GuestPasswords  []string       // GUEST_PASSWORD (secret): none means no guest login
	OutlierConstant float64        // OUTLIER_DETECTION_CONSTANT: > 1
	MonitorLevel    int            // MONITOR_LEVEL: level of newly seen endpoints, 0..3
	SecurityToken   string         // SECURITY_TOKEN (secret): "" disables uploads
	Timezone        *time.Location // TIMEZONE: zone of the dates the UI shows
	Service         string         // SERVICE_NAME: stored with every row
	Instance        string         // INSTANCE: stored with every row
	TrustedProxies  []netip.Prefix // TRUSTED_PROXIES: whose X-Forwarded-For is believed
	QueueSize       int            // QUEUE_SIZE: samples waiting for the writer
	BatchSize       int            // BATCH_SIZE: rows per transaction
	FlushInterval   time.Duration  // FLUSH_INTERVAL: longest wait before a batch is written
	BacklogLimit    int            // BACKLOG_LIMIT: rows held while the database fails
	SamplingPeriod  time.Duration  // SAMPLING_PERIOD: time between profiler samples
	// PROFILE_INTERVAL: how often level-3 profiles are written
	ProfileInterval time.Duration
	// RAW_RETENTION_DAYS: days raw request rows are kept, 0 forever
	RawRetentionDays int
	// ROLLUP_RETENTION_DAYS: days hourly rollups are kept, 0 forever
	RollupRetentionDays int
	// DAILY_RETENTION_DAYS: days daily rollups are kept, 0 forever
	DailyRetentionDays int
	// GROUP_LIMIT: users and addresses per endpoint and day with exact figures
	GroupLimit int

	OutlierMinRequests       int           // OUTLIER_MIN_REQUESTS: warm-up before outliers are caught
	OutlierMinDuration       time.Duration // OUTLIER_MIN_DURATION: no request faster than this is an outlier
	OutlierCapturesPerMinute int           // OUTLIER_CAPTURES_PER_MINUTE: rate limit of captures
	OutlierRedact            []string      // OUTLIER_REDACT: extra secret names and /patterns/

	LevelRefresh time.Duration // LEVEL_REFRESH_INTERVAL: how often levels are read, 0 at start only

	QueryBudget     int           // QUERY_BUDGET: heavy dashboard reads running at once
	QueryQueue      int           // QUERY_QUEUE: heavy reads waiting for a turn, beyond which 503
	QueryCache      time.Duration // QUERY_CACHE: lifetime of kept sums over closed hours, 0 off
	ReadConnections int           // READ_CONNECTIONS: database connections the pages read through
	RawSampleRate   int           // RAW_SAMPLE_RATE: keep one raw row in N at level 1

	// Entries has one entry per key, in the order of Keys, for a settings page.
	Entries []Entry
	// Warnings are worth logging once: ignored Flask keys, unknown DASHBOARD_* variables,
	// well-known passwords.
	Warnings []string
}

// Entry is a key's final value and where it came from.
type Entry struct {
	Key    string // INI name, e.g. "MONITOR_LEVEL"
	Value  string // as written; "********" for a secret that is set; a database password is masked
	Source string // "default", "dashboard.ini:12", "env DASHBOARD_MONITOR_LEVEL" or "code"
	Secret bool
}

// mask is what a set secret looks like on the settings page.
const mask = "********"
