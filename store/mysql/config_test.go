package mysql

import (
	"strings"
	"testing"
	"time"
)

func TestConfigFromURL(t *testing.T) {
	cases := []struct {
		name, url                    string
		user, pass, net, addr, db    string
		interpolate                  bool
		timeout                      time.Duration
		param, paramValue, tlsConfig string
	}{
		{name: "plain", url: "mysql://root@127.0.0.1:3306/test", user: "root", net: "tcp", addr: "127.0.0.1:3306", db: "test", interpolate: true, timeout: 10 * time.Second},
		{name: "default port", url: "mysql://u:p@db.internal/metrics", user: "u", pass: "p", net: "tcp", addr: "db.internal:3306", db: "metrics", interpolate: true, timeout: 10 * time.Second},
		{name: "escaped password", url: "mysql://u:p%40ss%2Fw%3Ard@h:3307/d", user: "u", pass: "p@ss/w:rd", net: "tcp", addr: "h:3307", db: "d", interpolate: true, timeout: 10 * time.Second},
		{name: "IPv6", url: "mysql://u@[::1]:3306/d", user: "u", net: "tcp", addr: "[::1]:3306", db: "d", interpolate: true, timeout: 10 * time.Second},
		{name: "socket", url: "mysql://u@localhost/d?socket=/run/mysqld/mysqld.sock", user: "u", net: "unix", addr: "/run/mysqld/mysqld.sock", db: "d", interpolate: true, timeout: 10 * time.Second},
		{name: "driver options", url: "mysql://u@h/d?timeout=3s&interpolateParams=false&tls=skip-verify", user: "u", net: "tcp", addr: "h:3306", db: "d", timeout: 3 * time.Second, tlsConfig: "skip-verify"},
		{name: "session variable", url: "mysql://u@h/d?wait_timeout=600", user: "u", net: "tcp", addr: "h:3306", db: "d", interpolate: true, timeout: 10 * time.Second, param: "wait_timeout", paramValue: "600"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Config(c.url)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.User != c.user || cfg.Passwd != c.pass || cfg.Net != c.net || cfg.Addr != c.addr || cfg.DBName != c.db {
				t.Errorf("got user %q pass %q %s %q db %q", cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName)
			}
			if cfg.Collation != "utf8mb4_bin" || cfg.MultiStatements {
				t.Errorf("collation %q, multi statements %v", cfg.Collation, cfg.MultiStatements)
			}
			if cfg.InterpolateParams != c.interpolate || cfg.Timeout != c.timeout {
				t.Errorf("interpolate %v timeout %v, want %v %v", cfg.InterpolateParams, cfg.Timeout, c.interpolate, c.timeout)
			}
			if c.param != "" && cfg.Params[c.param] != c.paramValue {
				t.Errorf("params %v, want %s=%s", cfg.Params, c.param, c.paramValue)
			}
			if cfg.TLSConfig != c.tlsConfig {
				t.Errorf("tls %q, want %q", cfg.TLSConfig, c.tlsConfig)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct{ name, url, want string }{
		{"no database", "mysql://u:secret@h:3306", "no database name"},
		{"database with slash", "mysql://u:secret@h/a/b", "no database name"},
		{"no host", "mysql:///d", "no host"},
		{"not mysql", "postgres://u:secret@h/d", "not a mysql:// URL"},
		{"bad escape", "mysql://u:secret@h/d%zz", "invalid URL escape"},
		{"bad option", "mysql://u:secret@h/d?timeout=soon", "invalid duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Config(c.url)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Config(%q) = %v, want an error containing %q", c.url, err, c.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// FuzzConfig: any URL gives a configuration or an error, never a panic,
// and a password never appears in the error.
func FuzzConfig(f *testing.F) {
	for _, u := range []string{"mysql://root@127.0.0.1:3306/test", "mysql://u:p%40@[::1]/d?socket=/x&tls=true", "mysql://u:pw@h/d?timeout=%zz", "mysql:x",
		"mysql://u:zz-secret-zz@h/d?timeout=soon", "mysql://u:zz-secret-zz@h:99x/d", "mysql://u:zz-secret-zz@h"} {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, u string) {
		cfg, err := Config(u)
		if err != nil {
			if strings.Contains(u, ":zz-secret-zz@") && strings.Contains(err.Error(), "zz-secret-zz") {
				t.Fatalf("error shows the password: %v", err)
			}
			return
		}
		if cfg.DBName == "" || cfg.Addr == "" || cfg.Collation != "utf8mb4_bin" {
			t.Fatalf("Config(%q) = %+v without error", u, cfg)
		}
	})
}
