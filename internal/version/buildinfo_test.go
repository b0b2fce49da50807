package version

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	settings := func(kv ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{}
		for i := 0; i < len(kv); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return bi
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"nil build info gives nothing", nil, ""},
		{"no settings give nothing", settings(), ""},
		{"revision alone", settings("vcs", "git", "vcs.revision", hashA), hashA},
		{"clean tree", settings("vcs.revision", hashA, "vcs.modified", "false"), hashA},
		{"modified tree is dirty", settings("vcs.modified", "true", "vcs.revision", hashA), hashA + "-dirty"},
		{"modified without revision gives nothing", settings("vcs.modified", "true"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FromBuildInfo(tt.bi); got != tt.want {
				t.Errorf("FromBuildInfo() = %q, want %q", got, tt.want)
			}
		})
	}
}
