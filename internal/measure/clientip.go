package measure

import (
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client that made r.
//
// Without trusted proxies it is the host of r.RemoteAddr: headers are set
// by the client and cannot be believed. When the connection comes from a
// trusted proxy, X-Forwarded-For is read from the right, skipping trusted
// proxies, and the first address that is not one is the client; failing
// that, X-Real-IP. The result is a substring of its source, so nothing is
// allocated.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	if len(trusted) == 0 {
		return HostOf(r.RemoteAddr)
	}
	host := HostOf(r.RemoteAddr)
	addr, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(addr, trusted) {
		return host
	}
	lines := r.Header["X-Forwarded-For"]
	for i := len(lines) - 1; i >= 0; i-- {
		v := lines[i]
		for v != "" {
			var part string
			if j := strings.LastIndexByte(v, ','); j >= 0 {
				part, v = v[j+1:], v[:j]
			} else {
				part, v = v, ""
			}
			part = strings.TrimSpace(part)
			a, err := netip.ParseAddr(HostOf(part))
			if err != nil {
				// A malformed hop: the chain cannot be trusted past it.
				return host
			}
			if !isTrusted(a, trusted) {
				return HostOf(part)
			}
		}
	}
	if v := strings.TrimSpace(r.Header.Get("X-Real-Ip")); v != "" {
		if _, err := netip.ParseAddr(HostOf(v)); err == nil {
			return HostOf(v)
		}
	}
	return host
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// HostOf strips a port, IPv6 brackets and an IPv6 zone: "1.2.3.4:80" →
// "1.2.3.4", "[::1]:80" → "::1", "::1" → "::1", "[fe80::1%eth0]:80" and
// "fe80::1%eth0" → "fe80::1". A zone names an interface of the host that
// wrote the address, means nothing to the dashboard, and is free text a
// client can vary without end (in X-Forwarded-For), so it is never kept.
func HostOf(s string) string {
	if strings.HasPrefix(s, "[") {
		if i := strings.IndexByte(s, ']'); i > 0 {
			return withoutZone(s[1:i])
		}
		return s
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.IndexByte(s, ':') == i {
		return s[:i] // exactly one colon: IPv4 with a port
	}
	return withoutZone(s)
}

// withoutZone cuts the zone from an IPv6 address: "fe80::1%eth0" →
// "fe80::1". Text without a colon before the "%" is no IPv6 address and is
// returned as it is.
func withoutZone(s string) string {
	if i := strings.IndexByte(s, '%'); i >= 0 && strings.IndexByte(s[:i], ':') >= 0 {
		return s[:i]
	}
	return s
}
