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
