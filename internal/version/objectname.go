package version

import "strings"

const wantObjectName = "a 40- or 64-digit hex object name"

// parseObjectName accepts a SHA-1 (40 hex digits) or SHA-256 (64 hex digits) object name and
// returns it in lower case, the form git prints, so one commit always shows as one version.
func parseObjectName(s string) (string, bool) {
	if len(s) != 40 && len(s) != 64 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return "", false
		}
	}
	return strings.ToLower(s), true
}
