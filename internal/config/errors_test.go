package config

import (
	"errors"
	"strings"
	"testing"
)

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	const secret = "hunter2" // every case that holds a secret uses this, so it can be searched for
	tests := []struct {
		name       string
		file       string // "" for no file; FILE in the other fields is its path
		env        []string
		code       map[string]string
		noFile     string // Options.File naming a file that does not exist
		wantKey    string
		wantSource string
		wantLine   int
		wantMsg    []string // substrings of Error()
	}{
		// Values.
		{name: "bad number", file: "[dashboard]\nQUEUE_SIZE=lots\n", wantKey: "QUEUE_SIZE", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{`dashboard: QUEUE_SIZE "lots" in FILE line 2: want a whole number from 1 to 10000000`}},
		{name: "number out of range", env: []string{"DASHBOARD_BATCH_SIZE=0"}, wantKey: "BATCH_SIZE", wantSource: "env DASHBOARD_BATCH_SIZE",
			wantMsg: []string{`dashboard: BATCH_SIZE "0" in env DASHBOARD_BATCH_SIZE: want a whole number from 1 to 100000`}},
		{name: "negative backlog", code: map[string]string{"BACKLOG_LIMIT": "-1"}, wantKey: "BACKLOG_LIMIT", wantSource: "code",
			wantMsg: []string{`BACKLOG_LIMIT "-1" in code: want a whole number, 0 or more`}},
		{name: "monitor level out of range", file: "[dashboard]\n\n\n\n\n\nMONITOR_LEVEL=5\n", wantKey: "MONITOR_LEVEL", wantSource: "FILE", wantLine: 7,
			wantMsg: []string{`dashboard: MONITOR_LEVEL "5" in FILE line 7: want 0, 1, 2 or 3`}},
		{name: "outlier constant too small", code: map[string]string{"OUTLIER_DETECTION_CONSTANT": "1"}, wantKey: "OUTLIER_DETECTION_CONSTANT", wantSource: "code",
			wantMsg: []string{"greater than 1"}},
		{name: "outlier constant infinite", env: []string{"DASHBOARD_OUTLIER_DETECTION_CONSTANT=+Inf"}, wantKey: "OUTLIER_DETECTION_CONSTANT", wantSource: "env DASHBOARD_OUTLIER_DETECTION_CONSTANT",
			wantMsg: []string{"greater than 1"}},
		{name: "outlier constant NaN", code: map[string]string{"OUTLIER_DETECTION_CONSTANT": "NaN"}, wantKey: "OUTLIER_DETECTION_CONSTANT", wantSource: "code",
			wantMsg: []string{"greater than 1"}},
		{name: "duration without unit", env: []string{"DASHBOARD_FLUSH_INTERVAL=5"}, wantKey: "FLUSH_INTERVAL", wantSource: "env DASHBOARD_FLUSH_INTERVAL",
			wantMsg: []string{"want a duration from 10ms to 1h0m0s"}},
		{name: "duration out of range", env: []string{"DASHBOARD_FLUSH_INTERVAL=2h"}, wantKey: "FLUSH_INTERVAL", wantSource: "env DASHBOARD_FLUSH_INTERVAL",
			wantMsg: []string{"want a duration"}},
		{name: "level refresh too often", env: []string{"DASHBOARD_LEVEL_REFRESH_INTERVAL=10ms"}, wantKey: "LEVEL_REFRESH_INTERVAL", wantSource: "env DASHBOARD_LEVEL_REFRESH_INTERVAL",
			wantMsg: []string{"want a duration from 100ms to 1h", "or 0 to read levels at start only"}},
		{name: "sampling period too long", file: "[dashboard]\nSAMPLING_PERIOD=2000\n", wantKey: "SAMPLING_PERIOD", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"want milliseconds from 1 to 1000"}},
		{name: "sampling period bad", code: map[string]string{"SAMPLING_PERIOD": "fast"}, wantKey: "SAMPLING_PERIOD", wantSource: "code",
			wantMsg: []string{"want milliseconds"}},
		{name: "bad URL scheme", env: []string{"DASHBOARD_DATABASE=pg://x"}, wantKey: "DATABASE", wantSource: "env DASHBOARD_DATABASE",
			wantMsg: []string{`dashboard: DATABASE "pg://x" in env DASHBOARD_DATABASE: unknown scheme "pg" (want sqlite, postgres or mysql)`}},
		{name: "bad URL scheme with password", file: "[database]\nDATABASE=pg://u:" + secret + "@h/db\n", wantKey: "DATABASE", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{`DATABASE "pg://u:xxxxx@h/db" in FILE line 2: unknown scheme "pg"`}},
		{name: "DSN instead of URL", code: map[string]string{"DATABASE": "u:" + secret + "@tcp(db:3306)/m"}, wantKey: "DATABASE", wantSource: "code",
			wantMsg: []string{`DATABASE "u:xxxxx@tcp(db:3306)/m" in code: not a URL`}},
		{name: "bad timezone", file: "[visualization]\nTIMEZONE=Mars/Olympus\n", wantKey: "TIMEZONE", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{`TIMEZONE "Mars/Olympus" in FILE line 2: unknown time zone`}},
		{name: "empty timezone", code: map[string]string{"TIMEZONE": ""}, wantKey: "TIMEZONE", wantSource: "code",
			wantMsg: []string{"unknown time zone"}},
		{name: "bad CIDR", env: []string{"DASHBOARD_TRUSTED_PROXIES=10.0.0.1, 10.0.0.0/33"}, wantKey: "TRUSTED_PROXIES", wantSource: "env DASHBOARD_TRUSTED_PROXIES",
			wantMsg: []string{`"10.0.0.0/33" is not a CIDR prefix`}},
		{name: "bad IP", code: map[string]string{"TRUSTED_PROXIES": "10.0.0.300"}, wantKey: "TRUSTED_PROXIES", wantSource: "code",
			wantMsg: []string{`"10.0.0.300" is not an IP address`}},
		{name: "IP with zone", code: map[string]string{"TRUSTED_PROXIES": "fe80::1%eth0"}, wantKey: "TRUSTED_PROXIES", wantSource: "code",
			wantMsg: []string{"is not an IP address"}},
		{name: "custom link with dot-dot", file: "[dashboard]\nCUSTOM_LINK=a/../b\n", wantKey: "CUSTOM_LINK", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{`CUSTOM_LINK "a/../b" in FILE line 2: has a ".." part`}},
		{name: "custom link only slashes", env: []string{"DASHBOARD_CUSTOM_LINK=//"}, wantKey: "CUSTOM_LINK", wantSource: "env DASHBOARD_CUSTOM_LINK",
			wantMsg: []string{"empty; want a URL path"}},
		{name: "custom link with space", code: map[string]string{"CUSTOM_LINK": "my dashboard"}, wantKey: "CUSTOM_LINK", wantSource: "code",
			wantMsg: []string{"has the character ' '"}},
		{name: "custom link with empty part", code: map[string]string{"CUSTOM_LINK": "a//b"}, wantKey: "CUSTOM_LINK", wantSource: "code",
			wantMsg: []string{"empty part"}},
		{name: "custom link with query", code: map[string]string{"CUSTOM_LINK": "dash?x=1"}, wantKey: "CUSTOM_LINK", wantSource: "code",
			wantMsg: []string{"has the character '?'"}},
		{name: "empty user name", code: map[string]string{"USERNAME": " "}, wantKey: "USERNAME", wantSource: "code",
			wantMsg: []string{`USERNAME " " in code: empty; want a user name`}},
		{name: "short token", file: "[authentication]\nSECURITY_TOKEN=" + secret + "\n", wantKey: "SECURITY_TOKEN", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"dashboard: SECURITY_TOKEN (secret) in FILE line 2: shorter than 16 characters"}},
		{name: "unclosed guest password list", env: []string{"DASHBOARD_GUEST_PASSWORD=['" + secret + "]"}, wantKey: "GUEST_PASSWORD", wantSource: "env DASHBOARD_GUEST_PASSWORD",
			wantMsg: []string{"GUEST_PASSWORD (secret) in env DASHBOARD_GUEST_PASSWORD: a string in the list is not closed"}},
		{name: "value overridden later is still checked", file: "[dashboard]\nMONITOR_LEVEL=9\n", env: []string{"DASHBOARD_MONITOR_LEVEL=2"}, wantKey: "MONITOR_LEVEL", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"want 0, 1, 2 or 3"}},

		// File structure.
		{name: "unknown key", file: "[dashboard]\n# x\nFOO=1\n", wantKey: "FOO", wantSource: "FILE", wantLine: 3,
			wantMsg: []string{"dashboard: FOO in FILE line 3: unknown key in [dashboard] (known keys: DATABASE, CUSTOM_LINK,"}},
		{name: "misspelled secret", file: "[authentication]\nPASWORD=" + secret + "\n", wantKey: "PASWORD", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"PASWORD in FILE line 2: unknown key in [authentication] (did you mean PASSWORD?) (known keys: USERNAME, PASSWORD, GUEST_USERNAME, GUEST_PASSWORD, SECURITY_TOKEN)"}},
		{name: "unknown key in code", code: map[string]string{"DATABSE": "sqlite:///x.db"}, wantKey: "DATABSE", wantSource: "code",
			wantMsg: []string{"dashboard: DATABSE in code: unknown key (did you mean DATABASE?)"}},
		{name: "Flask key in code", code: map[string]string{"COLORS": "{}"}, wantKey: "COLORS", wantSource: "code",
			wantMsg: []string{"unknown key"}},
		{name: "wrong section", file: "[database]\nUSERNAME=admin\n", wantKey: "USERNAME", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{`USERNAME "admin" in FILE line 2: belongs under [authentication] or [dashboard], not [database]`}},
		{name: "new key in Flask section", file: "[authentication]\nQUEUE_SIZE=1\n", wantKey: "QUEUE_SIZE", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"belongs under [dashboard], not [authentication]"}},
		{name: "secret in wrong section", file: "[visualization]\nPASSWORD=" + secret + "\n", wantKey: "PASSWORD", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"PASSWORD (secret) in FILE line 2: belongs under [authentication] or [dashboard]"}},
		{name: "ignored Flask key in wrong section", file: "[authentication]\nCOLORS={}\n", wantKey: "COLORS", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"COLORS in FILE line 2: belongs under [visualization] or [dashboard], not [authentication]"}},
		{name: "unknown section", file: "[dashboard]\n[server]\n", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"dashboard: FILE line 2: unknown section [server]"}},
		{name: "duplicate key", file: "[dashboard]\nBATCH_SIZE=1\nbatch_size=2\n", wantKey: "BATCH_SIZE", wantSource: "FILE", wantLine: 3,
			wantMsg: []string{`BATCH_SIZE "2" in FILE line 3: set twice (first on line 2); keep one`}},
		{name: "duplicate key across sections", file: "[dashboard]\nDATABASE=sqlite:///a.db\n[database]\nDATABASE=sqlite:///b.db\n", wantKey: "DATABASE", wantSource: "FILE", wantLine: 4,
			wantMsg: []string{"set twice (first on line 2)"}},
		{name: "duplicate secret", file: "[authentication]\nPASSWORD=" + secret + "\nPASSWORD=" + secret + "\n", wantKey: "PASSWORD", wantSource: "FILE", wantLine: 3,
			wantMsg: []string{"PASSWORD (secret) in FILE line 3: set twice"}},
		{name: "duplicate ignored Flask key", file: "[dashboard]\nBRAND_NAME=" + secret + "\n[dashboard]\nbrand_name=" + secret + "\n", wantKey: "BRAND_NAME", wantSource: "FILE", wantLine: 4,
			wantMsg: []string{"BRAND_NAME in FILE line 4: set twice (first on line 2)"}},
		{name: "syntax error", file: "[authentication]\nPASSWORD " + secret + "\n", wantSource: "FILE", wantLine: 2,
			wantMsg: []string{"dashboard: FILE line 2: want KEY=value"}},
		{name: "missing file named in code", noFile: "missing.ini", wantSource: "code",
			wantMsg: []string{`dashboard: config file "missing.ini" (set in code): open missing.ini: no such file`}},
		{name: "missing file named by DASHBOARD_CONFIG", env: []string{"DASHBOARD_CONFIG=missing.ini"}, wantSource: "env DASHBOARD_CONFIG",
			wantMsg: []string{`dashboard: config file "missing.ini" (from env DASHBOARD_CONFIG): open missing.ini: no such file`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := Options{Environ: tt.env, Code: tt.code, File: tt.noFile}
			path := "FILE"
			if tt.file != "" {
				path = writeINI(t, tt.file)
				opts.File = path
			}
			c, err := Load(opts)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Load = %+v, %v; want an *Error", c, err)
			}
			msg := err.Error()
			wantSource := strings.ReplaceAll(tt.wantSource, "FILE", path)
			if e.Key != tt.wantKey || e.Source != wantSource || e.Line != tt.wantLine {
				t.Errorf("got key %q source %q line %d, want %q %q %d", e.Key, e.Source, e.Line, tt.wantKey, wantSource, tt.wantLine)
			}
			if !strings.Contains(msg, tt.wantKey) || !strings.Contains(msg, wantSource) {
				t.Errorf("%q does not name the key %q and the source %q", msg, tt.wantKey, wantSource)
			}
			for _, want := range tt.wantMsg {
				if want = strings.ReplaceAll(want, "FILE", path); !strings.Contains(msg, want) {
					t.Errorf("message\n%s\ndoes not contain\n%s", msg, want)
				}
			}
			if strings.Contains(msg, secret) || strings.Contains(e.Value, secret) || strings.Contains(e.Msg, secret) {
				t.Errorf("the secret leaked: %q (Value %q)", msg, e.Value)
			}
		})
	}
}

// TestErrorHidesSecrets: Error() decides from the key table, so a Value filled in by mistake
// stays hidden.
func TestErrorHidesSecrets(t *testing.T) {
	t.Parallel()
	for _, k := range Keys() {
		msg := (&Error{Key: k.Name, Value: "hunter2", Source: "code", Msg: "bad"}).Error()
		if k.Secret == strings.Contains(msg, "hunter2") {
			t.Errorf("%s (secret %v): %q", k.Name, k.Secret, msg)
		}
	}
	if msg := (&Error{Key: "PASWORD", Value: "hunter2", Source: "code", Msg: "unknown key"}).Error(); strings.Contains(msg, "hunter2") {
		t.Errorf("unknown key shows its value: %q", msg)
	}
}
