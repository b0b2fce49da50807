package measure

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	cases := []struct {
		name    string
		remote  string
		xff     []string
		realIP  string
		trusted []netip.Prefix
		want    string
	}{
		{"ipv4 with port", "192.0.2.7:5555", nil, "", nil, "192.0.2.7"},
		{"ipv6 with port", "[2001:db8::1]:443", nil, "", nil, "2001:db8::1"},
		{"no port", "192.0.2.7", nil, "", nil, "192.0.2.7"},
		{"headers ignored without trusted proxies", "192.0.2.7:1", []string{"1.1.1.1"}, "2.2.2.2", nil, "192.0.2.7"},
		{"headers ignored from untrusted peer", "192.0.2.7:1", []string{"1.1.1.1"}, "", trusted, "192.0.2.7"},
		{"xff from trusted proxy", "10.1.2.3:1", []string{"203.0.113.9"}, "", trusted, "203.0.113.9"},
		{"rightmost untrusted hop", "10.1.2.3:1", []string{"6.6.6.6, 203.0.113.9, 10.9.9.9"}, "", trusted, "203.0.113.9"},
		{"spoofed left part ignored", "10.1.2.3:1", []string{"1.2.3.4", "203.0.113.9"}, "", trusted, "203.0.113.9"},
		{"all hops trusted falls back to real ip", "10.1.2.3:1", []string{"10.0.0.5"}, "198.51.100.4", trusted, "198.51.100.4"},
		{"real ip only", "[::1]:80", nil, "198.51.100.4", trusted, "198.51.100.4"},
		{"malformed hop stops", "10.1.2.3:1", []string{"evil, 10.0.0.9"}, "", trusted, "10.1.2.3"},
		{"bad real ip ignored", "10.1.2.3:1", nil, "not-an-ip", trusted, "10.1.2.3"},
		{"xff with port", "10.1.2.3:1", []string{"203.0.113.9:1234"}, "", trusted, "203.0.113.9"},
		{"xff zone stripped", "10.1.2.3:1", []string{"fe80::1%<script>alert(1)</script>"}, "", trusted, "fe80::1"},
		{"xff zone of many hops stripped", "10.1.2.3:1", []string{"fe80::9%a, fe80::1%eth0, 10.0.0.2"}, "", trusted, "fe80::1"},
		{"xff zone with brackets and port", "10.1.2.3:1", []string{"[fe80::1%25en0]:443"}, "", trusted, "fe80::1"},
		{"trusted proxy with a zone", "[::1%lo]:80", []string{"203.0.113.9"}, "", trusted, "203.0.113.9"},
		{"real ip zone stripped", "10.1.2.3:1", nil, "fe80::2%anything", trusted, "fe80::2"},
		{"remote zone stripped", "[fe80::3%eth0]:80", nil, "", nil, "fe80::3"},
		{"remote zone stripped from untrusted peer", "[fe80::3%eth0]:80", []string{"1.1.1.1"}, "", trusted, "fe80::3"},
		{"ipv4 with a zone is malformed", "10.1.2.3:1", []string{"192.0.2.1%x"}, "", trusted, "10.1.2.3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: c.remote, Header: http.Header{}}
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if c.realIP != "" {
				r.Header.Set("X-Real-IP", c.realIP)
			}
			if got := ClientIP(r, c.trusted); got != c.want {
				t.Errorf("ClientIP = %q, want %q", got, c.want)
			}
		})
	}
}

func TestClientIPDoesNotAllocate(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, xff := range []string{"6.6.6.6, 203.0.113.9", "fe80::1%eth0"} {
		r := &http.Request{RemoteAddr: "10.1.2.3:1", Header: http.Header{"X-Forwarded-For": {xff}}}
		if n := testing.AllocsPerRun(100, func() { ClientIP(r, trusted) }); n != 0 {
			t.Errorf("ClientIP of %q allocates %.1f times", xff, n)
		}
	}
}

func FuzzClientIP(f *testing.F) {
	f.Add("10.1.2.3:1", "1.2.3.4, 10.0.0.1", "5.6.7.8")
	f.Add("[::1]:80", "[2001:db8::1]:5", "")
	f.Add("garbage", ",,,", "::")
	f.Add("10.1.2.3:1", "fe80::1%<any text>", "")
	f.Add("[fe80::1%eth0]:80", "", "fe80::2%x")
	f.Add("10.1.2.3:1", "", "fe80::2%x")
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	f.Fuzz(func(t *testing.T, remote, xff, real string) {
		r := &http.Request{RemoteAddr: remote, Header: http.Header{"X-Forwarded-For": {xff}, "X-Real-Ip": {real}}}
		got := ClientIP(r, trusted)
		// No address keeps a zone: it is free text a client could vary.
		if a, err := netip.ParseAddr(got); err == nil && a.Zone() != "" {
			t.Fatalf("ClientIP = %q keeps its zone", got)
		}
		// The answer is the peer itself unless the peer is a trusted
		// proxy; then it is a parseable address.
		if got != HostOf(remote) {
			if _, err := netip.ParseAddr(got); err != nil {
				t.Fatalf("ClientIP returned %q from headers, which is not an address", got)
			}
			peer, err := netip.ParseAddr(HostOf(remote))
			if err != nil || !isTrusted(peer, trusted) {
				t.Fatalf("headers believed from untrusted peer %q", remote)
			}
		}
	})
}
