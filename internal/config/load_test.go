package config

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c := mustLoad(t, Options{})
	want := &Config{
		Database:            "sqlite:///dashboard.db",
		CustomLink:          "dashboard",
		Username:            "admin",
		GuestUsername:       "guest",
		OutlierConstant:     2.5,
		MonitorLevel:        1,
		Timezone:            time.Local,
		Service:             executableName(),
		Instance:            hostName(),
		QueueSize:           16384,
		BatchSize:           1000,
		FlushInterval:       time.Second,
		BacklogLimit:        100000,
		SamplingPeriod:      10 * time.Millisecond,
		ProfileInterval:     time.Minute,
		RawRetentionDays:    90,
		GroupLimit:          1000,
		RollupRetentionDays: 1095,
		DailyRetentionDays:  3650,

		OutlierMinRequests:       20,
		OutlierMinDuration:       10 * time.Millisecond,
		OutlierCapturesPerMinute: 10,
		LevelRefresh:             5 * time.Second,
		QueryBudget:              max(1, runtime.GOMAXPROCS(0)/2),
		QueryQueue:               8,
		QueryCache:               time.Minute,
		ReadConnections:          2,
		RawSampleRate:            1,
		Entries:                  c.Entries,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load(Options{})\n got %+v\nwant %+v", c, want)
	}
	if len(c.Entries) != len(Keys()) {
		t.Fatalf("%d entries for %d keys", len(c.Entries), len(Keys()))
	}
	for i, k := range Keys() {
		e := c.Entries[i]
		if e.Key != k.Name || e.Source != "default" || e.Secret != k.Secret {
			t.Errorf("entry %d = %+v, want key %s from default", i, e, k.Name)
		}
		if !strings.HasPrefix(k.Default, "<") && e.Value != k.Default {
			t.Errorf("entry %s = %q, want the documented default %q", k.Name, e.Value, k.Default)
		}
	}
	if c.Service == "" || c.Instance == "" {
		t.Errorf("Service %q, Instance %q: want names", c.Service, c.Instance)
	}
}

func TestLoadPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		file       string // "" for no file
		env        []string
		code       map[string]string
		key        string
		want       any    // the Config field
		wantValue  string // Entry.Value
		wantSource string // Entry.Source; FILE stands for the file's path
	}{
		{"default", "", nil, nil, "MONITOR_LEVEL", 1, "1", "default"},
		{"file over default", "[dashboard]\nMONITOR_LEVEL=2\n", nil, nil, "MONITOR_LEVEL", 2, "2", "FILE:2"},
		{"env over file", "[dashboard]\nMONITOR_LEVEL=2\n", []string{"DASHBOARD_MONITOR_LEVEL=3"}, nil, "MONITOR_LEVEL", 3, "3", "env DASHBOARD_MONITOR_LEVEL"},
		{"code over env", "[dashboard]\nMONITOR_LEVEL=2\n", []string{"DASHBOARD_MONITOR_LEVEL=3"}, map[string]string{"MONITOR_LEVEL": "0"}, "MONITOR_LEVEL", 0, "0", "code"},
		{"code over default", "", nil, map[string]string{"QUEUE_SIZE": "10"}, "QUEUE_SIZE", 10, "10", "code"},
		{"level refresh off", "", []string{"DASHBOARD_LEVEL_REFRESH_INTERVAL=0"}, nil, "LEVEL_REFRESH_INTERVAL", time.Duration(0), "0", "env DASHBOARD_LEVEL_REFRESH_INTERVAL"},
		{"env over default", "", []string{"DASHBOARD_QUEUE_SIZE=20"}, nil, "QUEUE_SIZE", 20, "20", "env DASHBOARD_QUEUE_SIZE"},
		{"empty env is unset", "[dashboard]\nQUEUE_SIZE=30\n", []string{"DASHBOARD_QUEUE_SIZE="}, nil, "QUEUE_SIZE", 30, "30", "FILE:2"},
		{"later env duplicate wins", "", []string{"DASHBOARD_QUEUE_SIZE=1", "DASHBOARD_QUEUE_SIZE=2"}, nil, "QUEUE_SIZE", 2, "2", "env DASHBOARD_QUEUE_SIZE"},
		{"later empty env duplicate unsets", "", []string{"DASHBOARD_QUEUE_SIZE=1", "DASHBOARD_QUEUE_SIZE="}, nil, "QUEUE_SIZE", 16384, "16384", "default"},
		{"code empty string counts", "[dashboard]\nAPP_VERSION=1.0\n", nil, map[string]string{"APP_VERSION": ""}, "APP_VERSION", "", "", "code"},
		{"env other key does not touch this one", "[dashboard]\nAPP_VERSION=1.0\n", []string{"DASHBOARD_GIT=/x/.git"}, nil, "APP_VERSION", "1.0", "1.0", "FILE:2"},
		{"file database in Flask section", "[database]\nDATABASE=postgres://u:pw@db/m\n", nil, nil, "DATABASE", "postgres://u:pw@db/m", "postgres://u:xxxxx@db/m", "FILE:2"},
		{"env database", "[database]\nDATABASE=postgres://db/m\n", []string{"DASHBOARD_DATABASE=mysql://db/m"}, nil, "DATABASE", "mysql://db/m", "mysql://db/m", "env DASHBOARD_DATABASE"},
		{"code database", "", []string{"DASHBOARD_DATABASE=mysql://db/m"}, map[string]string{"DATABASE": "sqlite:///other.db"}, "DATABASE", "sqlite:///other.db", "sqlite:///other.db", "code"},
		{"file custom link stripped", "[dashboard]\nCUSTOM_LINK=/ops/metrics/\n", nil, nil, "CUSTOM_LINK", "ops/metrics", "/ops/metrics/", "FILE:2"},
		{"env custom link", "[dashboard]\nCUSTOM_LINK=a\n", []string{"DASHBOARD_CUSTOM_LINK=b"}, nil, "CUSTOM_LINK", "b", "b", "env DASHBOARD_CUSTOM_LINK"},
		{"file timezone", "[visualization]\nTIMEZONE=UTC\n", nil, nil, "TIMEZONE", time.UTC, "UTC", "FILE:2"},
		{"file secret masked", "[authentication]\nPASSWORD=s3cret-pw\n", nil, nil, "PASSWORD", "s3cret-pw", "********", "FILE:2"},
		{"env secret masked", "", []string{"DASHBOARD_SECURITY_TOKEN=0123456789abcdef0"}, nil, "SECURITY_TOKEN", "0123456789abcdef0", "********", "env DASHBOARD_SECURITY_TOKEN"},
		{"empty secret shows empty", "", nil, map[string]string{"PASSWORD": ""}, "PASSWORD", "", "", "code"},
		{"code proxies", "[dashboard]\nTRUSTED_PROXIES=10.0.0.1\n", nil, map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, ::1"}, "TRUSTED_PROXIES",
			[]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}, "10.0.0.0/8, ::1", "code"},
		{"file named by DASHBOARD_CONFIG", "[dashboard]\nBATCH_SIZE=7\n", []string{"DASHBOARD_CONFIG=FILE"}, nil, "BATCH_SIZE", 7, "7", "FILE:2"},
		{"continued value line is the key's line", "[dashboard]\n\nFLUSH_INTERVAL=\n  2s\n", nil, nil, "FLUSH_INTERVAL", 2 * time.Second, "\n2s", "FILE:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var path string
			if tt.file != "" {
				path = writeINI(t, tt.file)
			}
			opts := Options{Environ: tt.env, Code: tt.code}
			if !containsConfigVar(tt.env) {
				opts.File = path
			}
			for i, kv := range opts.Environ {
				opts.Environ[i] = strings.ReplaceAll(kv, "FILE", path)
			}
			c := mustLoad(t, opts)
			if got := field(t, c, tt.key); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s = %v, want %v", tt.key, got, tt.want)
			}
			wantEntry := Entry{Key: tt.key, Value: tt.wantValue, Source: strings.ReplaceAll(tt.wantSource, "FILE", path), Secret: strings.Contains(tt.key, "PASSWORD") || tt.key == "SECURITY_TOKEN"}
			if got := entry(t, c, tt.key); got != wantEntry {
				t.Errorf("entry = %+v, want %+v", got, wantEntry)
			}
		})
	}
}

