package config

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
)

// parseProxies reads IP addresses and CIDR prefixes separated by commas or spaces. A bare
// address is a prefix of its full length, so that one type serves both in the client-IP code.
func parseProxies(v string) ([]netip.Prefix, error) {
	const want = "want IP addresses or CIDR prefixes such as 10.0.0.0/8, 192.168.1.1 or fd00::/8, separated by commas"
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR prefix; %s", f, want)
			}
			out = append(out, p.Masked()) // 10.1.2.3/8 means the network, as most tools read it
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is not an IP address; %s", f, want)
		}
		a = a.Unmap() // clients reached over IPv4 are compared as IPv4
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
