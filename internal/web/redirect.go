package web

import (
	"net/url"
	"path"
	"strings"
)

// safeNext returns where to go after logging in: next when it is a path
// under the dashboard's link, else the dashboard's home. It refuses
// anything that a browser could read as another site (//host, /\host,
// schemes) or that leaves the link after cleaning (/dashboard/../x).
func safeNext(link, next string) string {
	home := link + "/"
	if next == "" || len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return home
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	p := path.Clean(u.Path)
	if p != link && !strings.HasPrefix(p, home) {
		return home
	}
	if strings.HasSuffix(u.Path, "/") && p != "/" {
		p += "/"
	}
	out := (&url.URL{Path: p, RawQuery: u.RawQuery}).String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return home
	}
	return out
}