func containsConfigVar(env []string) bool {
	for _, kv := range env {
		if strings.HasPrefix(kv, envConfig+"=") {
			return true
		}
	}
	return false
}

func TestLoadOptionsFileWinsOverEnv(t *testing.T) {
	t.Parallel()
	fromCode := writeINI(t, "[dashboard]\nBATCH_SIZE=1\n")
	fromEnv := writeINI(t, "[dashboard]\nBATCH_SIZE=2\n")
	c := mustLoad(t, Options{File: fromCode, Environ: []string{"DASHBOARD_CONFIG=" + fromEnv}})
	if c.BatchSize != 1 {
		t.Errorf("BatchSize = %d, want 1 from Options.File", c.BatchSize)
	}
}

// TestLoadFlaskFile loads Flask-MonitoringDashboard's documented file unchanged.
//
// Except for one line: Flask's default PASSWORD=admin is shorter than
// the 8 characters every password needs, so that file is refused with an
// error naming PASSWORD; with a longer password the rest loads unchanged.
func TestLoadFlaskFile(t *testing.T) {
	t.Parallel()
	_, err := Load(Options{File: writeINI(t, flaskFile)})
	var ce *Error
	if !errors.As(err, &ce) || ce.Key != "PASSWORD" || !strings.Contains(err.Error(), "want at least 8 characters") || strings.Contains(err.Error(), "admin\"") {
		t.Fatalf("Flask's default password: %v, want an error naming PASSWORD", err)
	}
	path := writeINI(t, strings.Replace(flaskFile, "PASSWORD=admin\n", "PASSWORD=longer-admin-pw\n", 1))
	c := mustLoad(t, Options{File: path})

	if want := []string{"dashboardguest!", "second_pw!"}; !reflect.DeepEqual(c.GuestPasswords, want) {
		t.Errorf("GuestPasswords = %q, want %q", c.GuestPasswords, want)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"SamplingPeriod", c.SamplingPeriod, 20 * time.Millisecond},
		{"MonitorLevel", c.MonitorLevel, 3},
		{"OutlierConstant", c.OutlierConstant, 2.5},
		{"AppVersion", c.AppVersion, "1.0"},
		{"Git", c.Git, filepath.Join(filepath.Dir(path), "..", ".git")},
		{"CustomLink", c.CustomLink, "dashboard"},
		{"Username", c.Username, "admin"},
		{"Password", c.Password, "longer-admin-pw"},
		{"GuestUsername", c.GuestUsername, "guest"},
		{"SecurityToken", c.SecurityToken, flaskExampleToken},
		{"Database", c.Database, "sqlite:///dashboard.db"},
		{"Timezone", c.Timezone.String(), "Europe/Amsterdam"},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	for _, w := range []string{
		fmt.Sprintf("ENABLE_LOGGING in %s line 8", path),
		fmt.Sprintf("TABLE_PREFIX in %s line 16", path),
		fmt.Sprintf("COLORS in %s line 20", path),
		"SECURITY_TOKEN is the example token",
	} {
		if !containsSubstring(c.Warnings, w) {
			t.Errorf("no warning with %q in %q", w, c.Warnings)
		}
	}
	if len(c.Warnings) != 4 {
		t.Errorf("got %d warnings, want 4: %q", len(c.Warnings), c.Warnings)
	}
	for key, src := range map[string]string{"SAMPLING_PERIOD": ":7", "PASSWORD": ":11", "GUEST_PASSWORD": ":13", "DATABASE": ":17", "TIMEZONE": ":19", "QUEUE_SIZE": "default"} {
		if e := entry(t, c, key); !strings.HasSuffix(e.Source, src) {
			t.Errorf("%s source = %q, want ...%s", key, e.Source, src)
		}
	}
	for _, e := range c.Entries {
		if e.Secret && e.Value != "********" {
			t.Errorf("secret %s shown as %q", e.Key, e.Value)
		}
	}
}

