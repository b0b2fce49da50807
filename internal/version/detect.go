package version

import (
	"runtime/debug"
	"strings"
)

// Source says where a version came from, so the dashboard can show whether a version was set by
// hand or guessed.
type Source string

// The sources, in the order Detect tries them.
const (
	SourceAppVersion Source = "APP_VERSION"
	SourceGit        Source = "GIT"
	SourceBuildInfo  Source = "build info"
	SourceUnknown    Source = "unknown"
)

// Unknown is the version reported when no source has one.
const Unknown = "unknown"

// Detect picks the version of the running service.
//
// appVersion wins when it holds anything but white space (surrounding white space is dropped,
// since INI files and environment variables often carry some). gitDir "" means GIT is not
// configured. A configured GIT that cannot be read is an error, not a fall-through to the next
// source: the operator asked for it, so a wrong path or a broken repository is a configuration
// mistake they must hear about. info is normally debug.ReadBuildInfo; nil means that.
func Detect(appVersion, gitDir string, info func() (*debug.BuildInfo, bool)) (string, Source, error) {
	if v := strings.TrimSpace(appVersion); v != "" {
		return v, SourceAppVersion, nil
	}
	if gitDir != "" {
		v, err := FromGit(gitDir)
		if err != nil {
			return "", "", err
		}
		return v, SourceGit, nil
	}
	if info == nil {
		info = debug.ReadBuildInfo
	}
	if bi, ok := info(); ok {
		if v := FromBuildInfo(bi); v != "" {
			return v, SourceBuildInfo, nil
		}
	}
	return Unknown, SourceUnknown, nil
}
