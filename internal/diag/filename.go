package diag

import "strings"

// FileName names a downloaded profile after its endpoint and version, in
// characters that are safe in any file system and header.
func FileName(endpoint, version string) string {
	clean := func(s string) string {
		var b strings.Builder
		dash := false
		for _, r := range s {
			ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_'
			if ok {
				b.WriteRune(r)
				dash = false
			} else if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
			if b.Len() >= 60 {
				break
			}
		}
		return strings.Trim(b.String(), "-.")
	}
	return "profile-" + clean(endpoint) + "-" + clean(version) + ".pb.gz"
}