// TestLoadDashboardLayout puts every key under [dashboard], the layout of new files.
func TestLoadDashboardLayout(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("[dashboard]\n")
	for _, k := range Keys() {
		fmt.Fprintf(&b, "%s = %s\n", strings.ToLower(k.Name), exampleValues()[k.Name])
	}
	path := writeINI(t, b.String())
	c := mustLoad(t, Options{File: path})
	for i, e := range c.Entries {
		if want := fmt.Sprintf("%s:%d", path, i+2); e.Source != want {
			t.Errorf("%s source = %q, want %q", e.Key, e.Source, want)
		}
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings: %q", c.Warnings)
	}
}

func TestLoadEnvWarnings(t *testing.T) {
	t.Parallel()
	c := mustLoad(t, Options{Environ: []string{
		"PATH=/bin",
		"DASHBOARD_MONITOR_LEVL=2",
		"DASHBOARD_ENABLE_LOGGING=True",
		"DASHBOARD_APP_FEATURE=x",
		"DASHBOARD_CONFIG=",
		"=C:=C:\\",
	}})
	want := []string{
		"dashboard: environment variable DASHBOARD_APP_FEATURE is not a dashboard setting; ignored",
		"dashboard: DASHBOARD_ENABLE_LOGGING in the environment is a Flask-MonitoringDashboard setting that Go Monitoring Dashboard does not use; ignored",
		"dashboard: environment variable DASHBOARD_MONITOR_LEVL is not a dashboard setting; ignored (did you mean DASHBOARD_MONITOR_LEVEL?)",
	}
	if !reflect.DeepEqual(c.Warnings, want) {
		t.Errorf("warnings\n got %q\nwant %q", c.Warnings, want)
	}
}

func TestLoadWeakSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		code map[string]string
		want int
	}{
		{"generated password", nil, 0},
		{"strong password", map[string]string{"PASSWORD": "correct horse battery"}, 0},
		{"same as user", map[string]string{"USERNAME": "operator1", "PASSWORD": "operator1"}, 1},
		{"example token", map[string]string{"SECURITY_TOKEN": flaskExampleToken}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustLoad(t, Options{Code: tt.code})
			if len(c.Warnings) != tt.want {
				t.Errorf("warnings %q, want %d", c.Warnings, tt.want)
			}
			for _, w := range c.Warnings {
				for k, v := range tt.code {
					if strings.Contains(w, v) && k != "USERNAME" {
						t.Errorf("warning %q repeats %s", w, k)
					}
				}
			}
		})
	}
}

// TestShortPasswordsAreRefused: the configuration's passwords follow the
// UI's rule (at least 8 characters), and the error names the key without
// showing the password.
func TestShortPasswordsAreRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, key, value, want string
	}{
		{"admin, 5 characters", "PASSWORD", "admin", "PASSWORD (secret) in code: want at least 8 characters"},
		{"admin, 7 characters", "PASSWORD", "seven77", "PASSWORD (secret) in code: want at least 8 characters"},
		{"guest", "GUEST_PASSWORD", "guest", "GUEST_PASSWORD (secret) in code: want at least 8 characters"},
		{"one short guest password in a list", "GUEST_PASSWORD", "['long-enough-1', 'short']", "GUEST_PASSWORD (secret) in code: password 2 of the list"},
		{"too long", "PASSWORD", strings.Repeat("x", 1025), "want at most 1024 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(Options{Code: map[string]string{c.key: c.value}})
			var ce *Error
			if !errors.As(err, &ce) || ce.Key != c.key || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one with %q", err, c.want)
			}
			if len(c.value) < 100 && strings.Contains(err.Error(), c.value) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
	for _, ok := range []string{"12345678", "äöüßäöüß"} {
		if _, err := Load(Options{Code: map[string]string{"PASSWORD": ok, "GUEST_PASSWORD": ok}}); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func containsSubstring(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
