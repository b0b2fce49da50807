package version

import (
	"io/fs"
	"strings"
)

// checkRefName returns why name is not an acceptable ref name, or "". A ref name read from HEAD
// becomes a path under the git directory, so this is what keeps "ref: ../../etc/passwd" from
// reading outside it. The rules are those of git check-ref-format, plus the refs/ prefix git
// requires of HEAD's target.
func checkRefName(name string) string {
	if !strings.HasPrefix(name, "refs/") {
		return "it is not under refs/"
	}
	if !fs.ValidPath(name) {
		return `it has an empty, "." or ".." component`
	}
	if strings.HasSuffix(name, ".") {
		return `it ends with "."`
	}
	if strings.Contains(name, "@{") {
		return `it contains "@{"`
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == 0x7f || strings.IndexByte(`~^:?*[\`, c) >= 0 {
			return "it contains a space, a control character or one of ~^:?*[\\"
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return `a component starts with "."`
		}
		if strings.HasSuffix(part, ".lock") {
			return `a component ends with ".lock"`
		}
	}
	return ""
}
