package version

import "runtime/debug"

// FromBuildInfo returns the vcs.revision the Go toolchain recorded when it built the binary,
// with "-dirty" appended when the work tree had uncommitted changes (vcs.modified=true), so two
// different builds of the same commit are not mistaken for one. It returns "" when bi is nil or
// has no revision, as with `go run`, -buildvcs=false, or a build outside a repository.
func FromBuildInfo(bi *debug.BuildInfo) string {
	if bi == nil {
		return ""
	}
	var revision, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return ""
	}
	if modified == "true" {
		return revision + "-dirty"
	}
	return revision
}
