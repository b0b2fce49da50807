package config

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseGuestPasswords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string
		wantErr  string
	}{
		{"empty is none", "", nil, ""},
		{"plain", "dashboardguest!", []string{"dashboardguest!"}, ""},
		{"plain keeps spaces", " a b ", []string{" a b "}, ""},
		{"Flask list", "['dashboardguest!', 'second_pw!']", []string{"dashboardguest!", "second_pw!"}, ""},
		{"double quotes and trailing comma", `["a", 'b',]`, []string{"a", "b"}, ""},
		{"other quote inside", `["it's", 'say "hi"']`, []string{"it's", `say "hi"`}, ""},
		{"escapes", `['a\'b', "c\\d", 'e\x']`, []string{"a'b", `c\d`, `e\x`}, ""},
		{"comma and bracket inside", "['a,b]', 'c']", []string{"a,b]", "c"}, ""},
		{"continued over lines", "['one',\n'two']", []string{"one", "two"}, ""},
		{"empty list", "[]", nil, ""},
		{"single bracket is plain", "[", []string{"["}, ""},
		{"not closed", "['abc]", nil, "not closed"},
		{"newline in string", "['a\nb']", nil, "not closed"},
		{"not quoted", "[abc]", nil, "not a quoted string"},
		{"missing comma", "['a' 'b']", nil, "comma"},
		{"empty password", "['a', '']", nil, "empty password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseGuestPasswords(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestParseProxies(t *testing.T) {
	t.Parallel()
	p := netip.MustParsePrefix
	tests := []struct {
		name, in string
		want     []netip.Prefix
	}{
		{"empty", "", nil},
		{"bare IPv4 is /32", "192.168.1.1", []netip.Prefix{p("192.168.1.1/32")}},
		{"bare IPv6 is /128", "fd00::1", []netip.Prefix{p("fd00::1/128")}},
		{"mapped IPv4 compared as IPv4", "::ffff:10.0.0.1", []netip.Prefix{p("10.0.0.1/32")}},
		{"host bits masked", "10.1.2.3/8", []netip.Prefix{p("10.0.0.0/8")}},
		{"commas and spaces", " 10.0.0.0/8,172.16.0.0/12\t fd00::/8 ,", []netip.Prefix{p("10.0.0.0/8"), p("172.16.0.0/12"), p("fd00::/8")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseProxies(tt.in)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestRedactDatabase(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"sqlite:///dashboard.db", "sqlite:///dashboard.db"},
		{"sqlite:///data/a@b.db", "sqlite:///data/a@b.db"},
		{"postgres://user@db/m", "postgres://user@db/m"},
		{"postgres://user:pw@db:5432/m?sslmode=disable", "postgres://user:xxxxx@db:5432/m?sslmode=disable"},
		{"mysql://user:p@ss/w:rd@db/m", "mysql://user:xxxxx@db/m"},
		{"user:pw@tcp(db:3306)/m", "user:xxxxx@tcp(db:3306)/m"},
		{"postgres://db/m?user=u&password=pw&x=1", "postgres://db/m?user=u&password=xxxxx&x=1"},
		{"host=db user=u PASSWORD='p w' dbname=m", "host=db user=u PASSWORD=xxxxx dbname=m"},
		{"host=db password='unclosed", "host=db password=xxxxx"},
		{"password=", "password=xxxxx"},
	}
	for _, tt := range tests {
		if got := redactDatabase(tt.in); got != tt.want {
			t.Errorf("redactDatabase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDatabaseSchemes(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"sqlite:///x.db", "SQLite:///x.db", "postgres://h/d", "postgresql://h/d", "mysql://h/d"} {
		if _, err := parseDatabase(ok); err != nil {
			t.Errorf("parseDatabase(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "dashboard.db", "://x", "1sqlite://x", "sqlite:x.db", "mongodb://h/d"} {
		if _, err := parseDatabase(bad); err == nil {
			t.Errorf("parseDatabase(%q) accepted", bad)
		}
	}
}

func TestParseSamplingPeriod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"20", 20 * time.Millisecond, true},
		{" 20 ", 20 * time.Millisecond, true},
		{"2.5", 2500 * time.Microsecond, true},
		{"1000", time.Second, true},
		{"20ms", 20 * time.Millisecond, true},
		{"1s", time.Second, true},
		{"0", 0, false},
		{"0.5", 0, false},
		{"1001", 0, false},
		{"1e300", 0, false},
		{"-1e300", 0, false},
		{"NaN", 0, false},
		{"500us", 0, false},
		{"2s", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := parseSamplingPeriod(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseSamplingPeriod(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseCustomLink(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"dashboard", "dashboard"},
		{"/dashboard/", "dashboard"},
		{"ops/metrics", "ops/metrics"},
		{"a.b_c~d-e/..x", "a.b_c~d-e/..x"},
	}
	for _, tt := range tests {
		if got, err := parseCustomLink(tt.in); err != nil || got != tt.want {
			t.Errorf("parseCustomLink(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "/", "a/./b", "..", "a%20b", "dash\\board", "tablero-é"} {
		if got, err := parseCustomLink(bad); err == nil {
			t.Errorf("parseCustomLink(%q) = %q, want an error", bad, got)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	names := keyNames(keyTable())
	tests := []struct{ in, want string }{
		{"PASWORD", "PASSWORD"},
		{"DATABSE", "DATABASE"},
		{"TIME_ZONE", "TIMEZONE"},
		{"OUTLIER_DETECTION_CONSTNAT", "OUTLIER_DETECTION_CONSTANT"},
		{"PORT", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.in, names); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseRedact(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		want     []string
		wantErr  string
	}{
		{"empty", "", nil, ""},
		{"names and patterns", " X-Tenant,/^x-internal-/  pin ", []string{"X-Tenant", "/^x-internal-/", "pin"}, ""},
		{"bad pattern", "/(unclosed/", nil, "pattern /(unclosed/"},
		{"a lone slash is a name", "/", []string{"/"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseRedact(c.in)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("parseRedact(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
		})
	}
}
