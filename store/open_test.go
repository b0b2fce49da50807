package store_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-monitoring-dashboard/dashboard/store"
)

// No driver is linked into this test binary, so every scheme is missing.
func TestMissingDriverNamesTheImport(t *testing.T) {
	cases := []struct {
		name, dsn string
		want      []string
	}{
		{"postgres", "postgres://u:secret@db/x", []string{`add the import _ "github.com/go-monitoring-dashboard/dashboard/store/postgres"`, "postgres://u:xxxxx@db/x"}},
		{"postgresql", "postgresql://db/x", []string{`"github.com/go-monitoring-dashboard/dashboard/store/postgres"`}},
		{"mysql", "mysql://root:pw@127.0.0.1:3306/test", []string{`add the import _ "github.com/go-monitoring-dashboard/dashboard/store/mysql"`, "root:xxxxx@"}},
		{"sqlite", "sqlite:///d.db", []string{`"github.com/go-monitoring-dashboard/dashboard/store/sqlite"`}},
		{"unknown scheme", "pg://x", []string{`unknown scheme "pg"`, "mysql, postgres or sqlite"}},
		{"not a URL", "dashboard.db", []string{"want a URL"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, openErr := store.Open(context.Background(), c.dsn)
			_, startErr := store.Start(c.dsn, store.StartOptions{})
			for _, err := range []error{openErr, startErr} {
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range c.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), ":pw@") {
					t.Errorf("error %q shows the password", err)
				}
			}
		})
	}
}

func TestClipMakesNamesEveryDatabaseKeeps(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "GET /a", "GET /a"},
		{"invalid UTF-8", "a\xff\xfeb", "a\uFFFDb"},
		{"NUL", "a\x00b", "a\uFFFDb"},
		{"long", strings.Repeat("é", store.MaxName+3), strings.Repeat("é", store.MaxName)},
		{"long and invalid", strings.Repeat("\xff", 2) + strings.Repeat("x", store.MaxName), "\uFFFD" + strings.Repeat("x", store.MaxName-1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := store.Clip(c.in); got != c.want {
				t.Errorf("Clip(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func FuzzClip(f *testing.F) {
	for _, s := range []string{"", "GET /a", "a\xffb", "\x00", strings.Repeat("é", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := store.Clip(s)
		if !utf8.ValidString(c) || strings.IndexByte(c, 0) >= 0 || utf8.RuneCountInString(c) > store.MaxName {
			t.Fatalf("Clip(%q) = %q: not a name every database keeps", s, c)
		}
		if store.Clip(c) != c {
			t.Fatalf("Clip is not idempotent on %q", s)
		}
		if utf8.ValidString(s) && !strings.Contains(s, "\x00") && !strings.HasPrefix(s, c) {
			t.Fatalf("Clip(%q) = %q changed a valid name other than by cutting it", s, c)
		}
	})
}

func TestRedact(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"url", "postgres://u:secret@db:5432/x?sslmode=disable", "postgres://u:xxxxx@db:5432/x?sslmode=disable"},
		{"mysql address", "mysql://root:secret@tcp(127.0.0.1:3306)/test", "mysql://root:xxxxx@tcp(127.0.0.1:3306)/test"},
		{"no password", "postgres://u@db/x", "postgres://u@db/x"},
		{"no user", "postgres://db:5432/x", "postgres://db:5432/x"},
		{"sqlite", "sqlite:///var/lib/app/dashboard.db", "sqlite:///var/lib/app/dashboard.db"},
		{"no scheme", "user:secret@tcp(host)/db", "user:xxxxx@tcp(host)/db"},
		{"no scheme, no address", "user:secret@/db", "user:xxxxx@/db"},
		{"opaque", "mysql:user:secret@host/db", "mysql:xxxxx@host/db"},
		{"password with a slash", "mysql://u:se/cret@h/db", "mysql://u:xxxxx@h/db"},
		{"password with a question mark", "mysql://u:se?cret@h/db", "mysql://u:xxxxx@h/db"},
		{"password with an at sign", "mysql://u:se@cret@h/db", "mysql://u:xxxxx@h/db"},
		{"password with a colon", "mysql://u:se:cret@h/db", "mysql://u:xxxxx@h/db"},
		{"url in a parameter", "u:secret@tcp(h)/db?x=http://y", "u:xxxxx@tcp(h)/db?x=http://y"},
		{"at sign in a parameter masks more", "mysql://u:secret@h/db?socket=/a@b", "mysql://u:xxxxx@b"},
		{"password parameter", "postgres://db/x?user=u&password=secret&sslmode=disable", "postgres://db/x?user=u&password=xxxxx&sslmode=disable"},
		{"password parameter in capitals", "postgres://db/x?PASSWORD=secret", "postgres://db/x?PASSWORD=xxxxx"},
		{"key=value", "host=db user=u password=secret dbname=x", "host=db user=u password=xxxxx dbname=x"},
		{"quoted key=value", "host=db password='sec ret' dbname=x", "host=db password=xxxxx dbname=x"},
		{"other parameter name", "postgres://db/x?oldpassword=keep", "postgres://db/x?oldpassword=keep"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := store.Redact(c.in)
			if got != c.want {
				t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
			}
			if strings.Contains(got, "secret") || strings.Contains(got, "cret") {
				t.Errorf("Redact(%q) = %q shows the password", c.in, got)
			}
		})
	}
}

// FuzzRedact: whatever surrounds a password written as ":password@", the
// password never survives Redact, nor one given as "password=".
func FuzzRedact(f *testing.F) {
	for _, s := range [][2]string{{"mysql://u", "tcp(h)/db"}, {"u", "/db"}, {"", ""}, {"postgres://a@b", "x?y=z://"},
		{"x://", "@"}, {"mysql:u", "h"}} {
		f.Add(s[0], s[1])
	}
	const secret = "zz-secret-zz"
	f.Fuzz(func(t *testing.T, before, after string) {
		for _, dsn := range []string{before + ":" + secret + "@" + after, before + "?password=" + secret, before + " password=" + secret + " " + after} {
			if got := store.Redact(dsn); strings.Contains(got, secret) {
				t.Fatalf("Redact(%q) = %q shows the password", dsn, got)
			}
		}
	})
}
